// The dashboard in Chinese (issue 20 §4), in headless Chromium whose
// language is zh-CN (Intl's default locale, navigator.languages and
// Accept-Language, as a user's Chromium set to Chinese has them), against
// the mock EVS service.
//
// "No English left" is checked against the list of UI strings itself: every
// English message of www/messages/*.js (function messages called with sample
// parameters) is looked for in the page's text and in its aria-label, title,
// placeholder and alt attributes, with the settings dialog, the details
// panel, the overview and an error banner open. The same check on the
// English page must find them, or it would prove nothing.
//
//   node --test tests/browser/i18n.test.mjs
//   UPDATE_SCREENSHOTS=1 node --test tests/browser/i18n.test.mjs   # also rewrites docs/dashboard-zh-CN.png
import { test, beforeEach } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { mkdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { SNAPSHOTS } from '../mock-evs/data.mjs';

import { useDashboard, clearSettings } from '../helpers/dashboard.mjs';
import { MESSAGES, LOCALE_NAMES } from '../../www/i18n.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(root, 'test-output');
const DOCS_SHOT = join(root, 'docs', 'dashboard-zh-CN.png');
const T = 15_000;
const SERVICE_TEXT = [
  ...new Set(SNAPSHOTS.flatMap((s) => [s.name, s.description, ...Object.keys(s.metadata ?? {}), ...Object.values(s.metadata ?? {})]).filter((v) => typeof v === 'string' && /[A-Za-z]{3,}/.test(v))),
].sort((a, b) => b.length - a.length);

const { mock, browser } = useDashboard({ liveProgress: false }, { each: 'reset' });
beforeEach(() => clearSettings(browser, mock));

before(() => {
  mkdirSync(OUT, { recursive: true });
});

// ----------------------------------------------------------------- helpers

async function open(query = '', { locale = 'zh-CN', width = 1280, height = 900 } = {}) {
  const page = await browser.newPage({ timezoneId: 'Asia/Shanghai', viewport: { width, height }, locale });
  page.setDefaultTimeout(T);
  await page.addInitScript(() => localStorage.setItem('evs-dashboard:live', 'off'));
  await page.goto(`${mock.url}/${query}`);
  await page.waitForFunction(() => Number(document.body.dataset.loads || 0) > 0 && document.body.dataset.state !== 'loading');
  return page;
}

/** Sample parameters for function messages and placeholders: numbers, and words no message has. */
const SAMPLE = new Proxy({}, { get: (_, k) => (typeof k === 'string' ? 7 : undefined), has: () => true });

/**
 * The English UI strings to look for: each message's text (a function called
 * with SAMPLE, placeholders cut out), split at placeholders and numbers; the
 * pieces with a word of 3 or more Latin letters that are not the same text in
 * Chinese (technical terms such as `JSON`, `AK/SK` or `ID` are the same in
 * both and may stay).
 */
function englishStrings() {
  const zhTexts = new Set();
  const text = (v) => (typeof v === 'function' ? String(v(SAMPLE)) : v.replace(/\{\w+\}/g, '\u0000'));
  for (const v of Object.values(MESSAGES['zh-CN'])) zhTexts.add(text(v).replace(/`/g, ''));
  const out = new Set();
  for (const [key, v] of Object.entries(MESSAGES.en)) {
    const zh = MESSAGES['zh-CN'][key];
    if (zh !== undefined && text(zh) === text(v)) continue;
    for (const piece of text(v).replace(/`[^`]*`/g, '\u0000').split(/\u0000|\d+(?:[.,]\d+)*/)) {
      const p = piece.trim().replace(/^[\s·:,.;()–—-]+|[\s·:,.;()–—-]+$/g, '');
      if (/[A-Za-z]{3,}/.test(p) && !zhTexts.has(p)) out.add(p);
    }
  }
  return [...out];
}

/**
 * The page's text and its aria-label, title, placeholder, alt and data-label
 * attributes (a table cell's label on a narrow screen, shown by CSS
 * `content: attr(data-label)`), the switch's language names, code and data aside.
 */
function pageTexts(page) {
  return page.evaluate((names) => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      // <code> and <pre> hold code and data (the package's name, IDs, URLs,
      // the snapshot's JSON as it came), the same in either language.
      if (n.parentElement.closest('script, style, code, pre, [data-testid="lang-switch"]')) continue;
      if (n.nodeValue.trim()) out.push(n.nodeValue);
    }
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt], [data-label]')) {
      for (const a of ['aria-label', 'title', 'placeholder', 'alt', 'data-label']) {
        const v = el.getAttribute(a);
        if (v) out.push(v);
      }
    }
    out.push(document.title);
    return out.filter((v) => !Object.values(names).includes(v.trim()));
  }, LOCALE_NAMES);
}

