// The built package, imported by name (ESM), against the mock EVS service.
// Expected values come from the mock's seed data read by the independent
// reference in tests/helpers/reference.mjs, never from the package itself.
import { test } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { getSnapshot, listSnapshots, paginateSnapshots, ready, EvsError } from 'evs-snapshots';
import { useMock, mockFor } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';
import { normalizeSnapshot, sortWire } from '../helpers/reference.mjs';

const mock = useMock();
let cfg;
const ALL = sortWire(SNAPSHOTS).map(normalizeSnapshot);
const STATUSES = ['creating', 'available', 'error', 'deleting', 'error_deleting', 'rollbacking', 'backing-up'];

before(() => {
  cfg = { projectId: PROJECT_ID, endpoint: mock.apiUrl };
});

const apiRequests = () => mock.requests().filter((r) => r.kind === 'api');

async function rejects(promise, fields) {
  const err = await promise.then(
    () => assert.fail('expected a rejection'),
    (e) => e,
  );
  assert.ok(err instanceof EvsError, `not an EvsError: ${err}`);
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'EvsError');
  for (const [k, v] of Object.entries(fields)) {
    if (v instanceof RegExp) assert.match(String(err[k]), v, k);
    else assert.equal(err[k], v, k);
  }
  return err;
}

test('the seed data is what the issue asks for', () => {
  assert.ok(SNAPSHOTS.length >= 250);
  assert.ok(new Set(SNAPSHOTS.map((s) => s.volume_id)).size >= 10);
  for (const st of STATUSES) assert.ok(SNAPSHOTS.some((s) => s.status === st), st);
  assert.ok(SNAPSHOTS.some((s) => /\p{Script=Han}/u.test(s.name ?? '')));
  assert.ok(SNAPSHOTS.some((s) => / /.test(s.name ?? '')));
  assert.ok(SNAPSHOTS.some((s) => s.metadata && '__system__enableActive' in s.metadata));
  assert.ok(SNAPSHOTS.some((s) => /t/.test(s.created_at ?? '') && !/T/.test(s.created_at)));
});

test('ready() instantiates once and resolves to undefined', async () => {
  assert.equal(await ready(), undefined);
  assert.equal(await ready(), undefined);
});

test('getSnapshot returns the plain Snapshot, extended attributes included', async () => {
  for (const wire of [SNAPSHOTS[0], SNAPSHOTS.find((s) => s.status === 'creating'), SNAPSHOTS.find((s) => 'update_at' in s)].filter(Boolean)) {
    const got = await getSnapshot(cfg, wire.id);
    const want = normalizeSnapshot(wire);
    want.projectId = PROJECT_ID;
    assert.equal(typeof got.progress, 'number');
    assert.ok(got.progress >= 0 && got.progress <= 100);
    if (wire.status !== 'creating') assert.equal(got.progress, 100);
    delete got.progress;
    assert.deepEqual(got, want);
    assert.equal(Object.getPrototypeOf(got.metadata), Object.prototype);
    assert.deepEqual(JSON.parse(JSON.stringify(got)), got);
    // Timestamps: new Date(s) is the instant, and round-trips exactly.
    if (got.createdAt) assert.equal(new Date(got.createdAt).toISOString(), got.createdAt);
  }
});

test('listSnapshots with no options returns everything, newest first', async () => {
  const page = await listSnapshots(cfg);
  assert.equal(page.snapshots.length, ALL.length);
  assert.deepEqual(page.snapshots.map((s) => s.id), ALL.map((s) => s.id));
  assert.deepEqual(page.snapshots, ALL);
  assert.equal(page.nextMarker, null);
});

test('limit gives a page and a marker; the marker gives the next page', async () => {
  const p1 = await listSnapshots(cfg, { limit: 10 });
  assert.deepEqual(p1.snapshots, ALL.slice(0, 10));
  assert.equal(p1.nextMarker, ALL[9].id);
  const p2 = await listSnapshots(cfg, { limit: 10, marker: p1.nextMarker });
  assert.deepEqual(p2.snapshots, ALL.slice(10, 20));
  const p3 = await listSnapshots(cfg, { limit: 10, offset: 5 });
  assert.deepEqual(p3.snapshots, ALL.slice(5, 15));
});

