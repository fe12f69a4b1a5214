#!/usr/bin/env node
// A property test of the exported functions (docs/contract.md "Every call
// settles"): random JavaScript values for every argument, getters and
// Proxies that throw included, and a random hostile fetch behind every
// call. The properties: every call settles, within its bound, as a result
// or an EvsError of a known kind; nothing escapes into the host (no
// uncaught exception, no unhandled rejection, no warning); the module keeps
// working (a sound call after each batch) and its memory stays bounded.
//
// No request leaves the process: every config that can send is given one of
// the fetches below, never the global one.
//
// Usage: node fuzz/values.mjs [--seconds N] [--seed S]   (default 10 s; make fuzz runs 600)
import * as pkg from 'evs-snapshots';
// The glue module the package's `import` entry runs, for its memory size.
import * as raw from '../pkg/lib/evs_snapshots_node.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const SECONDS = opt('--seconds', 10);
const SEED = opt('--seed', Date.now() % 1e9);
const KINDS = new Set(['invalid_input', 'http', 'network', 'timeout', 'aborted', 'invalid_response']);

// --- a seeded PRNG (mulberry32), so a failure can be replayed by its seed -----
let state = SEED >>> 0;
function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rand() * n);
const pick = (xs) => xs[int(xs.length)];
const chance = (p) => rand() < p;

const boom = () => {
  throw pick([new Error('boom'), 'a string', 42, null, undefined, Symbol('s'), { message: 7 }, new Proxy({}, { get: () => { throw new Error('inner'); } })]);
};

const STRINGS = ['', 'p1', 'snap-1', 'a/b', '..', '.', 'a?b', '#', 'x'.repeat(300), '中'.repeat(90), 'a\nb', 'a\u0000', '\u2603', 'a\u007fb', 'http://127.0.0.1:1', 'https://evs.example.invalid', '/evs', 'ap-southeast-1', 'AP_1', '=HYPERLINK("x")', '__proto__', 'constructor', ' padded '];
const NUMBERS = [0, -1, 1, 2.5, 1000, 1001, 2 ** 31, 2 ** 53, NaN, Infinity, -0, 1e300, 65736, 200.5, 429, 503];
const KEYS = ['projectId', 'endpoint', 'region', 'auth', 'headers', 'timeoutMs', 'maxAttempts', 'signal', 'fetch', 'token', 'accessKey', 'secretKey', 'securityToken', 'marker', 'offset', 'limit', 'name', 'status', 'volumeId', 'volume_id', 'method', 'url', 'body', '__proto__', 'X-Trace', 'x-sdk-date', 'Authorization', 'ak'];

/** A random value, `depth` levels deep at most. */
function value(depth = 2) {
  switch (int(depth > 0 ? 16 : 9)) {
    case 0: return pick(STRINGS);
    case 1: return pick(NUMBERS);
    case 2: return pick([true, false, null, undefined]);
    case 3: return pick([1n, -5n, 2n ** 70n]);
    case 4: return Symbol('v');
    case 5: return () => 1;
    case 6: return new Date(pick([0, NaN, Date.now()]));
    case 7: return pick([new Uint8Array(3), new ArrayBuffer(2), new Map([['a', 1]]), new Set([1]), /x/]);
    case 8: return pick(STRINGS) + String(int(100));
    case 9: return object(depth - 1);
    case 10: return Array.from({ length: int(4) }, () => value(depth - 1));
    case 11: return proxy(object(depth - 1));
    case 12: return withGetter(object(depth - 1));
    case 13: return revoked();
    case 14: return new AbortController().signal;
    default: return object(depth - 1);
  }
}

function object(depth) {
  const o = chance(0.1) ? Object.create(null) : {};
  for (let i = int(5); i > 0; i--) {
    const k = pick(KEYS);
    if (k === '__proto__') Object.defineProperty(o, k, { value: value(depth), enumerable: true, configurable: true, writable: true });
    else o[k] = value(depth);
  }
  return o;
}

/** `o` with one key (not one of `keep`) made a getter, which may throw. */
function withGetter(o, keep = []) {
  Object.defineProperty(o, pick(KEYS.filter((k) => !keep.includes(k))), { get: chance(0.7) ? boom : () => value(0), enumerable: chance(0.8), configurable: true });
  return o;
}

function proxy(target) {
  const handler = {};
  for (const trap of ['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf']) if (chance(0.3)) handler[trap] = boom;
  if (chance(0.2)) handler.ownKeys = () => ['projectId', 'projectId'];
  return new Proxy(target, handler);
}

function revoked() {
  const { proxy: p, revoke } = Proxy.revocable({}, {});
  revoke();
  return p;
}

