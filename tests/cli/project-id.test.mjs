// The project ID from IAM through the command (issue 21 §1): with an AK/SK
// pair and a region, --project-id (HUAWEICLOUD_SDK_PROJECT_ID) may be left
// out and the library asks IAM (--iam-endpoint, else
// HUAWEICLOUD_SDK_IAM_ENDPOINT: the mock's apiUrl serves IAM's
// GET /v3/projects?name=); with a token, or without a region, it is still a
// usage mistake (exit 2, nothing sent).
import { test } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { useMock } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID, SECOND_PROJECT_ID } from '../mock-evs/data.mjs';
import { sortWire, normalizeSnapshot } from '../helpers/reference.mjs';
import { run, ndjson, inTerminal, cli } from '../helpers/child.mjs';

const AK = 'AKCLIIAM00000000001';
const SK = 'sk-cli-iam-Secret-77c2';
const TOKEN = 'iam-token-MIIcliIamSecret';
const REGION = 'cn-north-4';
const ALL = sortWire(SNAPSHOTS).map(normalizeSnapshot);
const ID = ALL.find((s) => s.status === 'available').id;

const mock = useMock({ ak: AK, sk: SK, region: REGION, apiPrefix: '/api' }, { each: 'reset' });
let dead;
before(() => {
  // Nothing listens there: an IAM endpoint from the environment that a flag must override.
  dead = 'http://127.0.0.1:9';
});

const keys = { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK };
const kinds = () => mock.requests().map((r) => r.kind);
const oneLine = (stderr) => {
  assert.match(stderr, /^[^\n]+\n$/, JSON.stringify(stderr));
  return stderr;
};

