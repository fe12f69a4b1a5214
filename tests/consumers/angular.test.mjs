// Issue 20: the packed tarball in an Angular 21 app
// (tests/consumers/angular-app/, its dependencies from its own lock file),
// with the two angular.json entries the README's "Angular" section asks
// for: an `assets` entry that copies lib/evs_snapshots_bg.wasm to the
// output's root, where the built code asks for it, and
// `serve.options.prebundle.exclude: ["evs-snapshots"]` for `ng serve`.
//
// `ng build`, its output served by the mock's statics (with the
// dashboard's Content-Security-Policy, base-uri 'self'), opened in Chromium: three snapshot
// IDs rendered, no console error, the .wasm fetched and not the inline
// copy. Then `ng serve` (its proxy forwarding /evs to the mock), the same
// checks. And what goes wrong without each entry: the build or the dev
// server asks for a .wasm that is not there (a 404 in the console) and the
// page runs on the inline copy. `evs-snapshots/slim` in the same app: no
// inline copy in the output at all.
import { test, after } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CSP } from '../mock-evs/server.mjs';
import { SNAPSHOTS } from '../mock-evs/data.mjs';
import { sortWire } from '../helpers/reference.mjs';
import { useChromium } from '../helpers/browser.mjs';
import { useMock } from '../helpers/mock.mjs';
import { exec, since, packTarball, installApp, diskUsage, filesUnder, filesHolding, INLINE_MARK, freePort, startServer, visit, moduleSource } from './apps.mjs';

const EXPECTED = sortWire(SNAPSHOTS)
  .slice(0, 3)
  .map((s) => s.id);
const PROJECT = 'evs-console';

let work;
let app;
const servers = new Set();
const costs = { disk: {}, bundle: {} };

// CI: 'false' because Angular turns its disk cache off when CI is 'true' or
// '1' (@angular/build, normalize-cache.js: cli.cache.environment defaults to
// "local"), and `ng serve` pre-bundles dependencies only with the cache on
// (dev-server options.js: `prebundle: cacheOptions.enabled && …`). The serve
// rows are about a developer's machine, where it is on; under .ci/run's
// CI=true the row without prebundle.exclude would see no pre-bundling at all.
const env = { NG_CLI_ANALYTICS: 'false', NG_FORCE_TTY: 'false', NO_COLOR: '1', CI: 'false' };
const ng = () => join(app, 'node_modules', '.bin', 'ng');

/** `ng build` into outDir (under the app), its <base href> where the mock serves it; warnings fail the row. */
async function ngBuild(outDir) {
  const t0 = performance.now();
  const { stdout, stderr } = await exec(ng(), ['build', '--output-path', outDir, '--base-href', `/angular-app/${outDir}/browser/`], { cwd: app, env, timeout: 300_000 });
  const warnings = `${stdout}\n${stderr}`.split('\n').filter((l) => /WARNING/.test(l));
  assert.deepEqual(warnings, [], 'ng build printed warnings');
  return since(t0);
}

/** Runs fn with angular.json changed by `edit`, and puts it back. */
async function withAngularJson(edit, fn) {
  const path = join(app, 'angular.json');
  const original = readFileSync(path, 'utf8');
  const config = JSON.parse(original);
  edit(config.projects[PROJECT].architect);
  writeFileSync(path, JSON.stringify(config, null, 2));
  try {
    return await fn();
  } finally {
    writeFileSync(path, original);
  }
}

const withoutWasmAsset = (architect) => {
  const assets = architect.build.options.assets;
  const i = assets.findIndex((a) => a.glob === 'evs_snapshots_bg.wasm');
  assert.ok(i >= 0, 'angular.json has no assets entry for the .wasm');
  assets.splice(i, 1);
};

/** Opens the app at url; its rows, console errors and where the module came from. */
async function open(url) {
  const r = await visit(browser, url, () => document.querySelector('#rows li') || document.querySelector('#error'), {
    evaluate: () => ({
      rows: [...document.querySelectorAll('#rows li')].map((li) => li.textContent),
      error: document.querySelector('#error')?.textContent ?? null,
    }),
  });
  assert.equal(r.result.error, null);
  assert.deepEqual(r.result.rows, EXPECTED);
  return { ...r, from: moduleSource(r.fetched) };
}

/** The app under `ng serve` on a free port, /evs proxied to the mock; stopped when fn ends. */
async function withNgServe(fn) {
  const port = await freePort();
  writeFileSync(join(app, 'proxy.conf.json'), JSON.stringify({ '/evs': { target: mock.url, changeOrigin: true } }));
  const url = `http://127.0.0.1:${port}/`;
  const t0 = performance.now();
  const server = await startServer(ng(), ['serve', '--host', '127.0.0.1', '--port', String(port), '--proxy-config', 'proxy.conf.json', '--no-live-reload', '--no-hmr'], {
    cwd: app,
    env,
    url,
    readyMs: 90_000,
    lifetimeMs: 150_000,
  });
  servers.add(server);
  try {
    const ready = since(t0);
    return { ready, ...(await fn(url)) };
  } finally {
    await server.stop();
    servers.delete(server);
  }
}

const notFound = (errors) => errors.filter((e) => /status of 404/.test(e));

