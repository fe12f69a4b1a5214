// A wrong clock is corrected, once (issue 13 §2): with an AK/SK pair, a 401
// whose server time is more than 5 minutes from the client's clock is sent
// again at once, signed with the server's time; the correction is kept for
// later calls and for signRequest without a date. The mock's clock switch
// plays the server whose clock differs from ours.
import { test } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { getSnapshot, listSnapshots, signRequest } from 'evs-snapshots';
import { useMock, mockFor } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';

const AK = 'AKCLOCK0000000001';
const SK = 'sk-clock-7f3e2d1c';
const MIN = 60_000;
const mock = useMock({ ak: AK, sk: SK }, { each: 'clear' });
let cfg;

before(() => {
  cfg = { projectId: PROJECT_ID, endpoint: mock.apiUrl, auth: { accessKey: AK, secretKey: SK } };
});

const api = () => mock.requests().filter((r) => r.kind === 'api');
/** X-Sdk-Date (YYYYMMDDTHHMMSSZ) as epoch ms. */
const sdkDate = (s) => Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(9, 11), +s.slice(11, 13), +s.slice(13, 15));

// The tests run in order: the correction the module keeps carries from one
// to the next, as it does in a real process.
test('a server 20 minutes ahead: one 401, signed again at once with its time, then accepted', async () => {
  mock.setClockOffset(20 * MIN);
  const page = await listSnapshots({ ...cfg, maxAttempts: 1 }, { limit: 2 });
  assert.equal(page.snapshots.length, 2);
  const [first, second] = api();
  assert.equal(api().length, 2, 'exactly one more request, though maxAttempts is 1');
  assert.equal(first.status, 401);
  assert.equal(second.status, 200);
  const skew = sdkDate(second.headers['x-sdk-date']) - sdkDate(first.headers['x-sdk-date']);
  assert.ok(Math.abs(skew - 20 * MIN) < 5000, `re-signed ${skew} ms later, not about 20 minutes`);
});

test('the correction is kept: later calls and signRequest without a date use it', async () => {
  const s = await getSnapshot(cfg, SNAPSHOTS[0].id);
  assert.equal(s.id, SNAPSHOTS[0].id);
  assert.equal(api().length, 1, 'no 401 any more');
  const signed = await signRequest({ method: 'GET', url: `${mock.apiUrl}/v2/${PROJECT_ID}/snapshots` }, { accessKey: AK, secretKey: SK });
  const at = sdkDate(signed.headers['X-Sdk-Date']);
  assert.ok(Math.abs(at - (Date.now() + 20 * MIN)) < 5000, 'signRequest signs with the corrected time');
  // An explicit date is used as given.
  const given = await signRequest({ method: 'GET', url: `${mock.apiUrl}/v2/x` }, { accessKey: AK, secretKey: SK }, new Date(Date.UTC(2026, 10, 22, 10, 15)));
  assert.equal(given.headers['X-Sdk-Date'], '20261122T101500Z');
});

test('a server 20 minutes behind: corrected the same way', async () => {
  mock.setClockOffset(-20 * MIN);
  const page = await listSnapshots(cfg, { limit: 1 });
  assert.equal(page.snapshots.length, 1);
  assert.deepEqual(api().map((r) => r.status), [401, 200]);
  const at = sdkDate(api()[1].headers['x-sdk-date']);
  assert.ok(Math.abs(at - (Date.now() - 20 * MIN)) < 5000);
});

test('without a readable Date header, the server time in the gateway message is used', async () => {
  mock.setClockOffset(-45 * MIN);
  // A fetch that hides Date, as a browser does for a cross-origin answer
  // that does not expose it.
  const hideDate = async (request) => {
    const res = await fetch(request);
    const headers = new Headers(res.headers);
    headers.delete('date');
    return new Response(await res.arrayBuffer(), { status: res.status, headers });
  };
  const page = await listSnapshots({ ...cfg, fetch: hideDate }, { limit: 1 });
  assert.equal(page.snapshots.length, 1);
  assert.deepEqual(api().map((r) => r.status), [401, 200]);
});

test('a 401 with a correct clock is not sent again; nor is a second skew in one call', async () => {
  mock.setClockOffset(-45 * MIN);
  const wrong = await listSnapshots({ ...cfg, auth: { accessKey: AK, secretKey: 'wrong-secret-0000' } }).catch((e) => e);
  assert.equal(wrong.status, 401);
  assert.equal(api().length, 1, 'a real 401 is final');
  assert.ok(!JSON.stringify(wrong).includes('wrong-secret-0000'));
  // The clock jumps during a call: corrected once, then the 401 is final.
  mock.clearRequests();
  mock.setFaults([{ match: { op: 'list' }, times: 1, status: 401, json: { error_code: 'APIGW.0301', error_msg: 'signature expired, signature time:20261130T000000Z,server time:20260101T000000Z' } }]);
  const e = await listSnapshots(cfg).catch((x) => x);
  assert.equal(e.status, 401);
  assert.ok(api().length <= 2, `${api().length} requests`);
});

test('a token is never re-signed: a 401 stays a 401', async (t) => {
  const guarded = await mockFor(t, { token: 'tok-clock-1', clockOffsetMs: 30 * MIN });
  const e = await listSnapshots({ projectId: PROJECT_ID, endpoint: guarded.apiUrl, auth: { token: 'tok-wrong' } }).catch((x) => x);
  assert.equal(e.status, 401);
  assert.equal(guarded.requests().filter((r) => r.kind === 'api').length, 1);
});
