// `evs-snapshots wait` (issue 21) as a child process against the mock, whose
// fault list scripts the statuses poll by poll: reached (exit 0, the
// snapshot on stdout as `get` prints it), a --fail-on status (1), time up
// (124, as timeout(1)), a 404 (1), Ctrl-C (130), usage mistakes (2, nothing
// sent), and on a terminal (util-linux `script`) the live progress line:
// status and percent, service text escaped, redrawn at most 10 times a second.
import { test, after } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { useMock, mockFor } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';
import { sortWire, normalizeSnapshot } from '../helpers/reference.mjs';
import { BIN, run, collect, baseEnv, inTerminal, cli, shq } from '../helpers/child.mjs';

const ID = 'snap-waited-on';
/** The show answer of one poll: this status and progress. */
const wire = (status, progress) => ({
  id: ID,
  name: 'nightly',
  description: null,
  status,
  size: 40,
  volume_id: 'v1',
  created_at: '2026-03-01T00:00:00.000000',
  metadata: {},
  'os-extended-snapshot-attributes:project_id': PROJECT_ID,
  'os-extended-snapshot-attributes:progress': `${progress}%`,
});
const answer = (status, progress, times = 1) => ({ match: { op: 'show' }, times, status: 200, json: { snapshot: wire(status, progress) } });

