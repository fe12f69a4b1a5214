// The command with a closed stdout (`| true`, `| head -c0`, a reader that
// went away): every command, help and output format exits 0 with nothing on
// stderr, never an EPIPE stack trace and exit 1 ("the service failed").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useMock } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';
import { sortWire } from '../helpers/reference.mjs';
import { BIN, runClosed, cli, collect, baseEnv } from '../helpers/child.mjs';
import { spawn } from 'node:child_process';

const AK = 'AKCLITEST00000000001';
const SK = 'sk-cli-Secret-5e81d0';
const ID = sortWire(SNAPSHOTS)[0].id;
const AVAILABLE = sortWire(SNAPSHOTS).find((s) => s.status === 'available').id;

const mock = useMock({}, { each: 'reset' });

const env = () => ({ EVS_SNAPSHOTS_ENDPOINT: mock.url, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID, HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK });
const apiCount = () => mock.requests().filter((r) => r.kind === 'api').length;
const signUrl = () => `${mock.url}/v2/${PROJECT_ID}/snapshots?limit=2`;

const FORMATS = ['table', 'json', 'ndjson', 'csv'];
/** Every path that writes to stdout. */
const PATHS = () => [
  ['--help'],
  ['-h'],
  ['help'],
  ['help', 'list'],
  ['--version'],
  ['-V'],
  ...['list', 'get', 'wait', 'sign'].flatMap((c) => [[c, '--help'], [c, '-h']]),
  ['sign', 'GET', signUrl()],
  ['sign', 'GET', signUrl(), '--curl'],
  ['sign', 'GET', signUrl(), '--output', 'json'],
  ['sign', 'POST', signUrl(), '--data', '{"a":1}', '--curl'],
  ['list'],
  ['list', '--max-items', '3'],
  ...FORMATS.map((f) => ['list', '--max-items', '5', '--output', f]),
  ...FORMATS.map((f) => ['list', '--page-size', '50', '--output', f]),
  ['list', '--output', 'csv', '--csv-raw', '--max-items', '5'],
  ['get', ID],
  ['get', ID, '--output', 'table'],
  ['get', ID, '--output', 'json'],
  ['wait', AVAILABLE],
  ['wait', AVAILABLE, '--output', 'table'],
  ['wait', AVAILABLE, '--output', 'json'],
];

test('the harness: a plain Node write to this closed stdout fails with EPIPE (what the command must survive)', async () => {
  const r = await runClosed([process.execPath, '-e', "process.stdout.write('x\\n')"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /EPIPE/);
});

test('every command, help and output format with a closed stdout: exit 0, nothing on stderr', async () => {
  for (const args of PATHS()) {
    const r = await runClosed([process.execPath, BIN, ...args], env());
    assert.equal(r.stderr, '', `${args.join(' ')}: no stack trace, no message`);
    assert.equal(r.code, 0, `${args.join(' ')}: exit 0, as when the output was read`);
  }
});

test('a walk with a closed stdout stops at once', async () => {
  for (const format of FORMATS) {
    mock.clearRequests();
    const r = await runClosed([process.execPath, BIN, 'list', '--page-size', '2', '--output', format], env());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    // A table waits for 100 rows (50 pages of 2) before its first write; the others write the first page's rows.
    const most = format === 'table' ? 52 : 3;
    assert.ok(apiCount() <= most, `${format}: ${apiCount()} requests, not the ${Math.ceil(SNAPSHOTS.length / 2)} of a whole walk`);
  }
});

test('through a shell: `| true` and `| head -c0`, the pipeline\'s status is the command\'s (pipefail)', async () => {
  for (const args of [['--help'], ['list', '--help'], ['-V'], ['sign', 'GET', signUrl()], ['sign', 'GET', signUrl(), '--curl'], ['list'], ['list', '-o', 'csv'], ['get', ID], ['wait', AVAILABLE]]) {
    for (const reader of ['true', 'head -c0']) {
      // The reader exits before the command starts: the write meets no reader.
      const line = `set -o pipefail; { sleep 0.2; ${cli(args)}; } | ${reader}`;
      const r = await collect(spawn('bash', ['-c', line], { env: { ...baseEnv(), ...env() }, stdio: ['ignore', 'pipe', 'pipe'] }));
      assert.equal(r.stderr, '', `${args.join(' ')} | ${reader}`);
      assert.ok(r.code === 0 || r.code === 141, `${args.join(' ')} | ${reader}: exit ${r.code}`);
    }
  }
});

test('a failure with a closed stdout still says so: exit 1, one line on stderr', async () => {
  const r = await runClosed([process.execPath, BIN, 'get', 'no-such-snapshot'], env());
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^evs-snapshots: http error, status 404, code EVS\.0004, [^\n]*\n$/);
});

test('wait with a closed stdout: reached is exit 0, a --fail-on status still exit 1 with its line, time up 124', async () => {
  const answer = (status, times = 1) => ({ match: { op: 'show' }, times, status: 200, json: { snapshot: { id: 'w1', status, size: 1, volume_id: 'v' } } });
  mock.setFaults([answer('creating'), answer('available')]);
  let r = await runClosed([process.execPath, BIN, 'wait', 'w1', '--interval', '10ms'], env());
  assert.deepEqual([r.code, r.stderr], [0, '']);
  mock.setFaults([answer('creating'), answer('error')]);
  r = await runClosed([process.execPath, BIN, 'wait', 'w1', '--interval', '10ms'], env());
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'evs-snapshots: snapshot w1 reached status "error", which ends the wait (--fail-on error)\n');
  mock.setFaults([answer('creating', 0)]);
  r = await runClosed([process.execPath, BIN, 'wait', 'w1', '--interval', '50ms', '--timeout', '200ms'], env());
  assert.equal(r.code, 124);
  assert.match(r.stderr, /^evs-snapshots: timeout error: [^\n]*\n$/);
});

test('stdout and stderr both closed: no crash, the exit code is the command\'s', async () => {
  // A warning goes to the closed stderr, the rows to the closed stdout: still exit 0.
  let r = await runClosed([process.execPath, BIN, 'list', '--status', 'availble', '--max-items', '2'], env(), { closeStderr: true });
  assert.equal(r.code, 0);
  r = await runClosed([process.execPath, BIN, 'get', 'no-such-snapshot'], env(), { closeStderr: true });
  assert.equal(r.code, 1);
  r = await runClosed([process.execPath, BIN, 'list', '--max-items', '0'], env(), { closeStderr: true });
  assert.equal(r.code, 2);
});

test('stdout that fails otherwise (a full device): exit 1 and a message naming the error', async () => {
  const r = await collect(spawn('sh', ['-c', `${cli(['--help'])} > /dev/full`], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] }));
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'evs-snapshots: cannot write the output (ENOSPC)\n');
});
