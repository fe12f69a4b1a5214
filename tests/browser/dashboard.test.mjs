// The dashboard in www/ inside headless Chromium, against the mock EVS
// service serving the page, the package and the API on one origin (as
// `make demo` does). Expected rows are computed from the mock's seed data
// (tests/mock-evs/data.mjs), never from what the page showed before.
//
//   node --test tests/browser/dashboard.test.mjs
//   UPDATE_SCREENSHOTS=1 node --test tests/browser/dashboard.test.mjs   # also rewrites docs/dashboard.png
import { test, beforeEach } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { mkdirSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { SNAPSHOTS, PROJECT_ID, VOLUMES, STATUSES } from '../mock-evs/data.mjs';
import { normalizeSnapshot, sortWire } from '../helpers/reference.mjs';
import { useDashboard, clearSettings } from '../helpers/dashboard.mjs';
import { loads, waitLoaded, act } from '../helpers/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(root, 'test-output');
const DOCS_SHOT = join(root, 'docs', 'dashboard.png');
/** Every seed snapshot as the package returns it, in the mock's list order. */
const ALL = sortWire(SNAPSHOTS).map(normalizeSnapshot);
const WIRE = new Map(SNAPSHOTS.map((s) => [s.id, s]));
const T = 20_000; // the bound on any single wait (a bound for a failure only: a shared, busy CI machine is slow)

// A failed test must not leave faults or settings behind for the next one.
const { mock, browser } = useDashboard({ liveProgress: false }, { each: 'faults' });
beforeEach(() => clearSettings(browser, mock));

before(() => {
  mkdirSync(OUT, { recursive: true });
});

// ----------------------------------------------------------------- helpers

/** Opens the dashboard (query string `query`) and waits for its first answer. */
async function open(query = '', { tz = 'Asia/Shanghai', width = 1280, height = 900, wait = true } = {}) {
  const page = await browser.newPage({ timezoneId: tz, viewport: { width, height } });
  page.setDefaultTimeout(T);
  await page.goto(`${mock.url}/${query}`);
  if (wait) await waitLoaded(page, 0);
  return page;
}

/** Reloads the page and waits for its first list load. */
async function reload(page) {
  await page.reload();
  await waitLoaded(page, 0);
}

const rowIds = (page) =>
  page.$$eval('[data-testid="snapshot-row"]', (rows) => rows.map((r) => r.dataset.id));

const ids = (list) => list.map((s) => s.id);

const query = (page) => new URL(page.url()).searchParams;

/** Console errors other than the browser's own line for a non-2xx response. */
const realErrors = (page) => page.errors.filter((e) => !/Failed to load resource/.test(e));

function listRequests() {
  return mock.requests().filter((r) => r.kind === 'api' && r.path.endsWith('/snapshots'));
}

/** The display rule of www/format.js, computed here with an explicit zone. */
function expectedLocal(iso, timeZone) {
  const fmt = new Intl.DateTimeFormat('en-US', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZone,
  });
  const p = Object.fromEntries(fmt.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

async function closePage(page) {
  const errors = realErrors(page);
  await page.close();
  assert.deepEqual(errors, [], 'no console errors or page errors');
}

// ------------------------------------------------------------------- tests

test('loads with no console errors and shows the first page from the mock', async () => {
  mock.clearRequests();
  const page = await open();
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready');
  assert.deepEqual(await rowIds(page), ids(ALL.slice(0, 10)));

  // The first row, cell by cell.
  const first = ALL[0];
  const row = page.locator(`[data-testid="snapshot-row"][data-id="${first.id}"]`);
  assert.equal(await row.locator('[data-testid="cell-name"]').textContent(), first.name || '(no name)');
  assert.equal(await row.locator('[data-testid="cell-id"]').getAttribute('title'), first.id);
  assert.ok(first.id.startsWith((await row.locator('[data-testid="cell-id"]').textContent()).replace('…', '')));
  assert.equal(await row.locator('[data-testid="status-badge"]').getAttribute('data-status'), first.status);
  assert.equal(await row.locator('[data-testid="cell-size"]').textContent(), `${first.size} GB`);
  assert.equal(await row.locator('[data-testid="cell-volume"]').getAttribute('title'), first.volumeId);
  assert.equal(
    await row.locator('[data-testid="cell-created"]').getAttribute('datetime'),
    new Date(first.createdAt).toISOString(),
  );

  assert.equal(await page.textContent('[data-testid="page-number"]'), 'Page 1');
  assert.ok(await page.isDisabled('[data-testid="prev-page"]'));
  assert.ok(await page.isEnabled('[data-testid="next-page"]'));
  assert.match(await page.textContent('[data-testid="connection-where"]'), /^\/evs\b/);
  assert.equal(await page.textContent('[data-testid="connection-project"]'), PROJECT_ID);

  // The default connection: the same-origin mock, the seed project, no auth.
  const req = listRequests().at(-1);
  assert.equal(req.path, `/evs/v2/${PROJECT_ID}/snapshots`);
  assert.equal(new URLSearchParams(req.query).get('limit'), '10');
  assert.equal(req.headers['x-auth-token'], undefined);
  assert.equal(req.headers.authorization, undefined);

  // Every screenshot run: the populated first page, full length.
  await page.screenshot({ path: join(OUT, 'dashboard.png'), fullPage: true, animations: 'disabled' });
  await closePage(page);
});

test('a badge per documented status, a neutral one for others, a marker for backup snapshots', async () => {
  const page = await open();
  const colours = await page.evaluate((statuses) => {
    const out = {};
    for (const s of [...statuses, 'unknown']) {
      const el = document.createElement('span');
      el.className = `badge badge-${s}`;
      document.body.append(el);
      out[s] = getComputedStyle(el).backgroundColor;
      el.remove();
    }
    return out;
  }, STATUSES);
  assert.equal(new Set(Object.values(colours)).size, STATUSES.length + 1, JSON.stringify(colours));

  // 50 rows: the page's backup markers are exactly the snapshots with the key.
  await act(page, () => page.selectOption('[data-testid="page-size"]', '50'));
  const want = ALL.slice(0, 50).filter((s) => '__system__enableActive' in s.metadata).map((s) => s.id);
  assert.ok(want.length > 0);
  const marked = await page.$$eval('[data-testid="snapshot-row"]', (rows) =>
    rows.filter((r) => r.querySelector('[data-testid="backup-marker"]')).map((r) => r.dataset.id),
  );
  assert.deepEqual(marked, want);
  await closePage(page);
});

// Issue 29: the filter lists the package's one status list (STATUSES), not a
// copy of its own: the statuses of docs/evs-api.md "Statuses", in its order.
test('the status filter: all, then the seven documented statuses in the order of the API docs', async () => {
  const page = await open();
  const values = await page.$$eval('[data-testid="filter-status"] option', (os) => os.map((o) => o.value));
  assert.deepEqual(values, ['', 'creating', 'available', 'error', 'deleting', 'error_deleting', 'rollbacking', 'backing-up']);
  await closePage(page);
});

test('each filter narrows the rows to what the mock data says', async () => {
  const page = await open();

  for (const status of STATUSES) {
    await act(page, () => page.selectOption('[data-testid="filter-status"]', status));
    const want = ALL.filter((s) => s.status === status).slice(0, 10);
    assert.ok(want.length > 0, status);
    assert.deepEqual(await rowIds(page), ids(want), `status ${status}`);
    const badges = await page.$$eval('[data-testid="status-badge"]', (b) => b.map((x) => x.dataset.status));
    assert.deepEqual([...new Set(badges)], [status]);
    assert.equal(query(page).get('status'), status);
  }
  await act(page, () => page.selectOption('[data-testid="filter-status"]', ''));
  assert.deepEqual(await rowIds(page), ids(ALL.slice(0, 10)));

  // Exact name, with characters that need encoding.
  for (const name of ['快照 每日备份', 'a&b=c', '100% full']) {
    await page.fill('[data-testid="filter-name"]', name);
    await act(page, () => page.press('[data-testid="filter-name"]', 'Enter'));
    const want = ALL.filter((s) => s.name === name).slice(0, 10);
    assert.ok(want.length > 0, name);
    assert.deepEqual(await rowIds(page), ids(want), `name ${name}`);
    assert.equal(query(page).get('name'), name);
  }
  // Exact means exact: a prefix matches nothing.
  await page.fill('[data-testid="filter-name"]', 'daily');
  await act(page, () => page.click('[data-testid="apply-filters"]'));
  assert.equal(ALL.filter((s) => s.name === 'daily').length, 0);
  assert.deepEqual(await rowIds(page), []);
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'empty');
  assert.match(await page.textContent('[data-testid="empty-state"]'), /No snapshots match/);
  await page.fill('[data-testid="filter-name"]', '');

  // Volume ID, then volume and status together.
  const vol = VOLUMES[3];
  await page.fill('[data-testid="filter-volume"]', vol);
  await act(page, () => page.click('[data-testid="apply-filters"]'));
  assert.deepEqual(await rowIds(page), ids(ALL.filter((s) => s.volumeId === vol).slice(0, 10)));
  assert.equal(query(page).get('volume_id'), vol);

  await act(page, () => page.selectOption('[data-testid="filter-status"]', 'available'));
  const both = ALL.filter((s) => s.volumeId === vol && s.status === 'available').slice(0, 10);
  assert.deepEqual(await rowIds(page), ids(both));

  // What the page asked for: the filters as the API's query parameters.
  const q = new URLSearchParams(listRequests().at(-1).query);
  assert.equal(q.get('volume_id'), vol);
  assert.equal(q.get('status'), 'available');
  assert.equal(q.get('name'), null);

  // The volume button of a row filters by that row's volume.
  await act(page, () => page.click('[data-testid="clear-filters"]'));
  assert.deepEqual(await rowIds(page), ids(ALL.slice(0, 10)));
  const row = ALL[2];
  await act(page, () => page.click(`[data-testid="snapshot-row"][data-id="${row.id}"] [data-testid="filter-by-volume"]`));
  assert.deepEqual(await rowIds(page), ids(ALL.filter((s) => s.volumeId === row.volumeId).slice(0, 10)));
  assert.equal(await page.inputValue('[data-testid="filter-volume"]'), row.volumeId);
  await closePage(page);
});

test('next and previous pages, browser history, and a reload restoring the view from the URL', async () => {
  const page = await open();
  await act(page, () => page.selectOption('[data-testid="page-size"]', '25'));
  assert.deepEqual(await rowIds(page), ids(ALL.slice(0, 25)));

  await act(page, () => page.click('[data-testid="next-page"]'));
  assert.deepEqual(await rowIds(page), ids(ALL.slice(25, 50)));
  assert.equal(query(page).get('marker'), ALL[24].id);
  assert.equal(await page.textContent('[data-testid="page-number"]'), 'Page 2');

  await act(page, () => page.click('[data-testid="next-page"]'));
  assert.deepEqual(await rowIds(page), ids(ALL.slice(50, 75)));
  assert.deepEqual(query(page).getAll('back'), [ALL[24].id]);
  assert.equal(await page.textContent('[data-testid="page-number"]'), 'Page 3');

  await act(page, () => page.click('[data-testid="prev-page"]'));
  assert.deepEqual(await rowIds(page), ids(ALL.slice(25, 50)));

  // A reload restores page 2 of 25, "previous" included.
  await reload(page);
  assert.deepEqual(await rowIds(page), ids(ALL.slice(25, 50)));
  assert.equal(await page.inputValue('[data-testid="page-size"]'), '25');
  assert.equal(await page.textContent('[data-testid="page-number"]'), 'Page 2');
  await act(page, () => page.click('[data-testid="prev-page"]'));
  assert.deepEqual(await rowIds(page), ids(ALL.slice(0, 25)));
  assert.ok(await page.isDisabled('[data-testid="prev-page"]'));

  // The browser's back button walks the same history.
  await act(page, () => page.goBack());
  assert.deepEqual(await rowIds(page), ids(ALL.slice(25, 50)));

  // A shared link with filters and a page: the filtered pages, in a fresh tab.
  const available = ALL.filter((s) => s.status === 'available');
  const shared = await open(`?status=available&limit=10&marker=${available[9].id}`);
  assert.deepEqual(await rowIds(shared), ids(available.slice(10, 20)));
  assert.equal(await shared.inputValue('[data-testid="filter-status"]'), 'available');
  await act(shared, () => shared.click('[data-testid="next-page"]'));
  assert.deepEqual(await rowIds(shared), ids(available.slice(20, 30)));
  await act(shared, () => shared.click('[data-testid="prev-page"]'));
  await act(shared, () => shared.click('[data-testid="prev-page"]'));
  assert.deepEqual(await rowIds(shared), ids(available.slice(0, 10)));

  // The last page: "next" follows the marker to an empty page, or is disabled.
  const last = await open(`?limit=100&marker=${ALL[199].id}&back=${ALL[99].id}`);
  assert.deepEqual(await rowIds(last), ids(ALL.slice(200, 300)));
  assert.ok(await last.isDisabled('[data-testid="next-page"]'), `${ALL.length} snapshots: no page after the third of 100`);
  await closePage(last);
  await closePage(shared);
  await closePage(page);
});

test('the details panel shows the clicked snapshot; keyboard opens and Escape closes it', async () => {
  const page = await open();
  const s = ALL[3];
  await page.click(`[data-testid="snapshot-row"][data-id="${s.id}"] [data-testid="cell-name"]`);
  const panel = page.locator('[data-testid="details-panel"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="details-panel"]').dataset.state === 'ready');
  assert.equal(await panel.getAttribute('data-id'), s.id);
  assert.equal(await page.textContent('[data-testid="details-title"]'), s.name || '(no name)');
  assert.equal(await page.textContent('[data-testid="details-id"] code'), s.id);
  assert.equal(await page.textContent('[data-testid="details-size"]'), `${s.size} GB`);
  assert.equal(await page.textContent('[data-testid="details-volume"] code'), s.volumeId);
  assert.equal(await page.textContent('[data-testid="details-description"]'), s.description ?? '—');
  assert.equal(await page.textContent('[data-testid="details-project"]'), PROJECT_ID);
  assert.equal(
    await page.getAttribute('[data-testid="details-created"]', 'datetime'),
    new Date(s.createdAt).toISOString(),
  );
  const keys = await page.$$eval('[data-testid="metadata-key"]', (e) => e.map((x) => x.textContent));
  const values = await page.$$eval('[data-testid="metadata-value"]', (e) => e.map((x) => x.textContent));
  assert.deepEqual(Object.fromEntries(keys.map((k, i) => [k, values[i]])), s.metadata);
  // The whole record as getSnapshot returned it.
  const json = JSON.parse(await page.textContent('[data-testid="details-json"]'));
  assert.equal(json.id, s.id);
  assert.equal(typeof json.progress, 'number');
  delete json.progress;
  assert.deepEqual(json, { ...s, projectId: PROJECT_ID });
  assert.equal(query(page).get('snapshot'), s.id);

  // Escape closes it and gives the focus back to the row.
  await page.keyboard.press('Escape');
  assert.ok(await panel.isHidden());
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), s.id);
  assert.equal(query(page).get('snapshot'), null);

  // Keyboard only: arrow to the next row, Enter opens it.
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), ALL[4].id);
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (id) => {
      const p = document.querySelector('[data-testid="details-panel"]');
      return p.dataset.state === 'ready' && p.dataset.id === id;
    },
    ALL[4].id,
  );
  await page.keyboard.press('Escape');
  assert.ok(await panel.isHidden());

  // A creating snapshot, by link: a progress bar with the service's progress.
  const creating = ALL.find((x) => x.status === 'creating');
  const res = await fetch(`${mock.apiUrl}/v2/${PROJECT_ID}/cloudsnapshots/${creating.id}`);
  const progress = parseFloat((await res.json()).snapshot['os-extended-snapshot-attributes:progress']);
  const deep = await open(`?snapshot=${creating.id}`);
  await deep.waitForFunction(() => document.querySelector('[data-testid="details-panel"]').dataset.state === 'ready');
  assert.equal(await deep.textContent('[data-testid="details-title"]'), creating.name || '(no name)');
  const bar = deep.locator('[data-testid="details-progress"]');
  assert.equal(Number(await bar.getAttribute('aria-valuenow')), progress);
  assert.equal(await bar.getAttribute('role'), 'progressbar');
  await deep.screenshot({ path: join(OUT, 'dashboard-details.png'), animations: 'disabled' });

  // An unknown ID: the panel shows the EvsError, the table is unaffected.
  const missing = await open('?snapshot=no-such-snapshot');
  await missing.waitForFunction(() => document.querySelector('[data-testid="details-panel"]').dataset.state === 'error');
  assert.equal(await missing.textContent('[data-testid="details-error-kind"]'), 'http');
  assert.equal(await missing.textContent('[data-testid="details-error-status"]'), '404');
  assert.equal(await missing.textContent('[data-testid="details-error-code"]'), 'EVS.0004');
  assert.match(await missing.textContent('[data-testid="details-error-request-id"]'), /^[0-9a-f]{32}$/);
  assert.deepEqual(await rowIds(missing), ids(ALL.slice(0, 10)));
  await closePage(missing);
  await closePage(deep);
  await closePage(page);
});

