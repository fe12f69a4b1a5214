// The mock's IAM call (issue 21): `GET /v3/projects?name={region}` finds the
// seeded project for the mock's region, checked like the EVS calls, with a
// switch for none and two projects. Requests are signed with the package's
// own signRequest (run `make build` first), so a client's IAM call is what
// these tests send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { signRequest } from 'evs-snapshots';
import { startMockEvs, IAM_MODES } from './server.mjs';
import { useMock, mockFor } from '../helpers/mock.mjs';
import { PROJECT_ID, SECOND_PROJECT_ID, DOMAIN_ID, REGION } from './data.mjs';

const AK = 'AKIAMTEST00000001';
const SK = 'sk-iam-Secret-4b7e';
const HEX32 = /^[0-9a-f]{32}$/;

const mock = useMock({ ak: AK, sk: SK, apiPrefix: '/evs' }, { each: 'reset' }); // AK/SK checked, under the demo's prefix, default region and mode

/** `GET {base}/v3/projects?{query}`, signed with signRequest unless `credentials` is null. */
async function projects(m, query, { credentials = { accessKey: AK, secretKey: SK }, headers = {}, base = m.apiUrl } = {}) {
  const url = `${base}/v3/projects${query === undefined ? '' : `?${query}`}`;
  if (credentials === null) return fetch(url, { headers });
  const signed = await signRequest({ method: 'GET', url, headers }, credentials);
  return fetch(signed.url, { headers: signed.headers });
}

const iamLog = (m) => m.requests().filter((r) => r.kind === 'iam');

test('a signed request for the region finds the seeded project, in Keystone\'s shape, with X-IAM-Trace-Id', async () => {
  assert.equal(mock.region, REGION);
  assert.equal(REGION, 'ap-southeast-1', 'the default region');
  const r = await projects(mock, `name=${REGION}`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('x-iam-trace-id') ?? '', HEX32, 'the trace header the official SDK reads');
  assert.match(r.headers.get('x-request-id') ?? '', HEX32);
  const body = await r.json();
  assert.equal(body.projects.length, 1);
  const [p] = body.projects;
  assert.deepEqual(
    { ...p, links: undefined },
    { id: PROJECT_ID, name: REGION, domain_id: DOMAIN_ID, enabled: true, is_domain: false, parent_id: DOMAIN_ID, description: '', links: undefined },
  );
  assert.match(p.links.self, new RegExp(`/v3/projects/${PROJECT_ID}$`));
  assert.equal(body.links.next, null);
  assert.equal(body.links.previous, null);
  assert.match(body.links.self, /\/v3\/projects\?name=ap-southeast-1$/);
  // Two calls, two trace IDs.
  const again = await projects(mock, `name=${REGION}`);
  assert.notEqual(again.headers.get('x-iam-trace-id'), r.headers.get('x-iam-trace-id'));
});

test('name is exact: another region, another case, a prefix or an empty name find nothing', async () => {
  for (const name of ['cn-north-4', 'AP-SOUTHEAST-1', 'ap-southeast', 'ap-southeast-1x', '']) {
    const r = await projects(mock, `name=${encodeURIComponent(name)}`);
    assert.equal(r.status, 200, name);
    assert.deepEqual((await r.json()).projects, [], `name=${name}`);
  }
  // The query is read as a form: %2D is a hyphen.
  assert.equal((await (await projects(mock, 'name=ap%2Dsoutheast%2D1')).json()).projects.length, 1);
  // Without a name: every project the account has (here, the one).
  assert.deepEqual((await (await projects(mock)).json()).projects.map((p) => p.id), [PROJECT_ID]);
});

test('another region by option: the seeded project is named after it, and only it', async (t) => {
  const m = await mockFor(t, { ak: AK, sk: SK, region: 'cn-north-4' });
  assert.deepEqual((await (await projects(m, 'name=cn-north-4')).json()).projects.map((p) => [p.id, p.name]), [[PROJECT_ID, 'cn-north-4']]);
  assert.deepEqual((await (await projects(m, `name=${REGION}`)).json()).projects, []);
  await assert.rejects(startMockEvs({ port: 0, quiet: true, region: '' }), /region/);
});

