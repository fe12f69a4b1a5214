// Every command bounded in time (issue 27 §3): --attempt-timeout (list's
// and get's --timeout) and --max-attempts on every command that sends a
// request, and EVS_SNAPSHOTS_ATTEMPT_TIMEOUT / EVS_SNAPSHOTS_MAX_ATTEMPTS for
// both; durations read as 30s, 3m30s, 1h, a bare number being seconds (as
// timeout(1) reads it). Against a server that never answers, the attempts
// are counted where they arrive. A region the official SDK's table does not
// have, whose host DNS does not know, ends at the first attempt with a hint
// naming the known regions: the DNS answer comes from a resolver preloaded
// into the command (fixtures/no-such-host.mjs), never from a real one.
import { test, after, beforeEach } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { useMock } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';
import { sortWire } from '../helpers/reference.mjs';
import { run } from '../helpers/child.mjs';

const NO_SUCH_HOST = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'no-such-host.mjs')).href;
const ID = sortWire(SNAPSHOTS)[0].id;

let silent; // accepts every request and never answers
let arrived = 0;
const sockets = new Set();
const mock = useMock({}, { each: 'reset' });
let dir;

before(async () => {
  silent = createServer(() => arrived++);
  silent.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  dir = mkdtempSync(join(tmpdir(), 'evs-bounded-'));
});
after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((ok) => silent.close(ok));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  arrived = 0;
});

const at = () => ({ EVS_SNAPSHOTS_ENDPOINT: `http://127.0.0.1:${silent.address().port}`, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID });
const debugLines = (stderr) => stderr.split('\n').filter((l) => l.startsWith('evs-snapshots: debug: '));

test('list and get: --timeout bounds each attempt, --max-attempts their number; the server saw exactly those', async () => {
  for (const [args, attempts] of [
    [['list', '--timeout', '300ms', '--max-attempts', '2'], 2],
    [['get', ID, '--timeout', '300ms', '--max-attempts', '1'], 1],
    [['list', '--attempt-timeout', '300ms', '--max-attempts', '3'], 3],
    [['--attempt-timeout', '300ms', '--max-attempts', '2', 'get', ID], 2],
  ]) {
    arrived = 0;
    const r = await run([...args, '--debug'], at());
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /\nevs-snapshots: timeout error: [^\n]*\n$/, args.join(' '));
    assert.equal(arrived, attempts, args.join(' '));
    const lines = debugLines(r.stderr);
    assert.equal(lines.length, attempts);
    lines.forEach((l, i) => {
      assert.match(l, new RegExp(`no answer \\(timeout error\\), (\\d+) ms, attempt ${i + 1} of ${attempts}`), l);
      assert.ok(Number(/, (\d+) ms, attempt/.exec(l)[1]) >= 300, `${l}: not before the limit`);
    });
  }
});

test('wait: --attempt-timeout and --max-attempts bound each poll; --timeout stays the whole wait', async () => {
  const r = await run(['wait', ID, '--attempt-timeout', '300ms', '--max-attempts', '2', '--timeout', '10m', '--debug'], at());
  // The poll's every attempt ran out of time: a timeout, exit 124, long before the 10 minutes.
  assert.equal(r.code, 124, r.stderr);
  assert.equal(arrived, 2);
  assert.match(debugLines(r.stderr).at(-1), /waitForSnapshot: .*no answer \(timeout error\), \d+ ms, attempt 2 of 2$/);
});