test('a failing service: the error banner shows the EvsError and its request ID; Retry recovers', async () => {
  const page = await open();
  const seen = [];
  page.on('response', (r) => {
    if (/\/evs\/v2\/[^/]+\/snapshots/.test(r.url())) seen.push({ status: r.status(), requestId: r.headers()['x-request-id'] });
  });
  mock.clearRequests();
  // Every attempt fails (the package retries a 500 up to 3 times in all).
  mock.setFaults([
    { match: { op: 'list' }, times: 0, status: 500, json: { error: { message: 'boom: the disk service is down', code: 'EVS.9999' } } },
  ]);
  await act(page, () => page.click('[data-testid="refresh"]'));
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'error');
  const banner = page.locator('[data-testid="error-banner"]');
  assert.ok(await banner.isVisible());
  assert.equal(await page.textContent('[data-testid="error-kind"]'), 'http');
  assert.equal(await page.textContent('[data-testid="error-status"]'), '500');
  assert.equal(await page.textContent('[data-testid="error-code"]'), 'EVS.9999');
  assert.match(await page.textContent('[data-testid="error-message"]'), /^boom: the disk service is down\b/);
  assert.equal(listRequests().length, 3, 'three attempts');
  assert.equal(seen.length, 3);
  assert.ok(seen.every((r) => r.status === 500));
  // The request ID of the last attempt, as the service sent it.
  assert.equal(await page.textContent('[data-testid="error-request-id"]'), seen.at(-1).requestId);
  assert.match(seen.at(-1).requestId, /^[0-9a-f]{32}$/);
  assert.deepEqual(await rowIds(page), []);
  await page.screenshot({ path: join(OUT, 'dashboard-error.png'), animations: 'disabled' });

  // The service recovers; Retry brings the rows back and the banner goes.
  mock.clearFaults();
  await act(page, () => page.click('[data-testid="retry"]'));
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready');
  assert.ok(await banner.isHidden());
  assert.deepEqual(await rowIds(page), ids(ALL.slice(0, 10)));

  // One failure only: the package's retry hides it from the user.
  mock.setFaults([{ match: { op: 'list' }, times: 1, status: 503, json: { error: { message: 'busy', code: 'EVS.0503' } } }]);
  await act(page, () => page.click('[data-testid="refresh"]'));
  assert.ok(await banner.isHidden());
  assert.deepEqual(await rowIds(page), ids(ALL.slice(0, 10)));
  mock.clearFaults();
  await closePage(page);
});