// --- hostile fetches ------------------------------------------------------------
const GOOD_SHOW = '{"snapshot": {"id": "snap-1", "size": 1, "metadata": {"__proto__": "x", "b": 1}}}';
const GOOD_LIST = '{"snapshots": [{"id": "a", "size": "2"}], "snapshots_links": [{"rel": "next", "href": "http://x/?marker=a"}]}';
const bodies = () => pick([GOOD_SHOW, GOOD_LIST, '', '{', 'null', '{"snapshots": 5}', '<html><title>x</title>', '{"error_msg": "token leaked", "error_code": "APIGW.0301"}', '[' .repeat(2000)]);
const stream = () =>
  pick([
    () => new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(bodies())); c.close(); } }),
    () => new ReadableStream({ start(c) { c.enqueue(pick([-1, 'x', Symbol('c'), null, {}, new Uint16Array(2), new Proxy(new Uint8Array(1), {})])); c.close(); } }),
    () => new ReadableStream({ pull(c) { c.enqueue(new Uint8Array(0)); } }),
    () => new ReadableStream({ pull: () => new Promise(() => {}) }),
    () => new ReadableStream({ start(c) { c.error(pick([new Error('e'), 'x', undefined])); } }),
    () => ({ getReader: boom }),
    () => ({ getReader: () => ({ read: pick([boom, () => 42, () => new Promise(() => {}), async () => ({ done: false, value: new Uint8Array(0) }), async () => pick([null, 1, { get done() { throw new Error('d'); } }])]), cancel: boom }) }),
    () => revoked(),
  ])();

function responseLike() {
  const r = {
    status: pick([200, 200, 200, 201, 204, 301, 307, 401, 404, 429, 503, 0, 65736, 200.5, -1, '200', undefined]),
    headers: pick([new Headers({ 'x-request-id': 'r', 'retry-after': pick(['0', '1', 'Mon, 01 Jan 2001 00:00:00 GMT', 'x']), 'content-length': pick(['10', '99999999999', 'x', '0']) }), {}, null, { get: boom }, revoked()]),
    body: chance(0.5) ? stream() : null,
    arrayBuffer: pick([async () => new TextEncoder().encode(bodies()).buffer, async () => -1, () => 7, () => new Promise(() => {}), boom, undefined, () => ({ get then() { throw new Error('t'); } })]),
    type: pick(['basic', 'opaqueredirect', undefined]),
  };
  return chance(0.2) ? withGetter(r) : chance(0.1) ? proxy(r) : r;
}

const fetches = [
  () => async () => new Response(bodies(), { status: pick([200, 401, 404, 503]) }),
  () => async () => responseLike(),
  () => () => responseLike(),
  () => () => new Promise(() => {}),
  () => boom,
  () => async () => { throw pick([new TypeError('fetch failed'), 'x', undefined, revoked()]); },
  () => async () => pick([null, 42, 'x', {}, revoked(), Symbol('f')]),
  () => () => ({ then: boom }),
];

/** A config that sends only through a fetch of ours. */
function config() {
  const base = { projectId: pick(['p1', 'p1', '', 5]), endpoint: pick(['http://127.0.0.1:9/evs', '/evs', 'http://[::1]:1', 5]) };
  const extra = chance(0.7) ? object(2) : {};
  // The time bounds stay small (or invalid), so that every call's bound is
  // known: 2 attempts of at most 50 ms, and a Retry-After of at most 1 s.
  const c = { ...extra, ...base, timeoutMs: pick([20, 30, 50, 50, 0, -1, 2.5, '5']), maxAttempts: pick([1, 2, 2, 0, 1.5]), fetch: pick(fetches)() };
  if (chance(0.2)) c.auth = pick([{ token: pick(STRINGS) }, { accessKey: 'AK', secretKey: pick(STRINGS), securityToken: pick(STRINGS) }, value(1)]);
  if (chance(0.2)) c.signal = pick([AbortSignal.abort(), new AbortController().signal, { aborted: false, addEventListener: boom, removeEventListener: boom }, { get aborted() { throw new Error('a'); }, addEventListener() {} }, withGetter({ aborted: false, addEventListener() {} })]);
  if (typeof c.fetch !== 'function') c.fetch = fetches[0]();
  // The time bounds are not made getters: a hidden one would mean defaults.
  if (chance(0.15)) return withGetter(c, ['timeoutMs', 'maxAttempts']);
  if (chance(0.15)) return proxy(c);
  return c;
}

const escaped = [];
process.on('uncaughtException', (e) => escaped.push(`uncaught: ${e?.stack ?? e}`));
process.on('unhandledRejection', (e) => escaped.push(`unhandled rejection: ${e?.stack ?? e}`));
process.on('warning', (w) => escaped.push(`warning: ${w.name}: ${w.message}`));