test('no project ID with AK/SK and a region: IAM is asked (--iam-endpoint or HUAWEICLOUD_SDK_IAM_ENDPOINT), then EVS with its answer', async () => {
  for (const [how, args, env] of [
    ['flags', ['--endpoint', mock.apiUrl, '--region', REGION, '--iam-endpoint', mock.apiUrl], keys],
    ['variables', [], { ...keys, EVS_SNAPSHOTS_ENDPOINT: mock.apiUrl, HUAWEICLOUD_SDK_REGION: REGION, HUAWEICLOUD_SDK_IAM_ENDPOINT: mock.apiUrl }],
    ['the flag wins over the variable', ['--iam-endpoint', mock.apiUrl], { ...keys, EVS_SNAPSHOTS_ENDPOINT: mock.apiUrl, HUAWEICLOUD_SDK_REGION: REGION, HUAWEICLOUD_SDK_IAM_ENDPOINT: dead }],
    ['an empty project ID variable counts as unset', [], { ...keys, HUAWEICLOUD_SDK_PROJECT_ID: '', EVS_SNAPSHOTS_ENDPOINT: mock.apiUrl, HUAWEICLOUD_SDK_REGION: REGION, HUAWEICLOUD_SDK_IAM_ENDPOINT: mock.apiUrl }],
  ]) {
    mock.clearRequests();
    const r = await run(['list', '--max-items', '2', ...args], env);
    assert.equal(r.code, 0, `${how}: ${r.stderr}`);
    assert.deepEqual(ndjson(r.stdout), ALL.slice(0, 2), how);
    assert.deepEqual(kinds(), ['iam', 'api'], how);
    const [iam, api] = mock.requests();
    assert.equal(iam.path, '/api/v3/projects', how);
    assert.equal(iam.query, `name=${REGION}`, how);
    assert.match(iam.headers.authorization, new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, `), `${how}: the lookup is signed`);
    assert.equal(api.path, `/api/v2/${PROJECT_ID}/snapshots`, `${how}: the project IAM gave`);
  }

  // get and wait, with --debug: the IAM lookup's own line comes first.
  const env = { ...keys, EVS_SNAPSHOTS_ENDPOINT: mock.apiUrl, HUAWEICLOUD_SDK_REGION: REGION, HUAWEICLOUD_SDK_IAM_ENDPOINT: mock.apiUrl };
  for (const command of ['get', 'wait']) {
    const r = await run([command, ID, '--debug'], env);
    assert.equal(r.code, 0, `${command}: ${r.stderr}`);
    assert.equal(JSON.parse(r.stdout).id, ID);
    const [first, second] = r.stderr.trimEnd().split('\n');
    assert.match(first, new RegExp(`^evs-snapshots: debug: projectId: GET ${mock.apiUrl}/v3/projects\\?name=${REGION}, status 200, `));
    assert.match(second, new RegExp(`^evs-snapshots: debug: (getSnapshot|waitForSnapshot): GET ${mock.apiUrl}/v2/${PROJECT_ID}/cloudsnapshots/${ID}, status 200, `));
  }
  // An explicit project ID: IAM is not asked.
  mock.clearRequests();
  const r = await run(['list', '--max-items', '1', '--project-id', PROJECT_ID], env);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(kinds(), ['api']);
});

test('what IAM finds decides: no project, or two, is exit 2 saying so; nothing is sent to EVS', async () => {
  const env = { ...keys, EVS_SNAPSHOTS_ENDPOINT: mock.apiUrl, HUAWEICLOUD_SDK_REGION: REGION, HUAWEICLOUD_SDK_IAM_ENDPOINT: mock.apiUrl };
  mock.setIamProjects('none');
  let r = await run(['list'], env);
  assert.equal(r.code, 2, r.stderr);
  assert.match(oneLine(r.stderr), new RegExp(`^evs-snapshots: invalid_input error, request ID \\w+: IAM has no project named "${REGION}"`));
  assert.deepEqual(kinds(), ['iam']);

  mock.clearRequests();
  mock.setIamProjects('two');
  r = await run(['get', ID], env);
  assert.equal(r.code, 2, r.stderr);
  assert.match(oneLine(r.stderr), new RegExp(`^evs-snapshots: invalid_input error, request ID \\w+: .*${PROJECT_ID}.*${SECOND_PROJECT_ID}`));
  assert.deepEqual(kinds(), ['iam']);
});

test('on a terminal: IAM\'s answer is no page of the list, so a one-page list shows no progress line', async () => {
  const env = { ...keys, EVS_SNAPSHOTS_ENDPOINT: mock.apiUrl, HUAWEICLOUD_SDK_REGION: REGION, HUAWEICLOUD_SDK_IAM_ENDPOINT: mock.apiUrl };
  const r = await inTerminal(`${cli(['list', '--max-items', '2'])} > /dev/null`, env);
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(kinds(), ['iam', 'api']);
  assert.doesNotMatch(r.stdout, /pages?, /, 'no "2 pages" for one page and IAM\'s answer');
  assert.equal(r.stdout, `evs-snapshots: more snapshots after these 2: go on with --marker ${ALL[1].id}\r\n`);
});

test('still a usage mistake (exit 2, nothing sent): a token, AK/SK without a region, no credentials', async () => {
  const base = { EVS_SNAPSHOTS_ENDPOINT: mock.apiUrl, HUAWEICLOUD_SDK_IAM_ENDPOINT: mock.apiUrl };
  const tokenHint = /^evs-snapshots: no project ID: give --project-id or set HUAWEICLOUD_SDK_PROJECT_ID \(IAM finds it only with AK\/SK and a region\) \(see evs-snapshots \w+ --help\)\n$/;
  const regionHint = /^evs-snapshots: no project ID: give --project-id or set HUAWEICLOUD_SDK_PROJECT_ID \(with AK\/SK, a region \(--region or HUAWEICLOUD_SDK_REGION\) lets IAM find it\) /;
  for (const [what, args, env, re] of [
    ['a token and a region', ['list'], { ...base, HUAWEICLOUD_SDK_REGION: REGION, EVS_SNAPSHOTS_TOKEN: TOKEN }, tokenHint],
    ['a token and --region', ['get', ID, '--region', REGION, '--endpoint', mock.apiUrl], { ...base, EVS_SNAPSHOTS_TOKEN: TOKEN }, tokenHint],
    ['a token wins over AK/SK, so no lookup', ['wait', ID], { ...base, ...keys, HUAWEICLOUD_SDK_REGION: REGION, EVS_SNAPSHOTS_TOKEN: TOKEN }, tokenHint],
    ['no credentials', ['list'], { ...base, HUAWEICLOUD_SDK_REGION: REGION }, /^evs-snapshots: no project ID: give --project-id or set HUAWEICLOUD_SDK_PROJECT_ID \(or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK with a region, for IAM to find it\) /],
    ['AK/SK without a region', ['list'], { ...base, ...keys }, regionHint],
  ]) {
    mock.clearRequests();
    const r = await run(args, env);
    assert.equal(r.code, 2, `${what}: ${r.stderr}`);
    assert.match(oneLine(r.stderr), re, what);
    assert.equal(r.stdout, '');
    assert.deepEqual(kinds(), [], `${what}: nothing sent`);
    assert.ok(!r.stderr.includes(TOKEN) && !r.stderr.includes(SK), 'no secret');
  }
});