test('the switch by option: none finds nothing, two finds the seeded project and a sub-project named like the region', async (t) => {
  const none = await mockFor(t, { ak: AK, sk: SK, iamProjects: 'none' });
  const two = await mockFor(t, { ak: AK, sk: SK, iamProjects: 'two' });
  const r = await projects(none, `name=${REGION}`);
  assert.equal(r.status, 200);
  assert.deepEqual((await r.json()).projects, []);

  const list = (await (await projects(two, `name=${REGION}`)).json()).projects;
  assert.deepEqual(list.map((p) => p.id), [PROJECT_ID, SECOND_PROJECT_ID]);
  assert.match(SECOND_PROJECT_ID, HEX32);
  assert.notEqual(SECOND_PROJECT_ID, PROJECT_ID);
  assert.ok(list.every((p) => p.name === REGION && p.domain_id === DOMAIN_ID && p.enabled === true));
  assert.equal(list[1].parent_id, PROJECT_ID, 'the second is a sub-project of the region\'s project');
  assert.equal(two.iamProjects(), 'two');

  two.reset();
  assert.equal(two.iamProjects(), 'two', 'reset goes back to the start-up value, not to "one"');
  await assert.rejects(startMockEvs({ port: 0, quiet: true, iamProjects: 'three' }), /iamProjects must be one of none, one, two/);
  assert.deepEqual(IAM_MODES, ['none', 'one', 'two']);
});

test('the switch over HTTP: PUT, GET and DELETE /__mock/iam; setIamProjects; reset restores', async () => {
  const ctl = (method, body, headers = {}) =>
    fetch(`${mock.apiUrl}/__mock/iam`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const ids = async () => (await (await projects(mock, `name=${REGION}`)).json()).projects.map((p) => p.id);

  let r = await ctl('GET');
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { projects: 'one', region: REGION, list: (await (await projects(mock)).json()).projects });

  r = await ctl('PUT', { projects: 'two' });
  assert.equal(r.status, 200);
  assert.equal((await r.json()).projects, 'two');
  assert.equal(mock.iamProjects(), 'two');
  assert.deepEqual(await ids(), [PROJECT_ID, SECOND_PROJECT_ID]);

  r = await ctl('PUT', { projects: 'none' });
  assert.deepEqual((await r.json()).list, []);
  assert.deepEqual(await ids(), []);

  for (const bad of [{ projects: 'three' }, { projects: 2 }, {}, 'nope', ['two']]) {
    assert.equal((await ctl('PUT', bad)).status, 400, JSON.stringify(bad));
  }
  assert.equal(mock.iamProjects(), 'none', 'a bad PUT changes nothing');

  // Same origin only, like every control endpoint.
  r = await ctl('PUT', { projects: 'two' }, { Origin: 'http://evil.example' });
  assert.equal(r.status, 403);
  r = await ctl('PUT', { projects: 'two' }, { 'Sec-Fetch-Site': 'cross-site' });
  assert.equal(r.status, 403);
  assert.equal(mock.iamProjects(), 'none', 'a cross-origin PUT changes nothing');

  r = await ctl('DELETE');
  assert.equal((await r.json()).projects, 'one', 'DELETE: back to the start-up value');
  assert.deepEqual(await ids(), [PROJECT_ID]);

  mock.setIamProjects('two');
  assert.deepEqual(await ids(), [PROJECT_ID, SECOND_PROJECT_ID]);
  assert.throws(() => mock.setIamProjects('many'), /iamProjects must be one of/);
  assert.equal(mock.iamProjects(), 'two');

  assert.equal((await fetch(`${mock.apiUrl}/__mock/reset`, { method: 'POST' })).status, 204);
  assert.equal(mock.iamProjects(), 'one', 'reset: back to the start-up value');
  assert.deepEqual(await ids(), [PROJECT_ID]);
});

