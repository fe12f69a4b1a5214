// The project ID from IAM (docs/contract.md "Project ID from IAM"): with a key
// pair and a region but no projectId, the first call asks IAM (the mock's
// GET /v3/projects?name=) signed with the same pair, keeps the answer per
// key and region, shares one request among concurrent first calls, and
// refuses none or several projects. Each test uses a mock of its own (its
// URL is the IAM endpoint, so the module's cache starts empty for it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getSnapshot, listSnapshots, paginateSnapshots, waitForSnapshot, configFromEnv } from 'evs-snapshots';
import { mockFor } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID, SECOND_PROJECT_ID, REGION } from '../mock-evs/data.mjs';

const AK = 'AKIAMLOOKUP000001';
const SK = 'sk-iam-lookup-1a2b3c4d';

async function mockAndConfig(t, options = {}) {
  const mock = await mockFor(t, { ak: AK, sk: SK, ...options });
  const cfg = { region: REGION, endpoint: mock.apiUrl, iamEndpoint: mock.apiUrl, auth: { accessKey: AK, secretKey: SK } };
  return { mock, cfg };
}
const kinds = (mock) => mock.requests().map((r) => r.kind);

test('found: the first call asks IAM once, signed; later calls use the kept ID', async (t) => {
  const { mock, cfg } = await mockAndConfig(t);
  const infos = [];
  const s = await getSnapshot({ ...cfg, onAttempt: (i) => infos.push(i) }, SNAPSHOTS[0].id);
  assert.equal(s.id, SNAPSHOTS[0].id);
  assert.deepEqual(kinds(mock), ['iam', 'api']);
  const [iam, api] = mock.requests();
  assert.equal(iam.path, '/v3/projects');
  assert.equal(iam.query, `name=${REGION}`);
  assert.match(iam.headers.authorization, new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=host;x-sdk-date, Signature=`));
  assert.equal(api.path, `/v2/${PROJECT_ID}/cloudsnapshots/${SNAPSHOTS[0].id}`);
  assert.equal(api.headers['x-project-id'], PROJECT_ID);
  assert.deepEqual(infos.map((i) => i.operation), ['projectId', 'getSnapshot']);
  // Kept: no second IAM request, for any call.
  mock.clearRequests();
  await listSnapshots(cfg, { limit: 1 });
  for await (const x of paginateSnapshots(cfg, { limit: 200 })) void x;
  await waitForSnapshot(cfg, SNAPSHOTS.find((x) => x.status === 'available').id);
  assert.ok(!kinds(mock).includes('iam'), `asked again: ${kinds(mock)}`);
  // configFromEnv's "" for an unset HUAWEICLOUD_SDK_PROJECT_ID asks IAM too.
  const fromEnv = configFromEnv({ HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_REGION: REGION, HUAWEICLOUD_SDK_IAM_ENDPOINT: mock.apiUrl });
  assert.deepEqual(fromEnv, { projectId: '', region: REGION, iamEndpoint: mock.apiUrl, auth: { accessKey: AK, secretKey: SK } });
  assert.equal((await getSnapshot({ ...fromEnv, endpoint: mock.apiUrl }, SNAPSHOTS[1].id)).id, SNAPSHOTS[1].id);
});

test('concurrent first calls share one IAM request', async (t) => {
  const { mock, cfg } = await mockAndConfig(t);
  mock.setFaults([{ match: { op: 'iam' }, times: 1, delayMs: 200 }]);
  const results = await Promise.all(Array.from({ length: 8 }, (_, i) => getSnapshot(cfg, SNAPSHOTS[i].id)));
  assert.deepEqual(results.map((s) => s.id), SNAPSHOTS.slice(0, 8).map((s) => s.id));
  assert.equal(kinds(mock).filter((k) => k === 'iam').length, 1);
});

test('no project, or several: invalid_input saying so; a failed lookup is not kept', async (t) => {
  const { mock, cfg } = await mockAndConfig(t, { iamProjects: 'none' });
  const none = await getSnapshot(cfg, SNAPSHOTS[0].id).then(() => null, (e) => e);
  assert.equal(none.kind, 'invalid_input');
  assert.match(none.message, new RegExp(`IAM has no project named "${REGION}"`));
  assert.deepEqual(kinds(mock), ['iam'], 'nothing sent to EVS');
  mock.setIamProjects('two');
  const two = await getSnapshot(cfg, SNAPSHOTS[0].id).then(() => null, (e) => e);
  assert.equal(two.kind, 'invalid_input');
  assert.match(two.message, new RegExp(`2 projects named "${REGION}" \\(${PROJECT_ID}, ${SECOND_PROJECT_ID}\\)`));
  mock.setIamProjects('one');
  assert.equal((await getSnapshot(cfg, SNAPSHOTS[0].id)).id, SNAPSHOTS[0].id);
});

test('IAM failing is the call failing: retried like any call, then its error', async (t) => {
  const { mock, cfg } = await mockAndConfig(t);
  mock.setFaults([{ match: { op: 'iam' }, times: 1, status: 503, json: { error_msg: 'busy' } }]);
  assert.equal((await getSnapshot(cfg, SNAPSHOTS[0].id)).id, SNAPSHOTS[0].id);
  assert.deepEqual(kinds(mock), ['iam', 'iam', 'api']);
  const { mock: down, cfg: downCfg } = await mockAndConfig(t);
  down.setFaults([{ match: { op: 'iam' }, times: 0, status: 403, json: { error_code: 'IAM.0001', error_msg: 'forbidden' } }]);
  const e = await getSnapshot(downCfg, SNAPSHOTS[0].id).then(() => null, (err) => err);
  assert.deepEqual([e.kind, e.status, e.code], ['http', 403, 'IAM.0001']);
});

test('a token, no auth, or no region: projectId stays required, nothing is sent', async (t) => {
  const { mock, cfg } = await mockAndConfig(t);
  for (const [c, message] of [
    [{ ...cfg, auth: { token: 't' } }, /^projectId is required$/],
    [{ ...cfg, auth: undefined }, /^projectId is required$/],
    [{ ...cfg, region: undefined }, /projectId is required \(or a region, to ask IAM for it with the key pair\)/],
    [{ ...cfg, projectId: '', auth: { token: 't' } }, /^projectId is empty: set HUAWEICLOUD_SDK_PROJECT_ID, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK with HUAWEICLOUD_SDK_REGION to ask IAM for it$/],
  ]) {
    const e = await getSnapshot(c, SNAPSHOTS[0].id).then(() => null, (err) => err);
    assert.equal(e.kind, 'invalid_input');
    assert.match(e.message, message);
  }
  assert.deepEqual(mock.requests(), []);
});
