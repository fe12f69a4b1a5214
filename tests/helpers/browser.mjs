// Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven
// by playwright-core (which never downloads a browser of its own).
//
//   const browser = await launchChromium();
//   const page = await newPage(browser, { timezoneId: 'Asia/Shanghai' });
//   ... page.errors holds every console error and uncaught page error ...
//   await browser.close();
//
// or, for the tests of a file: `const browser = useChromium();` at its top.
import { chromium } from 'playwright-core';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shared } from './hooks.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Launches Debian's Chromium headless with a fresh profile directory; `args`: more command-line switches. */
export async function launchChromium({ args = [] } = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run 'make deps-browser' (apt-get install chromium)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'evs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...ARGS, ...args],
    timeout: 60_000,
  });
  // A persistent context is used only to pass --user-data-dir properly; tests
  // open their own contexts through the browser object below.
  const browser = context.browser() ?? null;
  return {
    context,
    browser,
    async newPage(options = {}) {
      return newPageIn(context, options);
    },
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Chromium for the tests of this file: launched in before(), closed in
 * after(). `options`: launchChromium's, or a function giving them (called
 * in before()). Returns a stand-in (hooks.mjs lateValue) of its handle.
 */
export function useChromium(options = {}) {
  return shared('Chromium', () => launchChromium(typeof options === 'function' ? options() : options), (b) => b.close()).handle;
}

/**
 * Opens a page and records console errors and page errors in `page.errors`.
 * Options: `timezoneId` (emulated through the DevTools protocol),
 * `viewport` ({width, height}), `locale` (a BCP 47 tag: Intl's default,
 * navigator.languages and Accept-Language, also through the protocol).
 */
export async function newPageIn(context, { timezoneId, viewport, locale } = {}) {
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`));
  if (viewport) await page.setViewportSize(viewport);
  if (timezoneId) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId });
  }
  if (locale) {
    // The browser's language as a user's Chromium set to it has it: Intl's
    // default locale, navigator.language(s) and Accept-Language.
    const cdp = await context.newCDPSession(page);
    const { userAgent } = await cdp.send('Browser.getVersion');
    await cdp.send('Emulation.setLocaleOverride', { locale });
    await cdp.send('Emulation.setUserAgentOverride', { userAgent, acceptLanguage: `${locale},${locale.split('-')[0]}` });
  }
  return page;
}

/**
 * Opens the dashboard's Requests panel (a <details>) and waits until it has
 * drawn what it holds. Its rows are drawn on the element's `toggle` event, a
 * task queued after `open` is set, so `open` alone does not mean the rows
 * are there; the panel's `data-count` (set as each attempt is recorded) says
 * how many it holds, and none is the one "No requests yet." row.
 */
export async function openRequestsPanel(page) {
  const open = await page.evaluate(() => document.querySelector('#requests').open);
  if (!open) await page.click('[data-testid="requests-toggle"]');
  await page.waitForFunction(() => {
    const panel = document.querySelector('#requests');
    const want = Number(panel.dataset.count);
    const rows = panel.querySelectorAll('[data-testid="request-row"]').length;
    const empty = panel.querySelectorAll('[data-testid="requests-empty"]').length;
    return panel.open && (want === 0 ? empty === 1 && rows === 0 : rows === want);
  });
}

// The dashboard's list loads: body[data-loads] counts the loads finished and
// body[data-state] is "loading" during one. Each wait is bounded by the
// page's default timeout (each test file sets it).

/** How many list loads the page has finished. */
export const loads = (page) => page.evaluate(() => Number(document.body.dataset.loads || 0));

/** Waits until the page has finished a list load after the `prev`-th; a failure says where the page was. */
export async function waitLoaded(page, prev) {
  try {
    await page.waitForFunction((p) => Number(document.body.dataset.loads || 0) > p && document.body.dataset.state !== 'loading', prev);
  } catch (e) {
    const at = await page
      .evaluate(() => ({ url: location.href, ...document.body.dataset, rows: document.querySelectorAll('tbody tr').length }))
      .catch((err) => err.message);
    e.message += `\nwaiting for load > ${prev}; page: ${JSON.stringify(at)}; errors: ${JSON.stringify(page.errors)}`;
    throw e;
  }
}

/** Runs `action` and waits for the list load it causes. */
export async function act(page, action) {
  const before = await loads(page);
  await action();
  await waitLoaded(page, before);
}
