// createProxy (issue 26 §1, §3; docs/contract.md "Serving browsers: the
// signing proxy") in front of the mock, which checks AK/SK signatures and
// the security token: the page's client (no auth, endpoint = the proxy)
// lists with every filter, shows, walks and meets an error through it; the
// refusal table, one case per row and more for paths, each with zero
// upstream requests in the mock's log; the browser's headers never reach
// EVS; no credential in any answer; the browser going away aborts the
// upstream request; authorize; allowOrigins and preflight.
//
// Requests with odd paths are sent with node:http, which sends the target
// as written (fetch would resolve `..` and `\` first).
import { test, after, beforeEach } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import { once } from 'node:events';
import { createProxy, getSnapshot, listSnapshots, paginateSnapshots, EvsError } from 'evs-snapshots';
import { useMock } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';

// As long as real IAM tokens get, no run of 16 repeated.
const LONG = Array.from({ length: 2000 }, (_, i) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[(i * 7 + Math.floor(i / 62)) % 62]).join('');
const AK = 'AKPROXYTEST00000001';
const SK = `sk-proxy-${LONG.slice(10, 50)}`;
const ST = `st-${LONG.slice(300, 1900)}`;
const TOKEN = `tok-${LONG.slice(100, 1700)}`;
const CREDENTIALS = { AK, SK, ST, TOKEN };
const CONSOLE = 'https://console.example.com';

const mock = useMock({ ak: AK, sk: SK, securityToken: ST }, { each: 'clear' }); // checks AK/SK and the security token
const tokenMock = useMock({ token: TOKEN }); // checks X-Auth-Token
let proxy;
let server;
let base; // http://127.0.0.1:PORT
let attempts = [];
/** Every answer a browser got in this file: checked for credentials at the end. */
const answers = [];

const keys = () => ({ accessKey: AK, secretKey: SK, securityToken: ST });
const direct = () => ({ projectId: PROJECT_ID, endpoint: mock.apiUrl, auth: keys() });
const page = () => ({ projectId: PROJECT_ID, endpoint: `${base}/evs` });
const upstream = () => mock.requests().filter((r) => r.kind !== 'preflight');

/** A server on 127.0.0.1 for `listener`; its base URL. */
async function serve(listener) {
  const s = createServer(listener);
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  return { server: s, url: `http://127.0.0.1:${s.address().port}` };
}