// The dashboard's Content-Security-Policy (scripts from the origin only,
// WebAssembly compiled), but with base-uri 'self': Angular's <base href>.
const CSP = DEFAULT_CSP.replace("base-uri 'none'", "base-uri 'self'");

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'evs-angular-'));
  app = join(work, 'angular-app');
  const tarball = await packTarball(work);
  costs.install = await installApp('angular-app', app, tarball);
  costs.disk.node_modules = diskUsage(join(app, 'node_modules')).bytes;
  assert.notEqual(CSP, DEFAULT_CSP);
});
const mock = useMock(() => ({ apiPrefix: '/evs', statics: [{ urlPrefix: '/angular-app/', dir: app }], csp: CSP }));
const browser = useChromium();

after(async () => {
  for (const s of servers) await s.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  console.log(`# angular-app costs: ${JSON.stringify(costs)}`);
});

test('ng build with the assets entry: the .wasm at the output root, served; rows in Chromium; the .wasm fetched, not the inline copy; no console error', { timeout: 360_000 }, async () => {
  costs.build = await ngBuild('dist');
  const out = join(app, 'dist', 'browser');
  assert.ok(existsSync(join(out, 'evs_snapshots_bg.wasm')), 'the .wasm is not in the output');
  // The built code asks for it beside the chunk that holds the glue.
  const glue = filesUnder(out).filter((f) => f.endsWith('.js') && readFileSync(f, 'utf8').includes('new URL("./evs_snapshots_bg.wasm",import.meta.url)'));
  assert.equal(glue.length, 1, 'no chunk asks for ./evs_snapshots_bg.wasm');
  const t0 = performance.now();
  const r = await open(`${mock.url}/angular-app/dist/browser/`);
  costs.page = since(t0);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.from, { wasm: ['/angular-app/dist/browser/evs_snapshots_bg.wasm'], inline: [] });
  costs.disk.dist = diskUsage(join(app, 'dist')).bytes;
  const js = r.fetched.filter((f) => f.status === 200 && f.path.endsWith('.js'));
  costs.bundle.fetchedJs = js.reduce((n, f) => n + f.body.length, 0);
  costs.bundle.fetchedWasm = r.fetched.filter((f) => f.path.endsWith('.wasm')).reduce((n, f) => n + f.body.length, 0);
  costs.bundle.inlineChunk = filesHolding(out, INLINE_MARK).reduce((n, f) => n + readFileSync(f).length, 0);
});

test('ng build without the assets entry: the page asks for a .wasm that is not there, a 404 in the console, and runs on the inline copy', { timeout: 360_000 }, async () => {
  costs.buildWithoutAsset = await withAngularJson(withoutWasmAsset, () => ngBuild('dist-no-asset'));
  const out = join(app, 'dist-no-asset', 'browser');
  assert.ok(!existsSync(join(out, 'evs_snapshots_bg.wasm')), 'ng build emitted the .wasm by itself');
  const r = await open(`${mock.url}/angular-app/dist-no-asset/browser/`);
  assert.equal(r.from.wasm.length, 0);
  assert.equal(r.from.inline.length, 1, 'the inline copy was not loaded');
  assert.equal(notFound(r.errors).length, 1, r.errors.join('\n'));
  assert.match(notFound(r.errors)[0], /\/angular-app\/dist-no-asset\/browser\/evs_snapshots_bg\.wasm\)$/);
});

test('evs-snapshots/slim with the assets entry: no inline copy in the output; the .wasm fetched', { timeout: 360_000 }, async () => {
  const source = join(app, 'src', 'app', 'app.ts');
  const original = readFileSync(source, 'utf8');
  assert.ok(original.includes("from 'evs-snapshots';"));
  writeFileSync(source, original.replace("from 'evs-snapshots';", "from 'evs-snapshots/slim';"));
  try {
    costs.buildSlim = await ngBuild('dist-slim');
  } finally {
    writeFileSync(source, original);
  }
  const out = join(app, 'dist-slim', 'browser');
  assert.deepEqual(filesHolding(out, INLINE_MARK), []);
  const r = await open(`${mock.url}/angular-app/dist-slim/browser/`);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.from, { wasm: ['/angular-app/dist-slim/browser/evs_snapshots_bg.wasm'], inline: [] });
  costs.disk.distSlim = diskUsage(join(app, 'dist-slim')).bytes;
});

test('ng serve with prebundle.exclude: rows; the .wasm fetched from the dev server, not the inline copy; no console error', { timeout: 240_000 }, async () => {
  const r = await withNgServe((url) => open(url));
  costs.serveReady = r.ready;
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.from, { wasm: ['/evs_snapshots_bg.wasm'], inline: [] });
});

test('ng serve without prebundle.exclude: the pre-bundled package asks for its .wasm under the dependency cache, a 404, and runs on the inline copy', { timeout: 240_000 }, async () => {
  const r = await withAngularJson(
    (architect) => {
      assert.deepEqual(architect.serve.options.prebundle, { exclude: ['evs-snapshots'] });
      delete architect.serve.options.prebundle;
    },
    () => withNgServe((url) => open(url)),
  );
  assert.equal(r.from.wasm.length, 0);
  assert.equal(r.from.inline.length, 1, 'the inline copy was not loaded');
  assert.equal(notFound(r.errors).length, 1, r.errors.join('\n'));
  assert.match(notFound(r.errors)[0], /\/vite\/deps\/evs_snapshots_bg\.wasm\)$/);
});