test('the variables: EVS_SNAPSHOTS_ATTEMPT_TIMEOUT and EVS_SNAPSHOTS_MAX_ATTEMPTS; a flag wins over its variable', async () => {
  const vars = { ...at(), EVS_SNAPSHOTS_ATTEMPT_TIMEOUT: '0.3', EVS_SNAPSHOTS_MAX_ATTEMPTS: '1' };
  let r = await run(['list', '--debug'], vars);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(arrived, 1);
  // A bare number is seconds: 0.3 is 300 ms.
  const [line] = debugLines(r.stderr);
  assert.match(line, /no answer \(timeout error\), \d+ ms, attempt 1 of 1$/);
  assert.ok(Number(/, (\d+) ms, attempt/.exec(line)[1]) >= 300, line);

  arrived = 0;
  r = await run(['get', ID, '--max-attempts', '2'], vars);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(arrived, 2);

  // A variable that is not a duration or a count: exit 2 naming it (never its value), nothing sent.
  arrived = 0;
  for (const [name, value, re] of [
    ['EVS_SNAPSHOTS_ATTEMPT_TIMEOUT', '3 minutes', /configFromEnv: EVS_SNAPSHOTS_ATTEMPT_TIMEOUT must be a duration of at least 1 ms, such as 30s, 3m30s, 1h or 500ms \(a bare number is seconds\)/],
    ['EVS_SNAPSHOTS_MAX_ATTEMPTS', 'lots', /configFromEnv: EVS_SNAPSHOTS_MAX_ATTEMPTS must be a whole number from 1/],
    ['EVS_SNAPSHOTS_MAX_ATTEMPTS', '0', /EVS_SNAPSHOTS_MAX_ATTEMPTS must be a whole number from 1/],
  ]) {
    r = await run(['list'], { ...at(), [name]: value });
    assert.equal(r.code, 2, `${name}=${value}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.ok(!r.stderr.includes(value), 'the value is not repeated');
  }
  assert.equal(arrived, 0);
});

test('durations: a bare number is seconds (`wait --timeout 1` is one second, no longer 1 ms), 3m30s and the like', async () => {
  // A snapshot that stays "creating": the wait ends at its --timeout.
  mock.setFaults([{ match: { op: 'show' }, times: 0, status: 200, json: { snapshot: { ...sortWire(SNAPSHOTS)[0], id: 'stays', status: 'creating' } } }]);
  const r = await run(['wait', 'stays', '--timeout', '1', '--interval', '0.1'], { EVS_SNAPSHOTS_ENDPOINT: mock.url, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID });
  assert.equal(r.code, 124, r.stderr);
  assert.match(r.stderr, /did not reach status "available" within 1000 ms/);
  const polls = mock.requests().filter((q) => q.kind === 'api').length;
  assert.ok(polls >= 2, `${polls} polls, 100 ms apart`);
  // Compound durations are read as they add up (the value is checked; the call is not made).
  const u = await run(['list', '--timeout', '3m30s', '--max-items', '1'], { EVS_SNAPSHOTS_ENDPOINT: mock.url, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID });
  assert.equal(u.code, 0, u.stderr);
});

test('a region the SDK\'s table lacks, whose host DNS does not know: one attempt, then a hint naming the known regions', async () => {
  const log = join(dir, 'lookups');
  const env = { HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID, NODE_OPTIONS: `--import=${NO_SUCH_HOST}`, LOOKUP_LOG: log };
  const r = await run(['list', '--region', 'xx-nowhere-9', '--debug'], env);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(debugLines(r.stderr).length, 1, `one attempt: ${r.stderr}`);
  assert.match(debugLines(r.stderr)[0], /GET https:\/\/evs\.xx-nowhere-9\.myhuaweicloud\.com\/v2\/\w+\/snapshots, no answer \(aborted error\), \d+ ms, attempt 1 of 3$/, 'the command ends the call at the answer');
  assert.equal(
    r.stderr.split('\n').at(-2),
    'evs-snapshots: network error: cannot resolve evs.xx-nowhere-9.myhuaweicloud.com (ENOTFOUND): region "xx-nowhere-9" is none of those Huawei Cloud\'s SDK knows (ae-ad-1, af-south-1, ap-southeast-1, ap-southeast-2, ap-southeast-3, ap-southeast-4, cn-east-2, cn-east-3, cn-east-4, cn-east-5, cn-north-1, cn-north-12, cn-north-2, cn-north-4, cn-north-9, cn-south-1, cn-south-2, cn-southwest-2, eu-west-0, la-north-2, la-south-2, me-east-1, my-kualalumpur-1, na-mexico-1, ru-moscow-1, sa-brazil-1, tr-west-1); check --region or HUAWEICLOUD_SDK_REGION, or give --endpoint',
  );
  assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['evs.xx-nowhere-9.myhuaweicloud.com'], 'DNS was asked once');
  rmSync(log);

  // The same from the variable, for get and wait.
  for (const args of [['get', ID], ['wait', ID]]) {
    const g = await run(args, { ...env, HUAWEICLOUD_SDK_REGION: 'xx-nowhere-9' });
    assert.equal(g.code, 1, g.stderr);
    assert.match(g.stderr, /cannot resolve evs\.xx-nowhere-9\.myhuaweicloud\.com \(ENOTFOUND\): region "xx-nowhere-9" is none of those/);
  }
  rmSync(log);

  // A region of the table is not second-guessed: its failure is the network's, retried as usual.
  const k = await run(['list', '--region', 'ap-southeast-1', '--max-attempts', '2'], env);
  assert.equal(k.code, 1, k.stderr);
  assert.match(k.stderr, /^evs-snapshots: network error: the request to https:\/\/evs\.ap-southeast-1\.myhuaweicloud\.com failed before a response: fetch failed \(ENOTFOUND\) \(after 2 attempts\)\n$/);
  assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 2);
  assert.ok(existsSync(log));
});
