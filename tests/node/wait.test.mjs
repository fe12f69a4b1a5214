// waitForSnapshot (docs/contract.md "waitForSnapshot"): polls getSnapshot until the
// status is reached, fails on a status of failOn, times out naming the last
// status and progress, passes a poll's own error on, and aborts at once.
// The mock's fault list scripts the statuses poll by poll. However it ends,
// nothing is sent and no timer runs once it has settled (issue 25 §2); it
// keeps its deadline when throttled, and the deadline bounds IAM's lookup
// too (§3).
import { test } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { waitForSnapshot, getSnapshot, EvsError } from 'evs-snapshots';
import { useMock, mockFor } from '../helpers/mock.mjs';
import { PROJECT_ID, REGION, SNAPSHOTS } from '../mock-evs/data.mjs';

const mock = useMock({}, { each: 'clear' });
let cfg;
const ID = 'snap-waited-on';

before(() => {
  cfg = { projectId: PROJECT_ID, endpoint: mock.apiUrl };
});

/** A show answer with this status and progress. */
const answer = (status, progress, times = 1) => ({
  match: { op: 'show' },
  times,
  status: 200,
  json: { snapshot: { id: ID, name: 'nightly', status, size: 40, volume_id: 'v1', 'os-extended-snapshot-attributes:progress': `${progress}%` } },
});
const polls = () => mock.requests().filter((r) => r.kind === 'api').length;
const timed = async (fn) => {
  const t0 = performance.now();
  const r = await fn().then((v) => ({ v }), (e) => ({ e }));
  return { ...r, ms: performance.now() - t0 };
};
/** The timers keeping the process alive (Node lists each ref'd one as "Timeout"). */
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
/**
 * `fn()` settled, then the server's log for a while after: nothing may reach
 * it once the call has settled, and the call leaves no timer behind. The
 * quiet period is the one wait for time here, since it asserts an absence;
 * it is longer than any interval the tests poll at.
 */
const QUIET_MS = 400;
async function settlesQuietly(server, fn, label) {
  const before = timers();
  const r = await timed(fn);
  const atSettle = server.requests().length;
  assert.ok(timers() <= before, `${label}: a timer outlived the call (${process.getActiveResourcesInfo()})`);
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  const late = server.requests().slice(atSettle);
  assert.deepEqual(late.map((q) => `${q.method} ${q.path}`), [], `${label}: sent after it settled`);
  return r;
}

test('reached: resolves with the snapshot; onProgress on each change of status or progress', async () => {
  mock.setFaults([answer('creating', 10), answer('creating', 10), answer('creating', 60), answer('available', 100)]);
  const seen = [];
  const s = await waitForSnapshot(cfg, ID, { intervalMs: 30, onProgress: (snap) => seen.push(`${snap.status} ${snap.progress}`) });
  assert.deepEqual([s.id, s.status, s.progress], [ID, 'available', 100]);
  assert.deepEqual(seen, ['creating 10', 'creating 60', 'available 100']);
  assert.equal(polls(), 4);
});

test('failed: a status of failOn rejects with kind "failed", the snapshot on the error', async () => {
  mock.setFaults([answer('creating', 30), answer('error', 30)]);
  const { e } = await timed(() => waitForSnapshot(cfg, ID, { intervalMs: 30 }));
  assert.ok(e instanceof EvsError);
  assert.equal(e.kind, 'failed');
  assert.equal(e.retryable, false);
  assert.equal(e.snapshot.status, 'error');
  assert.equal(e.snapshot.id, ID);
  assert.equal(JSON.parse(JSON.stringify(e)).snapshot.status, 'error');
  assert.match(e.message, /reached status "error"/);
  // Another failOn, and another status waited for.
  mock.setFaults([answer('deleting', 0), answer('error_deleting', 0)]);
  const d = await waitForSnapshot(cfg, ID, { status: 'deleted', failOn: ['error_deleting'], intervalMs: 30 }).then(() => null, (err) => err);
  assert.deepEqual([d.kind, d.snapshot.status], ['failed', 'error_deleting']);
});

test('timeout: kind "timeout" when timeoutMs passes, naming the last status and progress', async () => {
  mock.setFaults([answer('creating', 20, 0)]);
  const { e, ms } = await timed(() => waitForSnapshot(cfg, ID, { intervalMs: 100, timeoutMs: 450 }));
  assert.equal(e.kind, 'timeout');
  assert.match(e.message, /did not reach status "available" within 450 ms \(last seen: status "creating", progress 20 %\)/);
  assert.ok(ms >= 400 && ms < 2000, `took ${ms} ms`);
});

