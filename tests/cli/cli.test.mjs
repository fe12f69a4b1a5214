// The evs-snapshots command (issue 13 §3) as a child process against the
// mock: every command, output format and exit code. Expected values come from
// the mock's seed (data.mjs) read by the reference client (reference.mjs),
// never from the command itself; CSV is read back by Python's csv module;
// terminals are pseudo-terminals made by `script` (util-linux); signed curl
// commands are run by a real curl against the AK/SK-checking mock.
//
// Every child runs asynchronously: the mock answers from this process.
import { test, after } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { useMock } from '../helpers/mock.mjs';
import { BIN, PKG_DIR, collect, shq, cli, ndjson, pythonCsv } from '../helpers/child.mjs';
import { SNAPSHOTS, PROJECT_ID, VOLUMES } from '../mock-evs/data.mjs';
import { verifySignature } from '../mock-evs/signature.mjs';
import { sortWire, normalizeSnapshot } from '../helpers/reference.mjs';
import { owaspCell } from '../helpers/csv.mjs';

const VERSION = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8')).version;

const AK = 'AKCLITEST00000000001';
const SK = 'sk-cli-Secret-5e81d0';
const ST = 'st-cli-temporary-77aa';
const TOKEN = 'iam-token-MIIcliSecret';
const SECRETS = [SK, ST, TOKEN, 'wrong-token-MIIsecret', 'sk-wrong-Secret'];

/** The mock's data in its order, as the contract's objects. */
const ALL = sortWire(SNAPSHOTS).map(normalizeSnapshot);
const CSV_COLUMNS = ['id', 'name', 'description', 'status', 'size', 'volumeId', 'createdAt', 'updatedAt', 'metadata'];

const mock = useMock({}, { each: 'reset' }); // no auth
const akMock = useMock({ ak: AK, sk: SK, securityToken: ST }, { each: 'reset' }); // AK/SK with temporary credentials
const tokenMock = useMock({ token: TOKEN }, { each: 'reset' });
let dir;
let deadUrl;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'evs-cli-'));
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  deadUrl = `http://127.0.0.1:${s.address().port}`;
  await new Promise((r) => s.close(r));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A clean environment: nothing from the developer's shell leaks in (HOME: the run's own folder; unlike child.mjs's, NO_COLOR is not set). */
