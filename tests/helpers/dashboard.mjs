// The dashboard as `make demo` serves it, for the browser tests: the mock
// EVS service with the API under /evs, the package under /pkg/ and www/ at
// the root (one origin), and Chromium.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useMock } from './mock.mjs';
import { useChromium } from './browser.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The mock's `statics` for the dashboard: pkg/ under /pkg/, www/ at the root. */
export const DASHBOARD_STATICS = [
  { urlPrefix: '/pkg/', dir: join(ROOT, 'pkg') },
  { urlPrefix: '/', dir: join(ROOT, 'www') },
];

/** The options of a mock that serves the dashboard, over `options`'s. */
export const dashboardMock = (options = {}) => ({ apiPrefix: '/evs', statics: DASHBOARD_STATICS, ...options });

/**
 * A mock serving the dashboard (`options` over dashboardMock's; `each` as
 * useMock's) and Chromium, for the tests of this file: `{ mock, browser }`,
 * each a stand-in made in before() and ended in after().
 */
export function useDashboard(options = {}, { each } = {}) {
  const mock = useMock(dashboardMock(options), { each });
  const browser = useChromium();
  return { mock, browser };
}

/**
 * Clears the dashboard's saved settings (localStorage of `mock`'s origin)
 * through a blank page of that origin, so a failed test leaves none behind.
 */
export async function clearSettings(browser, mock) {
  const blank = await browser.context.newPage();
  await blank.goto(`${mock.url}/pkg/package.json`);
  await blank.evaluate(() => localStorage.clear());
  await blank.close();
}