/** One random call: which export, its arguments, and its bound in ms. */
function oneCall() {
  const cfg = config();
  switch (int(5)) {
    case 0: return ['getSnapshot', () => pkg.getSnapshot(cfg, chance(0.7) ? 'snap-1' : value(1))];
    case 1: return ['listSnapshots', () => pkg.listSnapshots(cfg, chance(0.3) ? undefined : chance(0.5) ? { limit: pick([1, 50, 0]), marker: pick(['m', 5]) } : value(2))];
    case 2:
      return ['paginateSnapshots', async () => {
        let n = 0;
        for await (const s of pkg.paginateSnapshots(cfg, chance(0.5) ? { limit: 1 } : value(2))) if (++n > 3 || !s) break;
      }];
    case 3:
      // createProxy (issue 26): its options checked at once (a throw is an
      // invalid_input EvsError), then one request through handle, which
      // always answers with a Response.
      return ['createProxy', async () => {
        const plain = () => ({
          ...(chance(0.2) ? object(1) : {}),
          // Mostly a sound config (a hostile fetch behind it), so that requests get through.
          config: chance(0.3) ? cfg : { projectId: 'p1', endpoint: 'http://127.0.0.1:9', timeoutMs: pick([20, 50]), fetch: pick(fetches)(), ...(chance(0.5) ? { auth: { accessKey: 'AK', secretKey: 'SK-0123456789abcdef' } } : {}) },
          basePath: pick(['/evs', '/evs', '/evs', '/', 'evs', 5, undefined]),
          allowOrigins: pick([undefined, undefined, undefined, ['http://127.0.0.1:1'], ['*'], 'x', [5]]),
          authorize: pick([undefined, undefined, () => true, () => false, boom, async () => pick([true, false, 'yes']), () => new Promise(() => {}), () => ({ then: boom }), 5]),
        });
        const options = chance(0.2) ? value(2) : chance(0.1) ? withGetter(plain()) : plain();
        const proxy = pkg.createProxy(options);
        const path = pick(['/evs/v2/p1/snapshots?limit=1', '/evs/v2/p1/snapshots?limit=x&a=%FF', '/evs/v2/p1/cloudsnapshots/snap-1', '/evs/v2/other/snapshots', '/x', '/evs/v2/p1/cloudsnapshots/%2e%2e', '/evs/v2//p1/snapshots;x']);
        const headers = chance(0.3) ? { Origin: pick(['http://127.0.0.1:1', 'https://evil.example', 'null']), 'Sec-Fetch-Site': pick(['cross-site', 'same-origin']) } : {};
        const res = await proxy.handle(new Request(`http://127.0.0.1:1${path}`, { method: pick(['GET', 'GET', 'HEAD', 'POST', 'OPTIONS']), headers }));
        if (!(res instanceof Response) || res.status < 200 || res.status > 599) throw new Error(`handle answered ${res}`);
        await res.arrayBuffer();
      }];
    default:
      return ['signRequest', () => pkg.signRequest(chance(0.6) ? { method: pick(['GET', 5]), url: pick(['https://iam.example.invalid/v3?b=1&a=2', '/x', 5]), headers: chance(0.5) ? object(1) : value(1), body: value(0) } : value(2), chance(0.6) ? { accessKey: 'AK', secretKey: pick(STRINGS) } : value(2), chance(0.5) ? undefined : value(0))];
  }
}

await pkg.ready();
const start = Date.now();
const memoryStart = raw.memory_bytes();
let calls = 0;
const failures = [];
const fail = (m) => failures.length < 20 && failures.push(m);
while (Date.now() - start < SECONDS * 1000 && failures.length === 0 && escaped.length === 0) {
  // A batch at once, as a page would make them.
  const batch = Array.from({ length: 16 }, oneCall);
  await Promise.all(
    batch.map(async ([name, run]) => {
      const t0 = Date.now();
      let bound;
      // At most 4 pages of 2 attempts of 50 ms and a 1 s Retry-After: 5 s, and
      // as much again for a busy machine.
      const limit = new Promise((resolve) => (bound = setTimeout(() => resolve('unsettled'), 10000)));
      const outcome = await Promise.race([
        Promise.resolve().then(run).then(() => 'resolved', (e) => (e instanceof pkg.EvsError && KINDS.has(e.kind) && typeof e.message === 'string' ? 'rejected' : `not an EvsError: ${e?.name} ${e?.kind} ${e?.message ?? e}`)),
        limit,
      ]);
      clearTimeout(bound);
      calls++;
      if (outcome !== 'resolved' && outcome !== 'rejected') fail(`${name}: ${outcome} after ${Date.now() - t0} ms (seed ${SEED})`);
    }),
  );
  // The module still works.
  const ok = await pkg.signRequest({ method: 'GET', url: 'https://iam.example.invalid/v3' }, { accessKey: 'AK', secretKey: 'SK' }, new Date(0)).then((s) => s.headers['X-Sdk-Date'] === '19700101T000000Z', (e) => e.message);
  if (ok !== true) fail(`the module stopped working: ${ok} (seed ${SEED})`);
}
const grown = raw.memory_bytes() - memoryStart;
if (grown > 32 * 1024 * 1024) fail(`wasm memory grew by ${grown} bytes over ${calls} calls`);
for (const e of [...escaped, ...failures]) console.error(e);
console.log(`fuzz values: ${calls} calls in ${((Date.now() - start) / 1000).toFixed(1)} s, seed ${SEED}, wasm memory +${(grown / 1024).toFixed(0)} KB`);
const failed = escaped.length + failures.length;
console.log(`${failed ? 0 : 1} passed, ${failed ? 1 : 0} failed`);
// Pending timers of never-settling fetches and stalled streams would keep
// the process alive for no reason.
process.exit(failed ? 1 : 0);
