// Issue 20: the packed tarball in a Next.js 16 App Router app
// (tests/consumers/next-app/, its dependencies from its own lock file), as
// create-next-app sets it up (cacheComponents), with the two things the
// README's "Next.js" section asks for: serverExternalPackages and
// `await connection()` before a server component's call.
//
// `next build` (Turbopack), then `next start` on a free 127.0.0.1 port: a
// server component renders three snapshot IDs with AK/SK from the server's
// environment; a client component fetches three in the browser, and the
// first one's details, through the app's own /evs route handler (the
// package's createProxy), which signs on the server. Chromium sees both
// lists and the details, no console error, the .wasm file fetched and the
// inline copy not; the handler refuses what it must not forward. Then what goes wrong without each of the two: the server output
// bundles the inline copy into its entries; the build fails on the
// package's Date.now().
import { test, after } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';
import { sortWire } from '../helpers/reference.mjs';
import { useChromium } from '../helpers/browser.mjs';
import { useMock } from '../helpers/mock.mjs';
import { exec, since, packTarball, installApp, diskUsage, filesUnder, filesHolding, INLINE_MARK, MB, freePort, startServer, visit, moduleSource } from './apps.mjs';

const EXPECTED = sortWire(SNAPSHOTS)
  .slice(0, 3)
  .map((s) => s.id);
const AK = `AKNEXT${randomBytes(6).toString('hex').toUpperCase()}`;
const SK = `sk-next-${randomBytes(16).toString('hex')}`;

let work;
let app;
let server;
const costs = {};

/** The server's environment: a deployment's, at build and at start. */
const env = () => ({
  NEXT_TELEMETRY_DISABLED: '1',
  HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID,
  HUAWEICLOUD_SDK_AK: AK,
  HUAWEICLOUD_SDK_SK: SK,
  EVS_ENDPOINT: mock.apiUrl,
});

const nextBin = () => join(app, 'node_modules', '.bin', 'next');

/** `next build`; its warnings fail the row. The seconds it took. */
async function nextBuild() {
  const t0 = performance.now();
  const { stdout, stderr } = await exec(nextBin(), ['build'], { cwd: app, env: env(), timeout: 300_000 });
  // Under CI=true (as .ci/run has it) with no .next/cache, Next advises
  // caching that directory between builds (nextjs.org/docs/messages/no-cache):
  // advice about the CI, not about the package, and the one line let through.
  const warnings = `${stdout}\n${stderr}`
    .split('\n')
    .filter((l) => /^\s*⚠/.test(l))
    .filter((l) => !/^\s*⚠ No build cache found\. .*https:\/\/nextjs\.org\/docs\/messages\/no-cache$/.test(l));
  assert.deepEqual(warnings, [], 'next build printed warnings');
  return since(t0);
}

/** Runs fn with one of the app's files changed (`from` must be in it), and puts it back. */
async function withEdit(file, from, to, fn) {
  const path = join(app, file);
  const original = readFileSync(path, 'utf8');
  assert.ok(original.includes(from), `${file} no longer holds ${JSON.stringify(from)}`);
  writeFileSync(path, original.replace(from, to));
  try {
    return await fn();
  } finally {
    writeFileSync(path, original);
  }
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'evs-next-'));
  app = join(work, 'next-app');
  const tarball = await packTarball(work);
  costs.install = await installApp('next-app', app, tarball);
  costs.disk = { node_modules: diskUsage(join(app, 'node_modules')).bytes };
});
const mock = useMock({ apiPrefix: '/evs', ak: AK, sk: SK });
const browser = useChromium();

after(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  console.log(`# next-app costs: ${JSON.stringify(costs)}`);
});

test('next build (Turbopack, cacheComponents, serverExternalPackages): no warning; no inline copy on the server; the client .wasm emitted', { timeout: 360_000 }, async () => {
  costs.build = await nextBuild();
  const serverDir = join(app, '.next', 'server');
  const staticDir = join(app, '.next', 'static');
  assert.deepEqual(filesHolding(serverDir, INLINE_MARK), [], 'a server chunk carries the inline copy');
  // Turbopack emits the .wasm a client component's `new URL(..., import.meta.url)` names.
  const wasm = filesUnder(staticDir).filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `emitted .wasm files: ${wasm.join(', ')}`);
  // The inline copy is a lazy chunk of its own there, never fetched (below).
  assert.equal(filesHolding(staticDir, INLINE_MARK).length, 1);
  for (const f of filesUnder(staticDir)) assert.ok(!readFileSync(f).includes(SK), `the secret key is in ${f}`);
  costs.disk.next = diskUsage(join(app, '.next')).bytes;
  costs.disk.server = diskUsage(serverDir).bytes;
  costs.disk.static = diskUsage(staticDir).bytes;
});