test('loading keeps the layout still: skeleton rows, then rows of the same height', async () => {
  mock.setFaults([{ match: { op: 'list' }, times: 1, delayMs: 800 }]);
  const page = await open('', { wait: false });
  await page.waitForSelector('tr.skeleton');
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'loading');
  assert.equal(await page.getAttribute('#table-wrap', 'aria-busy'), 'true');
  const skeleton = await page.locator('.card').boundingBox();
  assert.equal(await page.locator('tr.skeleton').count(), 10);
  await waitLoaded(page, 0);
  const loaded = await page.locator('.card').boundingBox();
  assert.ok(Math.abs(loaded.height - skeleton.height) <= 2, `${skeleton.height} → ${loaded.height}`);

  // The next page: the old rows stay (dimmed) while it loads.
  mock.setFaults([{ match: { op: 'list' }, times: 1, delayMs: 800 }]);
  const before = await loads(page);
  await page.click('[data-testid="next-page"]');
  await page.waitForFunction(() => document.body.dataset.state === 'loading');
  assert.equal(await page.locator('[data-testid="snapshot-row"]').count(), 10);
  const during = await page.locator('.card').boundingBox();
  assert.ok(await page.isDisabled('[data-testid="next-page"]'), 'no double paging while loading');
  await waitLoaded(page, before);
  const after = await page.locator('.card').boundingBox();
  assert.ok(Math.abs(during.height - loaded.height) <= 2 && Math.abs(after.height - loaded.height) <= 2);
  assert.deepEqual(await rowIds(page), ids(ALL.slice(10, 20)));
  mock.clearFaults();
  await closePage(page);
});