/**
 * Which of `strings` occur in `texts`, as whole words (so "Size" is not
 * found in "Sizes", nor "backup" in the snapshot name "daily-backup").
 */
function found(strings, texts) {
  let all = texts.join('\n');
  // The service's own text (names, descriptions, metadata of the seed) is shown as it came, in whatever language it is.
  for (const v of SERVICE_TEXT) all = all.split(v).join('\u0000');
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const hits = strings.filter((s) => new RegExp(`(?<![A-Za-z_-])${esc(s)}(?![A-Za-z_-])`).test(all));
  if (process.env.DEBUG_I18N) for (const s of hits) console.log('#', s, '→', texts.filter((x) => x.includes(s)).slice(0, 3));
  return hits;
}

/** Everything the page can show at once: details panel, overview, settings dialog (opened and closed), then the texts. */
async function everything(page) {
  const texts = [];
  texts.push(...(await pageTexts(page)));
  await page.click('[data-testid="overview-start"]');
  await page.waitForFunction(() => document.querySelector('#walk').dataset.state === 'done', null, { timeout: 60_000 });
  await page.click(`[data-testid="snapshot-rows"] tr >> nth=0`);
  await page.waitForSelector('[data-testid="details-panel"]:not([hidden])');
  await page.waitForFunction(() => document.querySelector('[data-testid="details-panel"]').dataset.state === 'ready');
  texts.push(...(await pageTexts(page)));
  await page.click('[data-testid="details-close"]');
  await page.waitForSelector('[data-testid="details-panel"]', { state: 'hidden' });
  await page.click('[data-testid="open-settings"]');
  await page.waitForSelector('[data-testid="settings-dialog"][open]');
  for (const auth of ['none', 'token', 'aksk']) {
    await page.click(`[data-testid="settings-auth-${auth}"]`);
    texts.push(...(await pageTexts(page)));
  }
  await page.click('[data-testid="settings-target-region"]');
  texts.push(...(await pageTexts(page)));
  await page.click('[data-testid="settings-cancel"]');
  return texts;
}

const noSidewaysScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

// ------------------------------------------------------------------- tests