test('paging to the end with nextMarker visits every snapshot once', async () => {
  const seen = [];
  let marker;
  let pages = 0;
  do {
    const page = await listSnapshots(cfg, { limit: 25, marker });
    seen.push(...page.snapshots.map((s) => s.id));
    marker = page.nextMarker ?? undefined;
    pages++;
    assert.ok(pages < 100, 'runaway paging');
  } while (marker);
  assert.deepEqual(seen, ALL.map((s) => s.id));
});

test('each filter narrows to exactly the matching snapshots', async () => {
  for (const status of STATUSES) {
    const page = await listSnapshots(cfg, { status });
    assert.deepEqual(page.snapshots.map((s) => s.id), ALL.filter((s) => s.status === status).map((s) => s.id), status);
  }
  const names = [...new Set(SNAPSHOTS.map((s) => s.name).filter((n) => typeof n === 'string' && /[ +&=%/\p{Script=Han}]/u.test(n)))];
  assert.ok(names.length >= 3, 'names with spaces, reserved characters and Chinese');
  for (const name of names) {
    const page = await listSnapshots(cfg, { name });
    const want = ALL.filter((s) => s.name === name).map((s) => s.id);
    assert.ok(want.length >= 1);
    assert.deepEqual(page.snapshots.map((s) => s.id), want, name);
  }
  const volumeId = SNAPSHOTS[3].volume_id;
  const page = await listSnapshots(cfg, { volumeId, status: 'available' });
  assert.deepEqual(page.snapshots.map((s) => s.id), ALL.filter((s) => s.volumeId === volumeId && s.status === 'available').map((s) => s.id));
  const none = await listSnapshots(cfg, { name: 'no such snapshot 不存在' });
  assert.deepEqual(none, { snapshots: [], nextMarker: null });
});

test('query values reach the server exactly as given', async () => {
  mock.clearRequests();
  await listSnapshots(cfg, { name: 'a b+c&d=e%f/快', status: 'available', limit: 3 });
  const [r] = apiRequests();
  assert.equal(r.query, 'limit=3&name=a%20b%2Bc%26d%3De%25f%2F%E5%BF%AB&status=available');
});

test('a name with a space or a plus over several pages: paginateSnapshots and the next links agree', async () => {
  for (const name of ['weekly backup', 'before upgrade', 'db+logs']) {
    const want = ALL.filter((s) => s.name === name).map((s) => s.id);
    assert.ok(want.length >= 6, `${name}: ${want.length} snapshots, several pages of 2`);
    mock.clearRequests();
    const ids = [];
    for await (const s of paginateSnapshots(cfg, { name, limit: 2 })) ids.push(s.id);
    assert.deepEqual(ids, want, name);
    const sent = apiRequests();
    assert.ok(sent.length >= 3, `${name}: ${sent.length} requests`);
    // The client writes a space as %20 and a plus as %2B on every page.
    const encoded = name.replaceAll(' ', '%20').replaceAll('+', '%2B');
    assert.ok(sent.every((r) => r.query.includes(`name=${encoded}`)), JSON.stringify(sent.map((r) => r.query)));
  }
  // The mock's next link writes the space as + (URLSearchParams); read back, it is the same filter.
  const first = await (await fetch(`${mock.apiUrl}/v2/${PROJECT_ID}/snapshots?limit=2&name=weekly%20backup`)).json();
  const href = first.snapshots_links[0].href;
  assert.match(href, /name=weekly\+backup/);
  const next = await (await fetch(`${mock.apiUrl}${new URL(href).pathname}${new URL(href).search}`)).json();
  assert.deepEqual(next.snapshots.map((s) => s.id), ALL.filter((s) => s.name === 'weekly backup').slice(2, 4).map((s) => s.id));
});

test('paginateSnapshots walks every page, one request per page, offset only first', async () => {
  mock.clearRequests();
  const ids = [];
  for await (const s of paginateSnapshots(cfg, { limit: 50, offset: 3 })) ids.push(s.id);
  assert.deepEqual(ids, ALL.slice(3).map((s) => s.id));
  const queries = apiRequests().map((r) => new URLSearchParams(r.query));
  assert.equal(queries.length, Math.ceil((ALL.length - 3) / 50) + ((ALL.length - 3) % 50 === 0 ? 1 : 0));
  assert.equal(queries[0].get('offset'), '3');
  assert.ok(queries.slice(1).every((q) => !q.has('offset') && q.get('marker')));
});

test('breaking out of paginateSnapshots sends no further request', async () => {
  mock.clearRequests();
  let n = 0;
  for await (const s of paginateSnapshots(cfg, { limit: 10 })) {
    assert.ok(s.id);
    if (++n === 15) break;
  }
  assert.equal(apiRequests().length, 2);
});

