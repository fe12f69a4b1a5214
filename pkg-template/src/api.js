// The public API over the raw wasm exports: lazy, once-only instantiation,
// JSON text from wasm into plain objects, and every failure into an EvsError.
// The build turns this file into an ES module and a CommonJS module; it must
// keep its single `export { ... }` line at the end and import nothing.

const BRAND = Symbol.for('evs-snapshots.EvsError');
const FIELDS = ['kind', 'status', 'code', 'errorType', 'requestId', 'retryable'];

/** Every failure of this package: see CONTRACT.md "Errors". */
class EvsError extends Error {
  constructor(fields) {
    super(fields.message);
    Object.defineProperty(this, BRAND, { value: true });
    this.name = 'EvsError';
    for (const f of FIELDS) if (fields[f] !== undefined) this[f] = fields[f];
    if (this.retryable === undefined) this.retryable = false;
  }

  /** Also true for an EvsError from another copy of this package. */
  static [Symbol.hasInstance](value) {
    return value != null && value[BRAND] === true;
  }

  toJSON() {
    const out = { name: this.name, kind: this.kind, message: this.message };
    for (const f of FIELDS) if (this[f] !== undefined) out[f] = this[f];
    return out;
  }
}

/** What the wasm layer rejects with (JSON text) into an EvsError. */
function toError(e) {
  if (e instanceof EvsError) return e;
  if (typeof e === 'string') {
    try {
      return new EvsError(JSON.parse(e));
    } catch {
      // not ours: fall through
    }
  }
  // Not expected: the core does not throw. Kept an EvsError all the same.
  const msg = e && e.message ? e.message : String(e);
  return new EvsError({ kind: 'invalid_response', message: `internal error: ${msg}`, retryable: false });
}

function createApi(load, io) {
  let loaded = null;

  /** The wasm exports, instantiated once; a failed load is tried again next call. */
  function wasm() {
    if (!loaded) {
      loaded = Promise.resolve()
        .then(load)
        .catch((err) => {
          loaded = null;
          throw new EvsError({
            kind: 'network',
            message: `could not load the evs-snapshots WebAssembly module: ${err && err.message ? err.message : err}`,
            retryable: true,
          });
        });
    }
    return loaded;
  }

  async function ready() {
    await wasm();
  }

  /** Runs one raw export and parses its JSON text; any failure becomes an EvsError. */
  async function call(run) {
    const w = await wasm();
    try {
      return JSON.parse(await run(w));
    } catch (e) {
      throw toError(e);
    }
  }

  const getSnapshot = (config, snapshotId) => call((w) => w.get_snapshot(io, config, snapshotId));
  const listSnapshots = (config, options) => call((w) => w.list_snapshots(io, config, options));
  const signRequest = (request, credentials, date) => call((w) => w.sign_request(io, request, credentials, date));

  async function* paginateSnapshots(config, options) {
    const w = await wasm();
    const pager = w.new_pager(io, config, options);
    try {
      for (;;) {
        let text;
        try {
          text = await pager.next(io);
        } catch (e) {
          throw toError(e);
        }
        if (text === null) return;
        yield* JSON.parse(text).snapshots;
      }
    } finally {
      pager.free();
    }
  }

  return { getSnapshot, listSnapshots, paginateSnapshots, signRequest, ready };
}

export { createApi, EvsError };
