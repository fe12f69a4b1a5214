// A wrong clock with calls in flight together (docs/contract.md "Retries,
// timeouts and cancellation"): the offset kept is the server's, set, never
// summed, so calls that correct at the same time all succeed and agree.
// (Summed, 8 parallel corrections of 20 minutes made 160, and 7 calls ended
// in 401; Huawei locks a key pair after 5 failed signatures in a row.)
// A file of its own: a fresh module instance, with no correction kept yet.
import { test } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { getSnapshot, listSnapshots } from 'evs-snapshots';
import { useMock } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';

const AK = 'AKPARALLEL0000001';
const SK = 'sk-parallel-4b5c6d';
const MIN = 60_000;
const mock = useMock({ ak: AK, sk: SK });
let cfg;

before(() => {
  cfg = { projectId: PROJECT_ID, endpoint: mock.apiUrl, auth: { accessKey: AK, secretKey: SK }, maxAttempts: 1 };
});

async function together(n) {
  mock.clearRequests();
  const calls = Array.from({ length: n }, (_, i) => (i % 2 ? getSnapshot(cfg, SNAPSHOTS[i % SNAPSHOTS.length].id) : listSnapshots(cfg, { limit: 1 })));
  const settled = await Promise.allSettled(calls);
  const failed = settled.filter((s) => s.status === 'rejected').map((s) => `${s.reason.status} ${s.reason.message}`);
  assert.deepEqual(failed, [], `${failed.length} of ${n} calls failed`);
  const api = mock.requests().filter((r) => r.kind === 'api');
  const refused = api.filter((r) => r.status === 401).length;
  // Each call is refused at most once, and sent at most twice.
  assert.ok(refused <= n, `${refused} 401s for ${n} calls`);
  assert.equal(api.length, n + refused);
  return refused;
}

for (const n of [8, 32]) {
  test(`${n} calls at once, the server 20 minutes ahead and then behind: all succeed, each with at most one 401`, async () => {
    mock.setClockOffset(20 * MIN);
    const ahead = await together(n);
    // Once corrected, the next round needs no correction.
    assert.equal(await together(n), 0, 'calls after the correction were refused');
    mock.setClockOffset(-20 * MIN);
    const behind = await together(n);
    assert.ok(ahead > 0 && behind > 0, 'the clock switch did not take effect');
    assert.equal(await together(n), 0, 'calls after the second correction were refused');
  });
}