/** A request sent as written (no URL resolution): status, headers, body text. */
function raw(method, path, headers = {}, at = base) {
  const { hostname, port } = new URL(at);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const answer = { status: res.statusCode, headers: res.headers, body };
        answers.push(answer);
        resolve(answer);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The proxy's own answer: EVS's error shape with PROXY.<status>. */
function assertOwn(answer, status, what) {
  assert.equal(answer.status, status, `${what}: ${answer.status} ${answer.body}`);
  if (answer.body === '') return; // HEAD
  const body = JSON.parse(answer.body);
  assert.deepEqual(Object.keys(body), ['error'], what);
  assert.equal(body.error.code, `PROXY.${status}`, what);
  assert.equal(typeof body.error.message, 'string', what);
  assert.ok(body.error.message.length > 0, what);
  assert.equal(answer.headers['cache-control'], 'no-store', what);
  assert.equal(answer.headers['x-content-type-options'], 'nosniff', what);
}

before(async () => {
  proxy = createProxy({ config: { ...direct(), onAttempt: (info) => attempts.push(info) }, allowOrigins: [CONSOLE] });
  ({ server, url: base } = await serve(proxy.listener));
});
after(() => {
  server?.close();
});
beforeEach(() => {
  attempts = [];
});

test('createProxy checks its options at once, as the calls check theirs', () => {
  const bad = (options, message) => {
    assert.throws(
      () => createProxy(options),
      (e) => e instanceof EvsError && e.kind === 'invalid_input' && message.test(e.message) && !e.message.includes(SK),
      String(message),
    );
  };
  bad(undefined, /^options must be an object/);
  bad({}, /^options\.config is required/);
  bad({ config: { projectId: PROJECT_ID } }, /^either endpoint or region is required \(from the environment: EVS_SNAPSHOTS_ENDPOINT or HUAWEICLOUD_SDK_REGION\)$/);
  bad({ config: { ...direct(), limit: 5 } }, /unknown key "limit"/);
  bad({ config: direct(), base: '/evs' }, /^options has an unknown key "base"/);
  bad({ config: { ...direct(), auth: { accessKey: AK, secretKey: '' } } }, /^auth\.secretKey must not be empty$/);
  bad({ config: { ...direct(), endpoint: '/evs' } }, /no page to resolve it against/);
  bad({ config: direct(), basePath: 'evs' }, /^basePath must be a path/);
  bad({ config: direct(), allowOrigins: ['*'] }, /^allowOrigins\[0\] must be an origin/);
  bad({ config: direct(), allowOrigins: 'https://a.example' }, /^allowOrigins must be an array/);
  bad({ config: direct(), authorize: true }, /^options\.authorize must be a function, not a boolean$/);
  const p = createProxy({ config: direct() });
  assert.deepEqual(Object.keys(p).sort(), ['handle', 'listener', 'projectId']);
});

test("the page's client through the proxy: a list with every filter, signed with the server's key, as a direct call lists", async () => {
  const seed = SNAPSHOTS.find((s) => s.name === 'a&b=c' && s.status === 'available');
  const filters = { name: seed.name, status: 'available', volumeId: seed.volume_id };
  const all = await listSnapshots(direct(), filters);
  assert.ok(all.snapshots.length >= 3, `${all.snapshots.length} to page through`);
  const options = { ...filters, marker: all.snapshots[0].id, offset: 1, limit: 2 };
  const want = await listSnapshots(direct(), options);
  mock.clearRequests();
  const got = await listSnapshots(page(), options);
  assert.deepEqual(got, want);
  assert.ok(got.snapshots.length > 0);
  const [sent, ...more] = upstream();
  assert.equal(more.length, 0, 'one upstream request');
  assert.equal(sent.path, `/v2/${PROJECT_ID}/snapshots`);
  const q = new URLSearchParams(sent.query);
  assert.deepEqual(
    [...q.keys()].sort(),
    ['limit', 'marker', 'name', 'offset', 'status', 'volume_id'],
  );
  assert.equal(q.get('name'), 'a&b=c');
  assert.match(sent.headers.authorization, new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=host;x-project-id;x-sdk-date;x-security-token, `));
  assert.equal(sent.status, 200);
  assert.equal(attempts.length, 1);
  assert.equal(attempts[0].operation, 'listSnapshots');
  assert.equal(attempts[0].status, 200);
});

test('a query read as signRequest reads one: %XX as UTF-8, + a plus', async () => {
  const name = '数据库快照';
  const encoded = encodeURIComponent(name);
  const r = await raw('GET', `/evs/v2/${PROJECT_ID}/snapshots?name=${encoded}&limit=3&status=available`);
  assert.equal(r.status, 200);
  const body = JSON.parse(r.body);
  assert.ok(body.snapshots.length > 0 && body.snapshots.every((s) => s.name === name));
  // '+' is a plus (the mock reads '+' as a space: the proxy sends %2B).
  await raw('GET', `/evs/v2/${PROJECT_ID}/snapshots?name=db+logs`);
  assert.equal(new URLSearchParams(upstream().at(-1).query).get('name'), 'db+logs');
  const plus = JSON.parse((await raw('GET', `/evs/v2/${PROJECT_ID}/snapshots?name=db+logs`)).body);
  assert.ok(plus.snapshots.length >= 1 && plus.snapshots.every((s) => s.name === 'db+logs'));
});

test('show through the proxy, and HEAD: its status and headers without a body', async () => {
  const id = SNAPSHOTS[5].id;
  const want = await getSnapshot(direct(), id);
  mock.clearRequests();
  assert.deepEqual(await getSnapshot(page(), id), want);
  const head = await raw('HEAD', `/evs/v2/${PROJECT_ID}/cloudsnapshots/${id}`);
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.match(head.headers['content-type'], /^application\/json/);
  assert.deepEqual(
    upstream().map((r) => [r.method, r.path, r.status]),
    [
      ['GET', `/v2/${PROJECT_ID}/cloudsnapshots/${id}`, 200],
      ['GET', `/v2/${PROJECT_ID}/cloudsnapshots/${id}`, 200],
    ],
  );
});

test('listener: an answer with a body carries its Content-Length, not chunked framing; HEAD and 204 none (RFC 9110, 8.6)', async () => {
  const framed = (a, what) => {
    assert.equal(a.headers['transfer-encoding'], undefined, `${what}: not chunked`);
    assert.equal(a.headers['content-length'], String(Buffer.byteLength(a.body)), `${what}: Content-Length is the body's length`);
    assert.ok(a.body.length > 0, what);
  };
  const list = await raw('GET', `${S}?limit=3`);
  assert.equal(list.status, 200);
  assert.equal(JSON.parse(list.body).snapshots.length, 3);
  framed(list, 'a list answered by EVS');
  const shown = await raw('GET', `/evs/v2/${PROJECT_ID}/cloudsnapshots/${SNAPSHOTS[2].id}`);
  assert.equal(shown.status, 200);
  framed(shown, 'a snapshot answered by EVS');
  const own = await raw('GET', `${S}?sort=x`);
  assertOwn(own, 400, 'a refused query');
  framed(own, "the proxy's own answer");
  const head = await raw('HEAD', `${S}?limit=3`);
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], undefined, 'HEAD: the GET\'s length is not known');
  assert.equal(head.headers['transfer-encoding'], undefined, 'HEAD');
  const pre = await raw('OPTIONS', S, { Origin: CONSOLE, 'Access-Control-Request-Method': 'GET' });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers['content-length'], undefined, '204: no Content-Length');
  assert.equal(pre.headers['transfer-encoding'], undefined, '204');
  framed(await raw('OPTIONS', S, { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' }), 'a refused preflight');
});

test('paginateSnapshots walks through the proxy: every snapshot, one upstream request per page', async () => {
  const want = [];
  for await (const s of paginateSnapshots(direct(), { limit: 50 })) want.push(s.id);
  mock.clearRequests();
  const got = [];
  for await (const s of paginateSnapshots(page(), { limit: 50 })) got.push(s.id);
  assert.equal(got.length, SNAPSHOTS.length);
  assert.deepEqual(got, want);
  const pages = upstream();
  assert.equal(pages.length, Math.ceil(SNAPSHOTS.length / 50));
  assert.ok(pages.every((r) => r.status === 200 && r.path === `/v2/${PROJECT_ID}/snapshots`));
  assert.deepEqual(pages.slice(1).map((r) => new URLSearchParams(r.query).get('marker')), [49, 99, 149, 199, 249].map((i) => want[i]));
});

test("an error reaches the page's client with its status, code and request ID", async () => {
  const e = await getSnapshot(page(), 'no-such-snapshot').catch((err) => err);
  assert.ok(e instanceof EvsError);
  assert.deepEqual([e.kind, e.status, e.code, e.errorType], ['http', 404, 'EVS.0004', 'itemNotFound']);
  assert.equal(attempts.length, 1);
  assert.match(e.requestId, /^[0-9a-f]{32}$/);
  assert.equal(e.requestId, attempts[0].requestId, "the upstream answer's X-Request-Id");
  assert.equal(upstream().length, 1, 'one attempt: the page retries, not the proxy');
  // A retryable status passes on at once, with its Retry-After.
  mock.setFaults([{ match: { op: 'list' }, status: 503, retryAfter: '7', json: { error: { message: 'busy', code: 'EVS.9999' } } }]);
  const busy = await raw('GET', `/evs/v2/${PROJECT_ID}/snapshots`);
  assert.equal(busy.status, 503);
  assert.equal(busy.headers['retry-after'], '7');
  assert.deepEqual(JSON.parse(busy.body), { error: { message: 'busy', code: 'EVS.9999' } });
});

test('only the allowed headers come back: never Set-Cookie', async () => {
  mock.setFaults([
    {
      match: { op: 'list' },
      status: 200,
      json: { snapshots: [] },
      headers: { 'Set-Cookie': 'session=upstream', 'X-Openstack-Request-Id': 'req-os-1', 'X-Powered-By': 'mock', 'Access-Control-Allow-Origin': '*', Server: 'evs' },
    },
  ]);
  const r = await raw('GET', `/evs/v2/${PROJECT_ID}/snapshots`);
  assert.equal(r.status, 200);
  assert.equal(r.body, '{"snapshots":[]}');
  const own = Object.keys(r.headers).filter((h) => !['connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(h));
  assert.deepEqual(own.sort(), ['cache-control', 'content-type', 'date', 'x-content-type-options', 'x-openstack-request-id', 'x-request-id']);
  assert.equal(r.headers['x-openstack-request-id'], 'req-os-1');
  assert.equal(r.headers['cache-control'], 'no-store');
});

const P = PROJECT_ID;
const S = `/evs/v2/${P}/snapshots`;
const C = `/evs/v2/${P}/cloudsnapshots`;
const ID = SNAPSHOTS[0].id;
/** [what, method, path, headers, status, message]: one case per row of the contract's table, more for paths. */
const REFUSALS = [
  ['a path outside basePath', 'GET', `/other/v2/${P}/snapshots`, {}, 404],
  ['the root', 'GET', '/', {}, 404],
  ['basePath alone', 'GET', '/evs', {}, 404],
  ['another API under basePath', 'GET', `/evs/v2/${P}/volumes`, {}, 404],
  ["IAM's API", 'GET', '/evs/v3/projects?name=ap-southeast-1', {}, 404],
  ['snapshots/detail', 'GET', `${S}/detail`, {}, 404],
  ['cloudsnapshots/detail', 'GET', `/evs/v2/${P}/cloudsnapshots/detail/${ID}`, {}, 404],
  ['a trailing /', 'GET', `${S}/`, {}, 404],
  ['an ID with a trailing /', 'GET', `${C}/${ID}/`, {}, 404],
  ['//', 'GET', `/evs//v2/${P}/snapshots`, {}, 404],
  ['an empty ID', 'GET', `${C}/`, {}, 404],
  ['%2F in the ID', 'GET', `${C}/a%2F..%2F..%2Fvolumes`, {}, 404],
  ['%2f in the project', 'GET', `/evs/v2/${P}%2fsnapshots`, {}, 404],
  ['%2e%2e', 'GET', `${C}/%2e%2e`, {}, 404],
  ['%2E%2E back to another path', 'GET', `/evs/v2/${P}/cloudsnapshots/%2E%2E/%2E%2E/v3/projects`, {}, 404],
  ['..', 'GET', `/evs/v2/${P}/x/../snapshots`, {}, 404],
  ['.', 'GET', `/evs/v2/${P}/./snapshots`, {}, 404],
  ['%2e', 'GET', `${C}/%2e`, {}, 404],
  [';', 'GET', `${S};jsessionid=1`, {}, 404],
  ['%3B', 'GET', `${C}/${ID}%3Bx`, {}, 404],
  ['\\', 'GET', `${C}\\${ID}`, {}, 404],
  ['%5C', 'GET', `${C}/a%5C..%5Cb`, {}, 404],
  ['a control character in the ID', 'GET', `${C}/a%0Ab`, {}, 404],
  ['another project', 'GET', `/evs/v2/0000other0000/snapshots`, {}, 403],
  ["another project's snapshot", 'GET', `/evs/v2/0000other0000/cloudsnapshots/${ID}`, {}, 403],
  ['POST', 'POST', S, {}, 405],
  ['PUT', 'PUT', `${C}/${ID}`, {}, 405],
  ['DELETE', 'DELETE', `${C}/${ID}`, {}, 405],
  ['PATCH', 'PATCH', S, {}, 405],
  ['an unknown query key', 'GET', `${S}?limit=5&sort=name`, {}, 400, /"sort"/],
  ['volumeId, the option, not the wire key', 'GET', `${S}?volumeId=x`, {}, 400, /"volumeId"/],
  ['a repeated query key', 'GET', `${S}?status=available&status=error`, {}, 400, /"status" is given more than once/],
  ['limit 0', 'GET', `${S}?limit=0`, {}, 400, /limit/],
  ['limit 1001', 'GET', `${S}?limit=1001`, {}, 400, /limit/],
  ['limit not digits', 'GET', `${S}?limit=ten`, {}, 400, /"limit"/],
  ['limit +5', 'GET', `${S}?limit=%2B5`, {}, 400, /"limit"/],
  ['offset -1', 'GET', `${S}?offset=-1`, {}, 400, /"offset"/],
  ['a name over 255 bytes', 'GET', `${S}?name=${'%E5%BF%AB'.repeat(86)}`, {}, 400, /name must be at most 255 UTF-8 bytes/],
  ["a snapshot's details with a query", 'GET', `${C}/${ID}?fields=all`, {}, 400, /"fields"/],
  ['Origin of another site', 'GET', S, { Origin: 'https://evil.example' }, 403],
  ['Sec-Fetch-Site: cross-site without an Origin', 'GET', S, { 'Sec-Fetch-Site': 'cross-site' }, 403],
  ['Origin "null"', 'GET', S, { Origin: 'null' }, 403],
  ['OPTIONS without an allowed Origin', 'OPTIONS', S, {}, 403],
  ['OPTIONS from its own origin', 'OPTIONS', S, { Origin: 'OWN' }, 403],
  // The order: origin, preflight, method, path, project, query.
  ['origin before method and path', 'DELETE', '/nowhere', { Origin: 'https://evil.example' }, 403],
  ['method before path', 'POST', '/nowhere', {}, 405],
  ['path before project', 'GET', '/evs/v2/0000other0000/snapshots/', {}, 404],
  ['project before query', 'GET', '/evs/v2/0000other0000/snapshots?sort=x', {}, 403],
];

test('the refusal table: each row its status and EVS error shape, nothing sent upstream', async () => {
  for (const [what, method, path, headers, status, message] of REFUSALS) {
    const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v === 'OWN' ? base : v]));
    const r = await raw(method, path, h);
    assertOwn(r, status, what);
    if (message) assert.match(JSON.parse(r.body).error.message, message, what);
    if (status === 405) assert.equal(r.headers.allow, 'GET, HEAD', what);
    assert.deepEqual(mock.requests(), [], `${what}: sent upstream`);
  }
  // The same through handle, for the rows a fetch Request keeps as written.
  for (const [what, method, path, headers, status] of REFUSALS) {
    if (/\.|\\|%2e|%2E|\/\//.test(path.replace(/^\/evs\/v2/, ''))) continue;
    const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v === 'OWN' ? base : v]));
    const res = await proxy.handle(new Request(`${base}${path}`, { method, headers: h }));
    const answer = { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
    answers.push(answer);
    assertOwn(answer, status, `handle: ${what}`);
  }
  assert.deepEqual(mock.requests(), [], 'handle sent a refused request upstream');
  assert.deepEqual(attempts, []);
  // A HEAD refused: the status, no body.
  const head = await raw('HEAD', '/nowhere');
  assert.equal(head.status, 404);
  assert.equal(head.body, '');
});

