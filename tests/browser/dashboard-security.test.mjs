// The dashboard under the mock's Content-Security-Policy, with hostile text
// from the service, in headless Chromium: no policy violation in any of its
// flows (the Requests panel open through all of them), control characters
// and bidirectional overrides shown escaped, and no long token echoed by the
// service on the page, in the banner or in the Requests panel.
//
//   node --test tests/browser/dashboard-security.test.mjs
import { test } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { DEFAULT_CSP } from '../mock-evs/server.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';
import { normalizeSnapshot, sortWire } from '../helpers/reference.mjs';
import { useDashboard } from '../helpers/dashboard.mjs';
import { openRequestsPanel, loads, waitLoaded, act } from '../helpers/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(root, 'test-output');
const ALL = sortWire(SNAPSHOTS).map(normalizeSnapshot);
const T = 15_000; // the bound on any single wait

const { mock, browser } = useDashboard({}, { each: 'reset' });

before(() => {
  mkdirSync(OUT, { recursive: true });
});

// ----------------------------------------------------------------- helpers

/** Opens the dashboard with live progress off, recording CSP violations in window.__csp. */
async function open(query = '') {
  const page = await browser.newPage({ timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(T);
  await page.addInitScript(() => {
    localStorage.setItem('evs-dashboard:live', 'off');
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile, line: e.lineNumber });
    });
  });
  await page.goto(`${mock.url}/${query}`);
  await waitLoaded(page, 0);
  return page;
}

const violations = (page) => page.evaluate(() => window.__csp);

/** Console errors other than the browser's own line for a non-2xx response. */
const realErrors = (page) => page.errors.filter((e) => !/Failed to load resource/.test(e));

async function walkDone(page) {
  await page.waitForFunction(() => document.querySelector('#walk').dataset.state !== 'running', null, { timeout: 60_000 });
  assert.equal(await page.evaluate(() => document.querySelector('#walk').dataset.state), 'done');
}

async function download(page, which) {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click(`[data-testid="export-${which}"]`)]);
  await file.saveAs(join(OUT, `csp-export.${which}`));
  await walkDone(page);
  return file.suggestedFilename();
}

/** The display rule of www/format.js, written out here: \xNN up to U+00FF, else \uNNNN. */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const escaped = (s) =>
  s.replace(HIDDEN, (c) => {
    const n = c.codePointAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });

// ------------------------------------------------------------------- tests

const openRequests = openRequestsPanel;

