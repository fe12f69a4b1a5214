// `list` returns every snapshot unless told otherwise (issue 27 §2), as `aws
// ec2 describe-snapshots` does: against 2,500 snapshots (more than the
// service's 1,000 a page) `list | wc -l` is 2,500, written page by page as
// each arrives; --max-items N stops after N and says where to go on from (on
// stderr, terminal or pipe, and as `nextMarker` in JSON); --page-size is
// each request's `limit`; --marker starts there. The old flags: --all is
// accepted and changes nothing, --limit keeps what it did, with a warning.
//
// Expected values: the mock's seed grown to 2,500 (data.mjs's wireSnapshots,
// the copies the mock serves) in the mock's order (reference.mjs's
// sortWire), never the command's own output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { useMock } from '../helpers/mock.mjs';
import { wireSnapshots, PROJECT_ID } from '../mock-evs/data.mjs';
import { sortWire, normalizeSnapshot } from '../helpers/reference.mjs';
import { BIN, baseEnv, collect, run, ndjson, pythonCsv, inTerminal, cli } from '../helpers/child.mjs';

const COUNT = 2500;
const ALL = sortWire(wireSnapshots(COUNT)).map(normalizeSnapshot);
const IDS = ALL.map((s) => s.id);

const mock = useMock({ count: COUNT }, { each: 'reset' });

const env = () => ({ EVS_SNAPSHOTS_ENDPOINT: mock.url, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID });
/** The list requests the mock saw, as their query parameters. */
const pages = () => mock.requests().filter((r) => r.kind === 'api').map((r) => Object.fromEntries(new URLSearchParams(r.query)));
const goOn = (n, id) => `evs-snapshots: more snapshots after these ${n}: go on with --marker ${id}\n`;

test('the data: 2,500 snapshots, more than a page holds, each ID once', () => {
  assert.equal(ALL.length, COUNT);
  assert.equal(new Set(IDS).size, COUNT);
});

test('`list | wc -l` is every snapshot: all pages walked, nothing on stderr, exit 0', async () => {
  const r = await run(['list'], env());
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout.split('\n').length - 1, COUNT);
  assert.deepEqual(ndjson(r.stdout).map((s) => s.id), IDS);
  // The service's default page (no limit sent), then the marker of each page.
  assert.deepEqual(pages(), [{}, { marker: IDS[999] }, { marker: IDS[1999] }]);
});

test('every format walks every page: JSON array, CSV, a table', async () => {
  let r = await run(['list', '-o', 'json'], env());
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ALL);
  r = await run(['list', '-o', 'csv', '--page-size', '700'], env());
  assert.equal(r.code, 0, r.stderr);
  const rows = pythonCsv(r.stdout);
  assert.equal(rows.length, COUNT + 1);
  assert.deepEqual(rows.slice(1).map((row) => row[0]), IDS);
  r = await run(['list', '-o', 'table', '--columns', 'id'], env());
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trimEnd().split('\n').slice(1), IDS);
  assert.equal(r.stderr, '');
});

