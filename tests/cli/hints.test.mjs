// What the command says when a user trips up (a new user's review): an
// option's value that begins with '-' (`--max-items -3`) is read the
// command's way, not refused in parseArgs' words; a failed project ID
// lookup at IAM says that it was the lookup, and how to skip it; a 401 with
// no credentials at all names the variables to set. Each expected line is
// written out here, from the command's help and docs/contract.md.
import { test } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { useMock } from '../helpers/mock.mjs';
import { run } from '../helpers/child.mjs';
import { PROJECT_ID } from '../mock-evs/data.mjs';

const AK = 'AKCLIHINTS000000001';
const SK = 'sk-cli-hints-Secret-3f9a';
const TOKEN = 'iam-token-MIIcliHintsSecret';
const REGION = 'ap-southeast-1';

const mock = useMock({}, { each: 'reset' }); // no auth
const akMock = useMock({ ak: AK, sk: SK, apiPrefix: '/api' }, { each: 'reset' }); // AK/SK checked, IAM at /api too

let closed; // a port nothing listens on: connections to it are refused
before(async () => {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  closed = `http://127.0.0.1:${s.address().port}`;
  await new Promise((r) => s.close(r));
});

const noSecret = (text) => assert.ok(![SK, TOKEN].some((s) => text.includes(s)), 'no secret in the output');

test('an option\'s value that begins with "-": a negative number is the value (the option\'s own check answers), anything else is exit 2 naming the option', async () => {
  const at = { EVS_SNAPSHOTS_ENDPOINT: mock.url, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID };
  for (const [args, line] of [
    // As `--max-items=-3` is answered.
    [['list', '--max-items', '-3'], 'evs-snapshots: --max-items must be at least 1 (see evs-snapshots list --help)'],
    [['list', '--max-items=-3'], 'evs-snapshots: --max-items must be at least 1 (see evs-snapshots list --help)'],
    [['list', '--page-size', '-5'], "evs-snapshots: --page-size must be from 1 to 1000 (the service's most per request) (see evs-snapshots list --help)"],
    [['get', 'x', '--max-attempts', '-2'], 'evs-snapshots: --max-attempts must be at least 1 (see evs-snapshots get --help)'],
    // A global option before the command, read the same way.
    [['--max-attempts', '-2', 'list'], 'evs-snapshots: --max-attempts must be at least 1 (see evs-snapshots list --help)'],
    [['serve', '--port', '-1'], 'evs-snapshots: --port must be 0..65535 (0: a free port) (see evs-snapshots serve --help)'],
    [['wait', 'x', '--timeout', '-1.5'], 'evs-snapshots: --timeout must be a duration of at least 1 ms, such as 30s, 3m30s, 1h or 500ms (a bare number is seconds) (see evs-snapshots wait --help)'],
    // Anything else that begins with '-': most likely an option, the value forgotten.
    [['list', '--name', '--debug'], "evs-snapshots: --name needs a value; one that begins with '-' is written --name=-VALUE (see evs-snapshots list --help)"],
    [['list', '-o', '-x'], "evs-snapshots: -o needs a value; one that begins with '-' is written --output=-VALUE (see evs-snapshots list --help)"],
    [['wait', 'x', '--interval', '-2s'], "evs-snapshots: --interval needs a value; one that begins with '-' is written --interval=-VALUE (see evs-snapshots wait --help)"],
    // The argument itself is never shown: it could be a secret pasted in the wrong place.
    [['list', '--project-id', `-${TOKEN}`], "evs-snapshots: --project-id needs a value; one that begins with '-' is written --project-id=-VALUE (see evs-snapshots list --help)"],
    // No value at all.
    [['list', '--max-items'], 'evs-snapshots: --max-items needs a value (see evs-snapshots list --help)'],
    [['sign', 'GET', 'https://x.example/', '-H'], 'evs-snapshots: -H needs a value (see evs-snapshots sign --help)'],
  ]) {
    const r = await run(args, at);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr, `${line}\n`, args.join(' '));
    assert.equal(r.stdout, '');
    noSecret(r.stderr);
  }
  assert.deepEqual(mock.requests(), [], 'nothing sent');
  // A negative number as a value is sent as given: --offset -1 reaches the library, which refuses it (invalid_input, exit 2, nothing sent).
  const r = await run(['list', '--offset', '-1'], at);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^evs-snapshots: invalid_input error: .*offset/);
});