const mock = useMock({}, { each: 'reset' });
let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'evs-cli-wait-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ EVS_SNAPSHOTS_ENDPOINT: mock.url, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID });
const polls = () => mock.requests().filter((r) => r.kind === 'api').length;
const oneLine = (stderr) => {
  assert.match(stderr, /^[^\n]+\n$/, JSON.stringify(stderr));
  return stderr;
};
/** What a pty shows with the command's own live-line control (\r ESC [K) and the pty's line ends taken out. */
const RAW = /[\u0000-\u0009\u000b-\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const withoutOwnControls = (text) => text.replace(/\r\u001b\[K/g, '').replace(/\r\n/g, '\n');

test('reached: creating 10 % → creating 60 % → available; exit 0, the snapshot as get prints it, nothing on stderr in a pipe', async () => {
  mock.setFaults([answer('creating', 10), answer('creating', 60), answer('available', 100)]);
  const t0 = Date.now();
  let r = await run(['wait', ID, '--interval', '50ms'], env());
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'no progress line when stderr is no terminal');
  assert.deepEqual(JSON.parse(r.stdout), normalizeSnapshot(wire('available', 100)));
  assert.equal(polls(), 3, 'one request per poll');
  assert.ok(Date.now() - t0 < 10000);
  const paths = mock.requests().map((q) => q.path);
  assert.deepEqual(paths, Array(3).fill(`/v2/${PROJECT_ID}/cloudsnapshots/${ID}`));

  // --output table: get's field table; 1500 (plain milliseconds) as the interval.
  mock.reset();
  mock.setFaults([answer('creating', 99), answer('available', 100)]);
  r = await run(['wait', ID, '--interval', '1ms', '-o', 'table'], env());
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^ID +${ID}\\n`));
  assert.match(r.stdout, /\nSTATUS +available\n/);
  assert.match(r.stdout, /\nPROGRESS +100\n$/);

  // A snapshot already there: one poll. --status with another target, and the seed's data.
  const seeded = sortWire(SNAPSHOTS).find((s) => s.status === 'available');
  mock.reset();
  r = await run(['wait', seeded.id], env());
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).id, seeded.id);
  assert.equal(polls(), 1);
});

test('--status and --fail-on: another status waited for; waiting for "error" itself takes it off the default --fail-on', async () => {
  mock.setFaults([answer('deleting', 0), answer('deleting', 0), answer('deleted', 0)]);
  let r = await run(['wait', ID, '--status', 'deleted', '--fail-on', 'error_deleting', '--interval', '20ms'], env());
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).status, 'deleted');
  assert.match(oneLine(r.stderr), /^evs-snapshots: warning: --status "deleted" is none of creating, available, .*; sent as given\n$/);

  mock.setFaults([answer('creating', 50), answer('error', 50)]);
  r = await run(['wait', ID, '--status', 'error', '--interval', '20ms'], env());
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).status, 'error');
  assert.equal(r.stderr, '');
});

test('failed: creating → error is exit 1, one line naming the status, the snapshot on stdout', async () => {
  mock.setFaults([answer('creating', 30), answer('error', 30)]);
  let r = await run(['wait', ID, '--interval', '20ms'], env());
  assert.equal(r.code, 1);
  assert.equal(oneLine(r.stderr), `evs-snapshots: snapshot ${ID} reached status "error", which ends the wait (--fail-on error)\n`);
  assert.deepEqual(JSON.parse(r.stdout), normalizeSnapshot(wire('error', 30)));
  assert.equal(polls(), 2);

  mock.reset();
  mock.setFaults([answer('deleting', 0), answer('error_deleting', 0)]);
  r = await run(['wait', ID, '--status', 'deleted', '--fail-on', 'error_deleting, error', '--interval', '20ms'], env());
  assert.equal(r.code, 1);
  assert.match(r.stderr, /reached status "error_deleting", which ends the wait \(--fail-on error_deleting,error\)\n$/);
  assert.equal(JSON.parse(r.stdout).status, 'error_deleting');
});

test('timeout: exit 124 (as timeout(1)) when --timeout passes, naming the last status and progress', async () => {
  mock.setFaults([answer('creating', 20, 0)]);
  const t0 = Date.now();
  // 2 s: time for the first poll to be answered even on a busy machine.
  const r = await run(['wait', ID, '--timeout', '2s', '--interval', '100ms'], env());
  const ms = Date.now() - t0;
  assert.equal(r.code, 124, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(oneLine(r.stderr), /^evs-snapshots: timeout error: snapshot snap-waited-on did not reach status "available" within 2000 ms \(last seen: status "creating", progress 20 %\)\n$/);
  assert.ok(ms >= 2000 && ms < 8000, `took ${ms} ms`);
  assert.ok(polls() >= 2 && polls() <= 20, `${polls()} polls at 100 ms in 2 s`);

  // An unknown status is waited for all the same (with a warning): the service may add statuses.
  mock.setFaults([answer('creating', 20, 0)]);
  const typo = await run(['wait', ID, '--status', 'availble', '--timeout', '0.3s', '--interval', '100ms'], env());
  assert.equal(typo.code, 124);
  assert.match(typo.stderr, /^evs-snapshots: warning: --status "availble" is none of .*; sent as given\nevs-snapshots: timeout error: .*within 300 ms/);

  // A poll that hangs is cut at the deadline too.
  mock.setFaults([{ match: { op: 'show' }, times: 0, delayMs: 5000 }]);
  const t1 = Date.now();
  const slow = await run(['wait', ID, '--timeout', '500ms'], env());
  assert.equal(slow.code, 124, slow.stderr);
  assert.ok(Date.now() - t1 < 4000, `took ${Date.now() - t1} ms`);
});

test('throttled (issue 25 §3): a Retry-After past the deadline is still a timeout, exit 124 naming the last status and progress', async () => {
  // The first poll answers creating 40 %, every later one 429 APIGW.0308 with Retry-After: 20.
  const throttled = { match: { op: 'show' }, times: 0, status: 429, retryAfter: '20', json: { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached' } };
  mock.setFaults([answer('creating', 40), throttled]);
  const t0 = Date.now();
  const r = await run(['wait', ID, '--timeout', '3s', '--interval', '300ms'], env());
  const ms = Date.now() - t0;
  assert.equal(r.code, 124, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(oneLine(r.stderr), `evs-snapshots: timeout error: snapshot ${ID} did not reach status "available" within 3000 ms (last seen: status "creating", progress 40 %)\n`);
  assert.ok(ms >= 3000 && ms < 15000, `took ${ms} ms`);
  assert.equal(polls(), 2);
});

test('the deadline bounds the IAM lookup (issue 25 §3): an IAM that never answers is exit 124 at --timeout, and the process ends then', async (t) => {
  const AK = 'AKCLIWAITIAM000001';
  const SK = 'sk-cli-wait-iam-5e6f';
  const keyed = await mockFor(t, { ak: AK, sk: SK });
  keyed.setFaults([{ match: { op: 'iam' }, times: 0, hang: true }]);
  const vars = { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_REGION: 'ap-southeast-1', EVS_SNAPSHOTS_ENDPOINT: keyed.apiUrl, HUAWEICLOUD_SDK_IAM_ENDPOINT: keyed.apiUrl };
  const t0 = Date.now();
  // Killed after 15 s: the lookup's own attempts (30 s each) would keep it alive far longer.
  const child = spawn(process.execPath, [BIN, 'wait', ID, '--timeout', '1s'], { env: { ...baseEnv(), ...vars }, stdio: ['ignore', 'pipe', 'pipe'] });
  const r = await collect(child, 15000);
  const ms = Date.now() - t0;
  assert.equal(r.code, 124, r.stderr);
  assert.equal(oneLine(r.stderr), `evs-snapshots: timeout error: snapshot ${ID} did not reach status "available" within 1000 ms (no poll answered)\n`);
  assert.ok(ms < 10000, `the process lived ${ms} ms`);
  assert.deepEqual(keyed.requests().map((q) => q.kind), ['iam']);
});

test('a snapshot that does not exist (404), a refused connection: exit 1, the error line', async () => {
  let r = await run(['wait', 'no-such-snapshot', '--interval', '20ms'], env());
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(oneLine(r.stderr), /^evs-snapshots: http error, status 404, code EVS\.0004, request ID [0-9a-f]{32}: Snapshot no-such-snapshot could not be found\.\n$/);
  assert.equal(polls(), 1, 'a 404 is not retried, nor polled again');

  r = await run(['wait', ID], { ...env(), EVS_SNAPSHOTS_ENDPOINT: 'http://127.0.0.1:9' });
  assert.equal(r.code, 1);
  assert.match(oneLine(r.stderr), /^evs-snapshots: network error: /);
});

test('usage mistakes: exit 2, one line, nothing sent', async () => {
  const cases = [
    [['wait'], /wait needs exactly one snapshot ID/],
    [['wait', 'a', 'b'], /wait needs exactly one snapshot ID/],
    [['wait', ID, '--timeout', '0'], /--timeout must be a duration of at least 1 ms, such as 30s, 3m30s, 1h or 500ms \(a bare number is seconds\)/],
    [['wait', ID, '--attempt-timeout', '0.0001'], /--attempt-timeout must be a duration/],
    [['wait', ID, '--max-attempts', '0'], /--max-attempts must be at least 1/],
    [['wait', ID, '--timeout', '10x'], /--timeout must be a duration/],
    [['wait', ID, '--timeout=-5s'], /--timeout must be a duration/],
    [['wait', ID, '--interval', ''], /--interval must be a duration/],
    [['wait', ID, '--interval', '5 s'], /--interval must be a duration/],
    // Zero is a duration, but not one a wait can use: the message says the bound.
    [['wait', ID, '--interval', '0s'], /--interval must be a duration of at least 1 ms/],
    [['wait', ID, '--fail-on', ''], /--fail-on needs at least one status/],
    [['wait', ID, '--fail-on', 'error,available'], /--fail-on must not hold the status waited for \("available"\)/],
    [['wait', ID, '--status', 'error', '--fail-on', 'error'], /--fail-on must not hold the status waited for \("error"\)/],
    [['wait', ID, '--status', ''], /--status must not be empty/],
    [['wait', ID, '-o', 'csv'], /--output must be table or json/],
    [['wait', ID, '--bogus'], /bogus/],
    [['wait', 'a/b'], /invalid_input error/],
  ];
  for (const [args, re] of cases) {
    const r = await run(args, env());
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(oneLine(r.stderr), re, args.join(' '));
    assert.equal(r.stdout, '');
  }
  assert.equal(polls(), 0, 'no request was sent');
});

test('Ctrl-C during a wait: exit 130 at once, no further poll', async () => {
  mock.setFaults([answer('creating', 40, 0)]);
  const child = spawn(process.execPath, [BIN, 'wait', ID, '--interval', '100ms'], { env: { ...baseEnv(), ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
  const done = collect(child);
  const t0 = Date.now();
  while (polls() < 2 && Date.now() - t0 < 20000) await sleep(10);
  assert.ok(polls() >= 2, 'it polled');
  child.kill('SIGINT');
  const tSignal = Date.now();
  const atSignal = polls();
  const r = await done;
  assert.equal(r.code, 130, r.stderr);
  assert.ok(Date.now() - tSignal < 3000, 'it stopped at once');
  assert.equal(oneLine(r.stderr), 'evs-snapshots: interrupted\n');
  assert.equal(r.stdout, '');
  const atExit = polls();
  assert.ok(atExit <= atSignal + 1, `no poll after the signal (${atSignal} → ${atExit})`);
  await sleep(300);
  assert.equal(polls(), atExit, 'the request count stops growing');
});

test('on a terminal: a live line with the status and percent, redrawn in place, ending with the status reached', async () => {
  mock.setFaults([answer('creating', 10), answer('creating', 60), answer('available', 100)]);
  const file = join(dir, 'snapshot.json');
  let r = await inTerminal(`stty cols 120; ${cli(['wait', ID, '--interval', '300ms'])} > ${shq(file)}`, env());
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, new RegExp(`\\r\\u001b\\[Kevs-snapshots: creating 10 % after \\d+ m?s, waiting for available: ${ID}\\r`), JSON.stringify(r.stdout));
  assert.match(r.stdout, new RegExp(`\\r\\u001b\\[Kevs-snapshots: creating 60 % after \\d+ m?s, waiting for available: ${ID}\\r`));
  assert.match(r.stdout, new RegExp(`\\r\\u001b\\[Kevs-snapshots: available 100 % after \\d+ m?s: ${ID}\\r\\n$`));
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), normalizeSnapshot(wire('available', 100)), 'stdout has the data only');

  // stdout the terminal too: the live line, ended, then get's field table.
  mock.setFaults([answer('creating', 10), answer('available', 100)]);
  r = await inTerminal(cli(['wait', ID, '--interval', '100ms']), env());
  assert.equal(r.code, 0, r.stdout);
  const text = r.stdout.replace(/\u001b\[[0-9;]*m/g, '');
  assert.match(text, new RegExp(`available 100 % after \\d+ m?s: ${ID}\\r\\nID +${ID}\\r\\n`));
  assert.match(text, /\r\nSTATUS +available\r\n/);

  // A failure and a timeout end the line before their own line.
  mock.setFaults([answer('creating', 10), answer('error', 10)]);
  r = await inTerminal(`${cli(['wait', ID, '--interval', '100ms'])} > /dev/null`, env());
  assert.equal(r.code, 1);
  assert.match(r.stdout, new RegExp(`: error 10 % after \\d+ m?s: ${ID}\\r\\nevs-snapshots: snapshot ${ID} reached status "error", which ends the wait \\(--fail-on error\\)\\r\\n$`));
  mock.setFaults([answer('creating', 20, 0)]);
  r = await inTerminal(`${cli(['wait', ID, '--interval', '100ms', '--timeout', '1500ms'])} > /dev/null`, env());
  assert.equal(r.code, 124);
  assert.match(r.stdout, /: creating 20 % after \d+ m?s: snap-waited-on\r\nevs-snapshots: timeout error: .*within 1500 ms/);
});

test('on a terminal: service text in the status is escaped in the live line, which never outgrows the terminal', async () => {
  const hostile = 'creating\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eevil';
  const script = () => mock.setFaults([{ match: { op: 'show' }, times: 2, status: 200, json: { snapshot: wire(hostile, 50) } }, answer('available', 100)]);
  script();
  let r = await inTerminal(`stty cols 200; ${cli(['wait', ID, '--interval', '200ms'])} > /dev/null`, env());
  assert.equal(r.code, 0, r.stdout);
  const seen = withoutOwnControls(r.stdout);
  const m = RAW.exec(seen);
  assert.equal(m, null, `a raw U+${m && m[0].codePointAt(0).toString(16)} in ${JSON.stringify(seen)}`);
  assert.ok(seen.includes(`evs-snapshots: creating\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202eevil 50 % after `), seen);
  // The command's own controls are the only ones: \r ESC [K before each drawing.
  assert.equal((r.stdout.match(/\u001b/g) ?? []).length, (r.stdout.match(/\r\u001b\[K/g) ?? []).length);

  // A terminal 60 columns wide: every drawing fits in 59, so that \r redraws it in place.
  script();
  r = await inTerminal(`stty cols 60; ${cli(['wait', ID, '--interval', '200ms'])} > /dev/null`, env());
  assert.equal(r.code, 0, r.stdout);
  const drawings = r.stdout.split('\r\u001b[K').slice(1).map((d) => d.replace(/\r\n$/, ''));
  assert.ok(drawings.length >= 2, JSON.stringify(r.stdout));
  for (const d of drawings) assert.ok([...d].length <= 59, `${[...d].length} columns: ${JSON.stringify(d)}`);
  assert.ok(drawings.some((d) => d.endsWith('…')), 'a long line is cut');
});

test('on a terminal: at most 10 drawings a second, however fast the status changes', async () => {
  // 60 polls, each a change of progress, each answered after 10 ms: some 60 changes in a second or so.
  const faults = Array.from({ length: 60 }, (_, i) => ({ ...answer('creating', i), delayMs: 10 }));
  mock.setFaults([...faults, answer('available', 100)]);
  const t0 = Date.now();
  const r = await inTerminal(`${cli(['wait', ID, '--interval', '1ms'])} > /dev/null`, env());
  const ms = Date.now() - t0;
  assert.equal(r.code, 0, r.stdout);
  assert.equal(polls(), 61);
  const drawings = (r.stdout.match(/\r\u001b\[Kevs-snapshots: /g) ?? []).length;
  // The child lives less than `ms`; one drawing per 100 ms, plus the first and the last.
  assert.ok(drawings <= Math.floor(ms / 100) + 2, `${drawings} drawings in ${ms} ms`);
  assert.ok(drawings >= 3, `${drawings} drawings: it is redrawn`);
  assert.match(r.stdout, /available 100 % after \d+ m?s: snap-waited-on\r\n$/);
});
