// Retries, timeouts, cancellation and broken answers, against the mock's
// fault switches. Timing bounds are loose on purpose: a busy 2-core machine
// must not make them flaky, and each test stops itself within seconds.
import { test } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { getSnapshot, listSnapshots, paginateSnapshots, EvsError } from 'evs-snapshots';
import { useMock } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';

const mock = useMock({}, { each: 'clear' });
let cfg;
const ID = SNAPSHOTS[0].id;

before(() => {
  cfg = { projectId: PROJECT_ID, endpoint: mock.apiUrl };
});

const apiCount = () => mock.requests().filter((r) => r.kind === 'api').length;
const elapsed = async (fn) => {
  const t0 = performance.now();
  const value = await fn().then(
    (v) => ({ v }),
    (e) => ({ e }),
  );
  return { ...value, ms: performance.now() - t0 };
};

/** The module survives: a normal call right after works. */
async function stillWorks() {
  mock.clearFaults();
  const s = await getSnapshot(cfg, ID);
  assert.equal(s.id, ID);
}

test('429 with Retry-After in seconds waits that long, then succeeds', async () => {
  mock.setFaults([{ match: { op: 'show' }, times: 1, status: 429, retryAfter: '1', json: { error_code: 'APIGW.0308', error_msg: 'throttled' } }]);
  const { v, e, ms } = await elapsed(() => getSnapshot(cfg, ID));
  assert.equal(e, undefined, e?.message);
  assert.equal(v.id, ID);
  assert.equal(apiCount(), 2);
  assert.ok(ms >= 950, `waited only ${ms} ms`);
  assert.ok(ms < 5000, `waited ${ms} ms`);
});

test('429 with Retry-After as an HTTP date waits until then', async () => {
  const at = new Date(Date.now() + 2000).toUTCString();
  mock.setFaults([{ match: { op: 'list' }, times: 1, status: 429, retryAfter: at }]);
  const { v, ms } = await elapsed(() => listSnapshots(cfg, { limit: 1 }));
  assert.equal(v.snapshots.length, 1);
  // HTTP dates have whole seconds: between 1 and 2 s from now.
  assert.ok(ms >= 900, `waited only ${ms} ms`);
  assert.ok(ms < 6000, `waited ${ms} ms`);
});

test('503 then success: retried with a short backoff', async () => {
  mock.setFaults([{ match: { op: 'show' }, times: 1, status: 503, body: '' }]);
  const { v, ms } = await elapsed(() => getSnapshot(cfg, ID));
  assert.equal(v.id, ID);
  assert.equal(apiCount(), 2);
  assert.ok(ms < 3000, `took ${ms} ms`);
});

test('500 until attempts run out: the last error, retryable, after maxAttempts requests', async () => {
  mock.setFaults([{ match: { op: 'show' }, times: 0, status: 500, json: { error: { message: 'internal boom', code: 'EVS.9999' } } }]);
  const { e } = await elapsed(() => getSnapshot({ ...cfg, maxAttempts: 4 }, ID));
  assert.ok(e instanceof EvsError);
  assert.equal(e.kind, 'http');
  assert.equal(e.status, 500);
  assert.equal(e.code, 'EVS.9999');
  assert.equal(e.retryable, true);
  assert.match(e.message, /internal boom/);
  assert.match(e.requestId, /^[0-9a-f]{32}$/);
  assert.equal(apiCount(), 4);
  await stillWorks();
});

test('maxAttempts 1 disables retries', async () => {
  mock.setFaults([{ match: { op: 'show' }, times: 0, status: 503 }]);
  const { e } = await elapsed(() => getSnapshot({ ...cfg, maxAttempts: 1 }, ID));
  assert.equal(e.status, 503);
  assert.equal(apiCount(), 1);
});

test('400 is not retried', async () => {
  mock.setFaults([{ match: { op: 'list' }, times: 0, status: 400, json: { badRequest: { message: 'bad thing', code: 'EVS.0002' } } }]);
  const { e } = await elapsed(() => listSnapshots(cfg));
  assert.equal(e.kind, 'http');
  assert.equal(e.errorType, 'badRequest');
  assert.equal(e.retryable, false);
  assert.equal(apiCount(), 1);
  await stillWorks();
});

