// --debug and EVS_SNAPSHOTS_DEBUG (issue 21 §3): one line per attempt on
// stderr (the library's onAttempt), over a retry (a 503, then success), a
// clock correction (the mock's clock 20 minutes ahead of an AK/SK signer),
// a walk and a refused connection; service text in the lines escaped; on a
// terminal the lines never share a line with the live progress line. With a
// 3,000-character IAM token, and with AK/SK plus a 3,000-character security
// token, all echoed back by the service: no 16-character run of any secret
// on stderr or stdout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useMock } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';
import { sortWire } from '../helpers/reference.mjs';
import { run, inTerminal, cli, ndjson, secret } from '../helpers/child.mjs';

const TOKEN = `MIIT${secret(2996, 71)}`;
const SECURITY_TOKEN = `gQ5${secret(2997, 83)}`;
const SK = secret(40, 97);
const AK = 'AKCLIDEBUG000000001';
const RUN = 16;

function assertNoRun(secretText, name, ...texts) {
  for (const t of texts) {
    for (let i = 0; i + RUN <= secretText.length; i++) {
      const at = t.indexOf(secretText.slice(i, i + RUN));
      assert.equal(at, -1, `${name}: a ${RUN}-character run of it in the output: ${JSON.stringify(t.slice(Math.max(0, at - 20), at + 40))}`);
    }
  }
}

const ALL = sortWire(SNAPSHOTS);
const ID = ALL.find((s) => s.status === 'available').id;
const SKEW_MS = 20 * 60_000;

const mock = useMock({}, { each: 'reset' }); // no auth
const tokenMock = useMock({ token: TOKEN }, { each: 'reset' });
const akMock = useMock({ ak: AK, sk: SK, securityToken: SECURITY_TOKEN, clockOffsetMs: SKEW_MS }, { each: 'reset' }); // AK/SK with temporary credentials, its clock 20 minutes ahead

const at = (m) => ({ EVS_SNAPSHOTS_ENDPOINT: m.url, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID });
const lines = (stderr) => stderr.split('\n').filter((l) => l !== '');
/** A 503 whose message echoes `echo`, once, then the real answer. */
const busyOnce = (op, echo) => [{ match: { op }, times: 1, status: 503, json: { error_code: 'EVS.5003', error_msg: `busy; your token ${echo} is fine` } }];
const showUrl = (m, id = ID) => `${m.url}/v2/${PROJECT_ID}/cloudsnapshots/${id}`;
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('--debug over a retry (a 503, then success): one line per attempt, in order, and the output unchanged', async () => {
  tokenMock.setFaults(busyOnce('show', TOKEN));
  const r = await run(['get', ID, '--debug'], { ...at(tokenMock), EVS_SNAPSHOTS_TOKEN: TOKEN });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).id, ID);
  const [first, second, ...rest] = lines(r.stderr);
  assert.deepEqual(rest, []);
  assert.match(first, new RegExp(`^evs-snapshots: debug: getSnapshot: GET ${esc(showUrl(tokenMock))}, status 503 \\(http error, code EVS\\.5003\\), request ID [0-9a-f]{32}, \\d+ ms, attempt 1 of 3, next in \\d+ ms$`));
  assert.match(second, new RegExp(`^evs-snapshots: debug: getSnapshot: GET ${esc(showUrl(tokenMock))}, status 200, request ID [0-9a-f]{32}, \\d+ ms, attempt 2 of 3$`));
  assert.equal(tokenMock.requests().length, 2);
  assertNoRun(TOKEN, 'the token', r.stderr, r.stdout);

  // EVS_SNAPSHOTS_DEBUG=1 does the same; 0 and empty do nothing; without either, stderr stays empty.
  for (const [extra, env, n] of [
    [[], { EVS_SNAPSHOTS_DEBUG: '1' }, 2],
    [[], { EVS_SNAPSHOTS_DEBUG: '0' }, 0],
    [[], { EVS_SNAPSHOTS_DEBUG: '' }, 0],
    [[], {}, 0],
  ]) {
    tokenMock.setFaults(busyOnce('show', TOKEN));
    const again = await run(['get', ID, ...extra], { ...at(tokenMock), EVS_SNAPSHOTS_TOKEN: TOKEN, ...env });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(lines(again.stderr).length, n, `${JSON.stringify(env)}: ${again.stderr}`);
    assertNoRun(TOKEN, 'the token', again.stderr, again.stdout);
  }
});

test('--debug with a token that the service echoes in a failure: the final error line and the debug lines hold no run of it', async () => {
  for (const status of [401, 403, 503]) {
    tokenMock.setFaults([{ match: { op: 'list' }, times: 0, status, json: { error_code: 'APIGW.0301', error_msg: `token ${TOKEN} is invalid` } }]);
    const r = await run(['list', '--page-size', '50', '--debug'], { ...at(tokenMock), EVS_SNAPSHOTS_TOKEN: TOKEN });
    assert.equal(r.code, 1, r.stderr.slice(0, 300));
    const l = lines(r.stderr);
    assert.equal(l.length, (status === 503 ? 3 : 1) + 1, r.stderr.slice(0, 500));
    assert.ok(l.slice(0, -1).every((x) => x.startsWith('evs-snapshots: debug: listSnapshots: GET ')));
    assert.match(l.at(-1), new RegExp(`^evs-snapshots: http error, status ${status}, code APIGW\\.0301, `));
    assertNoRun(TOKEN, `the token (${status})`, r.stderr, r.stdout);
  }
});