test('the dashboard runs under its Content-Security-Policy: no violation in load, list, details, overview, export, settings', async () => {
  const page = await open();
  // The Requests panel open through every flow: each attempt drawn as it comes.
  await openRequests(page);
  // The policy is sent, as the issue asks, and the page is not framed or given inline code.
  const head = await fetch(`${mock.url}/`);
  const csp = head.headers.get('content-security-policy');
  assert.ok(csp.startsWith(DEFAULT_CSP.split('; ')[0]));
  for (const d of ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval' 'sha256-", "style-src 'self';", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
    assert.ok(csp.includes(d), `${d} in ${csp}`);
  }
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
  assert.equal(head.headers.get('x-content-type-options'), 'nosniff');
  for (const path of ['/app.js', '/style.css', '/pkg/index.js', '/pkg/lib/evs_snapshots_bg.wasm', '/evs/v2/p/snapshots?limit=1']) {
    assert.equal((await fetch(`${mock.url}${path}`)).headers.get('x-content-type-options'), 'nosniff', path);
  }

  // Load and list: the first page, a filter, the next page and back.
  assert.equal(await page.locator('[data-testid="snapshot-row"]').count(), 10);
  await act(page, () => page.selectOption('[data-testid="filter-status"]', 'available'));
  await act(page, () => page.click('[data-testid="next-page"]'));
  await act(page, () => page.click('[data-testid="prev-page"]'));
  await act(page, () => page.click('[data-testid="clear-filters"]'));

  // Details: a row, then a creating snapshot with its progress bar (its width set through CSSOM).
  const first = page.locator('[data-testid="snapshot-row"]').first();
  await first.click();
  await page.waitForFunction(() => document.querySelector('[data-testid="details-panel"]').dataset.state === 'ready');
  await page.keyboard.press('Escape');
  const creating = ALL.find((s) => s.status === 'creating');
  await page.click(`[data-testid="snapshot-row"][data-id="${creating.id}"] [data-testid="cell-name"]`);
  await page.waitForFunction(() => document.querySelector('[data-testid="details-panel"]').dataset.state === 'ready');
  const bar = await page.evaluate(() => {
    const p = document.querySelector('[data-testid="details-progress"]');
    const fill = p.querySelector('.progress-fill');
    return { now: Number(p.getAttribute('aria-valuenow')), width: fill.style.width, px: fill.getBoundingClientRect().width, of: p.getBoundingClientRect().width };
  });
  assert.equal(bar.width, `${bar.now}%`);
  assert.ok(Math.abs(bar.px - (bar.of * bar.now) / 100) <= 2, `the bar is drawn at its width: ${JSON.stringify(bar)}`);
  await page.keyboard.press('Escape');

  // An error banner and Retry.
  mock.setFaults([{ match: { op: 'list' }, times: 0, status: 500, json: { error: { message: 'down', code: 'EVS.9999' } } }]);
  await act(page, () => page.click('[data-testid="refresh"]'));
  assert.ok(await page.isVisible('[data-testid="error-banner"]'));
  mock.clearFaults();
  await act(page, () => page.click('[data-testid="retry"]'));

  // Overview and both exports.
  await page.click('[data-testid="overview-start"]');
  await walkDone(page);
  assert.ok(await page.isVisible('[data-testid="overview"] svg'));
  assert.match(await download(page, 'csv'), /\.csv$/);
  assert.match(await download(page, 'json'), /\.json$/);

  // Settings: a token, saved and used; then back to the defaults.
  await page.click('[data-testid="open-settings"]');
  await page.check('[data-testid="settings-auth-token"]');
  await page.fill('[data-testid="settings-token"]', 'tok-csp-1');
  mock.clearRequests();
  await act(page, () => page.click('[data-testid="settings-save"]'));
  assert.equal(mock.requests().at(-1).headers['x-auth-token'], 'tok-csp-1');
  await page.click('[data-testid="open-settings"]');
  await page.click('[data-testid="settings-reset"]');
  await act(page, () => page.click('[data-testid="settings-save"]'));
  // The panel drew them all (a retried 500 among them), collapses and opens again.
  const panel = await page.evaluate(() => ({
    rows: document.querySelectorAll('[data-testid="request-row"]').length,
    failed: document.querySelectorAll('[data-testid="request-row"].req-failed').length,
    styled: document.querySelectorAll('#requests [style]').length,
    summary: document.querySelector('[data-testid="requests-summary"]').textContent,
  }));
  assert.ok(panel.rows >= 10, `a row per attempt: ${JSON.stringify(panel)}`);
  assert.match(panel.summary, new RegExp(`^${panel.rows} attempts · 3 failed$`));
  assert.equal(panel.failed, 3, 'the three attempts of the 500');
  assert.equal(panel.styled, 0, 'no style attribute in the panel');
  await page.click('[data-testid="requests-toggle"]');
  await page.click('[data-testid="requests-toggle"]');
  await page.click('[data-testid="requests-clear"]');
  await page.screenshot({ path: join(OUT, 'dashboard-csp.png'), animations: 'disabled' });

  assert.deepEqual(await violations(page), [], 'no CSP violation in any flow');
  assert.deepEqual(realErrors(page), [], 'no console errors');

  // The recorder and the policy work: an inline script and a style attribute are refused and seen.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.head.append(s);
    document.body.setAttribute('style', 'outline: 5px solid red');
  });
  await page.waitForFunction(() => window.__csp.length >= 2);
  const seen = await violations(page);
  assert.deepEqual(seen.map((v) => v.directive).sort(), ['script-src-elem', 'style-src-attr']);
  assert.equal(await page.evaluate(() => window.__inline ?? null), null, 'the inline script did not run');
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).outlineStyle), 'none', 'the inline style was not applied');
  await page.close();
});