test('paginateSnapshots rejects its first next() on invalid input, with no request', async () => {
  mock.clearRequests();
  const it = paginateSnapshots(cfg, { limit: 0 })[Symbol.asyncIterator]();
  await rejects(it.next(), { kind: 'invalid_input', retryable: false });
  assert.equal(apiRequests().length, 0);
});

test('an unknown ID is an http error with the service message, code, type and request ID', async () => {
  mock.clearRequests();
  const err = await rejects(getSnapshot(cfg, 'no-such-snapshot'), { kind: 'http', status: 404, errorType: 'itemNotFound', retryable: false });
  assert.match(err.code, /^EVS\./);
  assert.match(err.message, /no-such-snapshot/);
  assert.match(err.requestId, /^[0-9a-f]{32}$/);
  assert.equal(apiRequests().length, 1, '404 is not retried');
  const json = JSON.parse(JSON.stringify(err));
  assert.equal(json.kind, 'http');
  assert.equal(json.requestId, err.requestId);
});

test('an unknown marker is a badRequest, not retried', async () => {
  mock.clearRequests();
  await rejects(listSnapshots(cfg, { marker: 'no-such-marker' }), { kind: 'http', status: 400, errorType: 'badRequest' });
  assert.equal(apiRequests().length, 1);
});

test('token auth: sent when configured, the gateway 401 when missing', async (t) => {
  const guarded = await mockFor(t, { token: 'tok-3f9a1c' });
  const base = { projectId: PROJECT_ID, endpoint: guarded.apiUrl };
  const page = await listSnapshots({ ...base, auth: { token: 'tok-3f9a1c' } }, { limit: 1 });
  assert.equal(page.snapshots.length, 1);
  assert.equal(guarded.requests().at(-1).headers['x-auth-token'], 'tok-3f9a1c');
  const err = await rejects(listSnapshots(base), { kind: 'http', status: 401, code: 'APIGW.0301', retryable: false });
  assert.equal(err.errorType, undefined);
  const wrong = await rejects(getSnapshot({ ...base, auth: { token: 'wrong-token-77' } }, SNAPSHOTS[0].id), { status: 401 });
  assert.ok(!JSON.stringify(wrong).includes('wrong-token-77'));
  assert.ok(!String(wrong).includes('wrong-token-77'));
});

test('extra headers are sent', async () => {
  mock.clearRequests();
  await listSnapshots({ ...cfg, headers: { 'X-Trace-Id': 'abc 123' } }, { limit: 1 });
  assert.equal(apiRequests()[0].headers['x-trace-id'], 'abc 123');
});

test('a config object changed between calls is read afresh each call', async () => {
  mock.clearRequests();
  const mine = { projectId: PROJECT_ID, endpoint: mock.apiUrl, headers: { 'X-Trace-Id': 'first' } };
  await getSnapshot(mine, SNAPSHOTS[0].id);
  await getSnapshot(mine, SNAPSHOTS[0].id);
  mine.headers = { 'X-Trace-Id': 'second' };
  await getSnapshot(mine, SNAPSHOTS[0].id);
  mine.auth = { token: 'tok-after-change' };
  await getSnapshot(mine, SNAPSHOTS[1].id);
  mine.projectId = 'a/b';
  await rejects(getSnapshot(mine, SNAPSHOTS[0].id), { kind: 'invalid_input' });
  const sent = apiRequests();
  assert.deepEqual(sent.map((r) => r.headers['x-trace-id']), ['first', 'first', 'second', 'second']);
  assert.equal(sent[3].headers['x-auth-token'], 'tok-after-change');
  assert.ok(sent[3].path.endsWith(`/cloudsnapshots/${SNAPSHOTS[1].id}`));
});

test('a custom fetch is used instead of the global one', async () => {
  const calls = [];
  // Called as fetch(request), with the Request the client built.
  const myFetch = (input, init) => {
    calls.push(input instanceof Request ? input.url : input);
    return fetch(input, init);
  };
  await getSnapshot({ ...cfg, fetch: myFetch }, SNAPSHOTS[1].id);
  assert.equal(calls.length, 1);
  assert.ok(calls[0].endsWith(`/cloudsnapshots/${SNAPSHOTS[1].id}`));
});