test('connection refused: network, retried, retryable', async () => {
  // A port that was free a moment ago.
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const port = srv.address().port;
  await new Promise((r) => srv.close(r));
  const { e, ms } = await elapsed(() => listSnapshots({ projectId: PROJECT_ID, endpoint: `http://127.0.0.1:${port}`, maxAttempts: 2 }));
  assert.equal(e.kind, 'network');
  assert.equal(e.retryable, true);
  // Where it went and why (Node's cause), not a bare "fetch failed".
  assert.match(e.message, new RegExp(`^the request to http://127\\.0\\.0\\.1:${port} failed before a response: fetch failed \\(ECONNREFUSED\\) \\(after 2 attempts\\)$`));
  assert.ok(ms < 5000);
  await stillWorks();
});

test('a host that does not resolve says so', async () => {
  const { e } = await elapsed(() => listSnapshots({ projectId: PROJECT_ID, endpoint: 'http://no-such-host.invalid', maxAttempts: 1 }));
  assert.equal(e.kind, 'network');
  assert.match(e.message, /no-such-host\.invalid failed before a response: .*\((ENOTFOUND|EAI_AGAIN)\)/);
});

test('a reset connection is a network error', async () => {
  mock.setFaults([{ match: { op: 'show' }, times: 0, reset: true }]);
  const { e } = await elapsed(() => getSnapshot({ ...cfg, maxAttempts: 2 }, ID));
  assert.equal(e.kind, 'network');
  assert.equal(apiCount(), 2);
  await stillWorks();
});

test('per-attempt timeout: each attempt is cut, the call ends with timeout', async () => {
  mock.setFaults([{ match: { op: 'show' }, times: 0, delayMs: 3000 }]);
  const { e, ms } = await elapsed(() => getSnapshot({ ...cfg, timeoutMs: 200, maxAttempts: 2 }, ID));
  assert.equal(e.kind, 'timeout');
  assert.equal(e.retryable, true);
  assert.equal(apiCount(), 2);
  assert.ok(ms >= 380, `took only ${ms} ms`);
  assert.ok(ms < 2500, `took ${ms} ms`);
  await stillWorks();
});

test('a timeout then a quick answer succeeds', async () => {
  mock.setFaults([{ match: { op: 'show' }, times: 1, delayMs: 3000 }]);
  const { v, ms } = await elapsed(() => getSnapshot({ ...cfg, timeoutMs: 300 }, ID));
  assert.equal(v.id, ID);
  assert.ok(ms < 2500);
});

test('abort before the call: aborted, no request', async () => {
  const ac = new AbortController();
  ac.abort();
  const { e } = await elapsed(() => getSnapshot({ ...cfg, signal: ac.signal }, ID));
  assert.equal(e.kind, 'aborted');
  assert.equal(e.retryable, false);
  assert.equal(apiCount(), 0);
});

test('abort while waiting for the response ends the call at once', async () => {
  mock.setFaults([{ match: { op: 'show' }, times: 0, delayMs: 3000 }]);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 150);
  const { e, ms } = await elapsed(() => getSnapshot({ ...cfg, signal: ac.signal }, ID));
  assert.equal(e.kind, 'aborted');
  assert.ok(ms < 1500, `took ${ms} ms`);
  assert.equal(apiCount(), 1, 'no further attempt');
  await stillWorks();
});

test('abort while reading the body ends the call at once', async () => {
  mock.setFaults([{ match: { op: 'list' }, times: 0, stallBodyMs: 3000 }]);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 300);
  const { e, ms } = await elapsed(() => listSnapshots({ ...cfg, signal: ac.signal }));
  assert.equal(e.kind, 'aborted');
  assert.ok(ms < 2000, `took ${ms} ms`);
  await stillWorks();
});

