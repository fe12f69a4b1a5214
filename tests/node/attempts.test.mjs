// Seeing each request (docs/contract.md): onAttempt(info) after every attempt,
// over retries, a clock correction and a walk; nothing in info holds a
// credential; a hook that throws or rejects changes nothing; Node's
// requests carry the package's User-Agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as util from 'node:util';
import { readFileSync } from 'node:fs';
import { getSnapshot, listSnapshots, paginateSnapshots, EvsError } from 'evs-snapshots';
import { useMock } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';

const TOKEN = 'tok-attempts-0123456789abcdefghij';
const AK = 'AKATTEMPTS0000001';
const SK = 'sk-attempts-9a8b7c6d5e4f';
const ST = 'st-attempts-0123456789abcdef';
const ID = SNAPSHOTS[0].id;
const VERSION = JSON.parse(readFileSync(new URL('../../pkg/package.json', import.meta.url))).version;
const mock = useMock({}, { each: 'clear' });
const signed = useMock({ ak: AK, sk: SK, securityToken: ST }, { each: 'clear' });


/** No credential, nor 16 characters of one, in any view of the infos. */
function assertNoSecret(infos) {
  const text = infos.map((i) => `${JSON.stringify(i)}\n${util.inspect(i, { depth: 5 })}\n${i.error ? `${i.error.stack} ${String(i.error)}` : ''}`).join('\n');
  for (const secret of [TOKEN, SK, ST]) for (let k = 0; k + 16 <= secret.length; k++) assert.ok(!text.includes(secret.slice(k, k + 16)), `info shows part of ${secret.slice(0, 6)}…`);
}

test('a retried call: one info per attempt, with status, request ID, duration, error and the wait', async () => {
  mock.setFaults([{ match: { op: 'show' }, times: 1, status: 503, json: { error_code: 'EVS.0001', error_msg: `busy, ${TOKEN}` } }]);
  const infos = [];
  const s = await getSnapshot({ projectId: PROJECT_ID, endpoint: mock.apiUrl, auth: { token: TOKEN }, onAttempt: (i) => infos.push(i) }, ID);
  assert.equal(s.id, ID);
  assert.equal(infos.length, 2);
  const [first, second] = infos;
  assert.equal(first.operation, 'getSnapshot');
  assert.equal(first.method, 'GET');
  assert.equal(first.url, `${mock.apiUrl}/v2/${PROJECT_ID}/cloudsnapshots/${ID}`);
  assert.deepEqual([first.attempt, first.maxAttempts, first.status], [1, 3, 503]);
  assert.match(first.requestId, /\S/);
  assert.ok(Number.isInteger(first.durationMs) && first.durationMs >= 0);
  assert.ok(first.error instanceof EvsError, 'info.error is an EvsError');
  assert.deepEqual([first.error.kind, first.error.status, first.error.code, first.error.retryable], ['http', 503, 'EVS.0001', true]);
  assert.ok(first.retryInMs >= 0 && first.retryInMs <= 100);
  assert.deepEqual([second.attempt, second.status, second.error, second.retryInMs], [2, 200, undefined, undefined]);
  assertNoSecret(infos);
});

test('a failed call: the last info carries the error the call rejects with', async () => {
  const infos = [];
  const e = await getSnapshot({ projectId: PROJECT_ID, endpoint: mock.apiUrl, onAttempt: (i) => infos.push(i) }, 'no-such-id').then(() => null, (err) => err);
  assert.equal(e.status, 404);
  assert.equal(infos.length, 1);
  assert.equal(infos[0].error.message, e.message);
  assert.equal(infos[0].retryInMs, undefined);
});

test('AK/SK with a security token and a wrong clock: the correction is reported, no secret in any info', async () => {
  signed.setClockOffset(20 * 60_000);
  const infos = [];
  const cfg = { projectId: PROJECT_ID, endpoint: signed.apiUrl, auth: { accessKey: AK, secretKey: SK, securityToken: ST }, onAttempt: (i) => infos.push(i) };
  const page = await listSnapshots(cfg, { limit: 2 });
  assert.equal(page.snapshots.length, 2);
  assert.equal(infos.length, 2);
  assert.equal(infos[0].status, 401);
  assert.ok(Math.abs(infos[0].clockCorrectedMs - 20 * 60_000) < 5000, `clockCorrectedMs ${infos[0].clockCorrectedMs}`);
  assert.equal(infos[0].operation, 'listSnapshots');
  assert.deepEqual([infos[0].attempt, infos[1].attempt, infos[1].status], [1, 1, 200]);
  assert.ok(!infos[0].url.includes('Signature') && !infos[0].url.includes(AK));
  assertNoSecret(infos);
  signed.setClockOffset(0);
});

test('a walk reports every page, as listSnapshots', async () => {
  const infos = [];
  let n = 0;
  for await (const s of paginateSnapshots({ projectId: PROJECT_ID, endpoint: mock.apiUrl, onAttempt: (i) => infos.push(i) }, { limit: 100 })) n += s ? 1 : 0;
  assert.equal(n, SNAPSHOTS.length);
  assert.equal(infos.length, Math.ceil(SNAPSHOTS.length / 100) + (SNAPSHOTS.length % 100 === 0 ? 1 : 0));
  assert.ok(infos.every((i) => i.operation === 'listSnapshots' && i.status === 200));
  assert.match(infos[1].url, /marker=/);
});

test('a hook that throws, or returns a promise that rejects, changes nothing', async () => {
  const unhandled = [];
  const onUnhandled = (r) => unhandled.push(r);
  process.on('unhandledRejection', onUnhandled);
  try {
    const s = await getSnapshot({ projectId: PROJECT_ID, endpoint: mock.apiUrl, onAttempt: () => { throw new Error('hook'); } }, ID);
    assert.equal(s.id, ID);
    const t = await getSnapshot({ projectId: PROJECT_ID, endpoint: mock.apiUrl, onAttempt: async () => { throw new Error('async hook'); } }, ID);
    assert.equal(t.id, ID);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(unhandled, []);
    const e = await getSnapshot({ projectId: PROJECT_ID, endpoint: mock.apiUrl, onAttempt: 5 }, ID).then(() => null, (err) => err);
    assert.equal(e.kind, 'invalid_input');
    assert.match(e.message, /onAttempt must be a function, not a number/);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test(`Node's requests carry User-Agent: evs-snapshots/<version> node/<version>`, async () => {
  await getSnapshot({ projectId: PROJECT_ID, endpoint: mock.apiUrl }, ID);
  const [r] = mock.requests().filter((x) => x.kind === 'api');
  assert.equal(r.headers['user-agent'], `evs-snapshots/${VERSION} node/${process.versions.node}`);
  // A caller's own User-Agent wins.
  mock.clearRequests();
  await getSnapshot({ projectId: PROJECT_ID, endpoint: mock.apiUrl, headers: { 'User-Agent': 'console/1.0' } }, ID);
  assert.equal(mock.requests().find((x) => x.kind === 'api').headers['user-agent'], 'console/1.0');
});