// docs/contract.md "Invalid input": each rejects with invalid_input and sends nothing.
const GOOD = () => ({ projectId: PROJECT_ID, endpoint: mock.apiUrl });
const INVALID = [
  ['config missing', () => getSnapshot(undefined, 'x')],
  ['config a string', () => getSnapshot('cfg', 'x')],
  ['projectId missing', () => getSnapshot({ endpoint: mock.apiUrl }, 'x')],
  ['projectId empty', () => getSnapshot({ ...GOOD(), projectId: '' }, 'x')],
  ['projectId a number', () => getSnapshot({ ...GOOD(), projectId: 42 }, 'x')],
  ['projectId with /', () => listSnapshots({ ...GOOD(), projectId: 'a/b' })],
  ['snapshotId missing', () => getSnapshot(GOOD())],
  ['snapshotId empty', () => getSnapshot(GOOD(), '')],
  ['snapshotId a number', () => getSnapshot(GOOD(), 7)],
  ['snapshotId with /', () => getSnapshot(GOOD(), 'a/b')],
  ['snapshotId with ?', () => getSnapshot(GOOD(), 'a?b')],
  ['snapshotId with #', () => getSnapshot(GOOD(), 'a#b')],
  ['snapshotId .', () => getSnapshot(GOOD(), '.')],
  ['snapshotId ..', () => getSnapshot(GOOD(), '..')],
  ['snapshotId with a control character', () => getSnapshot(GOOD(), 'a\u0000b')],
  ['limit 0', () => listSnapshots(GOOD(), { limit: 0 })],
  ['limit 1001', () => listSnapshots(GOOD(), { limit: 1001 })],
  ['limit 2.5', () => listSnapshots(GOOD(), { limit: 2.5 })],
  ['limit a numeric string', () => listSnapshots(GOOD(), { limit: '10' })],
  ['limit NaN', () => listSnapshots(GOOD(), { limit: NaN })],
  ['offset -1', () => listSnapshots(GOOD(), { offset: -1 })],
  ['offset 1.5', () => listSnapshots(GOOD(), { offset: 1.5 })],
  ['name over 255 bytes', () => listSnapshots(GOOD(), { name: '快'.repeat(86) })],
  ['marker a number', () => listSnapshots(GOOD(), { marker: 5 })],
  ['name a number', () => listSnapshots(GOOD(), { name: 5 })],
  ['status an object', () => listSnapshots(GOOD(), { status: {} })],
  ['volumeId a boolean', () => listSnapshots(GOOD(), { volumeId: true })],
  ['options a string', () => listSnapshots(GOOD(), 'limit=5')],
  ['no endpoint nor region', () => listSnapshots({ projectId: PROJECT_ID })],
  ['endpoint ftp:', () => listSnapshots({ projectId: PROJECT_ID, endpoint: 'ftp://x' })],
  ['endpoint with a query', () => listSnapshots({ projectId: PROJECT_ID, endpoint: `${mock.apiUrl}?a=1` })],
  ['endpoint with a fragment', () => listSnapshots({ projectId: PROJECT_ID, endpoint: `${mock.apiUrl}#f` })],
  ['endpoint a bare host', () => listSnapshots({ projectId: PROJECT_ID, endpoint: '127.0.0.1:8080' })],
  ['path endpoint in Node', () => listSnapshots({ projectId: PROJECT_ID, endpoint: '/evs' })],
  ['region upper case', () => listSnapshots({ projectId: PROJECT_ID, region: 'AP-Southeast-1' })],
  ['region with a dot', () => listSnapshots({ projectId: PROJECT_ID, region: 'evil.com/x' })],
  ['auth token empty', () => listSnapshots({ ...GOOD(), auth: { token: '' } })],
  ['auth accessKey empty', () => listSnapshots({ ...GOOD(), auth: { accessKey: '', secretKey: 'sk' } })],
  ['auth secretKey empty', () => listSnapshots({ ...GOOD(), auth: { accessKey: 'ak', secretKey: '' } })],
  ['auth securityToken empty', () => listSnapshots({ ...GOOD(), auth: { accessKey: 'ak', secretKey: 'sk', securityToken: '' } })],
  ['auth with nothing in it', () => listSnapshots({ ...GOOD(), auth: {} })],
  ['auth a string', () => listSnapshots({ ...GOOD(), auth: 'token' })],
  ['timeoutMs 0', () => listSnapshots({ ...GOOD(), timeoutMs: 0 })],
  ['timeoutMs 1.5', () => listSnapshots({ ...GOOD(), timeoutMs: 1.5 })],
  ['timeoutMs a string', () => listSnapshots({ ...GOOD(), timeoutMs: '1000' })],
  ['maxAttempts 0', () => listSnapshots({ ...GOOD(), maxAttempts: 0 })],
  ['maxAttempts -1', () => listSnapshots({ ...GOOD(), maxAttempts: -1 })],
  ['headers with a bad name', () => listSnapshots({ ...GOOD(), headers: { 'bad name': 'x' } })],
  ['headers with a number value', () => listSnapshots({ ...GOOD(), headers: { 'X-A': 1 } })],
  ['headers with a line break', () => listSnapshots({ ...GOOD(), headers: { 'X-A': 'a\r\nX-B: b' } })],
  ['headers with a character fetch cannot send', () => listSnapshots({ ...GOOD(), headers: { 'X-Note': '快照' } })],
  ['auth token with a line break', () => listSnapshots({ ...GOOD(), auth: { token: 'tok\nen' } })],
  ['auth token with a character fetch cannot send', () => listSnapshots({ ...GOOD(), auth: { token: 'tok中en' } })],
  ['auth accessKey with a character fetch cannot send', () => listSnapshots({ ...GOOD(), auth: { accessKey: 'AK中', secretKey: 'sk' } })],
  ['auth securityToken with NUL', () => listSnapshots({ ...GOOD(), auth: { accessKey: 'AK', secretKey: 'sk', securityToken: 'a\0b' } })],
  ['fetch not a function', () => listSnapshots({ ...GOOD(), fetch: 'fetch' })],
  ['signal not an AbortSignal', () => listSnapshots({ ...GOOD(), signal: {} })],
];