test('a stalled body past the timeout is a timeout', async () => {
  mock.setFaults([{ match: { op: 'list' }, times: 0, stallBodyMs: 3000 }]);
  const { e, ms } = await elapsed(() => listSnapshots({ ...cfg, timeoutMs: 300, maxAttempts: 1 }));
  assert.equal(e.kind, 'timeout');
  assert.ok(ms < 2000, `took ${ms} ms`);
});

test('abort during the backoff sleep ends the call at once', async () => {
  mock.setFaults([{ match: { op: 'show' }, times: 0, status: 503, retryAfter: '10' }]);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 400);
  const { e, ms } = await elapsed(() => getSnapshot({ ...cfg, signal: ac.signal }, ID));
  assert.equal(e.kind, 'aborted');
  assert.ok(ms < 2000, `took ${ms} ms`);
  assert.equal(apiCount(), 1);
  await stillWorks();
});

test('abort while paginating rejects the pending next()', async () => {
  const ac = new AbortController();
  const seen = [];
  mock.setFaults([{ match: { op: 'list' }, times: 0, delayMs: 2000 }]);
  setTimeout(() => ac.abort(), 200);
  const err = await (async () => {
    for await (const s of paginateSnapshots({ ...cfg, signal: ac.signal }, { limit: 10 })) seen.push(s);
  })().catch((e) => e);
  assert.equal(err.kind, 'aborted');
  assert.equal(seen.length, 0);
});

