// The dashboard's Requests panel (www/requests.js) and the project ID from
// IAM in its connection dialog, in headless Chromium against the mock EVS
// service serving the page, the package and the API on one origin (as
// `make demo` does): the attempts of a retry with their status and request
// ID as the service sent them, the cap of 50 rows, collapsing and expanding
// by mouse and keyboard, service text shown escaped, a clock correction;
// then AK/SK with a region and no project ID against a signature-checking
// mock whose `/evs` serves IAM too.
//
//   node --test tests/browser/requests.test.mjs
import { test } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { PROJECT_ID, REGION } from '../mock-evs/data.mjs';
import { useMock } from '../helpers/mock.mjs';
import { dashboardMock } from '../helpers/dashboard.mjs';
import { useChromium, openRequestsPanel, loads, waitLoaded, act } from '../helpers/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(root, 'test-output');
const T = 20_000; // the bound on any single wait (a bound for a failure only: a shared, busy CI machine is slow)
const AK = 'AKDASHIAM00000001';
const SK = 'sk-dash-iam-6c5d4e3f';
const mock = useMock(dashboardMock({ liveProgress: false }), { each: 'reset' }); // no auth, as `make demo`
const signed = useMock(dashboardMock({ liveProgress: false, ak: AK, sk: SK }), { each: 'reset' }); // checks AK/SK signatures; serves IAM under /evs
const browser = useChromium();

before(() => {
  mkdirSync(OUT, { recursive: true });
});

// ----------------------------------------------------------------- helpers

/** Opens the dashboard of `server` with live progress off and waits for its first answer. */
async function open(server = mock, { width = 1280, height = 900 } = {}) {
  const page = await browser.newPage({ timezoneId: 'Asia/Shanghai', viewport: { width, height } });
  page.setDefaultTimeout(T);
  await page.addInitScript(() => {
    localStorage.clear();
    localStorage.setItem('evs-dashboard:live', 'off');
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.effectiveDirective));
  });
  await page.goto(`${server.url}/`);
  await waitLoaded(page, 0);
  return page;
}

const isOpen = (page) => page.evaluate(() => document.querySelector('#requests').open);

const expand = openRequestsPanel;

/** The panel's rows as plain data, newest first. */
function panelRows(page) {
  return page.$$eval('[data-testid="request-row"]', (rows) =>
    rows.map((r) => {
      const t = (id) => r.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;
      return {
        operation: t('request-operation'),
        source: t('request-source'),
        url: t('request-url'),
        attempt: t('request-attempt'),
        status: t('request-status'),
        requestId: t('request-id'),
        ms: t('request-ms'),
        time: r.querySelector('[data-testid="request-time"]').getAttribute('datetime'),
        errorKind: t('request-error-kind'),
        errorMessage: t('request-error-message'),
        retry: t('request-retry'),
        clock: t('request-clock'),
      };
    }),
  );
}

/** Console errors other than the browser's own line for a non-2xx response. */
const realErrors = (page) => page.errors.filter((e) => !/Failed to load resource/.test(e));

async function closePage(page) {
  const errors = realErrors(page);
  const csp = await page.evaluate(() => window.__csp);
  await page.close();
  assert.deepEqual(errors, [], 'no console errors or page errors');
  assert.deepEqual(csp, [], 'no CSP violation');
}

// ------------------------------------------------------------------- tests