test("none of the browser's headers reaches EVS: the server's credentials are what is sent", async () => {
  const browser = {
    Authorization: 'SDK-HMAC-SHA256 Access=BROWSERAK, SignedHeaders=host, Signature=00',
    'X-Auth-Token': 'browser-token-0123456789',
    'X-Security-Token': 'browser-security-token-0123456789',
    Cookie: 'session=browser-cookie-0123456789',
    'X-Sdk-Date': '20200101T000000Z',
    'X-Project-Id': '0000other0000',
    'X-Forwarded-For': '203.0.113.9',
    'User-Agent': 'browser/1.0',
    Host: 'evil.example',
  };
  const r = await raw('GET', `${S}?limit=2`, browser);
  assert.equal(r.status, 200, r.body);
  const [sent] = upstream();
  assert.equal(sent.headers.host, `127.0.0.1:${mock.port}`);
  assert.match(sent.headers.authorization, new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, `));
  assert.equal(sent.headers['x-security-token'], ST);
  assert.equal(sent.headers['x-project-id'], PROJECT_ID);
  assert.notEqual(sent.headers['x-sdk-date'], '20200101T000000Z');
  for (const h of ['x-auth-token', 'cookie', 'x-forwarded-for']) assert.equal(sent.headers[h], undefined, h);
  assert.match(sent.headers['user-agent'], /^evs-snapshots\//);
  const all = JSON.stringify(sent.headers);
  for (const v of Object.values(browser).filter((v) => v.length > 16)) assert.ok(!all.includes(v), v);
  assert.ok(!all.includes('BROWSERAK') && !all.includes('evil.example'));

  // A token config: its X-Auth-Token, not the browser's.
  const tp = createProxy({ config: { projectId: PROJECT_ID, endpoint: tokenMock.apiUrl, auth: { token: TOKEN } } });
  const res = await tp.handle(new Request(`http://127.0.0.1:1/evs/v2/${PROJECT_ID}/snapshots?limit=1`, { headers: { 'X-Auth-Token': 'browser-token-0123456789', Cookie: 'a=b' } }));
  answers.push({ status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() });
  assert.equal(res.status, 200);
  const [t] = tokenMock.requests();
  assert.equal(t.headers['x-auth-token'], TOKEN);
  assert.equal(t.headers.cookie, undefined);
  tokenMock.clearRequests();
});

test('no credential in an answer, also when EVS echoes one in an error', async () => {
  const echo = `ak ${AK} sk ${SK} st ${ST}; half ${ST.slice(0, ST.length / 2)} and ${SK.slice(5, 30)}`;
  mock.setFaults([
    { match: { op: 'list' }, status: 401, json: { error_code: 'APIGW.0301', error_msg: echo, request_id: SK } },
    { match: { op: 'show' }, status: 500, body: `<html><title>${ST}</title>${ST.replaceAll('/', '\\/')}</html>`, headers: { 'X-Request-Id': `r-${ST.slice(0, 40)}` } },
  ]);
  const list = await raw('GET', S);
  assert.equal(list.status, 401);
  const body = JSON.parse(list.body);
  assert.equal(body.error_code, 'APIGW.0301', 'the body is still the service’s JSON');
  assert.match(body.error_msg, /\[redacted\]/);
  const show = await raw('GET', `${C}/${ID}`);
  assert.equal(show.status, 500);
  assert.match(show.body, /^<html><title>\[redacted\]<\/title>\[redacted\]<\/html>$/);
  assert.equal(show.headers['x-request-id'], 'r-[redacted]');
  // The page's client sees the same, through its own redaction of nothing.
  mock.setFaults([{ match: { op: 'show' }, status: 403, json: { forbidden: { message: `key ${ST} may not`, code: 'EVS.0001' } } }]);
  const e = await getSnapshot(page(), ID).catch((err) => err);
  assert.equal(e.status, 403);
  assert.equal(e.message, 'key [redacted] may not');
  // A token config: its token, whole or in part.
  const tp = createProxy({ config: { projectId: PROJECT_ID, endpoint: tokenMock.apiUrl, auth: { token: TOKEN } } });
  tokenMock.setFaults([{ match: { op: 'list' }, status: 401, json: { error: { message: `token ${TOKEN} expired; ${TOKEN.slice(700, 760)}`, code: 'EVS.0401' } } }]);
  const res = await tp.handle(new Request(`http://127.0.0.1:1${S}`));
  const answer = { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
  answers.push(answer);
  assert.equal(res.status, 401);
  assert.deepEqual(JSON.parse(answer.body), { error: { message: 'token [redacted] expired; [redacted]', code: 'EVS.0401' } });
  tokenMock.clearFaults();
  tokenMock.clearRequests();
});

test('the browser going away aborts the upstream request (listener: the connection closes; handle: request.signal)', { timeout: 20_000 }, async () => {
  // EVS holds its answer; the browser leaves once EVS has the request.
  mock.setFaults([{ match: { op: 'show' }, delayMs: 60_000, times: 0 }]);
  const upstreamClosed = () =>
    new Promise((resolve) => {
      mock.server.once('request', (req, res) => res.once('close', () => resolve(res.writableFinished)));
    });
  let closed = upstreamClosed();
  const arrived = once(mock.server, 'request');
  const req = httpRequest({ host: '127.0.0.1', port: new URL(base).port, path: `${C}/${ID}` });
  req.on('error', () => {});
  req.end();
  await arrived;
  req.destroy();
  assert.equal(await closed, false, 'EVS saw the request end without an answer');
  // The proxy's attempt ended as aborted.
  while (attempts.length === 0) await new Promise((r) => setImmediate(r));
  assert.equal(attempts[0].error?.kind, 'aborted');

  attempts = [];
  closed = upstreamClosed();
  const ac = new AbortController();
  const answered = proxy.handle(new Request(`${base}${C}/${ID}`, { signal: ac.signal }));
  await once(mock.server, 'request');
  ac.abort();
  assert.equal(await closed, false);
  const res = await answered;
  assert.equal(res.status, 503);
  assert.equal(attempts[0].error?.kind, 'aborted');
});

test('authorize: true forwards; false, a throw, a rejection, anything but true or no answer in time: 403 and nothing sent', async () => {
  const seen = [];
  const make = (authorize, extra = {}) => createProxy({ config: { ...direct(), ...extra }, authorize });
  const yes = make((request) => {
    seen.push(request);
    return request.headers.get('cookie') === 'session=ok';
  });
  const { server: s, url } = await serve(yes.listener);
  try {
    const ok = await raw('GET', `${S}?limit=1`, { Cookie: 'session=ok' }, url);
    assert.equal(ok.status, 200);
    assert.equal(seen.length, 1);
    assert.ok(seen[0] instanceof Request);
    assert.equal(new URL(seen[0].url).pathname, S);
    assert.equal(upstream().length, 1);
    mock.clearRequests();
    assertOwn(await raw('GET', `${S}?limit=1`, { Cookie: 'session=other' }, url), 403, 'authorize false');
    // authorize is asked last: a refused query never reaches it.
    assertOwn(await raw('GET', `${S}?bogus=1`, { Cookie: 'session=ok' }, url), 400, 'query before authorize');
    assert.equal(seen.length, 2);
  } finally {
    s.close();
  }
  for (const [what, authorize, extra] of [
    ['a throw', () => {
      throw new Error('no session');
    }],
    ['a rejection', () => Promise.reject(new Error('no session'))],
    ['a promise of false', async () => false],
    ['a truthy value that is not true', () => 'yes'],
    ['a thenable whose then throws', () => ({ then() { throw new Error('x'); } })],
    ['no answer within timeoutMs', () => new Promise(() => {}), { timeoutMs: 200 }],
  ]) {
    const p = make(authorize, extra);
    const res = await p.handle(new Request(`http://127.0.0.1:1${S}?limit=1`));
    const answer = { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
    assertOwn(answer, 403, what);
  }
  const p = make(async () => true);
  assert.equal((await p.handle(new Request(`http://127.0.0.1:1${S}?limit=1`))).status, 200);
  assert.equal(upstream().length, 1, 'only the request authorize let through');
});

test('allowOrigins: CORS for the origins allowed, preflight 204 for them, 403 for others', async () => {
  const allowed = await raw('GET', `${S}?limit=1`, { Origin: CONSOLE, 'Sec-Fetch-Site': 'cross-site' });
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers['access-control-allow-origin'], CONSOLE);
  assert.equal(allowed.headers.vary, 'Origin');
  assert.match(allowed.headers['access-control-expose-headers'], /X-Request-Id/);
  // Its own origin: no CORS headers needed.
  const own = await raw('GET', `${S}?limit=1`, { Origin: base, 'Sec-Fetch-Site': 'same-origin' });
  assert.equal(own.status, 200);
  assert.equal(own.headers['access-control-allow-origin'], undefined);
  // An allowed origin's refusal is readable by its page.
  const refused = await raw('GET', `${S}?sort=x`, { Origin: CONSOLE });
  assertOwn(refused, 400, 'allowed origin, bad query');
  assert.equal(refused.headers['access-control-allow-origin'], CONSOLE);
  const n = upstream().length;
  const pre = await raw('OPTIONS', `${S}?limit=1`, { Origin: CONSOLE, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'accept, x-trace-id' });
  assert.equal(pre.status, 204);
  assert.equal(pre.body, '');
  assert.equal(pre.headers['access-control-allow-origin'], CONSOLE);
  assert.equal(pre.headers['access-control-allow-methods'], 'GET, HEAD');
  assert.equal(pre.headers['access-control-allow-headers'], 'accept, x-trace-id');
  assertOwn(await raw('OPTIONS', S, { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' }), 403, 'preflight from another origin');
  assertOwn(await raw('GET', S, { Origin: 'https://console.example.com.evil.example' }), 403, 'a longer origin');
  assertOwn(await raw('GET', S, { Origin: 'http://console.example.com' }), 403, 'the other scheme');
  assert.equal(upstream().length, n, 'preflights and refusals are not sent upstream');
  // The page's client with a header of its own (the one the preflight let
  // through): answered, and the header goes no further.
  const traced = await listSnapshots({ ...page(), headers: { 'X-Trace-Id': 't-1' } }, { limit: 1 });
  assert.equal(traced.snapshots.length, 1);
  assert.equal(upstream().at(-1).headers['x-trace-id'], undefined);
});

test('Express-style mounting: the path read is originalUrl', async () => {
  const p = createProxy({ config: direct(), basePath: '/api/evs/' });
  const { server: s, url } = await serve((req, res) => {
    // What Express does under app.use('/api', ...): url loses the mount path.
    req.originalUrl = req.url;
    req.url = req.url.replace(/^\/api/, '');
    p.listener(req, res);
  });
  try {
    const r = await raw('GET', `/api/evs/v2/${PROJECT_ID}/snapshots?limit=1`, {}, url);
    assert.equal(r.status, 200);
    assertOwn(await raw('GET', `/evs/v2/${PROJECT_ID}/snapshots?limit=1`, {}, url), 404, 'outside basePath');
  } finally {
    s.close();
  }
});

test('no answer in this file held a credential, nor 16 characters of one', () => {
  assert.ok(answers.length > 80, `${answers.length} answers`);
  for (const a of answers) {
    const text = `${JSON.stringify(a.headers)}\n${a.body}`;
    for (const [name, secret] of Object.entries(CREDENTIALS)) {
      for (let i = 0; i + 16 <= secret.length; i++) {
        assert.ok(!text.includes(secret.slice(i, i + 16)), `${name}[${i}..] in an answer: ${text.slice(0, 200)}`);
      }
    }
  }
});