test("created times in the viewer's time zone: Asia/Shanghai and America/New_York", async () => {
  // A known snapshot: the newest one, and one with a lower-case 't' on the wire.
  const newest = ALL[0];
  const lowerT = ALL.find((s) => /^\d{4}-\d\d-\d\dt/.test(WIRE.get(s.id).created_at));
  assert.ok(lowerT);
  const shown = {};
  for (const tz of ['Asia/Shanghai', 'America/New_York']) {
    const page = await open(`?snapshot=${lowerT.id}`, { tz });
    for (const s of ALL.slice(0, 10)) {
      const cell = page.locator(`[data-testid="snapshot-row"][data-id="${s.id}"] [data-testid="cell-created"]`);
      assert.equal(await cell.textContent(), expectedLocal(s.createdAt, tz), `${s.id} in ${tz}`);
      assert.ok((await cell.getAttribute('title')).includes(s.createdAt.slice(0, 10)), 'the UTC instant on hover');
    }
    shown[tz] = await page.textContent(
      `[data-testid="snapshot-row"][data-id="${newest.id}"] [data-testid="cell-created"]`,
    );
    await page.waitForFunction(() => document.querySelector('[data-testid="details-panel"]').dataset.state === 'ready');
    assert.equal(await page.textContent('[data-testid="details-created"]'), expectedLocal(lowerT.createdAt, tz));
    await closePage(page);
  }
  // Independently of Intl: Shanghai is UTC+8 all year, with no daylight saving.
  const wire = WIRE.get(newest.id).created_at; // e.g. 2026-08-20T17:12:23.338041, UTC
  const utcMs = Date.UTC(...wire.match(/\d+/g).slice(0, 6).map((n, i) => Number(n) - (i === 1 ? 1 : 0)));
  const plus8 = new Date(utcMs + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
  assert.equal(shown['Asia/Shanghai'], plus8);
  assert.notEqual(shown['America/New_York'], shown['Asia/Shanghai']);
});

test('connection settings keep the token and secret key out of localStorage unless asked', async () => {
  const page = await open();
  const storage = () => page.evaluate(() => JSON.stringify({ ...localStorage }));
  const TOKEN = 'tok-SECRET-7f3a9c';
  const SK = 'sk-SECRET-51d0e2';
  const ST = 'st-SECRET-9b8a77';

  // Defaults: the same-origin mock.
  await page.click('[data-testid="open-settings"]');
  assert.equal(await page.inputValue('[data-testid="settings-endpoint"]'), '/evs');
  assert.equal(await page.inputValue('[data-testid="settings-project"]'), PROJECT_ID);
  assert.ok(await page.isChecked('[data-testid="settings-auth-none"]'));

  // A token, not remembered: used for calls, never stored.
  await page.check('[data-testid="settings-auth-token"]');
  await page.fill('[data-testid="settings-token"]', TOKEN);
  assert.ok(!(await page.isChecked('[data-testid="settings-remember-secrets"]')));
  mock.clearRequests();
  await act(page, () => page.click('[data-testid="settings-save"]'));
  assert.equal(listRequests().at(-1).headers['x-auth-token'], TOKEN);
  assert.ok(!(await storage()).includes(TOKEN), await storage());
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('evs-dashboard:connection')));
  assert.equal(saved.auth, 'token');
  assert.equal(await page.textContent('[data-testid="connection-auth"]'), 'IAM token');

  // After a reload the token is gone: the page asks for it and sends nothing.
  mock.clearRequests();
  await reload(page);
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'needs-settings');
  assert.match(await page.textContent('[data-testid="notice-message"]'), /IAM token/);
  assert.equal(listRequests().length, 0);

  // Remembered on request.
  await page.click('[data-testid="notice-settings"]');
  await page.fill('[data-testid="settings-token"]', TOKEN);
  await page.check('[data-testid="settings-remember-secrets"]');
  await act(page, () => page.click('[data-testid="settings-save"]'));
  assert.ok((await storage()).includes(TOKEN));
  mock.clearRequests();
  await reload(page);
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready');
  assert.equal(listRequests().at(-1).headers['x-auth-token'], TOKEN);

  // AK/SK with a security token, not remembered: the remembered token goes too.
  await page.click('[data-testid="open-settings"]');
  await page.check('[data-testid="settings-auth-aksk"]');
  await page.fill('[data-testid="settings-ak"]', 'AKDASHBOARD0001');
  await page.fill('[data-testid="settings-sk"]', SK);
  await page.fill('[data-testid="settings-security-token"]', ST);
  await page.uncheck('[data-testid="settings-remember-secrets"]');
  mock.clearRequests();
  await act(page, () => page.click('[data-testid="settings-save"]'));
  const s = await storage();
  for (const secret of [TOKEN, SK, ST]) assert.ok(!s.includes(secret), `${secret} not stored: ${s}`);
  const signed = listRequests().at(-1).headers;
  assert.match(signed.authorization, /^SDK-HMAC-SHA256 Access=AKDASHBOARD0001, SignedHeaders=/);
  assert.equal(signed['x-security-token'], ST);
  assert.equal(signed['x-project-id'], PROJECT_ID);
  assert.ok(!JSON.stringify(await page.evaluate(() => document.body.innerText)).includes(SK));

  // Reset to defaults.
  await page.click('[data-testid="open-settings"]');
  await page.click('[data-testid="settings-reset"]');
  await act(page, () => page.click('[data-testid="settings-save"]'));
  assert.equal(await page.textContent('[data-testid="connection-auth"]'), 'no auth');

  // A region instead of an endpoint: the page calls evs.{region}.myhuaweicloud.com
  // (answered here by the browser's request interception, not the network).
  const asked = [];
  await page.route('https://evs.ap-southeast-1.myhuaweicloud.com/**', (route) => {
    asked.push(route.request().url());
    route.fulfill({
      status: 200,
      headers: { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json' },
      body: JSON.stringify({ snapshots: [WIRE.get(ALL[0].id)] }),
    });
  });
  await page.click('[data-testid="open-settings"]');
  await page.check('[data-testid="settings-target-region"]');
  await page.fill('[data-testid="settings-region"]', 'ap-southeast-1');
  await act(page, () => page.click('[data-testid="settings-save"]'));
  assert.deepEqual(asked, [`https://evs.ap-southeast-1.myhuaweicloud.com/v2/${PROJECT_ID}/snapshots?limit=10`]);
  assert.deepEqual(await rowIds(page), [ALL[0].id]);
  assert.equal(await page.textContent('[data-testid="connection-where"]'), 'evs.ap-southeast-1.myhuaweicloud.com');
  await page.evaluate(() => localStorage.clear());
  await closePage(page);
});