test('next start: the server component and the client component each render the snapshot IDs; the browser fetched the .wasm, not the inline copy; no console error; the proxy refuses other paths', { timeout: 180_000 }, async () => {
  assert.ok(existsSync(join(app, '.next', 'BUILD_ID')), 'no build to start');
  const t0 = performance.now();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  server = await startServer(nextBin(), ['start', '-H', '127.0.0.1', '-p', String(port)], { cwd: app, env: env(), url, readyMs: 60_000, lifetimeMs: 150_000 });
  try {
    mock.clearRequests();
    const html = await (await fetch(url)).text();
    assert.ok(!html.includes(SK), 'the secret key is in the page');
    const r = await visit(
      browser,
      url,
      () => document.querySelector('#server-rows li') && (document.querySelector('#client-details') || document.querySelector('#client-error')),
      {
        evaluate: () => ({
          server: [...document.querySelectorAll('#server-rows li')].map((li) => li.textContent),
          client: [...document.querySelectorAll('#client-rows li')].map((li) => li.textContent),
          details: document.querySelector('#client-details')?.textContent ?? null,
          error: document.querySelector('#client-error')?.textContent ?? null,
        }),
      },
    );
    assert.equal(r.result.error, null);
    assert.deepEqual(r.result.server, EXPECTED);
    assert.deepEqual(r.result.client, EXPECTED);
    const first = SNAPSHOTS.find((s) => s.id === EXPECTED[0]);
    assert.equal(r.result.details, `${first.id} ${first.status} ${Number(first.size)} GB`);
    assert.deepEqual(r.errors, [], `answered 4xx/5xx: ${r.fetched.filter((f) => f.status >= 400).map((f) => f.path).join(', ')}`);
    const from = moduleSource(r.fetched);
    assert.equal(from.wasm.length, 1, `fetched: ${r.fetched.map((f) => `${f.path} ${f.status}`).join(', ')}`);
    assert.match(from.wasm[0], /^\/_next\/static\/media\/evs_snapshots_bg\.[^/]+\.wasm$/);
    assert.deepEqual(from.inline, []);
    // Each call reached the mock signed with the server's keys: the server
    // component's, and the route handler's on behalf of the client
    // component (its list and its details).
    const api = mock.requests().filter((q) => q.kind === 'api');
    assert.ok(api.length >= 3, `${api.length} API requests`);
    assert.ok(api.some((q) => q.path === `/evs/v2/${PROJECT_ID}/cloudsnapshots/${EXPECTED[0]}`), 'no details call reached EVS');
    for (const q of api) {
      assert.match(q.headers.authorization ?? '', new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, `));
      assert.equal(q.status, 200);
    }
    // The proxy signs reads of this project's snapshots and nothing else.
    const logged = mock.requests().length;
    for (const [other, method, status] of [
      [`v2/${PROJECT_ID}/volumes`, 'GET', 404],
      [`v2/${PROJECT_ID}/snapshots/detail`, 'GET', 404],
      ['v2/another-project/snapshots', 'GET', 403],
      ['v3/auth/projects', 'GET', 404],
      [`v2/${PROJECT_ID}/snapshots?sort=name`, 'GET', 400],
      [`v2/${PROJECT_ID}/snapshots`, 'POST', 405],
    ]) {
      const res = await fetch(`${url}evs/${other}`, { method });
      assert.equal(res.status, status, other);
      assert.equal((await res.json()).error.code, `PROXY.${status}`, other);
    }
    assert.equal(mock.requests().length, logged, 'the proxy forwarded a request it should refuse');
    costs.start = since(t0);
    const js = r.fetched.filter((f) => f.status === 200 && f.path.endsWith('.js'));
    costs.browser = {
      js: js.reduce((n, f) => n + f.body.length, 0),
      wasm: r.fetched.filter((f) => f.status === 200 && f.path.endsWith('.wasm')).reduce((n, f) => n + f.body.length, 0),
    };
  } finally {
    await server.stop();
    server = undefined;
  }
});

test('without serverExternalPackages the server entries carry the inline copy and the server output grows', { timeout: 360_000 }, async () => {
  const t0 = performance.now();
  await withEdit('next.config.mjs', "serverExternalPackages: ['evs-snapshots'],", "distDir: '.next-bundled',", () => nextBuild());
  costs.buildBundled = since(t0);
  const bundled = join(app, '.next-bundled', 'server');
  const carriers = filesHolding(bundled, INLINE_MARK);
  assert.ok(carriers.length >= 1, 'no server chunk carries the inline copy');
  costs.disk.serverBundled = diskUsage(bundled).bytes;
  costs.serverChunksWithInlineCopy = carriers.length;
  assert.ok(costs.disk.serverBundled > costs.disk.server + 1_000_000, `${MB(costs.disk.serverBundled)} bundled, ${MB(costs.disk.server)} external`);
});

test('without `await connection()` the build fails: the package reads the clock while prerendering', { timeout: 360_000 }, async () => {
  const t0 = performance.now();
  const failed = await withEdit('app/server-snapshots.jsx', '  await connection();\n', '', () =>
    withEdit('next.config.mjs', 'cacheComponents: true,', "cacheComponents: true,\n  distDir: '.next-prerender',", () => nextBuild().then(() => null, (e) => e)),
  );
  costs.buildWithoutConnection = since(t0);
  assert.ok(failed, 'next build passed');
  assert.match(failed.message, /encountered the unstable value `Date\.now\(\)` while prerendering/);
});