test('a retry in the panel: the 503 and the 200, attempt n/m, status, request ID as sent, ms, the error and the wait', async () => {
  const page = await open();
  assert.equal(await isOpen(page), false, 'closed at first');
  assert.equal(await page.textContent('[data-testid="requests-summary"]'), '1 attempt');
  await expand(page);
  const seen = [];
  page.on('response', (r) => {
    if (/\/evs\/v2\/[^/]+\/snapshots/.test(r.url())) seen.push({ status: r.status(), requestId: r.headers()['x-request-id'] });
  });
  mock.setFaults([{ match: { op: 'list' }, times: 1, status: 503, json: { error: { message: 'busy, try again', code: 'EVS.0503' } } }]);
  await act(page, () => page.click('[data-testid="refresh"]'));
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready', 'the retry hid the 503 from the table');
  assert.deepEqual(seen.map((s) => s.status), [503, 200]);

  const rows = await panelRows(page);
  assert.equal(rows.length, 3);
  const [ok, failed, first] = rows; // newest first
  const url = `${mock.url}/evs/v2/${PROJECT_ID}/snapshots?limit=10`;
  for (const r of rows) {
    assert.equal(r.operation, 'listSnapshots');
    assert.equal(r.source, 'table');
    assert.equal(r.url, `GET ${url}`);
    assert.match(r.ms, /^\d+$/);
  }
  assert.deepEqual(
    { attempt: failed.attempt, status: failed.status, requestId: failed.requestId, errorKind: failed.errorKind },
    { attempt: '1/3', status: '503', requestId: seen[0].requestId, errorKind: 'http' },
  );
  assert.match(failed.errorMessage, /^busy, try again/);
  assert.match(failed.retry, /^next attempt in \d+(\.\d)? (ms|s)$/);
  assert.deepEqual(
    { attempt: ok.attempt, status: ok.status, requestId: ok.requestId, errorKind: ok.errorKind, retry: ok.retry },
    { attempt: '2/3', status: '200', requestId: seen[1].requestId, errorKind: null, retry: null },
  );
  assert.match(ok.requestId, /^[0-9a-f]{32}$/);
  assert.equal(first.attempt, '1/3');
  assert.equal(first.status, '200');
  assert.ok(ok.time >= failed.time && failed.time >= first.time, 'newest first');
  assert.equal(await page.textContent('[data-testid="requests-summary"]'), '3 attempts · 1 failed');
  assert.equal(await page.getAttribute('[data-testid="request-row"] >> nth=1', 'class'), 'req-row req-failed');

  // The details and the overview are in it too, each named.
  await page.click('[data-testid="snapshot-row"] >> nth=0');
  await page.waitForFunction(() => document.querySelector('[data-testid="details-panel"]').dataset.state === 'ready');
  await page.keyboard.press('Escape');
  await page.click('[data-testid="overview-start"]');
  await page.waitForFunction(() => document.querySelector('#walk').dataset.state === 'done', null, { timeout: 30_000 });
  const sources = (await panelRows(page)).slice(0, 2).map((r) => `${r.operation} ${r.source}`);
  assert.deepEqual(sources, ['listSnapshots overview', 'getSnapshot details']);

  // A network failure: no status, the kind and its message.
  mock.setFaults([{ match: { op: 'list' }, times: 0, reset: true }]);
  await act(page, () => page.click('[data-testid="refresh"]'));
  const down = (await panelRows(page)).slice(0, 3);
  assert.deepEqual(down.map((r) => r.attempt), ['3/3', '2/3', '1/3']);
  assert.ok(down.every((r) => r.status === '—' && r.errorKind === 'network' && r.requestId === '—'), JSON.stringify(down));
  assert.equal(down[0].retry, null, 'no wait after the last attempt');
  assert.ok(down[1].retry && down[2].retry);
  await page.locator('#requests').screenshot({ path: join(OUT, 'dashboard-requests.png'), animations: 'disabled' });
  await closePage(page);
});

test('at most 50 rows, newest first, whether it was open or closed meanwhile; Clear empties it', async () => {
  const page = await open();
  // 30 loads with the panel closed: counted, not drawn.
  for (let i = 0; i < 30; i++) await act(page, () => page.click('[data-testid="refresh"]'));
  assert.equal(await page.locator('[data-testid="request-row"]').count(), 0, 'nothing drawn while closed');
  assert.equal(await page.textContent('[data-testid="requests-summary"]'), '31 attempts');
  await expand(page);
  assert.equal(await page.locator('[data-testid="request-row"]').count(), 31);
  // 25 more with it open: one row added each time, the oldest dropped past 50.
  for (let i = 0; i < 25; i++) await act(page, () => page.click('[data-testid="refresh"]'));
  const rows = await panelRows(page);
  assert.equal(rows.length, 50);
  assert.equal(await page.textContent('[data-testid="requests-summary"]'), '56 attempts · the last 50 shown');
  assert.ok(rows.every((r, i) => i === 0 || r.time <= rows[i - 1].time), 'newest first');
  const ids = new Set(rows.map((r) => r.requestId));
  assert.equal(ids.size, 50, 'fifty different attempts');
  // The newest is the last load's.
  const last = mock.requests().filter((r) => r.kind === 'api').at(-1);
  assert.equal(last.status, 200);
  // Closed and opened again: the same 50.
  await page.click('[data-testid="requests-toggle"]');
  await page.click('[data-testid="requests-toggle"]');
  assert.deepEqual((await panelRows(page)).map((r) => r.requestId), rows.map((r) => r.requestId));

  await page.click('[data-testid="requests-clear"]');
  assert.equal(await page.locator('[data-testid="request-row"]').count(), 0);
  assert.equal(await page.textContent('[data-testid="requests-empty"]'), 'No requests yet.');
  assert.equal(await page.textContent('[data-testid="requests-summary"]'), 'none yet');
  await act(page, () => page.click('[data-testid="refresh"]'));
  assert.equal(await page.locator('[data-testid="request-row"]').count(), 1);
  assert.equal(await page.locator('[data-testid="requests-empty"]').count(), 0);
  await closePage(page);
});