test('live progress: refreshes while a creating snapshot is visible; the toggle stops it', async () => {
  const creating = ALL.filter((s) => s.status === 'creating');
  const page = await open('?status=creating');
  assert.deepEqual(await rowIds(page), ids(creating));
  assert.ok(await page.isChecked('[data-testid="live-toggle"]'));
  assert.ok(await page.isVisible('[data-testid="live-note"]'));
  mock.clearRequests();
  const n = await loads(page);
  await waitLoaded(page, n); // the next refresh comes by itself within a few seconds
  assert.ok(listRequests().length >= 1);

  // Off: no further requests.
  await page.click('.switch');
  assert.ok(!(await page.isChecked('[data-testid="live-toggle"]')));
  assert.equal(await page.evaluate(() => localStorage.getItem('evs-dashboard:live')), 'off');
  mock.clearRequests();
  await page.waitForTimeout(3600);
  assert.equal(listRequests().length, 0);
  assert.match(await page.textContent('[data-testid="live-note"]'), /live progress is off/);

  // Nothing creating on screen: no refreshes either.
  await page.click('.switch');
  await act(page, () => page.selectOption('[data-testid="filter-status"]', 'available'));
  mock.clearRequests();
  await page.waitForTimeout(3600);
  assert.equal(listRequests().length, 0);
  assert.ok(await page.isHidden('[data-testid="live-note"]'));
  await page.evaluate(() => localStorage.clear());
  await closePage(page);
});

