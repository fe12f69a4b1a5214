// createProxy and its upstream (issue 26 §3; docs/contract.md "Serving
// browsers: the signing proxy"): a wrong clock corrected once per request,
// the project ID from IAM (asked once, shared with the calls), and the
// proxy's own answers when EVS or IAM fail: unreachable 502, a redirect
// (never followed) 502, too slow 504, IAM failing 502, each in EVS's error
// shape. A file of its own: the clock correction is kept for the whole
// module instance, as it is in a server.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { createProxy, listSnapshots, EvsError } from 'evs-snapshots';
import { useMock, mockFor } from '../helpers/mock.mjs';
import { PROJECT_ID, SNAPSHOTS } from '../mock-evs/data.mjs';

const AK = 'AKPROXYUPSTREAM0001';
const SK = 'sk-proxy-upstream-0123456789abcdef';
const MIN = 60_000;
const S = `/evs/v2/${PROJECT_ID}/snapshots`;
const mock = useMock({ ak: AK, sk: SK }, { each: 'reset' });
let attempts = [];

beforeEach(() => {
  attempts = [];
});

const config = (extra = {}) => ({ projectId: PROJECT_ID, endpoint: mock.apiUrl, auth: { accessKey: AK, secretKey: SK }, onAttempt: (i) => attempts.push(i), ...extra });
const get = (proxy, path) => proxy.handle(new Request(`http://127.0.0.1:1${path}`));
const upstream = () => mock.requests().filter((r) => r.kind === 'api');
/** X-Sdk-Date (YYYYMMDDTHHMMSSZ) as epoch ms. */
const sdkDate = (s) => Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(9, 11), +s.slice(11, 13), +s.slice(13, 15));

/** The proxy's own answer: its status and EVS's error shape. */
async function own(res, status) {
  assert.equal(res.status, status);
  const body = await res.json();
  assert.equal(body.error.code, `PROXY.${status}`);
  assert.ok(!JSON.stringify(body).includes(SK.slice(0, 16)) && !JSON.stringify(body).includes(AK));
  return body.error.message;
}

test('the project ID from IAM: projectId() and each request ask IAM once, signed with the key pair', async () => {
  const proxy = createProxy({ config: config({ projectId: undefined, region: mock.region, iamEndpoint: mock.apiUrl }) });
  const [a, b] = await Promise.all([proxy.projectId(), proxy.projectId()]);
  assert.equal(a, PROJECT_ID);
  assert.equal(b, PROJECT_ID);
  const res = await get(proxy, `${S}?limit=1`);
  assert.equal(res.status, 200);
  const iam = mock.requests().filter((r) => r.kind === 'iam');
  assert.equal(iam.length, 1, 'IAM asked once');
  assert.match(iam[0].headers.authorization, new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, `));
  assert.equal(upstream().length, 1);
  assert.deepEqual(attempts.map((i) => i.operation), ['projectId', 'listSnapshots']);
  // The page's client, with the project the proxy hands it.
  const server = createServer(proxy.listener).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const page = await listSnapshots({ projectId: await proxy.projectId(), endpoint: `http://127.0.0.1:${server.address().port}/evs` }, { limit: 3 });
    assert.deepEqual(page.snapshots.map((s) => s.id).length, 3);
  } finally {
    server.close();
  }
});

test('IAM failing: 502 in the error shape and nothing sent to EVS; projectId() rejects with the lookup error', async (t) => {
  const other = await mockFor(t, { ak: AK, sk: SK, iamProjects: 'none' });
  const proxy = createProxy({ config: { auth: { accessKey: AK, secretKey: SK }, endpoint: other.apiUrl, region: other.region, iamEndpoint: other.apiUrl } });
  const message = await own(await get(proxy, S), 502);
  assert.match(message, /^the project ID could not be found: IAM has no project named/);
  assert.equal(other.requests().filter((r) => r.kind === 'api').length, 0);
  const e = await proxy.projectId().catch((err) => err);
  assert.ok(e instanceof EvsError);
  assert.equal(e.kind, 'invalid_input');
  // IAM unreachable.
  const gone = createProxy({ config: { auth: { accessKey: AK, secretKey: `${SK}-2` }, endpoint: other.apiUrl, region: other.region, iamEndpoint: 'http://127.0.0.1:9' } });
  assert.match(await own(await get(gone, S), 502), /^the project ID could not be found: the request to http:\/\/127\.0\.0\.1:9 failed/);
});

test('EVS unreachable: 502; a redirect, never followed: 502; too slow: 504', async () => {
  const dead = createProxy({ config: config({ endpoint: 'http://127.0.0.1:9' }) });
  assert.match(await own(await get(dead, S), 502), /^the request to http:\/\/127\.0\.0\.1:9 failed before a response/);

  const proxy = createProxy({ config: config({ timeoutMs: 300 }) });
  mock.setFaults([{ match: { op: 'list' }, status: 302, headers: { Location: 'http://127.0.0.1:9/elsewhere' } }]);
  assert.match(await own(await get(proxy, S), 502), /redirects are not followed/);
  assert.equal(upstream().length, 1, 'the redirect was not followed');

  mock.clearRequests();
  mock.setFaults([{ match: { op: 'show' }, delayMs: 60_000 }]);
  assert.equal(await own(await get(proxy, `/evs/v2/${PROJECT_ID}/cloudsnapshots/${SNAPSHOTS[0].id}`), 504), 'no response within 300 ms');
  assert.equal(upstream().length, 1, 'one attempt: the page retries');
  assert.equal(attempts.at(-1).error.kind, 'timeout');
});

test("the server's signal aborts what the proxy forwards: 503", async () => {
  const ac = new AbortController();
  const proxy = createProxy({ config: config({ signal: ac.signal }) });
  mock.setFaults([{ match: { op: 'list' }, delayMs: 60_000 }]);
  const answered = get(proxy, S);
  await once(mock.server, 'request');
  ac.abort();
  assert.equal(await own(await answered, 503), 'the request was aborted before EVS answered');
});

// Last: the correction it learns is kept for the module instance.
test('a wrong clock: one 401, sent again at once signed with the server time, then the answer; the next request signs right away', async () => {
  const proxy = createProxy({ config: config() });
  mock.setClockOffset(20 * MIN);
  const res = await get(proxy, `${S}?limit=2`);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).snapshots.length, 2);
  const [refused, resent, ...more] = upstream();
  assert.equal(more.length, 0, 'one resend, no more');
  assert.deepEqual([refused.status, resent.status], [401, 200]);
  const moved = sdkDate(resent.headers['x-sdk-date']) - sdkDate(refused.headers['x-sdk-date']);
  assert.ok(Math.abs(moved - 20 * MIN) < 5000, `re-signed ${moved} ms later`);
  assert.deepEqual(attempts.map((a) => [a.status, a.attempt, a.maxAttempts]), [[401, 1, 1], [200, 1, 1]]);
  assert.ok(Math.abs(attempts[0].clockCorrectedMs - 20 * MIN) < 5000);
  mock.clearRequests();
  assert.equal((await get(proxy, `${S}?limit=1`)).status, 200);
  assert.deepEqual(upstream().map((r) => r.status), [200], 'the correction is kept');
  // A second skew within one request is final: the 401 passes on.
  mock.clearRequests();
  mock.setFaults([{ match: { op: 'list' }, status: 401, headers: { Date: new Date(Date.now() - 60 * MIN).toUTCString() }, json: { error_code: 'APIGW.0301', error_msg: 'skew' }, times: 2 }]);
  const twice = await get(proxy, S);
  assert.equal(twice.status, 401);
  assert.equal(upstream().length, 2);
});