test('navigator.languages zh-CN: <html lang="zh-CN">, the title, the status filter and the table headers in Chinese', async () => {
  const page = await open();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.equal(await page.locator('[data-testid="lang-switch"]').inputValue(), 'zh-CN');
  const options = await page.$$eval('[data-testid="filter-status"] option', (os) => os.map((o) => o.textContent));
  for (const term of ['可用', '创建中', '错误', '删除中', '删除失败', '回滚中', '备份中']) assert.ok(options.includes(term), `no ${term} in ${options}`);
  const rowStatuses = await page.$$eval('[data-testid="snapshot-rows"] tr', (trs) => trs.length);
  assert.ok(rowStatuses > 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('zh-CN: no English UI string left (page, details, overview, settings dialog), while the same check finds them on the English page', async () => {
  const strings = englishStrings();
  assert.ok(strings.length > 50, `only ${strings.length} English strings to look for`);

  const en = await open('', { locale: 'en-US' });
  const onEnglish = found(strings, await everything(en));
  await en.close();
  assert.ok(onEnglish.length > 50, `the check found only ${onEnglish.length} English strings on the English page`);

  const zh = await open();
  const left = found(strings, await everything(zh));
  assert.deepEqual(left, [], 'English UI strings on the Chinese page');
  assert.deepEqual(zh.errors, []);
  await zh.close();
});

test('zh-CN at 390 px and 1280 px: no sideways scroll, with the overview built and the details open', async () => {
  for (const width of [390, 1280]) {
    const page = await open('', { width, height: 900 });
    assert.ok(await noSidewaysScroll(page), `${width} px scrolls sideways`);
    await page.click('[data-testid="overview-start"]');
    await page.waitForFunction(() => document.querySelector('#walk').dataset.state === 'done', null, { timeout: 60_000 });
    assert.ok(await noSidewaysScroll(page), `${width} px with the overview scrolls sideways`);
    await page.click(`[data-testid="snapshot-rows"] tr >> nth=0`);
    await page.waitForSelector('[data-testid="details-panel"]:not([hidden])');
    assert.ok(await noSidewaysScroll(page), `${width} px with the details scrolls sideways`);
    if (width === 1280) {
      const shot = await page.screenshot();
      writeFileSync(join(OUT, 'dashboard-zh-CN.png'), shot);
    }
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});

/**
 * What the 390 px tables show beside their cells: for each cell of the
 * snapshot rows and of the Requests panel's rows, the text its ::before box
 * draws (the column's label: the table headers are hidden at this width), as
 * the browser computed it.
 */
function narrowTableTexts(page) {
  return page.evaluate(() => {
    const labels = [];
    for (const td of document.querySelectorAll('[data-testid="snapshot-rows"] tr[data-id] td, [data-testid="request-row"] td')) {
      const c = getComputedStyle(td, '::before').content;
      if (c && c !== 'none' && c !== 'normal') labels.push(JSON.parse(c));
    }
    return labels;
  });
}

test('zh-CN at 390 px: the labels of the table\'s and the Requests panel\'s cells (data-label, drawn by ::before) and an unnamed snapshot in Chinese; the same check finds them in English', async () => {
  // The first page: an unnamed snapshot first, then five of the seed's. (Not
  // one in "error": a badge's title shows the status as the service spelled
  // it, which is data, and the same as the English message "error".)
  const first = SNAPSHOTS.filter((s) => s.status === 'available' || s.status === 'creating').slice(0, 6);
  first[0] = { ...first[0], name: '' };
  const strings = englishStrings();
  const seen = {};
  for (const locale of ['en-US', 'zh-CN']) {
    mock.setFaults([{ match: { op: 'list' }, times: 1, status: 200, json: { snapshots: first } }]);
    const page = await open('', { locale, width: 390, height: 900 });
    await page.waitForSelector('[data-testid="snapshot-rows"] tr[data-id]');
    // The Requests panel's rows are drawn on its <details> element's toggle event: wait for them.
    await page.click('[data-testid="requests-toggle"]');
    await page.waitForSelector('[data-testid="request-row"]');
    const labels = await narrowTableTexts(page);
    // Each row shows the labels of ID, size, volume, created and updated (the table's header is hidden here).
    assert.ok(labels.length >= first.length * 4, `${locale}: only ${labels.length} ::before labels: ${labels.join(', ')}`);
    // A request row's URL (its title, "GET http://…/snapshots?limit=10") is data, the same in either language.
    const texts = (await pageTexts(page)).filter((x) => !/^(?:[A-Z]+ )?https?:\/\/\S+$/.test(x));
    seen[locale] = { labels, found: found(strings, [...labels, ...texts]) };
    assert.deepEqual(page.errors, []);
    await page.close();
  }
  // English: the labels are the column headers, and the unnamed snapshot says so (the check can fail).
  const en = MESSAGES.en;
  for (const k of ['page.col.size', 'page.col.volume', 'page.col.created', 'page.col.updated', 'page.r.time', 'page.r.attempt']) assert.ok(seen['en-US'].labels.includes(en[k]), `${k} among ${seen['en-US'].labels}`);
  for (const w of ['Size', 'Volume', 'Created', 'Updated', 'Time', 'no name']) assert.ok(seen['en-US'].found.includes(w), `the check did not find ${w} on the English page`);
  // Chinese: the same labels, in Chinese, and no English left.
  const zh = MESSAGES['zh-CN'];
  for (const k of ['page.col.size', 'page.col.volume', 'page.col.created', 'page.col.updated', 'page.r.time', 'page.r.attempt']) assert.ok(seen['zh-CN'].labels.includes(zh[k]), `${zh[k]} (${k}) among ${seen['zh-CN'].labels}`);
  assert.deepEqual(seen['zh-CN'].found, [], 'English on the Chinese page at 390 px');
});

test('zh-CN: both exports hold the same data as in English (file contents are language-independent)', async () => {
  const files = {};
  for (const locale of ['zh-CN', 'en-US']) {
    const page = await open('', { locale });
    for (const which of ['csv', 'json']) {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click(`[data-testid="export-${which}"]`)]);
      const path = join(OUT, `i18n-${locale}.${which}`);
      await download.saveAs(path);
      await page.waitForFunction(() => document.querySelector('#walk').dataset.state === 'done', null, { timeout: 60_000 });
      files[`${locale}.${which}`] = readFileSync(path, 'utf8');
    }
    assert.deepEqual(page.errors, []);
    await page.close();
  }
  const rows = JSON.parse(files['zh-CN.json']);
  assert.equal(rows.length, SNAPSHOTS.length);
  assert.deepEqual(rows, JSON.parse(files['en-US.json']));
  assert.equal(files['zh-CN.csv'], files['en-US.csv']);
  assert.equal(files['zh-CN.csv'].trimEnd().split(/\r\n(?=(?:[^"]*"[^"]*")*[^"]*$)/).length, SNAPSHOTS.length + 1);
});

test("the switch: English from the top bar, redrawn in place (no reload, no new list request), kept in the URL and localStorage over the browser's Chinese", async () => {
  const page = await open();
  const listsBefore = mock.requests().filter((r) => r.kind === 'api' && r.path.endsWith('/snapshots')).length;
  await page.evaluate(() => {
    window.__sameDocument = true;
  });
  await page.selectOption('[data-testid="lang-switch"]', 'en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was reloaded');
  assert.equal(await page.evaluate(() => new URL(location.href).searchParams.get('lang')), 'en');
  assert.equal(await page.evaluate(() => localStorage.getItem('evs-dashboard:lang')), 'en');
  assert.equal((await page.locator('[data-testid="refresh"]').innerText()).trim(), 'Refresh');
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="filters"]').getAttribute('aria-label')), 'Filter snapshots');
  const options = await page.$$eval('[data-testid="filter-status"] option', (os) => os.map((o) => o.textContent));
  assert.ok(options.includes('Available') && !options.includes('可用'), options.join(','));
  const listsAfter = mock.requests().filter((r) => r.kind === 'api' && r.path.endsWith('/snapshots')).length;
  assert.equal(listsAfter, listsBefore, 'switching sent a list request');
  // Paging keeps lang= in the URL.
  await page.click('[data-testid="next-page"]');
  await page.waitForFunction(() => new URL(location.href).searchParams.has('marker'));
  assert.equal(await page.evaluate(() => new URL(location.href).searchParams.get('lang')), 'en');
  await page.close();

  // A new visit without ?lang=: the stored choice wins over navigator.languages.
  const again = await browser.newPage({ timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  await again.goto(`${mock.url}/pkg/package.json`);
  await again.evaluate(() => localStorage.setItem('evs-dashboard:lang', 'en'));
  await again.goto(`${mock.url}/`);
  await again.waitForFunction(() => Number(document.body.dataset.loads || 0) > 0);
  assert.equal(await again.evaluate(() => document.documentElement.lang), 'en');
  await again.close();
});

test("zh-CN: an EvsError's kind and what to do in Chinese; the service's message and request ID as they came", async () => {
  mock.setFaults([{ match: { op: 'list' }, times: 3, status: 401, json: { error: { message: 'The signature does not match', code: 'APIGW.0301' } } }]);
  const page = await open();
  await page.waitForSelector('[data-testid="error-banner"]:not([hidden])');
  const banner = await page.locator('[data-testid="error-banner"]').innerText();
  assert.equal(await page.locator('[data-testid="error-message"]').innerText(), 'The signature does not match');
  assert.match(banner, /APIGW\.0301/);
  assert.match(banner, /[\u4e00-\u9fff]/, 'no Chinese in the banner');
  assert.match(banner, /时钟|时间/, 'the hint does not point at the clock');
  assert.match(banner, /AK\/SK|密钥|令牌|凭证/, 'the hint does not point at the keys');
  const requestId = await page.locator('[data-testid="error-request-id"]').innerText();
  // The mock answers each request with a fresh X-Request-Id of 32 hex digits: shown as it came.
  assert.match(requestId, /^[0-9a-f]{32}$/);
  // Left aside: what the service sent, shown as it came: its message ("The
  // signature does not match") and its error type (the JSON key "error").
  const serviceText = await page.evaluate(() => ['error-message', 'error-error-type', 'error-code'].map((id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''));
  assert.equal(serviceText[1], 'error');
  const left = found(
    englishStrings(),
    (await pageTexts(page)).filter((x) => !serviceText.includes(x)),
  );
  assert.deepEqual(left, []);
  await page.close();

  mock.clearFaults();
  mock.setFaults([{ match: { op: 'list' }, times: 50, reset: true }]);
  const net = await open();
  await net.waitForSelector('[data-testid="error-banner"]:not([hidden])');
  const text = await net.locator('[data-testid="error-banner"]').innerText();
  assert.match(text, /CORS/);
  assert.match(text, /代理/, 'the network hint does not name a same-origin proxy');
  await net.close();
});

test('the committed zh-CN screenshot exists (written once, or again with UPDATE_SCREENSHOTS=1)', async () => {
  const page = await open();
  const shot = await page.screenshot();
  if (!existsSync(DOCS_SHOT) || process.env.UPDATE_SCREENSHOTS) writeFileSync(DOCS_SHOT, shot);
  assert.ok(readFileSync(DOCS_SHOT).subarray(1, 4).toString() === 'PNG');
  await page.close();
});