test(`${INVALID.length} invalid inputs reject with invalid_input and send no request`, async () => {
  assert.ok(INVALID.length >= 40);
  mock.clearRequests();
  for (const [what, call] of INVALID) {
    const err = await call().then(
      () => assert.fail(`${what}: resolved`),
      (e) => e,
    );
    assert.ok(err instanceof EvsError, `${what}: ${err}`);
    assert.equal(err.kind, 'invalid_input', `${what}: ${err.kind} ${err.message}`);
    assert.equal(err.retryable, false, what);
    assert.ok(err.message.length > 10, what);
  }
  assert.equal(mock.requests().length, 0, 'the mock saw a request');
  // And the module still works.
  assert.equal((await listSnapshots(GOOD(), { limit: 1 })).snapshots.length, 1);
});

// Issue 25 §5: Node's fetch (undici) refuses these with a TypeError before
// sending ("fetch failed", UND_ERR_INVALID_ARG / UND_ERR_NOT_SUPPORTED),
// which was a network failure retried three times; a browser drops them.
// The list is the one docs/contract.md "ClientConfig" gives.
const FETCH_OWNS = ['Connection', 'Content-Length', 'Expect', 'Keep-Alive', 'Proxy-Connection', 'TE', 'Trailer', 'Transfer-Encoding', 'Upgrade'];

test('a header fetch manages itself is invalid_input naming it, at once, with nothing sent', async () => {
  mock.clearRequests();
  let fetched = 0;
  const spy = (req) => ((fetched += 1), fetch(req));
  for (const name of FETCH_OWNS) {
    for (const written of [name, name.toLowerCase()]) {
      const headers = { 'X-Trace': '1', [written]: name === 'Content-Length' ? '0' : 'keep-alive' };
      for (const call of [() => listSnapshots({ ...cfg, headers }, { limit: 1 }), () => getSnapshot({ ...cfg, headers, fetch: spy }, SNAPSHOTS[0].id)]) {
        const e = await rejects(call(), { kind: 'invalid_input', retryable: false });
        assert.ok(e.message.startsWith(`headers: "${written}" cannot be set`), e.message);
      }
    }
  }
  assert.equal(fetched, 0, 'the custom fetch was called');
  assert.equal(mock.requests().length, 0, 'the mock saw a request');
  // Other names, forbidden in a browser or not, are sent as given in Node.
  const r = await listSnapshots({ ...cfg, headers: { Cookie: 'session=1', 'X-Keep-Alive-Hint': 'x' } }, { limit: 1 });
  assert.equal(r.snapshots.length, 1);
  const [sent] = apiRequests();
  assert.equal(sent.headers.cookie, 'session=1');
  assert.equal(sent.headers['x-keep-alive-hint'], 'x');
});