const baseEnv = () => ({ PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8' });
const at = (m) => ({ EVS_SNAPSHOTS_ENDPOINT: m.url, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID });

/** Runs the command; resolves with its exit code and output. */
function run(args, { env = at(mock), timeoutMs = 30000 } = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child, timeoutMs);
}

/** Runs a shell command line under a pseudo-terminal (`script`): stdin, stdout and stderr are a terminal unless redirected. */
function inTerminal(cmdline, env = at(mock)) {
  const child = spawn('script', ['-qfec', cmdline, '/dev/null'], { env: { ...baseEnv(), TERM: 'xterm', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child, 30000);
}

/** A CSV cell as the command must write it: one that a spreadsheet would run as a formula gets a leading ' (OWASP), unless --csv-raw. */
const csvCell = (text, raw = false) => (raw ? text : owaspCell(text));

/** A CSV row read back, compared with the snapshot it must be. */
function assertCsvRow(row, s, columns = CSV_COLUMNS, { raw = false } = {}) {
  assert.equal(row.length, columns.length);
  columns.forEach((c, i) => {
    const v = s[c];
    if (c === 'metadata') assert.deepEqual(JSON.parse(row[i]), v, `${s.id} metadata`);
    else assert.equal(row[i], csvCell(v === null || v === undefined ? '' : String(v), raw), `${s.id} ${c}`);
  });
}

function assertNoSecrets(...texts) {
  for (const t of texts) for (const s of SECRETS) assert.ok(!t.includes(s), 'a secret in the output');
}

/** One line on stderr, ending with a newline. */
function oneLine(stderr) {
  assert.match(stderr, /^[^\n]+\n$/, JSON.stringify(stderr));
  return stderr;
}

const apiCount = (m) => m.requests().filter((r) => r.kind === 'api').length;

// --- --version, --help, usage ------------------------------------------------

test('--version, --help for the command and for each subcommand', async () => {
  for (const args of [['--version'], ['-V']]) {
    const r = await run(args);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${VERSION}\n`);
  }
  const main = await run(['--help']);
  assert.equal(main.code, 0);
  for (const w of ['list', 'get', 'wait', 'sign', 'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_PROJECT_ID', '--token-file', '--iam-endpoint', 'HUAWEICLOUD_SDK_IAM_ENDPOINT', '--debug', 'EVS_SNAPSHOTS_DEBUG', '--attempt-timeout', 'EVS_SNAPSHOTS_ATTEMPT_TIMEOUT', '--max-attempts', 'EVS_SNAPSHOTS_MAX_ATTEMPTS', 'HTTPS_PROXY', 'NO_PROXY', 'Exit codes', '124']) assert.ok(main.stdout.includes(w), w);
  const want = {
    list: ['--max-items', '--page-size', '"nextMarker"', '--all', '--output', '--csv-raw', '--columns', '--status', '--volume-id', '--marker', '--offset', '--limit', '--name', '--timeout', '--attempt-timeout', '--max-attempts', '--debug', '--iam-endpoint'],
    get: ['<snapshot-id>', '--output', '--timeout', '--attempt-timeout', '--max-attempts', '--debug', '--iam-endpoint'],
    wait: ['<snapshot-id>', '--status', '--fail-on', '--timeout', '--attempt-timeout', '--max-attempts', '--interval', '30s, 3m30s, 1h, 500ms, or a number of seconds', '--output', '124', '130', '--debug', '--iam-endpoint'],
    sign: ['--curl', '-H', '--data'],
  };
  for (const [cmd, words] of Object.entries(want)) {
    for (const args of [[cmd, '--help'], [cmd, '-h'], ['help', cmd]]) {
      const r = await run(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.ok(r.stdout.startsWith(`Usage: evs-snapshots ${cmd}`), args.join(' '));
      for (const w of words) assert.ok(r.stdout.includes(w), `${cmd}: ${w}`);
    }
  }
  const none = await run([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^Usage: evs-snapshots/);
});

test('usage mistakes and invalid input: exit 2, one line on stderr, nothing sent', async () => {
  const cases = [
    [['frobnicate'], /unknown command/],
    [['list', '--bogus'], /bogus/],
    [['list', TOKEN], /list takes no arguments, only options/],
    [['list', '--output', 'xml'], /--output must be one of table, json, ndjson, csv/],
    [['list', '--columns', 'id,nope'], /--columns: unknown nope/],
    [['list', '--limit', 'ten'], /--limit must be an integer/],
    [['list', '--limit', '0'], /--limit must be at least 1/],
    [['list', '--max-items', '0'], /--max-items must be at least 1/],
    [['list', '--max-items', '1.5'], /--max-items must be an integer/],
    [['list', '--page-size', '0'], /--page-size must be from 1 to 1000/],
    [['list', '--page-size', '1001'], /--page-size must be from 1 to 1000/],
    [['list', '--all', '--max-items', '3'], /--all and --max-items contradict each other/],
    [['list', '--limit', '3', '--page-size', '3'], /--limit is the old name of --max-items \(with --all: of --page-size\); give only --max-items and --page-size/],
    [['list', '--timeout', '3x'], /--timeout must be a duration of at least 1 ms, such as 30s, 3m30s, 1h or 500ms \(a bare number is seconds\)/],
    [['get', 'x', '--attempt-timeout', '0'], /--attempt-timeout must be a duration/],
    [['list', '--timeout', '1s', '--attempt-timeout', '2s'], /--timeout and --attempt-timeout are the same limit here: give one/],
    [['get', 'x', '--max-attempts', '0'], /--max-attempts must be at least 1/],
    [['list', '--max-attempts', 'three'], /--max-attempts must be an integer/],
    [['list', '--offset=-1'], /invalid_input error/],
    [['get'], /exactly one snapshot ID/],
    [['get', 'a', 'b'], /exactly one snapshot ID/],
    [['get', 'a/b'], /invalid_input error/],
    [['get', 'x', '--output', 'csv'], /--output must be table or json/],
    [['list', '--token', TOKEN], /token/],
    [['list', '--csv-raw'], /--csv-raw goes with --output csv/],
    [['list', '--csv-raw', '-o', 'json'], /--csv-raw goes with --output csv/],
  ];
  for (const [args, re] of cases) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(oneLine(r.stderr), re, args.join(' '));
    assert.equal(r.stdout, '');
    assertNoSecrets(r.stderr);
  }
  assert.equal(apiCount(mock), 0, 'no request was sent');
  const noProject = await run(['list'], { env: { EVS_SNAPSHOTS_ENDPOINT: mock.url } });
  assert.equal(noProject.code, 2);
  assert.match(oneLine(noProject.stderr), /--project-id or set HUAWEICLOUD_SDK_PROJECT_ID/);
  const noEndpoint = await run(['list'], { env: { HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID } });
  assert.equal(noEndpoint.code, 2);
  assert.match(oneLine(noEndpoint.stderr), /--endpoint or --region/);
});

test('global options before or after the command (as aws --debug ec2 …, git --no-pager log): read the same either way', async () => {
  // The connection options before the command: the request goes where they say.
  const env = { EVS_SNAPSHOTS_ENDPOINT: deadUrl, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID };
  for (const args of [
    ['--endpoint', mock.url, '--project-id', 'flag-project', 'list', '--max-items', '2'],
    ['--endpoint', mock.url, 'list', '--max-items', '2', '--project-id', 'flag-project'],
    ['--endpoint=' + mock.url, '--project-id=flag-project', '--max-attempts', '2', 'list', '--max-items', '2'],
  ]) {
    mock.reset();
    const r = await run(args, { env });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^evs-snapshots: more snapshots after these 2: go on with --marker \S+\n$/);
    assert.equal(ndjson(r.stdout).length, 2, args.join(' '));
    assert.deepEqual(mock.requests().map((q) => q.path), ['/v2/flag-project/snapshots'], args.join(' '));
  }
  // --debug before the command: one debug line per attempt, as after it.
  const id = ALL[0].id;
  for (const args of [['--debug', 'get', id], ['get', id, '--debug'], ['--debug', 'get', '--debug', id]]) {
    mock.reset();
    const r = await run(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(JSON.parse(r.stdout).id, id);
    assert.match(oneLine(r.stderr), /^evs-snapshots: debug: getSnapshot: GET .*, status 200, /, args.join(' '));
  }
  // -h and -V anywhere.
  for (const [args, start] of [
    [['--debug', '--help'], 'Usage: evs-snapshots [global options] <command>'],
    [['--region', 'r', '-h'], 'Usage: evs-snapshots [global options] <command>'],
    [['--help', 'list'], 'Usage: evs-snapshots list'],
    [['--debug', 'wait', '-h'], 'Usage: evs-snapshots wait'],
    [['-h', 'sign'], 'Usage: evs-snapshots sign'],
    [['-V', 'list'], `${VERSION}\n`],
    [['list', '--version'], `${VERSION}\n`],
    [['--debug', '-V'], `${VERSION}\n`],
  ]) {
    const r = await run(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stdout.startsWith(start), `${args.join(' ')}: ${r.stdout.slice(0, 80)}`);
  }
  mock.reset();
  // Mistakes: a command's own option before the command, an unknown option
  // (named by its flag, never its value), sign with a connection option,
  // global options and no command.
  for (const [args, re] of [
    [['-o', 'json', 'list'], /^evs-snapshots: -o goes after the command; before it only --endpoint, --region, --project-id, --iam-endpoint, --token-file, --attempt-timeout, --max-attempts, --debug, -h, -V \(see evs-snapshots --help\)\n$/],
    [['--timeout', '5s', 'list'], /--timeout goes after the command/],
    [['--all', 'list'], /--all goes after the command/],
    [['--bogus', 'list'], /^evs-snapshots: unknown option --bogus; before it only /],
    [[`--token=${TOKEN}`, 'list'], /unknown option --token;/],
    [['--debug=1', 'list'], /'--debug' does not take an argument/],
    [['--region', 'r', 'sign', 'GET', 'https://example.com/'], /Unknown option '--region'/],
    [['--debug', 'frobnicate'], /unknown command "frobnicate"/],
    [['--', 'list'], /the command goes before --/],
  ]) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(oneLine(r.stderr), re, args.join(' '));
    assert.equal(r.stdout, '');
    assertNoSecrets(r.stderr);
  }
  for (const args of [['--debug'], ['--region', 'r']]) {
    const none = await run(args);
    assert.equal(none.code, 2, args.join(' '));
    assert.match(none.stderr, /^Usage: evs-snapshots/, args.join(' '));
  }
  assert.equal(apiCount(mock), 0, 'no request was sent');
});

// --- list ----------------------------------------------------------------------

test('list: NDJSON by default in a pipe, every snapshot, nothing on stderr', async () => {
  const r = await run(['list']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'no progress and no hint when stderr is not a terminal');
  assert.ok(r.stdout.endsWith('\n'));
  assert.deepEqual(ndjson(r.stdout), ALL);
});

test('list: filters --status, --volume-id, --name, --marker, --offset', async () => {
  const check = async (args, want) => {
    const r = await run(['list', '-o', 'ndjson', ...args]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(want.length > 0, 'a filter that selects something');
    assert.deepEqual(ndjson(r.stdout), want, args.join(' '));
  };
  await check(['--status', 'available', '--volume-id', VOLUMES[3]], ALL.filter((s) => s.status === 'available' && s.volumeId === VOLUMES[3]));
  await check(['--name', '快照 每日备份'], ALL.filter((s) => s.name === '快照 每日备份'));
  await check(['--name', 'a&b=c', '--status', 'available'], ALL.filter((s) => s.name === 'a&b=c' && s.status === 'available'));
  await check(['--marker', ALL[9].id, '--max-items', '3'], ALL.slice(10, 13));
  await check(['--offset', '4', '--max-items', '2'], ALL.slice(4, 6));
  const q = mock.requests().filter((x) => x.kind === 'api').map((x) => new URLSearchParams(x.query));
  assert.equal(q[0].get('volume_id'), VOLUMES[3]);
  assert.equal(q[1].get('name'), '快照 每日备份');
  // A known status gives no warning; an unknown one is sent, with a warning.
  assert.equal((await run(['list', '-o', 'ndjson', '--status', 'available', '--page-size', '1000'])).stderr, '');
  const typo = await run(['list', '-o', 'ndjson', '--status', 'availble']);
  assert.equal(typo.code, 0);
  assert.equal(typo.stdout, '');
  assert.match(typo.stderr, /warning: --status "availble" is none of creating, available, .*; sent as given/);
});

test('list walks every page: the whole data set in NDJSON, JSON and CSV', async () => {
  let r = await run(['list', '--page-size', '50', '--output', 'ndjson']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(ndjson(r.stdout), ALL);
  assert.equal(apiCount(mock), Math.ceil(ALL.length / 50), 'one request per page');

  r = await run(['list', '--page-size', '100', '--output', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ALL);

  r = await run(['list', '--output', 'csv']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.endsWith('\r\n'), 'RFC 4180 line ends');
  const rows = pythonCsv(r.stdout);
  assert.deepEqual(rows[0], CSV_COLUMNS);
  assert.equal(rows.length, ALL.length + 1);
  rows.slice(1).forEach((row, i) => assertCsvRow(row, ALL[i]));
  assert.ok(ALL.some((s) => /[^\x00-\x7f]/.test(s.name)) && ALL.some((s) => Object.keys(s.metadata).length > 0), 'Chinese and metadata were in it');
});

test('list on an empty result: an empty JSON array, a CSV header, nothing in NDJSON', async () => {
  const args = ['list', '--status', 'available', '--name', 'no such name'];
  assert.equal((await run([...args, '-o', 'json'])).stdout, '[]\n');
  assert.equal((await run([...args, '-o', 'ndjson'])).stdout, '');
  assert.deepEqual(pythonCsv((await run([...args, '-o', 'csv'])).stdout), [CSV_COLUMNS]);
});

// Names and descriptions the seed lacks: a one-page answer from a fault.
const TRICKY_WIRE = [
  { id: 'tricky-1', name: 'a, b, and c', description: 'say "hi", then go', status: 'available', size: 10, volume_id: 'v1', created_at: '2026-01-02T03:04:05.123456', updated_at: null, metadata: { note: 'x,"y"\nz', 备注: '快照' } },
  { id: 'tricky-2', name: 'line one\nline two', description: 'crlf\r\nend', status: 'error', size: '20', volume_id: 'v2', created_at: '2026-01-01T00:00:00', update_at: '2026-01-01t01:00:00.5', metadata: {} },
  { id: 'tricky-3', name: '"quoted"', description: null, status: 'available', size: 30, volume_id: 'v3', created_at: 'not a time', metadata: {} },
  { id: 'tricky-4', name: '快照, "备份"\n第二行', description: ' leading and trailing ', status: 'creating', size: 40, volume_id: 'v4', created_at: '2025-12-31T23:59:59.999', metadata: {} },
  { id: 'tricky-5', name: '', description: '=1+2', status: 'available', size: 50, volume_id: '', created_at: '2025-12-30T00:00:00', metadata: { k: '' } },
  { id: 'tricky-6', name: 'esc \u001b[31mred\u001b[0m', description: 'tab\there', status: 'available', size: 60, volume_id: 'v6', created_at: '2025-12-29T00:00:00', metadata: {} },
];
const TRICKY = TRICKY_WIRE.map(normalizeSnapshot);
const trickyPage = () => mock.setFaults([{ match: { op: 'list' }, status: 200, json: { snapshots: TRICKY_WIRE } }]);

test('CSV: commas, quotes, line breaks and Chinese come through intact (Python csv reads them back)', async () => {
  trickyPage();
  const r = await run(['list', '-o', 'csv']);
  assert.equal(r.code, 0, r.stderr);
  const rows = pythonCsv(r.stdout);
  assert.deepEqual(rows[0], CSV_COLUMNS);
  assert.equal(rows.length, TRICKY.length + 1);
  rows.slice(1).forEach((row, i) => assertCsvRow(row, TRICKY[i]));
  // The quoting is exactly RFC 4180's: quotes doubled inside a quoted field.
  assert.ok(r.stdout.includes('"say ""hi"", then go"'));
  // A formula-like description gets its leading ' (see csv-injection below); --csv-raw keeps it as it is.
  assert.equal(rows[5][2], "'=1+2");
  trickyPage();
  const raw = pythonCsv((await run(['list', '-o', 'csv', '--csv-raw'])).stdout);
  raw.slice(1).forEach((row, i) => assertCsvRow(row, TRICKY[i], CSV_COLUMNS, { raw: true }));
  assert.equal(raw[5][2], '=1+2');

  trickyPage();
  const cols = await run(['list', '-o', 'csv', '--columns', 'name,size,metadata']);
  const back = pythonCsv(cols.stdout);
  assert.deepEqual(back[0], ['name', 'size', 'metadata']);
  back.slice(1).forEach((row, i) => assertCsvRow(row, TRICKY[i], ['name', 'size', 'metadata']));
});

test('NDJSON and JSON keep every character; --columns picks fields', async () => {
  trickyPage();
  let r = await run(['list', '-o', 'ndjson']);
  assert.deepEqual(ndjson(r.stdout), TRICKY);
  assert.equal(r.stdout.split('\n').length, TRICKY.length + 1, 'one line per snapshot');
  trickyPage();
  r = await run(['list', '-o', 'json', '--columns', 'id, status']);
  assert.deepEqual(JSON.parse(r.stdout), TRICKY.map((s) => ({ id: s.id, status: s.status })));
});

test('table: aligned columns, wide characters counted as two, control characters made visible', async () => {
  const width = (s) => [...s].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1), 0);
  let r = await run(['list', '--max-items', '40', '-o', 'table']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 41);
  assert.match(lines[0], /^ID +NAME +STATUS +SIZE \(GB\) +VOLUME ID +CREATED$/);
  // The STATUS column starts at the same terminal column on every line.
  const statusCol = lines[0].indexOf('STATUS');
  lines.slice(1).forEach((line, i) => {
    const s = ALL[i];
    // Control characters are shown as \xNN (the table's documented form).
    const shown = s.name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    assert.ok(line.startsWith(`${s.id}  ${shown}`), line);
    const before = line.slice(0, line.indexOf(`  ${s.status} `) + 2);
    assert.equal(width(before), statusCol, `aligned: ${line}`);
    assert.ok(line.endsWith(`${s.createdAt}`));
    assert.ok(line.includes(`${s.volumeId}`));
  });
  assert.ok(ALL.slice(0, 40).some((s) => width(s.name) !== s.name.length), 'a wide name was among them');

  trickyPage();
  r = await run(['list', '-o', 'table', '--columns', 'id,name,description']);
  assert.ok(!r.stdout.includes('\u001b'), 'no terminal escape from the data reaches the terminal');
  const rows = r.stdout.trimEnd().split('\n');
  assert.equal(rows.length, TRICKY.length + 1, 'one line per snapshot, line breaks in names included');
  assert.ok(rows[2].includes('line one\\x0aline two'));
  assert.ok(rows[6].includes('esc \\x1b[31mred\\x1b[0m'));
});

// --- get -----------------------------------------------------------------------

test('get: JSON in a pipe, a field table with --output table', async () => {
  const wire = sortWire(SNAPSHOTS).find((s) => s.status === 'available' && s.description);
  const want = normalizeSnapshot({ ...wire, 'os-extended-snapshot-attributes:project_id': PROJECT_ID, 'os-extended-snapshot-attributes:progress': '100%' });
  let r = await run(['get', wire.id]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), want);
  r = await run(['get', wire.id, '--output', 'table']);
  assert.equal(r.code, 0);
  const rows = Object.fromEntries(r.stdout.trimEnd().split('\n').map((l) => /^(.+?)\s{2,}(.*)$/.exec(l).slice(1)));
  assert.deepEqual(rows, {
    ID: want.id,
    NAME: want.name,
    DESCRIPTION: want.description,
    STATUS: want.status,
    'SIZE (GB)': String(want.size),
    'VOLUME ID': want.volumeId,
    CREATED: want.createdAt,
    ...(want.updatedAt ? { UPDATED: want.updatedAt } : {}),
    METADATA: JSON.stringify(want.metadata),
    'PROJECT ID': PROJECT_ID,
    PROGRESS: '100',
  });
});

test('get: a 404, a 503 and a refused connection are exit 1 with kind, status, code, message and request ID', async () => {
  let r = await run(['get', 'no-such-snapshot']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(oneLine(r.stderr), /^evs-snapshots: http error, status 404, code EVS\.0004, request ID [0-9a-f]{32}: Snapshot no-such-snapshot could not be found\.\n$/);

  mock.clearRequests();
  mock.setFaults([{ match: { op: 'show' }, times: 0, status: 503, json: { error_code: 'EVS.5003', error_msg: 'Service\nunavailable, try later' } }]);
  r = await run(['get', ALL[0].id]);
  assert.equal(r.code, 1);
  assert.match(oneLine(r.stderr), /http error, status 503, code EVS\.5003, request ID [0-9a-f]{32}: Service unavailable, try later/);
  assert.equal(apiCount(mock), 3, 'the library retried (3 attempts)');

  // A failure in the middle of the walk (page 2): the rows so far, well-formed, and exit 1.
  const secondPageFails = () =>
    mock.setFaults([
      { match: { op: 'list' }, times: 1, delayMs: 1 }, // the first page passes (a delay-only fault)
      { match: { op: 'list' }, times: 0, status: 400, json: { badRequest: { message: 'no more', code: 'EVS.0002' } } },
    ]);
  secondPageFails();
  r = await run(['list', '--page-size', '5', '-o', 'json']);
  assert.equal(r.code, 1);
  assert.deepEqual(JSON.parse(r.stdout), ALL.slice(0, 5), 'the JSON array is closed');
  // Under --max-items, the JSON says where to go on from.
  secondPageFails();
  r = await run(['list', '--page-size', '5', '--max-items', '20', '-o', 'json']);
  assert.equal(r.code, 1);
  assert.deepEqual(JSON.parse(r.stdout), { snapshots: ALL.slice(0, 5), nextMarker: ALL[4].id });
  assert.match(oneLine(r.stderr), /http error, status 400, code EVS\.0002, request ID [0-9a-f]{32}: no more/);
  secondPageFails();
  r = await run(['list', '--page-size', '5', '-o', 'table']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout.trimEnd().split('\n').length, 6, 'the buffered table rows are shown');

  r = await run(['list'], { env: { ...at(mock), EVS_SNAPSHOTS_ENDPOINT: deadUrl } });
  assert.equal(r.code, 1);
  assert.match(oneLine(r.stderr), /^evs-snapshots: network error: /);
});

// --- connection: tokens, AK/SK through configFromEnv, precedence -------------

test('an IAM token from a file or EVS_SNAPSHOTS_TOKEN, never a flag value; it wins over AK/SK', async () => {
  const file = join(dir, 'token');
  writeFileSync(file, `${TOKEN}\n`);
  const want = ALL.slice(0, 2);
  for (const [args, env] of [
    [['--token-file', file], {}],
    [[], { EVS_SNAPSHOTS_TOKEN_FILE: file }],
    [[], { EVS_SNAPSHOTS_TOKEN: TOKEN }],
    [['--token-file', file], { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK }],
  ]) {
    tokenMock.clearRequests();
    const r = await run(['list', '--max-items', '2', ...args], { env: { ...at(tokenMock), ...env } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(ndjson(r.stdout), want);
    const [req] = tokenMock.requests();
    assert.equal(req.headers['x-auth-token'], TOKEN);
    assert.equal(req.headers.authorization, undefined, 'the token, not a signature');
  }
  const wrong = join(dir, 'wrong-token');
  writeFileSync(wrong, 'wrong-token-MIIsecret');
  let r = await run(['list', '--token-file', wrong], { env: at(tokenMock) });
  assert.equal(r.code, 1);
  assert.match(oneLine(r.stderr), /http error, status 401, code APIGW\.0301/);
  assertNoSecrets(r.stderr, r.stdout);

  writeFileSync(join(dir, 'empty'), '\n');
  r = await run(['list', '--token-file', join(dir, 'empty')], { env: at(tokenMock) });
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /is empty/);
  r = await run(['list', '--token-file', join(dir, 'missing')], { env: at(tokenMock) });
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /--token-file: the file cannot be read \(ENOENT\)/);
  // The variable's file: the same words, naming the variable (configFromEnv's).
  r = await run(['list'], { env: { ...at(tokenMock), EVS_SNAPSHOTS_TOKEN_FILE: join(dir, 'missing') } });
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /invalid_input error: configFromEnv: EVS_SNAPSHOTS_TOKEN_FILE: the file cannot be read \(ENOENT\)/);
  // --token-file wins over a variable's unreadable file: the variable is not read.
  r = await run(['list', '--max-items', '1', '--token-file', file], { env: { ...at(tokenMock), EVS_SNAPSHOTS_TOKEN_FILE: join(dir, 'missing') } });
  assert.equal(r.code, 0, r.stderr);
});

test('AK/SK from HUAWEICLOUD_SDK_* (configFromEnv): signed and accepted; a pair half-set is exit 2', async () => {
  const env = { ...at(akMock), HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_SECURITY_TOKEN: ST, HUAWEICLOUD_SDK_REGION: 'ap-southeast-1' };
  let r = await run(['list', '--page-size', '100'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(ndjson(r.stdout), ALL);
  for (const req of akMock.requests()) {
    assert.match(req.headers.authorization, new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, `));
    assert.equal(req.headers['x-security-token'], ST);
  }
  r = await run(['get', ALL[5].id], { env });
  assert.equal(JSON.parse(r.stdout).id, ALL[5].id);

  r = await run(['list'], { env: { ...env, HUAWEICLOUD_SDK_SK: 'sk-wrong-Secret' } });
  assert.equal(r.code, 1);
  assert.match(oneLine(r.stderr), /status 401, code APIGW\.0301.*verify aksk signature fail/);
  assertNoSecrets(r.stderr);

  const { HUAWEICLOUD_SDK_SK: _, ...noSk } = env;
  r = await run(['list'], { env: noSk });
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /invalid_input error: .*HUAWEICLOUD_SDK_SK is not/);
  assert.ok(!r.stderr.includes(AK));
  assertNoSecrets(r.stderr);
});