test('a poll slower than the time left is cut at the deadline, and so is a Retry-After', async () => {
  mock.setFaults([{ match: { op: 'show' }, times: 0, delayMs: 3000 }]);
  const slow = await timed(() => waitForSnapshot(cfg, ID, { timeoutMs: 300 }));
  assert.equal(slow.e.kind, 'timeout');
  assert.ok(slow.ms < 1500, `took ${slow.ms} ms`);
  mock.setFaults([{ match: { op: 'show' }, times: 0, status: 503, retryAfter: '10', json: { error_msg: 'busy' } }]);
  const later = await timed(() => waitForSnapshot(cfg, ID, { timeoutMs: 500 }));
  assert.equal(later.e.kind, 'timeout');
  assert.ok(later.ms < 2000, `took ${later.ms} ms`);
});

test("a poll's own error ends the wait: a 404 is http, not retried", async () => {
  const { e } = await timed(() => waitForSnapshot(cfg, 'no-such-id', { intervalMs: 30 }));
  assert.deepEqual([e.kind, e.status], ['http', 404]);
  assert.equal(polls(), 1);
});

test('retries inside a poll, reported as operation waitForSnapshot', async () => {
  mock.setFaults([{ match: { op: 'show' }, times: 1, status: 503, json: { error_msg: 'busy' } }, answer('available', 100)]);
  const infos = [];
  const s = await waitForSnapshot({ ...cfg, onAttempt: (i) => infos.push(i) }, ID, { intervalMs: 30 });
  assert.equal(s.status, 'available');
  assert.deepEqual(infos.map((i) => [i.operation, i.status]), [['waitForSnapshot', 503], ['waitForSnapshot', 200]]);
});

test('signal: options.signal or config.signal aborts at once, while polling or between polls', async () => {
  for (const where of ['options', 'config']) {
    mock.setFaults([answer('creating', 5, 0)]);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 200);
    const c = where === 'config' ? { ...cfg, signal: ctl.signal } : cfg;
    const o = where === 'options' ? { intervalMs: 5000, signal: ctl.signal } : { intervalMs: 5000 };
    const { e, ms } = await timed(() => waitForSnapshot(c, ID, o));
    assert.equal(e.kind, 'aborted', where);
    assert.ok(ms < 1500, `${where}: took ${ms} ms`);
  }
});

test('options are checked before any request', async () => {
  for (const [options, message] of [
    [{ failOn: 'error' }, /options\.failOn must be an array of statuses, not a string/],
    [{ intervalMs: 0 }, /options\.intervalMs must be a positive integer/],
    [{ status: 'available', failOn: ['available'] }, /must not hold the status waited for/],
    [{ interval: 100 }, /options has an unknown key "interval"/],
    [{ onProgress: 'x' }, /options\.onProgress must be a function, not a string/],
  ]) {
    const e = await waitForSnapshot(cfg, ID, options).then(() => null, (err) => err);
    assert.equal(e.kind, 'invalid_input');
    assert.match(e.message, message);
  }
  assert.equal(polls(), 0);
});

test('nothing is sent and no timer runs after it settles: reached, failed, a poll\'s error, timeout, aborted', async () => {
  mock.setFaults([answer('creating', 10), answer('available', 100)]);
  const reached = await settlesQuietly(mock, () => waitForSnapshot(cfg, ID, { intervalMs: 30 }), 'reached');
  assert.equal(reached.v.status, 'available');
  assert.equal(polls(), 2);

  mock.clearRequests();
  mock.setFaults([answer('creating', 10), answer('error', 10)]);
  const failed = await settlesQuietly(mock, () => waitForSnapshot(cfg, ID, { intervalMs: 30 }), 'failed');
  assert.equal(failed.e.kind, 'failed');
  assert.equal(polls(), 2);

  mock.clearRequests();
  mock.clearFaults();
  const own = await settlesQuietly(mock, () => waitForSnapshot(cfg, 'no-such-id', { intervalMs: 30 }), "a poll's error");
  assert.deepEqual([own.e.kind, own.e.status], ['http', 404]);
  assert.equal(polls(), 1);

  // Time up between polls: the next poll would start after the deadline,
  // so none is sent; the wait ends at the deadline, not before. (Before
  // issue 25 the last pause was cut to the time left and one more GET went
  // out at the deadline, after the promise had settled.)
  mock.clearRequests();
  mock.setFaults([answer('creating', 20, 0)]);
  const timeout = await settlesQuietly(mock, () => waitForSnapshot(cfg, ID, { intervalMs: 200, timeoutMs: 300 }), 'timeout');
  assert.equal(timeout.e.kind, 'timeout');
  assert.match(timeout.e.message, /within 300 ms \(last seen: status "creating", progress 20 %\)$/);
  assert.ok(timeout.ms >= 300, `ended early, after ${timeout.ms} ms`);
  // At 0 and 200 ms; on a busy machine the first may end too late for a second.
  assert.ok(polls() >= 1 && polls() <= 2, `${polls()} polls`);

  // Aborted between polls, and during a poll (its answer held back).
  mock.clearRequests();
  mock.setFaults([answer('creating', 20, 0)]);
  const between = new AbortController();
  const aborted = await settlesQuietly(
    mock,
    () => waitForSnapshot(cfg, ID, { intervalMs: 5000, signal: between.signal, onProgress: () => setImmediate(() => between.abort()) }),
    'aborted between polls',
  );
  assert.equal(aborted.e.kind, 'aborted');
  assert.equal(polls(), 1);
  mock.clearRequests();
  mock.setFaults([{ match: { op: 'show' }, times: 0, hang: true }]);
  const during = new AbortController();
  const mid = await settlesQuietly(
    mock,
    async () => {
      const p = waitForSnapshot(cfg, ID, { signal: during.signal });
      while (polls() === 0) await new Promise((r) => setImmediate(r));
      during.abort();
      return p;
    },
    'aborted during a poll',
  );
  assert.equal(mid.e.kind, 'aborted');
  assert.equal(polls(), 1);
});

