// Issue 20: the packed tarball in a React + Vite and a Vue + Vite app
// (tests/consumers/vite-frameworks-app/, one lock file for both), each
// with its framework's official plugin and no configuration for the
// package. `vite build`, the output served by the mock's statics (with the
// dashboard's Content-Security-Policy), opened in Chromium: three snapshot
// IDs rendered by a component, no console error, the .wasm Vite emitted
// fetched and not the inline copy. The plugins transform components; the
// .wasm is emitted by Vite itself, as in the matrix's plain Vite row.
import { test, after } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SNAPSHOTS } from '../mock-evs/data.mjs';
import { sortWire } from '../helpers/reference.mjs';
import { useChromium } from '../helpers/browser.mjs';
import { useMock } from '../helpers/mock.mjs';
import { exec, since, packTarball, installApp, diskUsage, filesUnder, visit, moduleSource } from './apps.mjs';

const EXPECTED = sortWire(SNAPSHOTS)
  .slice(0, 3)
  .map((s) => s.id);

let work;
let app;
const costs = { disk: {} };

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'evs-vite-frameworks-'));
  app = join(work, 'vite-frameworks-app');
  const tarball = await packTarball(work);
  costs.install = await installApp('vite-frameworks-app', app, tarball);
  costs.disk.node_modules = diskUsage(join(app, 'node_modules')).bytes;
});
const mock = useMock(() => ({ apiPrefix: '/evs', statics: [{ urlPrefix: '/app/', dir: app }] }));
const browser = useChromium();

after(async () => {
  if (work) rmSync(work, { recursive: true, force: true });
  console.log(`# vite-frameworks-app costs: ${JSON.stringify(costs)}`);
});

for (const framework of ['react', 'vue']) {
  test(`${framework} + Vite (its official plugin): vite build; rows in Chromium; the emitted .wasm fetched, not the inline copy; no console error`, { timeout: 180_000 }, async () => {
    const t0 = performance.now();
    const out = `dist-${framework}`;
    // Warnings (stderr at --logLevel warn) fail the row.
    const { stderr } = await exec(join(app, 'node_modules', '.bin', 'vite'), ['build', '--config', `vite.${framework}.config.mjs`, '--outDir', `../${out}`, '--emptyOutDir', '--base', `/app/${out}/`, '--logLevel', 'warn'], { cwd: app, timeout: 120_000 });
    assert.equal(stderr.trim(), '', 'vite build printed warnings');
    costs[`build ${framework}`] = since(t0);
    const wasm = filesUnder(join(app, out)).filter((f) => f.endsWith('.wasm'));
    assert.equal(wasm.length, 1, 'Vite did not emit the .wasm');
    const r = await visit(browser, `${mock.url}/app/${out}/`, () => document.querySelector('#rows li') || document.querySelector('#error'), {
      evaluate: () => ({
        rows: [...document.querySelectorAll('#rows li')].map((li) => li.textContent),
        error: document.querySelector('#error')?.textContent ?? null,
      }),
    });
    assert.equal(r.result.error, null);
    assert.deepEqual(r.result.rows, EXPECTED);
    assert.deepEqual(r.errors, []);
    const from = moduleSource(r.fetched);
    assert.equal(from.wasm.length, 1);
    assert.match(from.wasm[0], new RegExp(`^/app/${out}/assets/evs_snapshots_bg-[^/]+\\.wasm$`));
    assert.deepEqual(from.inline, []);
    costs[`fetched js ${framework}`] = r.fetched.filter((f) => f.status === 200 && f.path.endsWith('.js')).reduce((n, f) => n + f.body.length, 0);
    costs.disk[out] = diskUsage(join(app, out)).bytes;
  });
}
