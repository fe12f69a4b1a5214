// The command's output never carries a credential, even when the service
// echoes a long one back: the mock answers 401 and 403 with a message that
// quotes a 3,000-character IAM token (or security token, or secret key), and
// no 16-character run of it may appear anywhere in stderr or stdout (list,
// get, wait, and get with --debug's lines).
import { test, after } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useMock } from '../helpers/mock.mjs';
import { PROJECT_ID } from '../mock-evs/data.mjs';
import { run, inTerminal, cli, secret } from '../helpers/child.mjs';

const TOKEN = `MIIT${secret(2996, 17)}`;
const SECURITY_TOKEN = `gQ5${secret(2997, 29)}`;
const SK = secret(40, 43);
const AK = 'AKCLITEST00000000001';
const RUN = 16;

/** Where a 16-character run of `secret` stands in `text`, or -1. */
function leak(secretText, text) {
  for (let i = 0; i + RUN <= secretText.length; i++) {
    const at = text.indexOf(secretText.slice(i, i + RUN));
    if (at !== -1) return at;
  }
  return -1;
}
function assertNoRun(secretText, name, ...texts) {
  for (const t of texts) {
    const at = leak(secretText, t);
    assert.equal(at, -1, `${name}: a ${RUN}-character run of it in the output at ${at}: ${JSON.stringify(t.slice(Math.max(0, at - 20), at + 40))}`);
  }
}

const mock = useMock({}, { each: 'reset' });
let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'evs-cli-secrets-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const at = () => ({ EVS_SNAPSHOTS_ENDPOINT: mock.url, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID });
/** The gateway's answer, echoing `echo` in its message (faults apply before the mock's own auth check). */
const echoing = (op, status, echo) => [{ match: { op }, times: 0, status, json: { error_code: 'APIGW.0301', error_msg: `token ${echo} is invalid` } }];
const COMMANDS = [
  ['list', ['list']],
  ['list', ['list', '--page-size', '10', '-o', 'csv']],
  ['show', ['get', 'some-snapshot-id']],
  ['show', ['wait', 'some-snapshot-id']],
  ['show', ['get', 'some-snapshot-id', '--debug']],
];

test('the test data: the secrets are long and of letters and digits', () => {
  for (const s of [TOKEN, SECURITY_TOKEN]) {
    assert.equal(s.length, 3000);
    assert.match(s, /^[A-Za-z0-9]+$/);
  }
  assert.match(SK, /^[A-Za-z0-9]{40}$/);
  assert.equal(leak(TOKEN, `x${TOKEN.slice(1234, 1234 + RUN)}x`), 1, 'the check finds a run');
  assert.equal(leak(TOKEN, TOKEN.slice(0, RUN - 1)), -1);
});

test('an IAM token echoed back by a 401 and a 403 (3,000 characters): no run of it on stderr or stdout', async () => {
  const file = join(dir, 'token');
  writeFileSync(file, `${TOKEN}\n`);
  for (const [op, args] of COMMANDS) {
    for (const status of [401, 403]) {
      for (const [how, extra, env] of [
        ['EVS_SNAPSHOTS_TOKEN', [], { EVS_SNAPSHOTS_TOKEN: TOKEN }],
        ['--token-file', ['--token-file', file], {}],
      ]) {
        mock.setFaults(echoing(op, status, TOKEN));
        const r = await run([...args, ...extra], { ...at(), ...env });
        const what = `${args.join(' ')} (${how}), ${status}`;
        assert.equal(r.code, 1, `${what}: ${r.stderr.slice(0, 300)}`);
        assert.match(r.stderr, new RegExp(`^(evs-snapshots: debug: [^\\n]*\\n)*evs-snapshots: http error, status ${status}, code APIGW\\.0301, `), what);
        assert.equal(mock.requests().at(-1).headers['x-auth-token'], TOKEN, `${what}: the token was sent`);
        assertNoRun(TOKEN, `${what}: the token`, r.stderr, r.stdout);
      }
    }
  }
});

const AKSK_ENV = () => ({ ...at(), HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_SECURITY_TOKEN: SECURITY_TOKEN });

for (const [name, echo] of [
  ['a security token (3,000 characters)', SECURITY_TOKEN],
  ['a secret key', SK],
]) {
  test(`${name} echoed back by a 401 and a 403 (AK/SK signing): no run of it, nor of the other`, async () => {
    for (const [op, args] of COMMANDS) {
      for (const status of [401, 403]) {
        mock.setFaults(echoing(op, status, echo));
        const r = await run(args, AKSK_ENV());
        const what = `${args.join(' ')}, ${status}`;
        assert.equal(r.code, 1, `${what}: ${r.stderr.slice(0, 300)}`);
        assert.match(r.stderr, new RegExp(`^(evs-snapshots: debug: [^\\n]*\\n)*evs-snapshots: http error, status ${status}, code APIGW\\.0301, `), what);
        assert.equal(mock.requests().at(-1).headers['x-security-token'], SECURITY_TOKEN, `${what}: signed with temporary credentials`);
        assertNoRun(SECURITY_TOKEN, `${what}: the security token`, r.stderr, r.stdout);
        assertNoRun(SK, `${what}: the secret key`, r.stderr, r.stdout);
      }
    }
  });
}

test('on a terminal too: no run of the token', async () => {
  mock.setFaults(echoing('list', 401, TOKEN));
  const r = await inTerminal(cli(['list']), { ...at(), EVS_SNAPSHOTS_TOKEN: TOKEN });
  assert.equal(r.code, 1, r.stdout.slice(0, 300));
  assert.match(r.stdout, /evs-snapshots: http error, status 401, code APIGW\.0301, /);
  assertNoRun(TOKEN, 'list on a terminal', r.stdout);
});