test('a flag wins over its variable: --endpoint, --project-id; an endpoint wins over a region', async () => {
  const r = await run(['list', '--max-items', '1', '--endpoint', mock.url, '--project-id', 'flag-project'], {
    env: { EVS_SNAPSHOTS_ENDPOINT: deadUrl, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID, HUAWEICLOUD_SDK_REGION: 'ap-southeast-1' },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(mock.requests()[0].path, '/v2/flag-project/snapshots');
});

// --- terminals: tables, progress, Ctrl-C ----------------------------------------

test('on a terminal: a table by default, and progress on stderr from the second page on, only there', async () => {
  assert.ok(execFileSync('script', ['--version'], { encoding: 'utf8' }).includes('util-linux'), 'script from util-linux');
  let r = await inTerminal(cli(['list', '--max-items', '3']));
  assert.equal(r.code, 0, r.stdout);
  const lines = r.stdout.replace(/\u001b\[[0-9;]*m/g, '').split('\r\n');
  assert.match(lines[0], /^ID +NAME +STATUS/);
  for (let i = 0; i < 3; i++) assert.ok(lines[i + 1].startsWith(ALL[i].id));
  assert.equal(lines[4], `evs-snapshots: more snapshots after these 3: go on with --marker ${ALL[2].id}`);
  assert.doesNotMatch(r.stdout, /\d+ pages?, /, 'one page: no progress line');

  // stdout to a file, stderr the terminal: the live line appears, the file has only data.
  mock.setFaults([{ match: { op: 'list' }, times: 0, delayMs: 20 }]);
  const file = join(dir, 'all.ndjson');
  r = await inTerminal(`${cli(['list', '--page-size', '20', '--output', 'ndjson'])} > ${shq(file)}`);
  assert.equal(r.code, 0, r.stdout);
  const pages = Math.ceil(ALL.length / 20);
  assert.match(r.stdout, /\r\u001b\[Kevs-snapshots: \d+ pages?, \d+ snapshots?, \d+\/s/);
  assert.ok(r.stdout.includes(`evs-snapshots: ${pages} pages, ${ALL.length} snapshots, `), r.stdout.slice(-200));
  assert.ok((r.stdout.match(/\r\u001b\[K/g) ?? []).length >= 2, 'a live line, redrawn');
  assert.deepEqual(ndjson(readFileSync(file, 'utf8')), ALL);

  // Neither a terminal: no progress at all.
  mock.setFaults([{ match: { op: 'list' }, times: 0, delayMs: 20 }]);
  r = await run(['list', '--page-size', '20']);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '');
  assert.deepEqual(ndjson(r.stdout), ALL);
});

test('get on a terminal: the field table', async () => {
  const r = await inTerminal(cli(['get', ALL[0].id]));
  assert.equal(r.code, 0, r.stdout);
  const text = r.stdout.replace(/\u001b\[[0-9;]*m/g, '');
  assert.match(text, new RegExp(`^ID +${ALL[0].id}\\r\\n`));
  assert.match(text, new RegExp(`\\r\\nPROJECT ID +${PROJECT_ID}\\r\\n`));
});

for (const format of ['ndjson', 'csv']) {
  test(`Ctrl-C in the middle of a walk (${format}): exit 130 at once, no further request, rows line-complete`, async () => {
    mock.setFaults([{ match: { op: 'list' }, times: 0, delayMs: 40 }]);
    const child = spawn(process.execPath, [BIN, 'list', '--page-size', '2', '--output', format], { env: { ...baseEnv(), ...at(mock) }, stdio: ['ignore', 'pipe', 'pipe'] });
    const done = collect(child, 30000);
    let seen = '';
    child.stdout.on('data', (d) => (seen += d));
    const t0 = Date.now();
    while ((seen.match(/\n/g) ?? []).length < 11 && Date.now() - t0 < 20000) await sleep(10);
    child.kill('SIGINT');
    const atSignal = apiCount(mock);
    const tSignal = Date.now();
    const r = await done;
    assert.equal(r.code, 130, r.stderr);
    assert.ok(Date.now() - tSignal < 3000, 'it stopped at once');
    assert.match(oneLine(r.stderr), /interrupted/);
    const atExit = apiCount(mock);
    await sleep(300);
    assert.equal(apiCount(mock), atExit, 'the request count stops growing');
    assert.ok(atExit <= atSignal + 1, `no request after the signal (${atSignal} → ${atExit})`);
    assert.ok(atExit < Math.ceil(ALL.length / 2), 'it did not walk to the end');
    assert.ok(r.stdout.endsWith('\n'), 'the last line is complete');
    if (format === 'ndjson') {
      const rows = ndjson(r.stdout);
      assert.ok(rows.length >= 10);
      assert.deepEqual(rows, ALL.slice(0, rows.length));
    } else {
      const rows = pythonCsv(r.stdout);
      assert.deepEqual(rows[0], CSV_COLUMNS);
      assert.ok(rows.length >= 10);
      rows.slice(1).forEach((row, i) => assertCsvRow(row, ALL[i]));
    }
  });
}

test('a reader that goes away (| head) stops the walk quietly', async () => {
  mock.setFaults([{ match: { op: 'list' }, times: 0, delayMs: 20 }]);
  const child = spawn('sh', ['-c', `${cli(['list', '--page-size', '2'])} | head -n 3`], { env: { ...baseEnv(), ...at(mock) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const r = await collect(child, 30000);
  assert.equal(r.code, 0);
  assert.deepEqual(ndjson(r.stdout), ALL.slice(0, 3));
  assert.equal(r.stderr, '');
  assert.ok(apiCount(mock) < 10, `${apiCount(mock)} requests`);
});

// --- sign ------------------------------------------------------------------------

const signEnv = (extra = {}) => ({ HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_SECURITY_TOKEN: ST, ...extra });
const NAME = '快照 每日备份';

test('sign --curl: a real curl runs the printed command against the checking mock and is accepted', async () => {
  const url = `${akMock.url}/v2/${PROJECT_ID}/snapshots?name=${encodeURIComponent(NAME)}&limit=3`;
  const r = await run(['sign', 'get', url, '-H', `X-Project-Id: ${PROJECT_ID}`, '--curl'], { env: signEnv() });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.startsWith('curl '), r.stdout);
  assert.ok(!r.stdout.includes(SK) && !r.stderr.includes(SK), 'never the secret key');
  const curl = (cmd) => collect(spawn('sh', ['-c', `${cmd.trim()} -sS -w '\\n%{http_code}'`], { stdio: ['ignore', 'pipe', 'pipe'] }), 20000);
  const out = await curl(r.stdout);
  assert.equal(out.code, 0, out.stderr);
  const status = out.stdout.slice(out.stdout.lastIndexOf('\n') + 1);
  assert.equal(status, '200', out.stdout);
  const body = JSON.parse(out.stdout.slice(0, out.stdout.lastIndexOf('\n')));
  const want = sortWire(SNAPSHOTS).filter((s) => s.name === NAME).slice(0, 3);
  assert.deepEqual(body.snapshots.map((s) => s.id), want.map((s) => s.id));
  const [req] = akMock.requests();
  assert.match(req.headers['user-agent'], /^curl\//, 'curl sent it');
  assert.equal(req.headers['x-project-id'], PROJECT_ID);

  // The check is real: the same command signed with another secret key is refused.
  const bad = await run(['sign', 'GET', url, '--curl'], { env: signEnv({ HUAWEICLOUD_SDK_SK: 'sk-wrong-Secret' }) });
  const refused = await curl(bad.stdout);
  assert.ok(refused.stdout.endsWith('\n401'));
  assert.match(refused.stdout, /verify aksk signature fail/);
  // And without the security token the temporary credentials are refused.
  const noSt = await run(['sign', 'GET', url, '--curl'], { env: signEnv({ HUAWEICLOUD_SDK_SECURITY_TOKEN: '' }) });
  assert.ok((await curl(noSt.stdout)).stdout.endsWith('\n401'));
});

test('sign: the request line and headers, JSON, and bodies from --data checked by the mock\'s own verifier', async () => {
  const url = `https://evs.ap-southeast-1.myhuaweicloud.com/v2/${PROJECT_ID}/cloudsnapshots?b=2&a=${encodeURIComponent('x y')}`;
  let r = await run(['sign', 'GET', url], { env: signEnv() });
  assert.equal(r.code, 0, r.stderr);
  const [line, ...headerLines] = r.stdout.trimEnd().split('\n');
  assert.equal(line, `GET https://evs.ap-southeast-1.myhuaweicloud.com/v2/${PROJECT_ID}/cloudsnapshots?a=x%20y&b=2`);
  const headers = Object.fromEntries(headerLines.map((h) => [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 2)]));
  assert.deepEqual(Object.keys(headers).sort(), ['Authorization', 'X-Sdk-Date', 'X-Security-Token']);
  assert.equal(headers['X-Security-Token'], ST);

  const file = join(dir, 'body.json');
  writeFileSync(file, '{"snapshot": {"name": "快照", "volume_id": "v"}}');
  const post = `https://evs.ap-southeast-1.myhuaweicloud.com/v2/${PROJECT_ID}/cloudsnapshots`;
  for (const [data, body, type] of [
    [`@${file}`, readFileSync(file, 'utf8'), 'application/json;charset=utf8'],
    ['{"a": 1}', '{"a": 1}', 'application/json'],
    ['plain text', 'plain text', 'text/plain'],
  ]) {
    r = await run(['sign', 'POST', post, '-H', `Content-Type: ${type}`, '--data', data, '--output', 'json'], { env: signEnv() });
    assert.equal(r.code, 0, r.stderr);
    const signed = JSON.parse(r.stdout);
    assert.equal(signed.method, 'POST');
    const u = new URL(signed.url);
    const lower = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
    lower.host = u.host;
    if (type === 'text/plain') assert.equal(lower['x-sdk-content-sha256'], 'UNSIGNED-PAYLOAD');
    const v = verifySignature({ method: 'POST', path: u.pathname, query: u.search.slice(1), headers: lower, body }, { ak: AK, sk: SK, securityToken: ST });
    assert.deepEqual(v, { ok: true }, data);
    const tampered = verifySignature({ method: 'POST', path: u.pathname, query: '', headers: lower, body: `${body} ` }, { ak: AK, sk: SK, securityToken: ST });
    // A JSON body is signed; another type is sent UNSIGNED-PAYLOAD, as the official SDK does.
    assert.equal(tampered.ok, type === 'text/plain', 'the body is signed exactly when docs/signing.md says so');
  }
  r = await run(['sign', 'POST', post, '--data', `@${file}`, '--curl'], { env: signEnv() });
  assert.ok(r.stdout.includes(`--data-binary '@${file}'`));
  assert.ok(r.stdout.includes("-X 'POST'"));
});

test('sign: usage and missing credentials are exit 2, naming the variable and no value', async () => {
  const url = 'https://evs.ap-southeast-1.myhuaweicloud.com/v2/p/snapshots';
  const cases = [
    [['sign', 'GET'], {}, /needs a METHOD and a URL/],
    [['sign', 'GET', url], { HUAWEICLOUD_SDK_AK: '', HUAWEICLOUD_SDK_SK: '', HUAWEICLOUD_SDK_SECURITY_TOKEN: '' }, /needs HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK/],
    [['sign', 'GET', url], { HUAWEICLOUD_SDK_SK: '' }, /HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not/],
    [['sign', 'GET', url, '-H', 'X-Auth-Token value-that-must-not-show'], {}, /-H expects 'Name: value'/],
    [['sign', 'POST', url, '--data', `@${join(dir, 'missing')}`], {}, /cannot read --data file/],
    [['sign', 'GET', 'not a url'], {}, /invalid_input error/],
    [['sign', 'GET', url, '--curl', '--output', 'json'], {}, /do not go together/],
  ];
  for (const [args, env, re] of cases) {
    const r = await run(args, { env: signEnv(env) });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(oneLine(r.stderr), re);
    assert.ok(!r.stderr.includes(AK));
    assert.ok(!r.stderr.includes('value-that-must-not-show'));
    assertNoSecrets(r.stderr);
  }
});