test('control characters and bidirectional overrides from the service are shown escaped and reorder nothing', async () => {
  const wire = SNAPSHOTS.find((s) => Object.keys(s.metadata).length === 0 && s.status === 'available');
  const bidi = {
    ...wire,
    id: 'bidi-0001',
    name: 'abc\u202Edef',
    description: 'left \u2066right\u2069 \u202Bembed\u202C and \u200Fmark',
    volume_id: 'vol\u202E-1',
    metadata: { 'key\u202E': 'v\u202Dx', ctl: 'a\u001b[31mred\u0007', line: 'one\ntwo\u2028three' },
  };
  const ctl = { ...wire, id: 'ctl-0002', name: 'line\nbreak\ttab\u0085nel', description: null, metadata: {} };
  mock.setFaults([
    { match: { op: 'list' }, times: 1, status: 200, json: { snapshots: [bidi, ctl] } },
    { match: { op: 'show' }, times: 1, status: 200, json: { snapshot: bidi } },
  ]);
  const page = await open();

  // The table: the escaped form, and no hidden character left in the rows.
  const rows = page.locator('[data-testid="snapshot-row"]');
  assert.equal(await rows.count(), 2);
  const name = rows.nth(0).locator('[data-testid="cell-name"]');
  assert.equal(await name.textContent(), 'abc\\u202edef');
  assert.equal(await name.locator('.esc').count(), 1);
  assert.equal(await name.getAttribute('title'), 'abc\\u202edef');
  assert.equal(await rows.nth(1).locator('[data-testid="cell-name"]').textContent(), 'line\\x0abreak\\x09tab\\x85nel');
  assert.equal(await rows.nth(0).locator('[data-testid="cell-volume"]').getAttribute('title'), 'vol\\u202e-1');
  const rowText = await page.evaluate(() => document.querySelector('#rows').textContent);
  assert.doesNotMatch(rowText, HIDDEN);
  assert.doesNotMatch(await rows.nth(0).getAttribute('aria-label'), HIDDEN);

  // Laid out left to right, character after character: nothing reordered in
  // the cell, and the next cell's text is its own.
  const layout = await page.evaluate(() => {
    const row = document.querySelector('[data-testid="snapshot-row"]');
    const order = (el) => {
      const xs = [];
      const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      const r = document.createRange();
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        for (let i = 0; i < n.data.length; i++) {
          r.setStart(n, i);
          r.setEnd(n, i + 1);
          xs.push(r.getBoundingClientRect().left);
        }
      }
      return xs;
    };
    const name = row.querySelector('[data-testid="cell-name"]');
    const id = row.querySelector('[data-testid="cell-id"]');
    return { name: order(name), id: order(id), idText: id.textContent, cells: [...row.cells].map((c) => c.getBoundingClientRect().left) };
  });
  const increasing = (xs) => xs.every((x, i) => i === 0 || x > xs[i - 1]);
  assert.equal(layout.name.length, 'abc\\u202edef'.length);
  assert.ok(increasing(layout.name), `the name's characters left to right: ${layout.name}`);
  assert.equal(layout.idText, 'bidi-0001');
  assert.ok(increasing(layout.id), `the ID's characters left to right: ${layout.id}`);
  assert.ok(increasing(layout.cells), 'the cells in order');

  // The details panel: title, fields, metadata; the JSON view is still the same JSON.
  await name.click();
  await page.waitForFunction(() => document.querySelector('[data-testid="details-panel"]').dataset.state === 'ready');
  assert.equal(await page.textContent('[data-testid="details-title"]'), 'abc\\u202edef');
  assert.equal(await page.textContent('[data-testid="details-name"]'), 'abc\\u202edef');
  assert.equal(await page.textContent('[data-testid="details-description"]'), escaped(bidi.description));
  assert.equal(await page.textContent('[data-testid="details-volume"] code'), 'vol\\u202e-1');
  const keys = await page.$$eval('[data-testid="metadata-key"]', (e) => e.map((x) => x.textContent));
  const values = await page.$$eval('[data-testid="metadata-value"]', (e) => e.map((x) => x.textContent));
  assert.deepEqual(
    Object.fromEntries(keys.map((k, i) => [k, values[i]])),
    Object.fromEntries(Object.entries(bidi.metadata).map(([k, v]) => [escaped(k), escaped(v)])),
  );
  const jsonText = await page.textContent('[data-testid="details-json"]');
  assert.doesNotMatch(jsonText.replace(/\n/g, ''), HIDDEN);
  const json = JSON.parse(jsonText);
  assert.equal(json.name, bidi.name);
  assert.deepEqual(json.metadata, bidi.metadata);
  for (const sel of ['[data-testid="details-title"]', '[data-testid="details-fields"]', '[data-testid="details-metadata"]']) {
    assert.doesNotMatch(await page.textContent(sel), HIDDEN, sel);
  }
  await page.keyboard.press('Escape');

  // The error banner: the service's message and code.
  const message = 'disk \u202Efull\u2069 now \u001b[0m\r\nretry';
  mock.setFaults([{ match: { op: 'list' }, times: 0, status: 500, json: { error: { message, code: 'EVS.\u202E9' } } }]);
  await act(page, () => page.click('[data-testid="refresh"]'));
  const shown = await page.textContent('[data-testid="error-message"]');
  assert.ok(shown.startsWith(escaped(message)), shown);
  assert.equal(await page.textContent('[data-testid="error-code"]'), 'EVS.\\u202e9');
  assert.doesNotMatch(await page.evaluate(() => document.querySelector('#banner').textContent), HIDDEN);
  // The Requests panel: the same message and code, escaped, in the 500's rows.
  await openRequests(page);
  const failed = page.locator('[data-testid="request-row"].req-failed');
  assert.equal(await failed.count(), 3);
  assert.ok((await failed.first().locator('[data-testid="request-error-message"]').textContent()).startsWith(escaped(message)));
  assert.equal(await failed.first().locator('.req-code').textContent(), 'EVS.\\u202e9');
  assert.doesNotMatch(await page.evaluate(() => document.querySelector('#requests-rows').textContent), HIDDEN);
  await page.screenshot({ path: join(OUT, 'dashboard-escaped.png'), animations: 'disabled' });
  mock.clearFaults();
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(realErrors(page), []);
  await page.close();
});

