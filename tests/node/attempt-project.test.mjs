// onAttempt's info.projectId (docs/contract.md "Seeing each request"): the
// project an EVS request was addressed to, the `{project_id}` of its
// `/v2/{project_id}/…` path (docs/evs-api.md); the one IAM gave when the
// config left it out; absent for the `projectId` operation, IAM's lookup.
// The dashboard shows IAM's project from it (issue 29), where it used to
// take it out of info.url with a regular expression.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getSnapshot, listSnapshots } from 'evs-snapshots';
import { mockFor } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID, REGION } from '../mock-evs/data.mjs';

const AK = 'AKPROJECTINFO0001';
const SK = 'sk-project-info-7f6e5d4c3b2a';
test('a get and a list name the project in their path', async (t) => {
  const m = await mockFor(t);
  const infos = [];
  const cfg = { projectId: PROJECT_ID, endpoint: m.apiUrl, onAttempt: (i) => infos.push(i) };
  assert.equal((await getSnapshot(cfg, SNAPSHOTS[0].id)).id, SNAPSHOTS[0].id);
  await listSnapshots(cfg, { limit: 2 });
  assert.deepEqual(
    infos.map((i) => [i.operation, i.projectId]),
    [
      ['getSnapshot', '0c2eba2c5af04d3f9e9d0d410b371fde'],
      ['listSnapshots', '0c2eba2c5af04d3f9e9d0d410b371fde'],
    ],
  );
  // The ID as given, not as the path encodes it; also for an attempt the
  // service did not answer as hoped (no such project: a 4xx).
  const other = [];
  await getSnapshot({ projectId: 'proj ä-1', endpoint: m.apiUrl, maxAttempts: 1, onAttempt: (i) => other.push(i) }, 'x').catch(() => {});
  assert.equal(other.length, 1);
  assert.match(other[0].url, /\/v2\/proj%20%C3%A4-1\/cloudsnapshots\/x$/);
  assert.equal(other[0].projectId, 'proj ä-1');
});

test("the project IAM gave is named on the EVS calls; IAM's lookup has none", async (t) => {
  const m = await mockFor(t, { ak: AK, sk: SK });
  const infos = [];
  const cfg = { region: REGION, endpoint: m.apiUrl, iamEndpoint: m.apiUrl, auth: { accessKey: AK, secretKey: SK }, onAttempt: (i) => infos.push(i) };
  assert.equal((await getSnapshot(cfg, SNAPSHOTS[0].id)).id, SNAPSHOTS[0].id);
  await listSnapshots(cfg, { limit: 1 });
  assert.deepEqual(infos.map((i) => i.operation), ['projectId', 'getSnapshot', 'listSnapshots']);
  assert.ok(!('projectId' in infos[0]), `the lookup names no project: ${JSON.stringify(infos[0])}`);
  // The mock's IAM answers with its one project (tests/mock-evs/data.mjs).
  assert.equal(infos[1].projectId, '0c2eba2c5af04d3f9e9d0d410b371fde');
  assert.equal(infos[2].projectId, '0c2eba2c5af04d3f9e9d0d410b371fde');
  // An ID, and nothing else new: no credential in any info.
  const text = JSON.stringify(infos);
  assert.ok(!text.includes(SK.slice(0, 16)) && !text.includes(SK.slice(-16)), text);
});
