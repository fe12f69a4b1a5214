// The public API over the raw wasm exports: lazy, once-only instantiation,
// the caller's values described as JSON for the core, the attempt loop, and
// every failure as an EvsError.
//
// The core decides everything (core::call): what each attempt sends, what
// its outcome means, how long to wait before the next one, where paging goes
// next. This file only carries values across: it reads the caller's objects
// (a throwing getter reads as absent), runs `io.send` and `io.sleep`, and
// parses the core's answers, which are one letter and then JSON text:
// R request (S: one that does not depend on the time), O result, E error,
// W wait (ms), Q next page options, D done.
//
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

// The class keeps its name in the minified browser build too.
Object.defineProperty(EvsError, 'name', { value: 'EvsError' });

/** `E` + error JSON from the core into an EvsError. */
const failure = (text) => new EvsError(JSON.parse(text.slice(1)));

/** Anything else thrown on the way (not expected), still an EvsError. */
function toError(e) {
  if (e instanceof EvsError) return e;
  const msg = e && e.message ? e.message : String(e);
  return new EvsError({ kind: 'invalid_response', message: `internal error: ${msg}`, retryable: false });
}

// --- describing the caller's values (shapes: src/core/call.rs) -------------

function typeName(v) {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  if (t === 'object') return 'an object';
  return t === 'function' ? 'a function' : `a ${t}`; // bigint, symbol, string, number, boolean
}

const tag = (v) => ({ t: typeName(v) });
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function read(obj, key) {
  try {
    return obj[key];
  } catch {
    return undefined;
  }
}

/** A string, boolean or finite number as itself; absent as undefined; else a tag. */
function scalar(v) {
  if (v == null) return undefined;
  const t = typeof v;
  return t === 'string' || t === 'boolean' || (t === 'number' && Number.isFinite(v)) ? v : tag(v);
}

function fields(obj, names) {
  const out = {};
  for (const n of names) out[n] = scalar(read(obj, n));
  return out;
}

const AUTH = ['token', 'accessKey', 'secretKey', 'securityToken'];
const OPTIONS = ['marker', 'offset', 'limit', 'name', 'status', 'volumeId'];
const CONFIG = ['projectId', 'endpoint', 'region', 'timeoutMs', 'maxAttempts'];

const optional = (v, describe) => (v == null ? undefined : isObject(v) ? describe(v) : tag(v));

function headerPairs(h) {
  try {
    return Object.entries(h).map(([k, v]) => [k, scalar(v) ?? null]);
  } catch {
    return [];
  }
}

/** The config's description, and the fetch and signal the loop will use. */
function describeConfig(config, io) {
  if (!isObject(config)) return { desc: tag(config) };
  const desc = fields(config, CONFIG);
  desc.auth = optional(read(config, 'auth'), (a) => fields(a, AUTH));
  desc.headers = optional(read(config, 'headers'), headerPairs);
  desc.origin = io.origin;
  let fetchFn = read(config, 'fetch');
  if (fetchFn == null) {
    fetchFn = io.globalFetch;
    desc.fetch = typeof fetchFn === 'function' ? true : { t: 'none' };
  } else {
    desc.fetch = typeof fetchFn === 'function' ? true : tag(fetchFn);
  }
  let signal = read(config, 'signal');
  if (signal != null) {
    const ok = typeof signal === 'object' && typeof read(signal, 'aborted') === 'boolean' && typeof read(signal, 'addEventListener') === 'function';
    desc.signal = ok ? true : tag(signal);
    if (!ok) signal = undefined;
  }
  return { desc, fetchFn, signal };
}

const describeOptions = (options) => optional(options, (o) => fields(o, OPTIONS));

// --- the attempt loop ---------------------------------------------------------

const SHOW = 0;
const LIST = 1;
/** Static plans by config object, then kind of call (see run). */
const PLANS = new WeakMap();
const ABORTED = 3;
const EMPTY = new Uint8Array(0);