test('text from the service is shown as text, never as markup', async () => {
  const evil = {
    id: 'evil-1',
    name: '<img src=x onerror="window.__pwned=1">',
    description: '<script>window.__pwned=2</script>',
    status: '<b>new-status</b>',
    size: 1,
    volume_id: '<svg onload="window.__pwned=3">',
    created_at: '2025-03-04T05:06:07.000000',
    updated_at: 'not <i>a</i> time',
    metadata: { '<a href=javascript:1>k</a>': '<u>v</u>' },
  };
  mock.setFaults([
    { match: { op: 'list' }, times: 1, status: 200, json: { snapshots: [evil] } },
    { match: { op: 'show' }, times: 1, status: 200, json: { snapshot: evil } },
  ]);
  const page = await open();
  const row = page.locator('[data-testid="snapshot-row"]');
  assert.equal(await row.count(), 1);
  assert.equal(await row.locator('[data-testid="cell-name"]').textContent(), evil.name);
  assert.equal(await row.locator('[data-testid="status-badge"]').textContent(), evil.status);
  assert.match(await row.locator('[data-testid="status-badge"]').getAttribute('class'), /badge-unknown/);
  assert.equal(await row.locator('[data-testid="cell-updated"]').textContent(), evil.updated_at);
  await row.click();
  await page.waitForFunction(() => document.querySelector('[data-testid="details-panel"]').dataset.state === 'ready');
  assert.equal(await page.textContent('[data-testid="details-description"]'), evil.description);
  assert.equal(await page.textContent('[data-testid="metadata-key"]'), Object.keys(evil.metadata)[0]);
  const injected = await page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    elements: document.querySelectorAll('main img, main svg[onload], aside script, aside a, aside u, main b').length,
  }));
  assert.deepEqual(injected, { pwned: null, elements: 0 });
  mock.clearFaults();
  await closePage(page);

  // And the source never hands markup to the DOM.
  for (const f of readdirSync(join(root, 'www')).filter((f) => f.endsWith('.js'))) {
    const src = readFileSync(join(root, 'www', f), 'utf8').replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(src, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/, f);
  }
});