test('--debug with AK/SK, a security token and a clock 20 minutes off: the correction is shown, no run of any secret', async () => {
  const env = { ...at(akMock), HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_SECURITY_TOKEN: SECURITY_TOKEN };
  akMock.setFaults(busyOnce('list', `${SECURITY_TOKEN} ${SK}`));
  const r = await run(['list', '--max-items', '2', '--page-size', '2', '--debug'], env);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(ndjson(r.stdout).map((s) => s.id), ALL.slice(0, 2).map((s) => s.id));
  const l = lines(r.stderr);
  const url = esc(`${akMock.url}/v2/${PROJECT_ID}/snapshots?limit=2`);
  // The 503 comes first (faults answer before the signature check), then the
  // clock's 401, then success; then the page after (to know whether there
  // are more), and the marker to go on from.
  assert.equal(l.length, 5, r.stderr);
  assert.match(l[3], new RegExp(`^evs-snapshots: debug: listSnapshots: GET ${url}&marker=${ALL[1].id}, status 200, `));
  assert.equal(l[4], `evs-snapshots: more snapshots after these 2: go on with --marker ${ALL[1].id}`);
  assert.match(l[0], new RegExp(`^evs-snapshots: debug: listSnapshots: GET ${url}, status 503 \\(http error, code EVS\\.5003\\), request ID \\w+, \\d+ ms, attempt 1 of 3, next in \\d+ ms$`));
  const clock = new RegExp(`^evs-snapshots: debug: listSnapshots: GET ${url}, status 401 \\(http error, code APIGW\\.0301\\), request ID \\w+, \\d+ ms, attempt 2 of 3, clock corrected by \\+(\\d+) ms$`).exec(l[1]);
  assert.ok(clock, l[1]);
  assert.ok(Math.abs(Number(clock[1]) - SKEW_MS) < 5000, `corrected by ${clock[1]} ms`);
  assert.match(l[2], new RegExp(`^evs-snapshots: debug: listSnapshots: GET ${url}, status 200, request ID \\w+, \\d+ ms, attempt 2 of 3$`), 'a resend for the clock keeps the attempt number');
  assertNoRun(SECURITY_TOKEN, 'the security token', r.stderr, r.stdout);
  assertNoRun(SK, 'the secret key', r.stderr, r.stdout);
  assert.equal(akMock.requests().at(-1).headers['x-security-token'], SECURITY_TOKEN, 'signed with the temporary credentials');

  // wait too: its polls are "waitForSnapshot".
  const w = await run(['wait', ID, '--debug'], env);
  assert.equal(w.code, 0, w.stderr);
  assert.match(lines(w.stderr).at(-1), new RegExp(`^evs-snapshots: debug: waitForSnapshot: GET ${esc(showUrl(akMock))}, status 200, `));
  assertNoRun(SECURITY_TOKEN, 'the security token', w.stderr, w.stdout);
  assertNoRun(SK, 'the secret key', w.stderr, w.stdout);
});

test('--debug on a refused connection: "no answer (network error)", attempt n of 3, the wait before each retry', async () => {
  const r = await run(['list', '--debug'], { ...at(mock), EVS_SNAPSHOTS_ENDPOINT: 'http://127.0.0.1:9' });
  assert.equal(r.code, 1);
  const l = lines(r.stderr);
  assert.equal(l.length, 4, r.stderr);
  for (const n of [1, 2, 3]) {
    const next = n < 3 ? ', next in \\d+ ms' : '';
    assert.match(l[n - 1], new RegExp(`^evs-snapshots: debug: listSnapshots: GET http://127\\.0\\.0\\.1:9/v2/${PROJECT_ID}/snapshots, no answer \\(network error\\), \\d+ ms, attempt ${n} of 3${next}$`));
  }
  assert.match(l[3], /^evs-snapshots: network error: /);
});

test('--debug: service text in a request ID and an error code is escaped, each line stays one line', async () => {
  mock.setFaults([{ match: { op: 'show' }, times: 1, status: 500, headers: { 'X-Request-Id': 'req\u009b2J\u00ad' }, json: { error_code: 'E\u001b]0;t\u0007\u202e', error_msg: 'x' } }]);
  const r = await run(['get', ID, '--debug'], at(mock));
  assert.equal(r.code, 0, r.stderr);
  const l = lines(r.stderr);
  assert.equal(l.length, 2, r.stderr);
  assert.ok(l[0].includes('(http error, code E\\x1b]0;t\\x07\\u202e), request ID req\\x9b2J\u00ad,'), l[0]);
  assert.doesNotMatch(r.stderr.replace(/\n/g, ''), /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
});

test('--debug on a terminal during list --all: each line whole, the progress line taken away before it and back after', async () => {
  mock.setFaults([{ match: { op: 'list' }, times: 0, delayMs: 30 }]);
  const r = await inTerminal(`${cli(['list', '--page-size', '50', '--debug'])} > /dev/null`, at(mock));
  assert.equal(r.code, 0, r.stdout);
  const pages = Math.ceil(ALL.length / 50);
  const debug = r.stdout.match(/evs-snapshots: debug: [^\r]*\r\n/g) ?? [];
  assert.equal(debug.length, pages + (ALL.length % 50 === 0 ? 1 : 0), r.stdout);
  // Before each debug line: the start of the output, a line end, or the progress line erased (\r ESC [K).
  for (let i = r.stdout.indexOf('evs-snapshots: debug:'); i !== -1; i = r.stdout.indexOf('evs-snapshots: debug:', i + 1)) {
    const before = r.stdout.slice(Math.max(0, i - 4), i);
    assert.ok(i === 0 || before.endsWith('\r\n') || before.endsWith('\r\u001b[K'), JSON.stringify(r.stdout.slice(Math.max(0, i - 80), i + 30)));
  }
  assert.ok(r.stdout.includes(`evs-snapshots: ${pages} pages, ${ALL.length} snapshots, `), r.stdout.slice(-200));
});