/** One call: attempts until the core says done or failed. Resolves to `O` + JSON. */
async function run(w, io, op, config, arg) {
  const { desc: configDesc, fetchFn, signal } = describeConfig(config, io);
  const desc = JSON.stringify({ config: configDesc, arg });
  const maxBytes = w.max_body_bytes();
  // A plan the core marks static (S: no AK/SK signature over the time) is
  // the same for the same description: kept with the caller's config object
  // (so it lives no longer than the secrets the caller already holds), one
  // per kind of call, and reused while the description is unchanged.
  const kept = isObject(config) ? PLANS.get(config) : undefined;
  for (let attempt = 1; ; attempt++) {
    let req = kept && kept[op] && kept[op].desc === desc ? kept[op].req : undefined;
    if (!req) {
      const plan = w.request(op, desc, io.now());
      if (plan[0] === 'E') throw failure(plan);
      req = JSON.parse(plan.slice(1));
      if (plan[0] === 'S' && isObject(config)) {
        const entry = PLANS.get(config) || [];
        entry[op] = { desc, req };
        PLANS.set(config, entry);
      }
    }
    const end = signal && signal.aborted ? { kind: ABORTED } : await io.send(fetchFn, req.url, req.headers, req.timeoutMs, signal, maxBytes);
    const step = w.settle_attempt(
      op,
      desc,
      attempt,
      end.kind,
      end.status || 0,
      end.requestId,
      end.retryAfter,
      end.body || EMPTY,
      !!end.truncated,
      end.message || '',
      io.now(),
      io.random(),
    );
    if (step[0] === 'O') return step;
    if (step[0] !== 'W') throw failure(step);
    // An abort during the wait ends the sleep early; the next round reports it.
    await io.sleep(Number(step.slice(1)), signal);
  }
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
          // The loader (load.js) tells the kind: `network` only when fetching
          // the .wasm over the network failed; anything else is not retryable.
          throw new EvsError({
            kind: (err && err.kind) || 'invalid_response',
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

  /** Runs `fn` on the loaded module; anything unexpected becomes an EvsError. */
  async function call(fn) {
    const w = await wasm();
    try {
      return JSON.parse((await fn(w)).slice(1));
    } catch (e) {
      throw toError(e);
    }
  }

  const getSnapshot = (config, snapshotId) => call((w) => run(w, io, SHOW, config, scalar(snapshotId)));
  const listSnapshots = (config, options) => call((w) => run(w, io, LIST, config, describeOptions(options)));

  const signRequest = (request, credentials, date) =>
    call((w) => {
      let body = EMPTY;
      let desc;
      if (isObject(request)) {
        desc = fields(request, ['method', 'url']);
        desc.headers = optional(read(request, 'headers'), headerPairs);
        const b = read(request, 'body');
        if (typeof b === 'string') body = new TextEncoder().encode(b);
        else if (b instanceof Uint8Array) body = b;
        else if (b != null) desc.body = tag(b);
      } else if (request !== undefined) {
        desc = tag(request);
      }
      let when;
      if (Object.prototype.toString.call(date) === '[object Date]') {
        const t = Date.prototype.getTime.call(date);
        when = Number.isFinite(t) ? t : { t: 'an invalid Date' };
      } else if (date != null) {
        when = tag(date);
      }
      const creds = credentials === undefined ? undefined : isObject(credentials) ? fields(credentials, AUTH) : tag(credentials);
      const out = w.sign_request(JSON.stringify({ request: desc, credentials: creds, date: when }), body, io.now());
      if (out[0] === 'E') throw failure(out);
      return out;
    });

  async function* paginateSnapshots(config, options) {
    const w = await wasm();
    let opts = describeOptions(options);
    for (;;) {
      let page;
      let next;
      try {
        page = JSON.parse((await run(w, io, LIST, config, opts)).slice(1));
        next = w.next_page_options(JSON.stringify(opts ?? null), page.snapshots.length, page.nextMarker ?? undefined);
      } catch (e) {
        throw toError(e);
      }
      if (next[0] === 'E') throw failure(next);
      yield* page.snapshots;
      if (next[0] === 'D') return;
      opts = JSON.parse(next.slice(1));
    }
  }

  return { getSnapshot, listSnapshots, paginateSnapshots, signRequest, ready };
}

export { createApi, EvsError };