test('readable at 390 px and at 1280 px: no sideways scrolling; copy an ID with one click', async () => {
  const narrow = await open('', { width: 390, height: 844 });
  const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${overflow}px wider than the screen`);
  assert.equal(await narrow.locator('[data-testid="snapshot-table"] thead').evaluate((t) => t.getBoundingClientRect().height <= 1), true);
  const card = await narrow.locator('[data-testid="snapshot-row"]').first().boundingBox();
  assert.ok(card.width <= 390 && card.width > 300, `row as a card: ${card.width}px`);
  await narrow.screenshot({ path: join(OUT, 'dashboard-390.png'), fullPage: true, animations: 'disabled' });
  await narrow.click('[data-testid="snapshot-row"] >> nth=0');
  await narrow.waitForFunction(() => document.querySelector('[data-testid="details-panel"]').dataset.state === 'ready');
  const drawer = await narrow.locator('[data-testid="details-panel"]').boundingBox();
  assert.equal(Math.round(drawer.width), 390);
  await narrow.screenshot({ path: join(OUT, 'dashboard-390-details.png'), animations: 'disabled' });
  await closePage(narrow);

  const wide = await open();
  assert.ok((await wide.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0);
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: mock.url });
  await wide.click(`[data-testid="snapshot-row"][data-id="${ALL[0].id}"] [data-testid="copy-id"]`);
  await wide.waitForSelector('[data-testid="toast"]:not([hidden])');
  assert.match(await wide.textContent('[data-testid="toast"]'), new RegExp(`Copied snapshot ID: ${ALL[0].id}`));
  assert.equal(await wide.evaluate(() => navigator.clipboard.readText()), ALL[0].id);
  assert.ok(await wide.isHidden('[data-testid="details-panel"]'), 'copying does not open the row');
  await closePage(wide);
});

test('the README screenshot: docs/dashboard.png', async () => {
  // The page of 25 that shows the most: a creating snapshot (the live
  // indicator), the most distinct statuses, then the most backup markers.
  const pages = [];
  for (let i = 0; i < ALL.length; i += 25) pages.push(ALL.slice(i, i + 25));
  const score = (rows) =>
    (rows.some((r) => r.status === 'creating') ? 1000 : 0) +
    new Set(rows.map((r) => r.status)).size * 10 +
    rows.filter((r) => '__system__enableActive' in r.metadata).length;
  const best = pages.reduce((b, rows, i) => (score(rows) > score(pages[b]) ? i : b), 0);
  const markers = pages.slice(0, best).map((rows) => rows.at(-1).id);
  const q = best === 0 ? '?limit=25' : `?limit=25&marker=${markers.at(-1)}${markers.slice(0, -1).map((m) => `&back=${m}`).join('')}`;
  const page = await open(q);
  assert.deepEqual(await rowIds(page), ids(pages[best]));
  assert.equal(await page.textContent('[data-testid="page-number"]'), `Page ${best + 1}`);
  assert.equal(await page.isVisible('[data-testid="live-note"]'), pages[best].some((r) => r.status === 'creating'));
  await page.evaluate(() => document.activeElement?.blur());
  const shot = await page.screenshot({ path: join(OUT, 'dashboard-readme.png'), fullPage: true, animations: 'disabled' });
  // The committed image is written once (or again with UPDATE_SCREENSHOTS=1).
  if (!existsSync(DOCS_SHOT) || process.env.UPDATE_SCREENSHOTS) {
    mkdirSync(dirname(DOCS_SHOT), { recursive: true });
    writeFileSync(DOCS_SHOT, shot);
  }
  await closePage(page);
});