test('a failed project ID lookup at IAM says so, and how to skip it: list, get, wait and serve', async () => {
  const env = { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK };
  const line =
    `evs-snapshots: the project ID lookup at IAM failed: network error: the request to ${closed} failed before a response: fetch failed (ECONNREFUSED); give --project-id or set HUAWEICLOUD_SDK_PROJECT_ID to skip the lookup\n`;
  for (const args of [['list'], ['get', 'x'], ['wait', 'x'], ['serve', '--port', '0']]) {
    const r = await run([...args, '--region', REGION, '--iam-endpoint', closed, '--max-attempts', '1'], env);
    assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
    assert.equal(r.stderr, line, args[0]);
    assert.equal(r.stdout, '');
    noSecret(r.stderr);
  }
  // IAM answers 401 (a wrong secret key): the lookup's, said so.
  const r = await run(['list', '--region', REGION, '--iam-endpoint', akMock.apiUrl, '--max-attempts', '1'], { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: 'sk-wrong-Secret' });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^evs-snapshots: the project ID lookup at IAM failed: http error, status 401, code APIGW\.0301, request ID \w+: Incorrect IAM authentication information: .*; give --project-id or set HUAWEICLOUD_SDK_PROJECT_ID to skip the lookup\n$/);
  assert.deepEqual(akMock.requests().map((q) => q.kind), ['iam'], 'nothing sent to EVS');

  // Once the lookup has succeeded, a failure of EVS is EVS's own: no word of IAM.
  akMock.clearRequests();
  const evs = await run(['list', '--endpoint', closed, '--region', REGION, '--iam-endpoint', akMock.apiUrl, '--max-attempts', '1'], env);
  assert.equal(evs.code, 1, evs.stderr);
  assert.equal(evs.stderr, `evs-snapshots: network error: the request to ${closed} failed before a response: fetch failed (ECONNREFUSED)\n`);
  assert.deepEqual(akMock.requests().map((q) => q.kind), ['iam']);
});

test('a 401 when no credentials were given names the variables to set; with credentials, the service\'s message alone', async () => {
  const at = { EVS_SNAPSHOTS_ENDPOINT: akMock.apiUrl, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID };
  const hint =
    '; no credentials were given: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or give --token-file FILE (or set EVS_SNAPSHOTS_TOKEN_FILE or EVS_SNAPSHOTS_TOKEN)';
  // The command sends a call with no credentials (a project ID and an endpoint are enough: a proxy in front may add them).
  for (const args of [['list'], ['get', 'x'], ['wait', 'x']]) {
    const r = await run(args, at);
    assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
    assert.match(
      r.stderr,
      new RegExp(`^evs-snapshots: http error, status 401, code APIGW\\.0301, request ID \\w+: Incorrect IAM authentication information: the request is not signed${hint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`),
      args[0],
    );
  }
  // With credentials (wrong ones): no hint.
  for (const env of [{ HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: 'sk-wrong-Secret' }, { EVS_SNAPSHOTS_TOKEN: TOKEN }]) {
    const r = await run(['list'], { ...at, ...env });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^evs-snapshots: http error, status 401, code APIGW\.0301, request ID \w+: Incorrect IAM authentication information: [^;]*\n$/);
    assert.ok(!r.stderr.includes('no credentials'), r.stderr);
    noSecret(r.stderr);
  }
  // No credentials, another failure than 401: no hint.
  const r = await run(['get', 'no-such-snapshot'], { EVS_SNAPSHOTS_ENDPOINT: mock.url, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^evs-snapshots: http error, status 404, code EVS\.0004, request ID [0-9a-f]{32}: Snapshot no-such-snapshot could not be found\.\n$/);
});