test('unsigned, wrongly signed or tampered requests get 401 in the gateway\'s shape', async () => {
  const refused = async (r, reason) => {
    assert.equal(r.status, 401, reason);
    const body = await r.json();
    assert.equal(body.error_code, 'APIGW.0301');
    assert.match(body.error_msg, reason);
    assert.match(body.request_id, HEX32);
    assert.equal(body.projects, undefined);
  };
  await refused(await projects(mock, `name=${REGION}`, { credentials: null }), /not signed/);
  await refused(await projects(mock, `name=${REGION}`, { credentials: { accessKey: AK, secretKey: 'not-the-secret' } }), /verify aksk signature fail/);
  await refused(await projects(mock, `name=${REGION}`, { credentials: { accessKey: 'AKSOMEONEELSE0001', secretKey: SK } }), /unknown access key/);
  // Signed for another region's query, sent for this one.
  const signed = await signRequest({ method: 'GET', url: `${mock.apiUrl}/v3/projects?name=cn-north-4` }, { accessKey: AK, secretKey: SK });
  await refused(await fetch(`${mock.apiUrl}/v3/projects?name=${REGION}`, { headers: signed.headers }), /verify aksk signature fail/);
  // Signed 20 minutes ago.
  const old = await signRequest({ method: 'GET', url: `${mock.apiUrl}/v3/projects?name=${REGION}` }, { accessKey: AK, secretKey: SK }, new Date(Date.now() - 20 * 60_000));
  await refused(await fetch(old.url, { headers: old.headers }), /signature expired/);
  assert.deepEqual(iamLog(mock).map((e) => e.status), [401, 401, 401, 401, 401]);
});

test('temporary credentials: the security token is required and checked, as for EVS', async (t) => {
  const m = await mockFor(t, { ak: AK, sk: SK, securityToken: 'STS-TOKEN-1' });
  const ok = await projects(m, `name=${REGION}`, { credentials: { accessKey: AK, secretKey: SK, securityToken: 'STS-TOKEN-1' } });
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).projects[0].id, PROJECT_ID);
  assert.equal((await projects(m, `name=${REGION}`)).status, 401, 'without the token');
  assert.equal((await projects(m, `name=${REGION}`, { credentials: { accessKey: AK, secretKey: SK, securityToken: 'STS-OTHER' } })).status, 401, 'another token');
});

test('faults: op "iam" applies to IAM calls only, and EVS faults leave IAM alone', async () => {
  mock.setFaults([{ match: { op: 'iam' }, status: 503, retryAfter: '2', json: { error_code: 'IAM.0001', error_msg: 'busy' } }]);
  let r = await projects(mock, `name=${REGION}`);
  assert.equal(r.status, 503);
  assert.equal(r.headers.get('retry-after'), '2');
  assert.deepEqual(await r.json(), { error_code: 'IAM.0001', error_msg: 'busy' });
  r = await projects(mock, `name=${REGION}`);
  assert.equal(r.status, 200, 'times defaults to 1');
  assert.equal((await r.json()).projects.length, 1);

  // Over HTTP, and a list fault is not used up by an IAM call.
  const put = await fetch(`${mock.apiUrl}/__mock/faults`, { method: 'PUT', body: JSON.stringify([{ match: { op: 'list' }, status: 500 }, { match: { op: 'iam' }, status: 429, times: 2 }]) });
  assert.equal(put.status, 204);
  assert.equal((await projects(mock, `name=${REGION}`)).status, 429);
  assert.equal((await projects(mock, `name=${REGION}`)).status, 429);
  assert.equal((await projects(mock, `name=${REGION}`)).status, 200);
  const list = await signRequest({ method: 'GET', url: `${mock.apiUrl}/v2/${PROJECT_ID}/snapshots?limit=1` }, { accessKey: AK, secretKey: SK });
  assert.equal((await fetch(list.url, { headers: list.headers })).status, 500, 'the list fault is still there');

  // A stalled body is the real IAM answer, sent in two parts.
  mock.setFaults([{ match: { op: 'iam' }, stallBodyMs: 50 }]);
  r = await projects(mock, `name=${REGION}`);
  assert.equal(r.status, 200);
  assert.deepEqual((await r.json()).projects.map((p) => p.id), [PROJECT_ID]);
  assert.equal(mock.requests().at(-1).status, 200);
});

