// The dashboard's early loading (README "Loading early"): www/index.html's
// modulepreload and preload tags make the browser fetch the package's entry,
// its module's glue and the .wasm while the page parses, and each preload is
// used: one request per file, no "preloaded but not used" or credentials-mode
// warning in the console. Headless Chromium against the mock, as `make demo`.
//
//   node --test tests/browser/preload.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDashboard } from '../helpers/dashboard.mjs';

const EARLY = ['/pkg/index.js', '/pkg/lib/wasm.js', '/pkg/lib/evs_snapshots_bg.wasm'];

const { mock, browser } = useDashboard({ liveProgress: false });

test('the dashboard fetches the entry, the glue and the .wasm early, once each, and uses every preload', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    const requests = [];
    const messages = [];
    page.on('request', (r) => requests.push({ path: new URL(r.url()).pathname, type: r.resourceType() }));
    page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
    await page.addInitScript(() => localStorage.setItem('evs-dashboard:live', 'off'));
    await page.goto(`${mock.url}/`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 15000 });
    // Chromium warns of an unused preload about 3 s after the load event.
    await page.waitForTimeout(3500);
    for (const path of EARLY) {
      assert.equal(requests.filter((r) => r.path === path).length, 1, `${path}: ${JSON.stringify(requests.filter((r) => r.path === path))}`);
    }
    // Early: each is asked for before app.js's own imports reach the package.
    const at = (path) => requests.findIndex((r) => r.path === path);
    assert.ok(at('/pkg/lib/evs_snapshots_bg.wasm') < at('/pkg/index.js') + 3, JSON.stringify(requests.map((r) => r.path)));
    assert.ok(at('/pkg/lib/evs_snapshots_bg.wasm') < requests.findIndex((r) => r.path.startsWith('/evs/')), 'the .wasm came after the API call');
    assert.deepEqual(messages.filter((m) => /preload/i.test(m)), []);
    assert.deepEqual(page.errors, []);
  } finally {
    await page.close();
  }
});