test('throttled: a Retry-After past the deadline keeps the deadline, then timeout names the last status and progress', async () => {
  // The first poll answers creating 40 %, every later one 429 APIGW.0308 with Retry-After: 20 (issue 25 §3).
  const throttled = { match: { op: 'show' }, times: 0, status: 429, retryAfter: '20', json: { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 minute' } };
  mock.setFaults([answer('creating', 40), throttled]);
  const infos = [];
  const r = await settlesQuietly(mock, () => waitForSnapshot({ ...cfg, onAttempt: (i) => infos.push(i) }, ID, { intervalMs: 100, timeoutMs: 2000 }), 'throttled');
  assert.equal(r.e.kind, 'timeout');
  assert.equal(r.e.message, `snapshot ${ID} did not reach status "available" within 2000 ms (last seen: status "creating", progress 40 %)`);
  assert.ok(r.ms >= 2000, `ended early, after ${r.ms} ms`);
  assert.ok(r.ms < 10000, `waited for the Retry-After: ${r.ms} ms`);
  assert.equal(polls(), 2, 'no attempt after the 429: its Retry-After ends after the deadline');
  assert.deepEqual(infos.map((i) => [i.status, i.retryInMs]), [[200, undefined], [429, 20000]]);
});

// IAM's lookup, for a key pair and a region without a project ID: each test
// has a mock of its own (its URL is the IAM endpoint, so the module's kept
// project IDs start empty for it).
const AK = 'AKWAITLOOKUP00001';
const SK = 'sk-wait-lookup-9f8e7d';
async function iamMock(t) {
  const m = await mockFor(t, { ak: AK, sk: SK });
  return { m, c: { region: REGION, endpoint: m.apiUrl, iamEndpoint: m.apiUrl, auth: { accessKey: AK, secretKey: SK }, timeoutMs: 2000 } };
}
const available = SNAPSHOTS.find((s) => s.status === 'available').id;

test('the deadline bounds the IAM lookup: an IAM that never answers ends the wait at timeoutMs; the lookup is cancelled', async (t) => {
  const { m, c } = await iamMock(t);
  m.setFaults([{ match: { op: 'iam' }, times: 0, hang: true }]);
  const r = await settlesQuietly(m, () => waitForSnapshot(c, available, { timeoutMs: 500 }), 'IAM never answers');
  assert.equal(r.e.kind, 'timeout');
  assert.equal(r.e.message, `snapshot ${available} did not reach status "available" within 500 ms (no poll answered)`);
  // Not the config's timeoutMs (2000) × attempts: the wait's 500 ms.
  assert.ok(r.ms >= 500 && r.ms < 1900, `took ${r.ms} ms`);
  assert.deepEqual(m.requests().map((q) => q.kind), ['iam']);
  // The lookup nobody waits on any more was cancelled, not kept: the next call asks again, and gets it.
  m.clearFaults();
  m.clearRequests();
  assert.equal((await getSnapshot(c, available)).id, available);
  assert.deepEqual(m.requests().map((q) => q.kind), ['iam', 'api']);
});

test('a wait that gives up on a shared IAM lookup leaves it to the other calls', async (t) => {
  const { m, c } = await iamMock(t);
  m.setFaults([{ match: { op: 'iam' }, times: 1, delayMs: 1000 }]);
  const waiting = waitForSnapshot(c, available, { timeoutMs: 200 }).then(() => null, (e) => e);
  const getting = getSnapshot(c, available);
  const e = await waiting;
  assert.equal(e.kind, 'timeout');
  assert.match(e.message, /within 200 ms \(no poll answered\)$/);
  assert.equal((await getting).id, available);
  assert.deepEqual(m.requests().map((q) => q.kind), ['iam', 'api'], 'one lookup, shared');
  // Kept: a later wait asks IAM no more.
  assert.equal((await waitForSnapshot(c, available, { timeoutMs: 5000 })).id, available);
  assert.deepEqual(m.requests().map((q) => q.kind), ['iam', 'api', 'api']);
});