test('the request log records IAM calls as kind "iam", with their status', async () => {
  await projects(mock, `name=${REGION}`);
  await projects(mock, 'name=cn-north-4', { credentials: null });
  const log = (await (await fetch(`${mock.apiUrl}/__mock/requests`)).json()).requests;
  assert.deepEqual(
    log.map(({ method, path, query, kind, status }) => ({ method, path, query, kind, status })),
    [
      { method: 'GET', path: '/evs/v3/projects', query: `name=${REGION}`, kind: 'iam', status: 200 },
      { method: 'GET', path: '/evs/v3/projects', query: 'name=cn-north-4', kind: 'iam', status: 401 },
    ],
  );
  assert.match(log[0].headers.authorization, /^SDK-HMAC-SHA256 Access=AKIAMTEST00000001,/);
  assert.equal(mock.requests().filter((r) => r.kind === 'api').length, 0, 'not counted as EVS calls');
  assert.equal((await fetch(`${mock.apiUrl}/__mock/reset`, { method: 'POST' })).status, 204);
  assert.equal(mock.requests().length, 0, 'reset clears the log');
});

test('served under the API prefix only (the client\'s iamEndpoint is apiUrl); other /v3 calls and methods in Keystone\'s shape', async (t) => {
  // Outside the prefix there is no IAM, as there is no EVS.
  let r = await projects(mock, `name=${REGION}`, { base: mock.url });
  assert.equal(r.status, 404);
  assert.equal(r.headers.get('x-iam-trace-id'), null);
  assert.equal(iamLog(mock).length, 0, 'not an IAM call');

  // Another IAM path: checked first (401 unsigned), then 404 in Keystone's shape.
  const other = `${mock.apiUrl}/v3/projects/${PROJECT_ID}`;
  assert.equal((await fetch(other)).status, 401);
  const signed = await signRequest({ method: 'GET', url: other }, { accessKey: AK, secretKey: SK });
  r = await fetch(signed.url, { headers: signed.headers });
  assert.equal(r.status, 404);
  assert.equal((await r.json()).error.code, 404);

  r = await fetch(`${mock.apiUrl}/v3/projects`, { method: 'POST', body: '{}' });
  assert.equal(r.status, 405);
  assert.deepEqual((await r.json()).error.title, 'Method Not Allowed');
  assert.deepEqual(iamLog(mock).map((e) => e.status), [401, 404, 405]);

  // Without a prefix, at the root.
  const bare = await mockFor(t, { ak: AK, sk: SK });
  assert.equal(bare.apiUrl, bare.url);
  assert.equal((await (await projects(bare, `name=${REGION}`)).json()).projects[0].id, PROJECT_ID);
});

test('CORS as for EVS: an allowed origin sees X-IAM-Trace-Id, another origin is refused and not logged', async (t) => {
  const m = await mockFor(t, { allowOrigins: ['http://127.0.0.1:5173'] });
  const url = `${m.apiUrl}/v3/projects?name=${REGION}`;
  const pre = await fetch(url, { method: 'OPTIONS', headers: { Origin: 'http://127.0.0.1:5173', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization,x-sdk-date' } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), 'http://127.0.0.1:5173');
  const r = await fetch(url, { headers: { Origin: 'http://127.0.0.1:5173' } });
  assert.equal(r.status, 200, 'no auth configured: answered');
  assert.match(r.headers.get('access-control-expose-headers'), /X-IAM-Trace-Id/);
  assert.equal((await fetch(url, { headers: { Origin: 'http://evil.example' } })).status, 403);
  assert.deepEqual(m.requests().map((e) => [e.kind, e.status]), [['preflight', undefined], ['iam', 200]]);
});

test('the command line: --region and --iam-projects', async () => {
  const server = fileURLToPath(new URL('./server.mjs', import.meta.url));
  const child = spawn(process.execPath, [server, '--port', '0', '--region', 'eu-west-101', '--iam-projects', 'two'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
  try {
    const [line] = await once(child.stdout, 'data');
    const url = /listening on (http:\/\/\S+)/.exec(String(line))[1];
    const state = await (await fetch(`${url}/__mock/iam`)).json();
    assert.equal(state.projects, 'two');
    assert.equal(state.region, 'eu-west-101');
    const body = await (await fetch(`${url}/v3/projects?name=eu-west-101`)).json();
    assert.deepEqual(body.projects.map((p) => p.id), [PROJECT_ID, SECOND_PROJECT_ID]);
  } finally {
    clearTimeout(timer);
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  const bad = spawn(process.execPath, [server, '--port', '0', '--iam-projects', 'many'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  bad.stderr.on('data', (c) => (err += c));
  const [code] = await once(bad, 'close');
  assert.equal(code, 2);
  assert.match(err, /--iam-projects must be one of none, one, two/);
});
