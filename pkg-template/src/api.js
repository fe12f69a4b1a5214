// What JavaScript must do itself, around the wasm module's exports: load the
// module once, lazily; turn the module's error objects into EvsError (one
// class for `import` and `require`); and wrap the paging walk in an async
// iterator. Everything else (reading the arguments, requests, signing,
// fetch, timeouts, retries, reading responses, paging decisions) is the
// Rust code's, in src/.
//
// The build turns this file into an ES module and a CommonJS module; it must
// keep its single `export { ... }` line at the end and import nothing.

const BRAND = Symbol.for('evs-snapshots.EvsError');
const FIELDS = ['kind', 'status', 'code', 'errorType', 'requestId', 'retryable', 'snapshot'];

/** Every failure of this package: see docs/contract.md "Errors". */
class EvsError extends Error {
  constructor(fields) {
    super(fields.message);
    Object.defineProperty(this, BRAND, { value: true });
    this.name = 'EvsError';
    for (const f of FIELDS) if (fields[f] !== undefined) this[f] = fields[f];
    if (this.retryable === undefined) this.retryable = false;
  }

  /**
   * The class keeps its name in the minified browser build too; a getter,
   * not a statement after the class, so that a build which does not use the
   * class drops it.
   */
  static get name() {
    return 'EvsError';
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

/**
 * What the module rejected with, as an EvsError: its error objects
 * (`{ kind, message, ... }`, plain objects) become one; anything else (not
 * expected: a trap of the module) is reported, not passed on raw.
 */
function toError(e) {
  if (e instanceof EvsError) return e;
  if (e !== null && typeof e === 'object' && !(e instanceof Error) && typeof e.kind === 'string') return new EvsError(e);
  const msg = e && e.message ? e.message : String(e);
  return new EvsError({ kind: 'invalid_response', message: `internal error in evs-snapshots: ${msg}`, retryable: false });
}

function createApi(load) {
  let loaded = null;
  /** The exports once loaded: calls after the first skip the await. */
  let instance = null;

  /** The wasm exports, instantiated once; a failed load is tried again next call. */
  function wasm() {
    if (!loaded) {
      loaded = Promise.resolve()
        .then(load)
        .then((w) => {
          // Errors handed to callbacks (onAttempt) are EvsErrors too.
          w.setErrorFactory((fields) => new EvsError(fields));
          return (instance = w);
        })
        .catch((err) => {
          loaded = null;
          // `load` (docs/contract.md "Errors"); the loader (load.js) tells whether
          // it is retryable: only when fetching the .wasm over the network
          // failed.
          throw new EvsError({
            kind: 'load',
            message: `could not load the evs-snapshots WebAssembly module: ${err && err.message ? err.message : err}`,
            retryable: Boolean(err && err.retryable),
          });
        });
    }
    return loaded;
  }

  async function ready() {
    await wasm();
  }

  /** Runs one export of the module; its failures become EvsErrors. */
  async function call(name, args) {
    const w = instance ?? (await wasm());
    try {
      return await w[name](...args);
    } catch (e) {
      throw toError(e);
    }
  }

  const getSnapshot = (config, snapshotId) => call('getSnapshot', [config, snapshotId]);
  const listSnapshots = (config, options) => call('listSnapshots', [config, options]);
  const waitForSnapshot = (config, snapshotId, options) => call('waitForSnapshot', [config, snapshotId, options]);
  const signRequest = (request, credentials, date) => call('signRequest', [request, credentials, date]);

  /** Pages from the module's SnapshotWalk, one at a time, yielded one snapshot at a time. */
  async function* paginateSnapshots(config, options) {
    const w = await wasm();
    const walk = new w.SnapshotWalk(config, options);
    try {
      for (;;) {
        let page;
        try {
          page = await walk.next();
        } catch (e) {
          throw toError(e);
        }
        if (page === null) return;
        yield* page;
      }
    } finally {
      walk.free();
    }
  }

  return { getSnapshot, listSnapshots, paginateSnapshots, waitForSnapshot, signRequest, ready };
}

export { createApi, EvsError, toError };