test('hostile bodies on 200 are invalid_response with a readable message', async () => {
  const cases = [
    [{ html: true, status: 200 }, /not valid JSON/],
    [{ status: 200, body: '' }, /empty/],
    [{ truncate: true }, /(not valid JSON|network|terminated|closed)/i],
    [{ status: 200, json: { snapshot: { id: 5 } } }, /id/],
    [{ status: 200, json: { unexpected: true } }, /"snapshot"/],
    [{ status: 200, bodyBase64: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64') }, /UTF-8/],
    [{ status: 200, body: '['.repeat(100000) }, /nested too deeply|not valid JSON|expected a snapshot object/],
    [{ status: 200, json: { error: { message: 'really an error', code: 'EVS.1' } } }, /really an error/],
  ];
  for (const [fault, pattern] of cases) {
    mock.setFaults([{ match: { op: 'show' }, times: 0, ...fault }]);
    const { e } = await elapsed(() => getSnapshot({ ...cfg, maxAttempts: 1 }, ID));
    assert.ok(e instanceof EvsError, JSON.stringify(fault));
    if (fault.truncate) assert.ok(['invalid_response', 'network'].includes(e.kind), `${e.kind}: ${e.message}`);
    else assert.equal(e.kind, 'invalid_response', `${JSON.stringify(fault).slice(0, 80)}: ${e.kind} ${e.message}`);
    assert.match(e.message, pattern);
    await stillWorks();
  }
});

test('error bodies: HTML page, empty, truncated JSON, gateway shape', async () => {
  const cases = [
    [{ status: 502, html: true }, { kind: 'http', status: 502 }, /HTML/],
    [{ status: 404, body: '' }, { kind: 'http', status: 404 }, /empty body/],
    [{ status: 404, body: '{"itemNotFound": {"mess' }, { kind: 'http', status: 404 }, /^EVS answered HTTP 404 Not Found with a JSON body cut short: \{"itemNotFound": \{"mess$/],
    [{ status: 401, json: { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information' } }, { code: 'APIGW.0301', status: 401 }, /Incorrect IAM/],
    [{ status: 403, json: { forbidden: { message: 'no', code: 403 } } }, { code: '403', errorType: 'forbidden' }, /^no$/],
  ];
  for (const [fault, fields, pattern] of cases) {
    mock.setFaults([{ match: { op: 'show' }, times: 0, ...fault }]);
    const { e } = await elapsed(() => getSnapshot({ ...cfg, maxAttempts: 1 }, ID));
    for (const [k, v] of Object.entries(fields)) assert.equal(e[k], v, `${k} for ${JSON.stringify(fault)}`);
    assert.match(e.message, pattern);
    assert.match(e.requestId, /^[0-9a-f]{32}$/);
  }
  await stillWorks();
});

test('a 50 MB body is refused without reading it all into wasm', async () => {
  mock.setFaults([{ match: { op: 'list' }, times: 1, bodyBytes: 50 * 1024 * 1024 }]);
  const { e, ms } = await elapsed(() => listSnapshots({ ...cfg, maxAttempts: 1 }));
  assert.equal(e.kind, 'invalid_response');
  assert.match(e.message, /larger than 16 MiB/);
  assert.ok(ms < 20000);
  await stillWorks();
});

test('200 concurrent calls all resolve correctly', async () => {
  const ids = SNAPSHOTS.slice(0, 200).map((s) => s.id);
  const got = await Promise.all(ids.map((id) => getSnapshot(cfg, id)));
  assert.deepEqual(got.map((s) => s.id), ids);
});

// gloo-net 0.7 panics (unreachable!) when a fetch rejection is not an Error;
// a panic in wasm would leave the call unsettled and the module dead. The
// shell never hands such a value to gloo-net: each of these ends in the
// CONTRACT's kind, and the module keeps working.
test('a caller signal aborted with a reason that is not an Error: aborted, and the module survives', async () => {
  for (const reason of ['a string reason', undefined, 42, null, { not: 'an error' }]) {
    // Aborted before the call.
    const before = new AbortController();
    before.abort(reason);
    const { e: e1 } = await elapsed(() => getSnapshot({ ...cfg, signal: before.signal }, ID));
    assert.ok(e1 instanceof EvsError, `${String(reason)}: ${e1}`);
    assert.equal(e1.kind, 'aborted', String(reason));
    // Aborted while the request is in flight.
    mock.setFaults([{ match: { op: 'show' }, times: 1, delayMs: 2000 }]);
    const during = new AbortController();
    setTimeout(() => during.abort(reason), 100);
    const { e: e2, ms } = await elapsed(() => getSnapshot({ ...cfg, signal: during.signal }, ID));
    assert.ok(e2 instanceof EvsError, `${String(reason)}: ${e2}`);
    assert.equal(e2.kind, 'aborted', String(reason));
    assert.ok(ms < 1500, `took ${ms} ms`);
    // Aborted while reading the body.
    mock.setFaults([{ match: { op: 'list' }, times: 1, stallBodyMs: 2000 }]);
    const reading = new AbortController();
    setTimeout(() => reading.abort(reason), 200);
    const { e: e3 } = await elapsed(() => listSnapshots({ ...cfg, signal: reading.signal }));
    assert.equal(e3.kind, 'aborted', String(reason));
    await stillWorks();
  }
});

test('a custom fetch that throws or rejects with a non-Error, or returns a non-Response: network, and the module survives', async () => {
  const cases = [
    ['throws a string', () => { throw 'no network here'; }, /no network here/],
    ['rejects with null', () => Promise.reject(null), /null|fetch failed/],
    ['rejects with undefined', () => Promise.reject(undefined), /undefined|fetch failed/],
    ['rejects with 42', () => Promise.reject(42), /42|fetch failed/],
    ['returns 42', () => 42, /not a Response/],
    ['returns a plain object', () => ({}), /not a Response/],
    ['returns null', async () => null, /not a Response/],
    ['a Response-like whose body read rejects with a string', async () => ({ status: 200, headers: new Headers(), arrayBuffer: () => Promise.reject('gone') }), /gone/],
  ];
  for (const [what, fetchFn, pattern] of cases) {
    const { e } = await elapsed(() => getSnapshot({ ...cfg, fetch: fetchFn, maxAttempts: 2 }, ID));
    assert.ok(e instanceof EvsError, `${what}: ${e}`);
    assert.equal(e.kind, 'network', `${what}: ${e.kind} ${e.message}`);
    assert.equal(e.retryable, true, what);
    assert.match(e.message, pattern, what);
    await stillWorks();
  }
});