test('written as it goes: the first page is on stdout while the second is still on its way', async () => {
  // The first page passes; the second is never answered (until the child is stopped).
  mock.setFaults([
    { match: { op: 'list' }, times: 1, delayMs: 1 },
    { match: { op: 'list' }, times: 1, hang: true },
  ]);
  // The mock's server tells when the second page is asked for.
  let asked = 0;
  const secondAsked = new Promise((resolve) => {
    const onRequest = (req) => {
      if (req.url.includes('/snapshots') && ++asked === 2) {
        mock.server.off('request', onRequest);
        resolve();
      }
    };
    mock.server.on('request', onRequest);
  });
  const child = spawn(process.execPath, [BIN, 'list', '--page-size', '1000'], { env: { ...baseEnv(), ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
  const done = collect(child);
  try {
    let seen = '';
    const firstPage = new Promise((resolve) => {
      child.stdout.on('data', (d) => {
        seen += d;
        if ((seen.match(/\n/g) ?? []).length >= 1000) resolve();
      });
    });
    await Promise.race([Promise.all([firstPage, secondAsked]), done]);
    assert.deepEqual(ndjson(seen).map((s) => s.id), IDS.slice(0, 1000), 'the whole first page, before the second answered');
    const [first, second] = mock.requests().filter((r) => r.kind === 'api');
    assert.equal(first.status, 200);
    assert.equal(new URLSearchParams(second.query).get('marker'), IDS[999]);
    assert.equal(second.status, undefined, 'the second page is still unanswered');
  } finally {
    child.kill('SIGINT');
  }
  const r = await done;
  assert.equal(r.code, 130, r.stderr);
});

test('--max-items N: the first N, then the marker to go on from on stderr; one request when N fits a page', async () => {
  let r = await run(['list', '--max-items', '5'], env());
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(ndjson(r.stdout).map((s) => s.id), IDS.slice(0, 5));
  assert.equal(r.stderr, goOn(5, IDS[4]));
  // One more than N is asked for: whether there are more is known at once.
  assert.deepEqual(pages(), [{ limit: '6' }]);

  // Going on from the marker gives the next ones, none twice.
  mock.clearRequests();
  r = await run(['list', '--max-items', '5', '--marker', IDS[4]], env());
  assert.deepEqual(ndjson(r.stdout).map((s) => s.id), IDS.slice(5, 10));
  assert.equal(r.stderr, goOn(5, IDS[9]));

  // Past a page: pages of 1,000; N exactly at a page's end asks for the next to know.
  mock.clearRequests();
  r = await run(['list', '--max-items', '2000'], env());
  assert.deepEqual(ndjson(r.stdout).map((s) => s.id), IDS.slice(0, 2000));
  assert.equal(r.stderr, goOn(2000, IDS[1999]));
  assert.deepEqual(pages(), [{ limit: '1000' }, { limit: '1000', marker: IDS[999] }, { limit: '1000', marker: IDS[1999] }]);

  // N at or past the end: everything, no marker, nothing on stderr.
  for (const n of [String(COUNT), '100000']) {
    r = await run(['list', '--max-items', n], env());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(ndjson(r.stdout).length, COUNT, n);
    assert.equal(r.stderr, '', n);
  }
});

test('--max-items with --output json: {"snapshots": [...], "nextMarker": ...}; a script goes on until nextMarker is null', async () => {
  let r = await run(['list', '--max-items', '3', '-o', 'json'], env());
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { snapshots: ALL.slice(0, 3), nextMarker: IDS[2] });
  r = await run(['list', '--max-items', String(COUNT), '-o', 'json'], env());
  assert.deepEqual(JSON.parse(r.stdout), { snapshots: ALL, nextMarker: null });
  // Without --max-items, JSON stays the array it was.
  r = await run(['list', '--status', 'error', '-o', 'json'], env());
  assert.ok(Array.isArray(JSON.parse(r.stdout)));

  // The loop a script writes: 900 at a time (not a page's size), from each nextMarker on.
  const got = [];
  let marker = null;
  let rounds = 0;
  do {
    const args = ['list', '--max-items', '900', '-o', 'json', ...(marker ? ['--marker', marker] : [])];
    const out = JSON.parse((await run(args, env())).stdout);
    got.push(...out.snapshots.map((s) => s.id));
    marker = out.nextMarker;
    rounds++;
  } while (marker !== null && rounds < 10);
  assert.equal(rounds, 3);
  assert.deepEqual(got, IDS);
});

test('--max-items cuts CSV and a table too; the marker line is on stderr in a pipe and on a terminal', async () => {
  let r = await run(['list', '--max-items', '4', '-o', 'csv'], env());
  assert.deepEqual(pythonCsv(r.stdout).slice(1).map((row) => row[0]), IDS.slice(0, 4));
  assert.equal(r.stderr, goOn(4, IDS[3]));
  r = await run(['list', '--max-items', '4', '-o', 'table', '--columns', 'id'], env());
  assert.deepEqual(r.stdout.trimEnd().split('\n').slice(1), IDS.slice(0, 4));
  assert.equal(r.stderr, goOn(4, IDS[3]));
  // On a terminal (stdout to a file): the same line, after the progress line of a walk past its first page.
  r = await inTerminal(`${cli(['list', '--max-items', '1500', '-o', 'ndjson'])} > /dev/null`, env());
  assert.equal(r.code, 0, r.stdout);
  assert.ok(r.stdout.endsWith(goOn(1500, IDS[1499]).replace('\n', '\r\n')), JSON.stringify(r.stdout.slice(-200)));
  assert.match(r.stdout, /evs-snapshots: 2 pages, 1500 snapshots, \d+\/s\r\n/);
});

test('--page-size N is each request\'s limit; the walk still goes to the end', async () => {
  const r = await run(['list', '--page-size', '1000', '--status', 'available', '--max-items', '3000'], env());
  assert.equal(r.code, 0, r.stderr);
  const want = ALL.filter((s) => s.status === 'available');
  assert.ok(want.length > 1000, 'more than a page of them');
  assert.deepEqual(ndjson(r.stdout).map((s) => s.id), want.map((s) => s.id));
  assert.ok(pages().every((q) => q.limit === '1000' && q.status === 'available'));
  assert.equal(pages().length, Math.ceil(want.length / 1000));
});

test('older scripts: --all is accepted and changes nothing; --limit keeps what it did, with a warning', async () => {
  let r = await run(['list', '--all'], env());
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(ndjson(r.stdout).length, COUNT);

  // `list --limit 5` printed one page of 5: it still prints 5, and says where to go on from.
  mock.clearRequests();
  r = await run(['list', '--limit', '5'], env());
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(ndjson(r.stdout).map((s) => s.id), IDS.slice(0, 5));
  assert.equal(
    r.stderr,
    "evs-snapshots: warning: --limit is deprecated: it is --max-items here (the first N snapshots, then the marker to go on from); --page-size sets each request's size\n" +
      goOn(5, IDS[4]),
  );
  // `list --all --limit 500` walked every page in pages of 500: it still does.
  mock.clearRequests();
  r = await run(['list', '--all', '--limit', '500'], env());
  assert.equal(r.code, 0, r.stderr);
  assert.equal(ndjson(r.stdout).length, COUNT);
  assert.ok(pages().every((q) => q.limit === '500'));
  assert.equal(r.stderr, "evs-snapshots: warning: --limit with --all is deprecated: it is --page-size (each request's size); list walks every page without --all\n");
});

test('paging mistakes: exit 2, one line naming the flags, nothing sent', async () => {
  for (const [args, re] of [
    [['--all', '--max-items', '3'], /^evs-snapshots: --all and --max-items contradict each other; list walks every page unless --max-items stops it, so --all is no longer needed \(see evs-snapshots list --help\)\n$/],
    [['--limit', '3', '--max-items', '3'], /^evs-snapshots: --limit is the old name of --max-items/],
    [['--page-size', '2000'], /^evs-snapshots: --page-size must be from 1 to 1000 \(the service's most per request\)/],
    [['--max-items=-1'], /^evs-snapshots: --max-items must be at least 1/],
  ]) {
    const r = await run(['list', ...args], env());
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, re, args.join(' '));
    assert.equal(r.stdout, '');
  }
  assert.equal(pages().length, 0);
});