test('collapses and expands by mouse and keyboard; a table with headers; no sideways scrolling at 390 px', async () => {
  const page = await open();
  const table = page.locator('[data-testid="requests-table"]');
  assert.ok(await table.isHidden());
  // The summary is the disclosure's button: reached with Tab, toggled with Enter and Space.
  const role = await page.evaluate(() => {
    const s = document.querySelector('[data-testid="requests-toggle"]');
    return { tag: s.tagName, parent: s.parentElement.tagName, focusable: s.tabIndex >= 0 };
  });
  assert.deepEqual(role, { tag: 'SUMMARY', parent: 'DETAILS', focusable: true });
  await page.focus('[data-testid="requests-toggle"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#requests').open);
  assert.ok(await table.isVisible());
  // The rows are drawn on the <details> element's `toggle` event, a task
  // queued after `open` is set: wait for it rather than race it.
  await page.waitForSelector('[data-testid="request-row"]');
  assert.equal(await page.locator('[data-testid="request-row"]').count(), 1);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => !document.querySelector('#requests').open);
  assert.ok(await table.isHidden());
  await page.click('[data-testid="requests-toggle"]');
  assert.ok(await table.isVisible());
  await page.click('[data-testid="requests-toggle"]');
  assert.ok(await table.isHidden());

  const heads = await page.$$eval('[data-testid="requests-table"] thead th', (th) => th.map((x) => [x.getAttribute('scope'), x.textContent]));
  assert.deepEqual(heads, [
    ['col', 'Time'],
    ['col', 'Operation and URL'],
    ['col', 'Attempt'],
    ['col', 'Status'],
    ['col', 'Request ID'],
    ['col', 'ms'],
    ['col', 'Error, retry, clock'],
  ]);
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="requests-table"]').getAttribute('aria-labelledby')), 'requests-title');
  await closePage(page);

  const narrow = await open(mock, { width: 390, height: 844 });
  mock.setFaults([{ match: { op: 'list' }, times: 1, status: 503, json: { error: { message: 'a long message '.repeat(20), code: 'EVS.0503' } } }]);
  await act(narrow, () => narrow.click('[data-testid="refresh"]'));
  await expand(narrow);
  const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${overflow}px wider than the screen`);
  const box = await narrow.locator('[data-testid="request-row"]').first().boundingBox();
  assert.ok(box.width <= 390, `a row as a card: ${box.width}px`);
  await narrow.locator('#requests').screenshot({ path: join(OUT, 'dashboard-requests-390.png'), animations: 'disabled' });
  await closePage(narrow);
});

test('service text in the panel is text, shown escaped: a request ID and an error message with control and bidi characters', async () => {
  const message = 'disk \u202Efull\u2069 <b>now</b> \u001b[0m\r\nretry';
  mock.setFaults([
    {
      match: { op: 'list' },
      times: 1,
      status: 500,
      headers: { 'X-Request-Id': 'req\u0085id<i>' },
      json: { error: { message, code: 'EVS.\u202E9' } },
    },
  ]);
  const page = await open();
  await expand(page);
  const [ok, failed] = await panelRows(page);
  assert.equal(ok.status, '200');
  assert.equal(failed.requestId, 'req\\x85id<i>');
  assert.ok(failed.errorMessage.startsWith('disk \\u202efull\\u2069 <b>now</b> \\x1b[0m\\x0d\\x0aretry'), failed.errorMessage);
  const panel = await page.evaluate(() => ({
    text: document.querySelector('#requests-rows').textContent,
    markup: document.querySelectorAll('#requests b, #requests i').length,
    escapes: document.querySelectorAll('#requests .esc').length,
  }));
  assert.doesNotMatch(panel.text, /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
  assert.equal(panel.markup, 0);
  assert.ok(panel.escapes >= 6, `${panel.escapes} escapes`);
  await closePage(page);
});

test('a corrected clock: the 401 and the resend with the same attempt number, and how far the clock moved', async () => {
  signed.setClockOffset(20 * 60_000);
  const page = await open(signed);
  await expand(page);
  await page.click('[data-testid="open-settings"]');
  await page.check('[data-testid="settings-auth-aksk"]');
  await page.fill('[data-testid="settings-ak"]', AK);
  await page.fill('[data-testid="settings-sk"]', SK);
  await act(page, () => page.click('[data-testid="settings-save"]'));
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready');
  const [ok, refused] = await panelRows(page);
  assert.deepEqual([refused.attempt, refused.status, ok.attempt, ok.status], ['1/3', '401', '1/3', '200']);
  assert.match(refused.clock, /^clock corrected by \+(19\.\d|20(\.\d)?) min$/);
  assert.equal(ok.clock, null);
  assert.ok(!(await page.textContent('#requests')).includes(SK), 'no secret key in the panel');
  await closePage(page);
});

test('AK/SK, a region and no project ID: the dialog asks IAM at /evs, the rows load, the panel shows the lookup', async () => {
  const page = await open(signed);
  await page.click('[data-testid="open-settings"]');
  const iamHelp = page.locator('[data-testid="settings-iam-help"]');
  assert.ok(await iamHelp.isHidden(), 'the IAM endpoint only with AK/SK');
  assert.ok(await page.isHidden('[data-testid="settings-region"]'), 'no region with an endpoint and no AK/SK');
  await page.check('[data-testid="settings-auth-aksk"]');
  assert.match(await iamHelp.textContent(), /IAM sends no CORS headers, so a browser can only reach it through a same-origin proxy \(as \/evs is with the tests' mock/);
  assert.ok(await page.isVisible('[data-testid="settings-region"]'), 'the region, for IAM, with an endpoint');
  await page.fill('[data-testid="settings-ak"]', AK);
  await page.fill('[data-testid="settings-sk"]', SK);
  await page.fill('[data-testid="settings-project"]', '');

  // No region and no project ID: refused in the dialog, nothing sent.
  await page.fill('[data-testid="settings-region"]', '');
  signed.clearRequests();
  await page.click('[data-testid="settings-save"]');
  assert.ok(await page.evaluate(() => document.querySelector('#settings').open), 'the dialog stays open');
  assert.match(await page.evaluate(() => document.querySelector('#s-project').validationMessage), /region so that IAM can be asked/);
  assert.deepEqual(signed.requests(), []);

  // A region, and IAM at the mock's /evs.
  await page.fill('[data-testid="settings-region"]', REGION);
  await page.fill('[data-testid="settings-iam-endpoint"]', '/evs');
  await act(page, () => page.click('[data-testid="settings-save"]'));
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready');
  assert.equal(await page.locator('[data-testid="snapshot-row"]').count(), 10);
  const sent = signed.requests();
  assert.deepEqual(sent.map((r) => `${r.kind} ${r.path} ${r.status}`), [
    'iam /evs/v3/projects 200',
    `api /evs/v2/${PROJECT_ID}/snapshots 200`,
  ]);
  assert.equal(sent[0].query, `name=${REGION}`);
  assert.match(sent[0].headers.authorization, new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, `));
  assert.equal(sent[1].headers['x-project-id'], PROJECT_ID);
  assert.equal(await page.textContent('[data-testid="connection-project"]'), `${PROJECT_ID} (from IAM)`);

  await expand(page);
  const [list, lookup] = await panelRows(page);
  assert.deepEqual([lookup.operation, lookup.status, lookup.attempt], ['projectId', '200', '1/3']);
  assert.equal(lookup.url, `GET ${signed.url}/evs/v3/projects?name=${REGION}`);
  assert.deepEqual([list.operation, list.status], ['listSnapshots', '200']);
  assert.ok(!(await page.textContent('#requests')).includes(SK));

  // Remembered without the secret key, with the IAM endpoint and the empty project ID.
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('evs-dashboard:connection')));
  assert.deepEqual([stored.projectId, stored.iamEndpoint, stored.region, stored.secretKey], ['', '/evs', REGION, undefined]);
  // The dialog shows them again; with a project ID the header shows it.
  await page.click('[data-testid="open-settings"]');
  assert.equal(await page.inputValue('[data-testid="settings-project"]'), '');
  assert.equal(await page.inputValue('[data-testid="settings-iam-endpoint"]'), '/evs');
  await page.fill('[data-testid="settings-project"]', PROJECT_ID);
  signed.clearRequests();
  await act(page, () => page.click('[data-testid="settings-save"]'));
  assert.deepEqual(signed.requests().map((r) => r.kind), ['api'], 'IAM is not asked with a project ID');
  assert.equal(await page.textContent('[data-testid="connection-project"]'), PROJECT_ID);
  await closePage(page);
});
