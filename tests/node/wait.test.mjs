// waitForSnapshot (docs/contract.md "waitForSnapshot"): polls getSnapshot until the
// status is reached, fails on a status of failOn, times out naming the last
// status and progress, passes a poll's own error on, and aborts at once.
// The mock's fault list scripts the statuses poll by poll.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { waitForSnapshot, EvsError } from 'evs-snapshots';
import { startMockEvs } from '../mock-evs/server.mjs';
import { PROJECT_ID } from '../mock-evs/data.mjs';

let mock;
let cfg;
const ID = 'snap-waited-on';

before(async () => {
  mock = await startMockEvs({ port: 0, quiet: true });
  cfg = { projectId: PROJECT_ID, endpoint: mock.apiUrl };
});
after(() => mock.close());
beforeEach(() => {
  mock.clearFaults();
  mock.clearRequests();
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