// Waits on the library's redaction of long tokens (being fixed in parallel):
// until then the library cuts service text to 512 bytes before redacting,
// so the start of a 3,000-character token echoed by the service is shown.
test('a 3,000-character token echoed by the service (401, then 403) appears nowhere on the page, the Requests panel included', async () => {
  const TOKEN = randomBytes(2250).toString('base64url'); // 3,000 characters
  assert.equal(TOKEN.length, 3000);
  const page = await open();
  await openRequests(page);
  await page.click('[data-testid="open-settings"]');
  await page.check('[data-testid="settings-auth-token"]');
  await page.fill('[data-testid="settings-token"]', TOKEN);
  const leaks = []; // checked after both answers, so a failure says what each one showed
  for (const status of [401, 403]) {
    mock.setFaults([{ match: { op: 'list' }, times: 0, status, json: { error_code: 'APIGW.0301', error_msg: `token ${TOKEN} is invalid` } }]);
    mock.clearRequests();
    if (status === 401) await act(page, () => page.click('[data-testid="settings-save"]'));
    else await act(page, () => page.click('[data-testid="retry"]'));
    const sent = mock.requests().filter((r) => r.kind === 'api');
    assert.ok(sent.length >= 1 && sent.every((r) => r.headers['x-auth-token'] === TOKEN), 'the token was sent');
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'error');
    assert.equal(await page.textContent('[data-testid="error-status"]'), String(status));
    const { text, banner, panel, panelText } = await page.evaluate(() => ({
      text: document.body.innerText,
      banner: document.querySelector('#banner').innerHTML,
      panel: document.querySelector('#requests').outerHTML,
      panelText: document.querySelector('#requests').innerText,
    }));
    assert.match(text, /APIGW\.0301/, 'the banner is on the page');
    // The panel shows the refused attempt, its message redacted, and no credential in its URL.
    const row = page.locator('[data-testid="request-row"]').first();
    assert.equal(await row.locator('[data-testid="request-status"]').textContent(), String(status));
    assert.match(await row.locator('[data-testid="request-error-message"]').textContent(), /APIGW\.0301|is invalid/);
    assert.match(panelText, /APIGW\.0301|is invalid/, 'the panel is open and shows the message');
    assert.doesNotMatch(await row.locator('[data-testid="request-url"]').textContent(), /token|auth/i);
    for (const [where, s] of [['document.body.innerText', text], ['the banner HTML', banner], ['the Requests panel HTML', panel]]) {
      let runs = 0;
      for (let i = 0; i + 16 <= TOKEN.length; i++) if (s.includes(TOKEN.slice(i, i + 16))) runs++;
      if (runs) leaks.push(`${status}: ${runs} of the token's 16-character runs in ${where}`);
    }
  }
  assert.deepEqual(leaks, [], 'no 16-character run of the token anywhere on the page');
  mock.clearFaults();
  await page.close();
});
