// Issues 6 and 12: the real artefact in every setting users have. `npm pack`
// makes the tarball, one throwaway project under a temp directory installs it
// once, and each row uses it as a user would, against the mock for a real
// result. The tools (tsc, vite, esbuild, webpack, rollup, deno, bun) are this
// repo's devDependencies, pinned in its package.json and lock file.
//
// Node bundles run from a directory of their own that holds the bundle and
// nothing else: no node_modules, no package files beside them. Each row's
// time, what it downloads or loads (bytes, gzip) and where the module came
// from are printed at the end.
import { test, after } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { execFileSync, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, rmSync, readFileSync, existsSync, cpSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startMockEvs } from '../mock-evs/server.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';
import { sortWire } from '../helpers/reference.mjs';
import { useChromium } from '../helpers/browser.mjs';
import { useMock } from '../helpers/mock.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const FIRST = SNAPSHOTS[0];
const times = {};
/** Per row: what it downloads or loads (bytes, gzip) and where the module came from. */
const loads = {};

let work; // temp directory of the throwaway project
let tarball; // the packed package, in work

const execFileAsync = promisify(execFile);

/** Node rows call the mock in this process: the event loop must stay free. */
async function runAsync(cmd, args, opts = {}) {
  const { stdout } = await execFileAsync(cmd, args, { cwd: work, encoding: 'utf8', timeout: 60000, ...opts });
  return stdout;
}

/** Bytes and gzip -9 bytes of files (paths, or {name, body} already read). */
function weigh(files) {
  let bytes = 0;
  let gzip = 0;
  for (const f of files) {
    const body = typeof f === 'string' ? readFileSync(f) : f.body;
    bytes += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
  }
  return { bytes, gzip };
}

/** Every file under dir (a bundler's output), recursively. */
const filesUnder = (dir) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath ?? d.path, d.name));

function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000, ...opts });
}

async function timed(name, fn) {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    times[name] = Math.round(performance.now() - t0);
  }
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'evs-consumer-'));
  await timed('npm pack + install', () => {
    const packed = JSON.parse(execFileSync('npm', ['pack', join(root, 'pkg'), '--json', '--pack-destination', work], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    tarball = join(work, packed[0].filename);
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball]);
  });
});
// csp: false: the pages written below have inline scripts (the dashboard's policy would refuse them).
const mock = useMock(() => ({ apiPrefix: '/evs', statics: [{ urlPrefix: '/', dir: work }], csp: false }));
const browser = useChromium();

after(async () => {
  if (work) rmSync(work, { recursive: true, force: true });
  console.log(`# consumer matrix times (ms): ${JSON.stringify(times)}`);
  console.log('# row | ms | loads: bytes / gzip | the module from');
  for (const [row, l] of Object.entries(loads)) console.log(`# ${row} | ${times[row] ?? ''} | ${l.bytes} / ${l.gzip} | ${l.from}`);
});

test('the tarball holds what package.json promises and nothing else', () => {
  const pkg = JSON.parse(readFileSync(join(work, 'node_modules', 'evs-snapshots', 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'evs-snapshots');
  assert.equal(pkg.sideEffects, false);
  assert.equal(pkg.engines.node, '>=20');
  // One runtime dependency, for the command behind a proxy (issue 27 §1); the
  // repository devDepends on that very version, so its lock file (and the npm
  // cache `npm ci` fills) holds it and the install above needs no registry.
  assert.deepEqual(pkg.dependencies, { undici: '^7.30.3' });
  assert.equal(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies.undici, '7.30.3');
  assert.ok(pkg.license);
  assert.deepEqual(pkg.bin, { 'evs-snapshots': 'bin/evs-snapshots.mjs' });
  // Where it comes from and where to report (issue 27 §5).
  assert.match(pkg.repository.url, /^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
  assert.ok(pkg.homepage && pkg.bugs.url && pkg.author);
  for (const f of ['index.js', 'index.mjs', 'index.cjs', 'index.d.ts', 'index.d.cts', 'README.md', 'LICENSE', 'THIRD_PARTY_NOTICES.md', 'slim.js', 'slim/package.json', 'static.js', 'lib/evs_snapshots_bg.wasm', 'lib/wasm.js', 'lib/evs_snapshots.cjs', 'lib/load.cjs', 'lib/evs_snapshots_bg.inline.js', 'lib/evs_snapshots_node.wasm', 'lib/evs_snapshots_node.inline.json', 'lib/evs_snapshots_node.js', 'lib/env.cjs', 'lib/statuses.cjs', 'lib/shared.cjs', 'lib/api.js', 'lib/load.js', 'lib/env.js', 'lib/statuses.js', 'lib/shared.js', 'lib/proxy.cjs', 'lib/proxy.js', 'bin/evs-snapshots.mjs', 'bin/format.mjs']) {
    assert.ok(existsSync(join(work, 'node_modules', 'evs-snapshots', f)), f);
  }
  assert.ok(!existsSync(join(work, 'node_modules', 'evs-snapshots', 'sizes.json')));
});

const nodeScript = (kind) => `
const cfg = { projectId: ${JSON.stringify(PROJECT_ID)}, endpoint: process.argv[2] };
const main = async (m) => {
  const s = await m.getSnapshot(cfg, ${JSON.stringify(FIRST.id)});
  const p = await m.listSnapshots(cfg, { limit: 2 });
  const e = await m.getSnapshot(cfg, 'a/b').catch((e) => e);
  console.log(JSON.stringify({ kind: ${JSON.stringify(kind)}, id: s.id, n: p.snapshots.length, err: e instanceof m.EvsError && e.kind }));
};`;

function checkNodeOutput(out, kind) {
  const r = JSON.parse(out.trim().split('\n').pop());
  assert.deepEqual(r, { kind, id: FIRST.id, n: 2, err: 'invalid_input' });
}

/** What Node, Deno and Bun load from the installed package: index.mjs and its ES modules for import, index.cjs and its CommonJS for require. */
function installedNodeFiles(esm) {
  const dir = join(work, 'node_modules', 'evs-snapshots');
  const files = esm
    ? ['index.mjs', 'lib/api.js', 'lib/load.js', 'lib/env.js', 'lib/statuses.js', 'lib/shared.js', 'lib/proxy.js', 'lib/evs_snapshots_node.js']
    : ['index.cjs', 'lib/api.cjs', 'lib/load.cjs', 'lib/env.cjs', 'lib/statuses.cjs', 'lib/shared.cjs', 'lib/proxy.cjs', 'lib/evs_snapshots.cjs'];
  const from = esm ? 'lib/evs_snapshots_node.wasm beside index.mjs (import.meta.url), initSync' : 'lib/evs_snapshots_node.wasm beside index.cjs (__dirname), initSync';
  return { ...weigh([...files, 'lib/evs_snapshots_node.wasm'].map((f) => join(dir, f))), from };
}

// Issue 27 §5: the linters a package author runs before publishing, on the
// tarball itself. publint (package.json against the files: exports,
// formats, types) prints "All good!" only when it has no error, warning or
// suggestion. attw (@arethetypeswrong/cli: what TypeScript resolves for each
// entry under node10, node16 from CJS and ESM, and bundler) in each of its
// profiles; `strict` checks every resolution, the others fewer.
test('publint on the packed tarball: all good, not even a suggestion', () =>
  timed('publint', async () => {
    const out = await runAsync(bin('publint'), ['run', tarball, '--strict', '--level', 'suggestion']);
    assert.match(out, /All good!/, out);
  }));

for (const profile of ['strict', 'node16', 'esm-only']) {
  test(`attw (@arethetypeswrong/cli), profile ${profile}, on the packed tarball: no problem for any entry`, () =>
    timed(`attw ${profile}`, async () => {
      let out;
      try {
        out = await runAsync(bin('attw'), [tarball, '--profile', profile, '--format', 'json', '--no-definitely-typed']);
      } catch (e) {
        assert.fail(`attw --profile ${profile} failed:\n${e.stdout}${e.stderr}`);
      }
      const { analysis } = JSON.parse(out);
      assert.deepEqual(analysis.problems, [], out);
      // Every entry resolved, with types, under each resolution (node10 included for evs-snapshots/slim).
      assert.deepEqual(Object.keys(analysis.entrypoints).sort(), ['.', './package.json', './slim']);
      const slim = analysis.entrypoints['./slim'].resolutions;
      assert.ok(slim.node10.resolution?.isTypeScript, JSON.stringify(slim.node10));
    }));
}

test('Node ESM script', () =>
  timed('node esm', async () => {
    writeFileSync(join(work, 'esm.mjs'), `import * as m from 'evs-snapshots';\n${nodeScript('esm')}\nawait main(m);\n`);
    checkNodeOutput(await runAsync(process.execPath, ['esm.mjs', mock.apiUrl]), 'esm');
    loads['node esm'] = installedNodeFiles(true);
  }));

test('Node CJS script', () =>
  timed('node cjs', async () => {
    writeFileSync(join(work, 'cjs.cjs'), `const m = require('evs-snapshots');\n${nodeScript('cjs')}\nmain(m);\n`);
    checkNodeOutput(await runAsync(process.execPath, ['cjs.cjs', mock.apiUrl]), 'cjs');
    loads['node cjs'] = installedNodeFiles(false);
  }));

test('Node with --experimental-default-type=module on a .js file', () =>
  timed('node default-type', async () => {
    mkdirSync(join(work, 'typeless'), { recursive: true });
    writeFileSync(join(work, 'typeless', 'main.js'), `import * as m from 'evs-snapshots';\n${nodeScript('default-type')}\nawait main(m);\n`);
    checkNodeOutput(await runAsync(process.execPath, ['--experimental-default-type=module', 'typeless/main.js', mock.apiUrl]), 'default-type');
  }));

test('the evs-snapshots command, installed from the tarball into node_modules/.bin', () =>
  timed('bin', async () => {
    const cmd = join(work, 'node_modules', '.bin', 'evs-snapshots');
    const pkg = JSON.parse(readFileSync(join(work, 'node_modules', 'evs-snapshots', 'package.json'), 'utf8'));
    assert.equal((await runAsync(cmd, ['--version'])).trim(), pkg.version);
    const args = ['list', '--max-items', '3', '--output', 'ndjson', '--endpoint', mock.apiUrl, '--project-id', PROJECT_ID];
    const out = await runAsync(cmd, args);
    const ids = out.trim().split('\n').map((l) => JSON.parse(l).id);
    assert.deepEqual(ids, sortWire(SNAPSHOTS).slice(0, 3).map((s) => s.id));
    // Behind a proxy the command loads undici, the package's one dependency,
    // installed beside it from the tarball (issue 27 §1): NO_PROXY sends
    // this request straight to the mock all the same.
    const pkg2 = JSON.parse(readFileSync(join(work, 'node_modules', 'undici', 'package.json'), 'utf8'));
    assert.equal(pkg2.version.split('.')[0], '7');
    const viaProxyEnv = { ...process.env, HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1', EVS_SNAPSHOTS_DEBUG: '1' };
    const { stdout, stderr } = await execFileAsync(cmd, args, { cwd: work, encoding: 'utf8', timeout: 60000, env: viaProxyEnv });
    assert.deepEqual(stdout.trim().split('\n').map((l) => JSON.parse(l).id), ids);
    assert.match(stderr, /debug: proxy for https: http:\/\/127\.0\.0\.1:9, for http: http:\/\/127\.0\.0\.1:9, not for NO_PROXY 127\.0\.0\.1\n/);
  }));

test('configFromEnv from the tarball: one EvsError class for import and require', () =>
  timed('configFromEnv', async () => {
    writeFileSync(
      join(work, 'env.mjs'),
      `import { configFromEnv, EvsError } from 'evs-snapshots';
import { createRequire } from 'node:module';
const cjs = createRequire(import.meta.url)('evs-snapshots');
const e = (() => { try { cjs.configFromEnv({ HUAWEICLOUD_SDK_AK: 'a' }); } catch (err) { return err; } })();
const c = configFromEnv({ HUAWEICLOUD_SDK_PROJECT_ID: 'p', HUAWEICLOUD_SDK_REGION: 'r' });
console.log(JSON.stringify({ esm: e instanceof EvsError, kind: e.kind, c }));
`,
    );
    const r = JSON.parse((await runAsync(process.execPath, ['env.mjs'])).trim());
    assert.deepEqual(r, { esm: true, kind: 'invalid_input', c: { projectId: 'p', region: 'r' } });
  }));

for (const [resolution, exact] of [['bundler', false], ['node16', false], ['bundler', true]]) {
  const name = `${resolution}${exact ? ' --exactOptionalPropertyTypes' : ''}`;
  test(`TypeScript --strict, moduleResolution ${name}: right uses compile, wrong ones are errors`, () =>
    timed(`tsc ${name}`, () => {
      const dir = join(work, `ts-${resolution}${exact ? '-exact' : ''}`);
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(root, 'tests', 'consumers', 'fixtures', 'consumer.ts'), join(dir, 'consumer.ts'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
      const module = resolution === 'bundler' ? 'esnext' : 'node16';
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { strict: true, exactOptionalPropertyTypes: exact, noEmit: true, target: 'es2022', module, moduleResolution: resolution, lib: ['es2022', 'dom'], types: [], skipLibCheck: false },
          files: ['consumer.ts'],
        }),
      );
      try {
        run(bin('tsc'), ['-p', dir]);
      } catch (e) {
        assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
      }
      // And the directives really are needed: without them, errors.
      const src = readFileSync(join(dir, 'consumer.ts'), 'utf8').replaceAll('// @ts-expect-error', '// expected:');
      writeFileSync(join(dir, 'consumer.ts'), src);
      let errors = '';
      try {
        run(bin('tsc'), ['-p', dir]);
      } catch (e) {
        errors = e.stdout;
      }
      // One or more errors on each line that carried a directive.
      const lines = new Set([...errors.matchAll(/consumer\.ts\((\d+),\d+\): error TS/g)].map((m) => m[1]));
      assert.equal(lines.size, src.split('// expected:').length - 1, errors);
    }));
}

/**
 * Opens `path` on the mock's origin and waits for #out to hold a result.
 * `fetched` lists what the page got from the origin (not the API, not HTML):
 * {name, status, body}.
 */
async function renderIn(path, { route } = {}) {
  const page = await browser.newPage();
  const pending = [];
  page.on('response', (res) => {
    const url = new URL(res.url());
    if (url.origin !== new URL(mock.url).origin || url.pathname.startsWith('/evs/') || url.pathname.endsWith('/')) return;
    pending.push(res.body().then((body) => ({ name: url.pathname, status: res.status(), body }), () => ({ name: url.pathname, status: res.status(), body: Buffer.alloc(0) })));
  });
  try {
    if (route) await page.route(route.match, route.handler);
    await page.goto(`${mock.url}${path}`);
    await page.waitForFunction(() => document.querySelector('#out')?.textContent, null, { timeout: 20000 });
    const out = JSON.parse(await page.textContent('#out'));
    const fetched = await Promise.all(pending);
    return { out, fetched, errors: page.errors.filter((e) => !/Failed to load resource: (the server responded with a status of 4|net::ERR_FAILED)/.test(e)) };
  } finally {
    await page.close();
  }
}

/**
 * Where a page's module came from: the .wasm file (fetched with 200) or the
 * inline copy, and what the page downloaded; recorded for the row.
 */
function browserLoads(row, fetched) {
  const ok = fetched.filter((f) => f.status === 200);
  const wasm = ok.some((f) => f.name.endsWith('.wasm'));
  // The inline copy: base64 of a file starting "\0asm", version 1.
  const inline = ok.some((f) => !f.name.endsWith('.wasm') && f.body.includes('AGFzbQEAAAA'));
  loads[row] = { ...weigh(ok), from: wasm ? `the .wasm file (${ok.find((f) => f.name.endsWith('.wasm')).name})` : inline ? 'the inline copy' : 'nothing seen' };
  return { wasm, inline };
}

/**
 * A browser row: opens `path`, checks the page's result, records what it
 * loaded and, when `from` is given ({wasm, inline}), where the module came from.
 */
async function checkPage(row, path, from) {
  const r = await renderIn(path);
  checkBrowser(r);
  const seen = browserLoads(row, r.fetched);
  if (from) assert.deepEqual(seen, from);
}
const FILE = { wasm: true, inline: false };
const INLINE = { wasm: false, inline: true };

/** A fresh project directory under work/ holding `files` ({name: text}). */
function project(name, files) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

/** Runs a build tool; its warnings (stderr) fail the row as its errors do. */
async function build(cmd, args, cwd, { quietWhen = () => false } = {}) {
  let out;
  try {
    out = await execFileAsync(cmd, args, { cwd, encoding: 'utf8', timeout: 120000 });
  } catch (e) {
    assert.fail(`${cmd} ${args.join(' ')} failed:\n${e.stdout}${e.stderr}`);
  }
  const noise = out.stderr.split('\n').filter((l) => l.trim() && !quietWhen(l));
  assert.deepEqual(noise, [], `${cmd} printed warnings`);
}

const browserMain = `
import { listSnapshots, getSnapshot, EvsError } from 'evs-snapshots';
const cfg = { projectId: ${JSON.stringify(PROJECT_ID)}, endpoint: '/evs' };
const out = document.querySelector('#out');
try {
  const p = await listSnapshots(cfg, { limit: 3 });
  const s = await getSnapshot(cfg, p.snapshots[0].id);
  const e = await getSnapshot(cfg, '').catch((e) => e);
  out.textContent = JSON.stringify({ ids: p.snapshots.map((x) => x.id), one: s.id, err: e instanceof EvsError && e.kind });
} catch (e) {
  out.textContent = JSON.stringify({ failed: String(e && e.message || e) });
}
`;

function checkBrowser({ out, errors }) {
  assert.equal(out.failed, undefined, out.failed);
  assert.equal(out.ids.length, 3);
  assert.equal(out.one, out.ids[0]);
  assert.equal(out.err, 'invalid_input');
  assert.deepEqual(errors, []);
}

test('a plain HTML page importing the browser entry, no bundler', async () =>
  timed('plain page', async () => {
    mkdirSync(join(work, 'plain'), { recursive: true });
    writeFileSync(join(work, 'plain', 'main.js'), browserMain);
    writeFileSync(
      join(work, 'plain', 'index.html'),
      `<!doctype html><script type="importmap">{"imports":{"evs-snapshots":"/node_modules/evs-snapshots/index.js"}}</script><pre id="out"></pre><script type="module" src="./main.js"></script>`,
    );
    await checkPage('plain page', '/plain/', FILE);
  }));

test('a module Web Worker calling listSnapshots and posting the result back', async () =>
  timed('worker', async () => {
    mkdirSync(join(work, 'worker'), { recursive: true });
    writeFileSync(
      join(work, 'worker', 'worker.js'),
      `import { listSnapshots, EvsError } from '/node_modules/evs-snapshots/index.js';
self.onmessage = async () => {
  const p = await listSnapshots({ projectId: ${JSON.stringify(PROJECT_ID)}, endpoint: '/evs' }, { limit: 3 });
  const e = await listSnapshots({ projectId: 'p', endpoint: '/evs' }, { limit: 0 }).catch((e) => e);
  self.postMessage({ ids: p.snapshots.map((x) => x.id), one: p.snapshots[0].id, err: e instanceof EvsError && e.kind });
};`,
    );
    writeFileSync(
      join(work, 'worker', 'index.html'),
      `<!doctype html><pre id="out"></pre><script type="module">
const w = new Worker('./worker.js', { type: 'module' });
w.onmessage = (m) => { document.querySelector('#out').textContent = JSON.stringify(m.data); };
w.onerror = (e) => { document.querySelector('#out').textContent = JSON.stringify({ failed: e.message || 'worker error' }); };
w.postMessage('go');
</script>`,
    );
    await checkPage('worker', '/worker/');
  }));

/** A Vite production build of a page running `main`, served at /NAME/dist/. */
async function viteBuild(name, main) {
  const dir = project(name, {
    'main.js': main,
    'index.html': `<!doctype html><pre id="out"></pre><script type="module" src="./main.js"></script>`,
  });
  await build(bin('vite'), ['build', '--logLevel', 'error', '--base', `/${name}/dist/`], dir);
  return dir;
}

test('a Vite production build', async () =>
  timed('vite build', async () => {
    await viteBuild('vite-app', browserMain);
    await checkPage('vite build', '/vite-app/dist/', FILE);
  }));

// Issue 20 §3: a build that uses only the plain-JS exports takes nothing of
// the module. The page runs configFromEnv, EvsError and STATUSES and must
// fetch no .wasm, no glue and no inline copy.
const plainOnlyMain = `
import { configFromEnv, EvsError, STATUSES } from 'evs-snapshots';
const e = (() => { try { configFromEnv({ HUAWEICLOUD_SDK_AK: 'ak' }); } catch (e) { return e; } })();
const c = configFromEnv({ HUAWEICLOUD_SDK_PROJECT_ID: 'p1', HUAWEICLOUD_SDK_AK: 'ak', HUAWEICLOUD_SDK_SK: 'sk' });
document.querySelector('#out').textContent = JSON.stringify({ projectId: c.projectId, auth: Object.keys(c.auth), err: e instanceof EvsError && e.kind, statuses: STATUSES.length });
`;

/** The plain-JS page's result, and that it loaded no part of the module. */
async function checkPlainOnly(path) {
  const r = await renderIn(path);
  assert.deepEqual(r.out, { projectId: 'p1', auth: ['accessKey', 'secretKey'], err: 'invalid_input', statuses: 7 });
  assert.deepEqual(r.errors, []);
  const module = r.fetched.filter((f) => f.name.endsWith('.wasm') || f.body.includes('AGFzbQEAAAA') || f.body.includes('__wbindgen'));
  assert.deepEqual(module.map((f) => f.name), [], 'the page fetched part of the module');
  return r;
}

/**
 * The most a build of the plain-JS exports alone may weigh: EvsError,
 * STATUSES and configFromEnv, which since issue 27 §4 also reads the
 * package's own variables (endpoint, token file, time limit, attempts) and
 * their duration grammar (about 4 KB in Vite's build, was under 3).
 */
const PLAIN_ONLY_BYTES = 5120;

/** JavaScript files a build wrote (its chunks), with their sizes. */
const scripts = (dir) => filesUnder(dir).filter((f) => f.endsWith('.js')).map((f) => ({ f, bytes: readFileSync(f).length }));

test('a Vite build importing only configFromEnv, EvsError and STATUSES: one small chunk, no glue, no inline copy, nothing of the module fetched', () =>
  timed('vite plain-only', async () => {
    const dir = await viteBuild('vite-plain', plainOnlyMain);
    const js = scripts(join(dir, 'dist'));
    assert.equal(js.length, 1, `chunks: ${js.map((x) => x.f).join(', ')}`);
    assert.ok(js[0].bytes < PLAIN_ONLY_BYTES, `${js[0].bytes} bytes of JavaScript`);
    assert.ok(!readFileSync(js[0].f, 'utf8').includes('__wbindgen'), 'the glue is in the chunk');
    // Vite writes every file a `new URL(..., import.meta.url)` names as it
    // reads the modules, before it drops unused code: the .wasm may be in
    // dist/, but the page never asks for it (README "How the module is found").
    await checkPlainOnly('/vite-plain/dist/');
    loads['vite plain-only'] = { ...weigh(js.map((x) => x.f)), from: 'no module (plain-JS exports only)' };
  }));

test('a Rollup 4 build importing only configFromEnv, EvsError and STATUSES: one small file and nothing else', () =>
  timed('rollup plain-only', async () => {
    const dir = project('rollup-plain', {
      'main.js': plainOnlyMain,
      'index.html': `<!doctype html><pre id="out"></pre><script type="module" src="./dist/main.js"></script>`,
      'rollup.config.mjs': rollupConfig('main.js', { browser: true }),
    });
    await build(bin('rollup'), ['-c', 'rollup.config.mjs', '--no-stdin'], dir, { quietWhen: rollupProgress });
    const out = filesUnder(join(dir, 'dist'));
    assert.deepEqual(out.map((f) => f.slice(dir.length + 1)), ['dist/main.js']);
    assert.ok(readFileSync(out[0]).length < PLAIN_ONLY_BYTES, `${readFileSync(out[0]).length} bytes`);
    await checkPlainOnly('/rollup-plain/');
    loads['rollup plain-only'] = { ...weigh(out), from: 'no module (plain-JS exports only)' };
  }));

// Issue 25 §6: esbuild --splitting makes a chunk of every import() it can
// reach, used or not, so the browser entry's lazy glue and inline copy were
// written (431 KB in 3 files) for a page that used only configFromEnv.
// esbuild sets no `development`/`production` condition and gets static.js,
// which imports them statically: dropped when unused, one file when used.
const esbuildSplitting = (dir) => build(bin('esbuild'), ['main.js', '--bundle', '--splitting', '--format=esm', '--platform=browser', '--outdir=dist', '--log-level=warning'], dir);

test('an esbuild --splitting build importing only configFromEnv, EvsError and STATUSES: one small file and nothing else', () =>
  timed('esbuild plain-only', async () => {
    const dir = project('esbuild-plain', {
      'main.js': plainOnlyMain,
      'index.html': `<!doctype html><pre id="out"></pre><script type="module" src="./dist/main.js"></script>`,
    });
    await esbuildSplitting(dir);
    const out = filesUnder(join(dir, 'dist'));
    assert.deepEqual(out.map((f) => f.slice(dir.length + 1)), ['dist/main.js']);
    assert.ok(readFileSync(out[0]).length < PLAIN_ONLY_BYTES, `${readFileSync(out[0]).length} bytes`);
    assert.ok(!readFileSync(out[0], 'utf8').includes('__wbindgen'), 'the glue is in the file');
    await checkPlainOnly('/esbuild-plain/');
    loads['esbuild plain-only'] = { ...weigh(out), from: 'no module (plain-JS exports only)' };
  }));

test('an esbuild --splitting browser build that calls: one file holding the glue and the inline copy, which serves', () =>
  timed('esbuild splitting', async () => {
    const dir = project('esbuild-splitting', {
      'main.js': browserMain,
      'index.html': `<!doctype html><pre id="out"></pre><script type="module" src="./dist/main.js"></script>`,
    });
    await esbuildSplitting(dir);
    assert.deepEqual(filesUnder(join(dir, 'dist')).map((f) => f.slice(dir.length + 1)), ['dist/main.js']);
    await checkPage('esbuild splitting', '/esbuild-splitting/', INLINE);
  }));

// evs-snapshots/slim (issue 20 §3): no inline copy, for builds that emit the file.
const slimMain = browserMain.replace("from 'evs-snapshots'", "from 'evs-snapshots/slim'");

test('evs-snapshots/slim in a Vite build: the .wasm file serves, and the build holds no inline copy', () =>
  timed('vite slim', async () => {
    const dir = await viteBuild('vite-slim', slimMain);
    const out = filesUnder(join(dir, 'dist'));
    assert.ok(out.some((f) => f.endsWith('.wasm')), 'no .wasm emitted');
    const inline = out.filter((f) => readFileSync(f).includes('AGFzbQEAAAA'));
    assert.deepEqual(inline, [], 'an inline copy in the build');
    await checkPage('vite slim', '/vite-slim/dist/', FILE);
  }));

test('evs-snapshots/slim where the build does not take the file (esbuild): a load error naming slim, not retryable', () =>
  timed('esbuild slim', async () => {
    const dir = project('esbuild-slim', {
      'main.js': `import { getSnapshot, EvsError } from 'evs-snapshots/slim';
const e = await getSnapshot({ projectId: ${JSON.stringify(PROJECT_ID)}, endpoint: '/evs' }, ${JSON.stringify(FIRST.id)}).catch((e) => e);
document.querySelector('#out').textContent = JSON.stringify({ evs: e instanceof EvsError, kind: e.kind, retryable: e.retryable, message: e.message });`,
      'index.html': `<!doctype html><pre id="out"></pre><script type="module" src="./dist/main.js"></script>`,
    });
    await build(bin('esbuild'), ['main.js', '--bundle', '--format=esm', '--platform=browser', '--outdir=dist', '--log-level=warning'], dir);
    assert.ok(!readFileSync(join(dir, 'dist', 'main.js')).includes('AGFzbQEAAAA'), 'an inline copy in the bundle');
    const r = await renderIn('/esbuild-slim/');
    assert.equal(r.out.evs, true, JSON.stringify(r.out));
    assert.equal(r.out.kind, 'load');
    assert.equal(r.out.retryable, false);
    assert.match(r.out.message, /evs_snapshots_bg\.wasm \(HTTP 404\).*no inline copy \(evs-snapshots\/slim/);
  }));

test('an esbuild browser bundle', async () =>
  timed('esbuild', async () => {
    const dir = project('esbuild-app', {
      'main.js': browserMain,
      'index.html': `<!doctype html><pre id="out"></pre><script type="module" src="./dist/main.js"></script>`,
    });
    await build(bin('esbuild'), ['main.js', '--bundle', '--format=esm', '--platform=browser', '--outdir=dist', '--log-level=warning'], dir);
    await checkPage('esbuild', '/esbuild-app/', INLINE);
  }));

test("an esbuild browser bundle in esbuild's default format (iife, no import.meta)", async () =>
  timed('esbuild iife', async () => {
    // A classic script has no top-level await: the same code in an async function.
    const [importLine, ...body] = browserMain.trim().split('\n');
    const dir = project('esbuild-iife', {
      'main.js': `${importLine}\n(async () => {\n${body.join('\n')}\n})();\n`,
      'index.html': `<!doctype html><pre id="out"></pre><script src="./dist/main.js"></script>`,
    });
    await build(bin('esbuild'), ['main.js', '--bundle', '--platform=browser', '--outdir=dist', '--log-level=warning'], dir);
    await checkPage('esbuild iife', '/esbuild-iife/', INLINE);
  }));

// --- issue 12: Node bundles, webpack, Rollup, Deno, Bun --------------------

const esmMain = (kind) => `import * as m from 'evs-snapshots';\n${nodeScript(kind)}\nawait main(m);\n`;
const cjsMain = (kind) => `const m = require('evs-snapshots');\n${nodeScript(kind)}\nmain(m);\n`;

/**
 * Copies a Node bundle's output directory (dist/) alone into a directory of
 * its own (nothing of the package beside it), runs `entry` there against the
 * mock and records what it loads.
 */
async function runNodeBundle(row, dir, entry, kind, { type } = {}) {
  const alone = mkdtempSync(join(tmpdir(), 'evs-bundle-'));
  try {
    cpSync(join(dir, 'dist'), alone, { recursive: true });
    if (type) writeFileSync(join(alone, 'package.json'), JSON.stringify({ type }));
    checkNodeOutput(await runAsync(process.execPath, [join(alone, entry), mock.apiUrl], { cwd: alone }), kind);
    const files = filesUnder(alone).filter((f) => !f.endsWith('package.json'));
    const wasm = files.find((f) => f.endsWith('.wasm'));
    loads[row] = { ...weigh(files), from: wasm ? `the .wasm file the bundler emitted` : 'the inline copy inside the bundle (no .wasm beside it)' };
  } finally {
    rmSync(alone, { recursive: true, force: true });
  }
}

test('an esbuild bundle for Node, ESM (--platform=node --format=esm), run away from node_modules', () =>
  timed('esbuild node esm', async () => {
    const dir = project('esbuild-node-esm', { 'main.mjs': esmMain('esbuild-esm') });
    await build(bin('esbuild'), ['main.mjs', '--bundle', '--platform=node', '--format=esm', '--outfile=dist/main.mjs', '--log-level=warning'], dir);
    await runNodeBundle('esbuild node esm', dir, 'main.mjs', 'esbuild-esm');
  }));

test('an esbuild bundle for Node, CJS (--platform=node --format=cjs), run away from node_modules', () =>
  timed('esbuild node cjs', async () => {
    const dir = project('esbuild-node-cjs', { 'main.cjs': cjsMain('esbuild-cjs') });
    await build(bin('esbuild'), ['main.cjs', '--bundle', '--platform=node', '--format=cjs', '--outfile=dist/main.cjs', '--log-level=warning'], dir);
    await runNodeBundle('esbuild node cjs', dir, 'main.cjs', 'esbuild-cjs');
  }));

// webpack through its Node API (no webpack-cli) with the plain config a user
// writes: mode, target, entry, output path. Warnings fail the build.
const webpackRunner = (dir, config) => `
import webpack from ${JSON.stringify(pathToFileURL(join(root, 'node_modules', 'webpack', 'lib', 'index.js')).href)};
webpack({ ...${JSON.stringify(config)}, context: ${JSON.stringify(dir)}, output: { path: ${JSON.stringify(join(dir, 'dist'))} } }, (err, stats) => {
  if (err) throw err;
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  for (const w of [...info.errors, ...info.warnings]) console.error(w.message);
  process.exitCode = stats.hasErrors() ? 1 : 0;
});
`;

test('a webpack 5 build with target: "node", run away from node_modules', () =>
  timed('webpack node', async () => {
    const dir = project('webpack-node', { 'main.mjs': esmMain('webpack-node') });
    writeFileSync(join(dir, 'webpack.mjs'), webpackRunner(dir, { mode: 'production', target: 'node', entry: './main.mjs' }));
    await build(process.execPath, ['webpack.mjs'], dir);
    await runNodeBundle('webpack node', dir, 'main.js', 'webpack-node', { type: 'commonjs' });
  }));

test('a webpack 5 browser build loaded in Chromium', () =>
  timed('webpack browser', async () => {
    const dir = project('webpack-app', {
      'main.js': browserMain,
      'index.html': `<!doctype html><pre id="out"></pre><script src="./dist/main.js"></script>`,
    });
    writeFileSync(join(dir, 'webpack.mjs'), webpackRunner(dir, { mode: 'production', target: 'web', entry: './main.js' }));
    // webpack's performance hint (244 KiB per asset) is the one message let
    // through: the .wasm is about 250 KB raw (110 KB gzip) and the inline
    // copy's lazy chunk, never loaded when the .wasm was emitted, is larger.
    // The README says so; any other warning fails the row.
    const hint = /^(asset size limit|This can impact web performance|Assets: |\s+\S+\.(wasm|js) \(\d+ KiB\)|\s+Largest modules: .*evs_snapshots_bg\.inline\.js)/;
    await build(process.execPath, ['webpack.mjs'], dir, { quietWhen: (l) => hint.test(l) });
    await checkPage('webpack browser', '/webpack-app/', FILE);
  }));

// Rollup 4 with @rollup/plugin-node-resolve and nothing else; output.dir,
// since the inline copy is a chunk of its own (README).
const rollupConfig = (input, resolveOptions) => `
import { nodeResolve } from ${JSON.stringify(pathToFileURL(join(root, 'node_modules', '@rollup', 'plugin-node-resolve', 'dist', 'es', 'index.js')).href)};
export default { input: ${JSON.stringify(input)}, output: { dir: 'dist', format: 'es' }, plugins: [nodeResolve(${JSON.stringify(resolveOptions)})] };
`;
/** Rollup's CLI reports progress on stderr: only warnings ("(!)") count. */
const rollupProgress = (l) => !/\(!\)/.test(l) && /→|created|^\s*$|\u001b/.test(l);

test('a Rollup 4 browser build (plugin-node-resolve, browser: true) loaded in Chromium', () =>
  timed('rollup browser', async () => {
    const dir = project('rollup-app', {
      'main.js': browserMain,
      'index.html': `<!doctype html><pre id="out"></pre><script type="module" src="./dist/main.js"></script>`,
      'rollup.config.mjs': rollupConfig('main.js', { browser: true }),
    });
    await build(bin('rollup'), ['-c', 'rollup.config.mjs', '--no-stdin'], dir, { quietWhen: rollupProgress });
    await checkPage('rollup browser', '/rollup-app/', INLINE);
  }));

test('a Rollup 4 Node build (plugin-node-resolve), run away from node_modules', () =>
  timed('rollup node', async () => {
    const dir = project('rollup-node', { 'main.mjs': esmMain('rollup-node'), 'rollup.config.mjs': rollupConfig('main.mjs', {}) });
    await build(bin('rollup'), ['-c', 'rollup.config.mjs', '--no-stdin'], dir, { quietWhen: rollupProgress });
    await runNodeBundle('rollup node', dir, 'main.js', 'rollup-node', { type: 'module' });
  }));

test('Deno 2 running a script that imports the package from node_modules', () =>
  timed('deno', async () => {
    writeFileSync(join(work, 'runtime.mjs'), esmMain('runtime'));
    const env = { ...process.env, DENO_DIR: join(work, '.deno'), DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', NO_COLOR: '1' };
    checkNodeOutput(await runAsync(bin('deno'), ['run', '--allow-net=127.0.0.1', '--allow-read', 'runtime.mjs', mock.apiUrl], { env }), 'runtime');
    // Without read permission the file cannot be read: the inline copy serves.
    checkNodeOutput(await runAsync(bin('deno'), ['run', '--allow-net=127.0.0.1', 'runtime.mjs', mock.apiUrl], { env }), 'runtime');
    loads.deno = { ...installedNodeFiles(true), from: 'lib/evs_snapshots_node.wasm beside index.mjs with --allow-read; the inline copy without it' };
  }));

test('Bun running the same script', () =>
  timed('bun', async () => {
    writeFileSync(join(work, 'runtime.mjs'), esmMain('runtime'));
    checkNodeOutput(await runAsync(bin('bun'), ['runtime.mjs', mock.apiUrl]), 'runtime');
    loads.bun = installedNodeFiles(true);
  }));

// --- issue 26: the signing proxy under Deno.serve and Bun.serve -------------

// createProxy's fetch-standard handler served by the runtime itself, in
// front of a mock that checks AK/SK signatures; the package's own client (no
// auth, the proxy as its endpoint) lists and shows through it, and three
// requests the proxy must refuse are answered by it.
const proxyRuntimeMain = `import { createProxy, listSnapshots, getSnapshot } from 'evs-snapshots';
const [upstream, projectId, accessKey, secretKey] = globalThis.Deno ? Deno.args : process.argv.slice(2);
const proxy = createProxy({ config: { projectId, endpoint: upstream, auth: { accessKey, secretKey } } });
let server;
let port;
if (globalThis.Deno) {
  server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, proxy.handle);
  port = server.addr.port;
} else {
  server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: proxy.handle });
  port = server.port;
}
const origin = 'http://127.0.0.1:' + port;
const page = { projectId, endpoint: origin + '/evs' };
const list = await listSnapshots(page, { limit: 2, status: 'available' });
const one = await getSnapshot(page, list.snapshots[1].id);
const refused = [];
for (const [path, method] of [['/evs/v2/another-project/snapshots', 'GET'], ['/evs/v2/' + projectId + '/snapshots/detail', 'GET'], ['/evs/v2/' + projectId + '/snapshots', 'POST']]) {
  const r = await fetch(origin + path, { method });
  refused.push([r.status, (await r.json()).error.code]);
}
console.log(JSON.stringify({ ids: list.snapshots.map((s) => s.id), one: one.id, refused }));
if (globalThis.Deno) await server.shutdown();
else server.stop(true);
`;

for (const runtime of ['deno', 'bun']) {
  test(`the signing proxy under ${runtime === 'deno' ? 'Deno.serve' : 'Bun.serve'}: the package's client lists and shows through createProxy's handler, signed upstream; refusals answered by it`, () =>
    timed(`${runtime} proxy`, async () => {
      const AK = `AKMATRIX${runtime.toUpperCase()}0001`;
      const SK = `sk-matrix-${runtime}-0123456789`;
      const signing = await startMockEvs({ port: 0, quiet: true, ak: AK, sk: SK });
      try {
        writeFileSync(join(work, 'proxy-runtime.mjs'), proxyRuntimeMain);
        const args = ['proxy-runtime.mjs', signing.url, PROJECT_ID, AK, SK];
        const out =
          runtime === 'deno'
            ? await runAsync(bin('deno'), ['run', '--allow-net=127.0.0.1', '--allow-read', ...args], { env: { ...process.env, DENO_DIR: join(work, '.deno'), DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', NO_COLOR: '1' } })
            : await runAsync(bin('bun'), args);
        const r = JSON.parse(out.trim().split('\n').pop());
        const available = sortWire(SNAPSHOTS).filter((s) => s.status === 'available');
        assert.deepEqual(r, {
          ids: available.slice(0, 2).map((s) => s.id),
          one: available[1].id,
          refused: [
            [403, 'PROXY.403'],
            [404, 'PROXY.404'],
            [405, 'PROXY.405'],
          ],
        });
        const sent = signing.requests();
        assert.deepEqual(sent.map((q) => [q.path, q.status]), [
          [`/v2/${PROJECT_ID}/snapshots`, 200],
          [`/v2/${PROJECT_ID}/cloudsnapshots/${available[1].id}`, 200],
        ]);
        for (const q of sent) assert.match(q.headers.authorization, new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, `));
      } finally {
        await signing.close();
      }
    }));
}

// Issue 25 §5: Vite's dev server running the package itself for server-side
// rendering, as SvelteKit, Nuxt and Vike set it (`ssr.noExternal`): Vite's
// module runner, not Node's loader, runs the Node entry (index.mjs) and
// everything it imports, as ES modules. `ssrLoadModule` of a module that
// imports the package, a real call against the mock; then the package's
// modules the runner ran (those it transformed), which must be the ES
// modules of the `import` entry, and the .wasm read from disk, not the
// inline copy; where the file is missing, the inline copy (a JSON module).
const viteDevRunner = `
import { createServer } from ${JSON.stringify(pathToFileURL(join(root, 'node_modules', 'vite', 'dist', 'node', 'index.js')).href)};
const server = await createServer({
  root: process.cwd(), configFile: false, logLevel: 'error', appType: 'custom',
  server: { middlewareMode: true, hmr: false, ws: false },
  ssr: { noExternal: ['evs-snapshots'] },
});
try {
  await (await server.ssrLoadModule('/app.mjs')).run();
  const ran = [...server.environments.ssr.moduleGraph.idToModuleMap.values()].filter((m) => m.transformResult && m.file.includes('/node_modules/evs-snapshots/'));
  console.log(JSON.stringify(ran.map((m) => m.file.slice(m.file.indexOf('/node_modules/evs-snapshots/') + '/node_modules/evs-snapshots/'.length)).sort()));
} finally {
  await server.close();
}
`;
const ESM_ENTRY = ['index.mjs', 'lib/api.js', 'lib/env.js', 'lib/evs_snapshots_node.js', 'lib/load.js', 'lib/proxy.js', 'lib/shared.js', 'lib/statuses.js'];

/** Runs the dev server row in dir (which holds node_modules/evs-snapshots): the call's result and the package files Vite ran. */
async function viteDev(dir, kind) {
  writeFileSync(join(dir, 'app.mjs'), `import * as m from 'evs-snapshots';\n${nodeScript(kind)}\nexport const run = () => main(m);\n`);
  writeFileSync(join(dir, 'dev.mjs'), viteDevRunner);
  const [result, ran] = (await runAsync(process.execPath, ['dev.mjs', mock.apiUrl], { cwd: dir })).trim().split('\n').slice(-2);
  checkNodeOutput(result, kind);
  return JSON.parse(ran);
}

test("Vite's dev server with ssr.noExternal: ssrLoadModule runs the package's ES modules, the .wasm read from disk; without the file, the inline copy", () =>
  timed('vite dev ssr', async () => {
    assert.deepEqual(await viteDev(work, 'vite-dev'), ESM_ENTRY);
    const noFile = brokenInstall('vite-dev-no-wasm', ['evs_snapshots_node.wasm']);
    assert.deepEqual(await viteDev(noFile, 'vite-dev'), [...ESM_ENTRY, 'lib/evs_snapshots_node.inline.json'].sort());
    loads['vite dev ssr'] = { ...installedNodeFiles(true), from: 'lib/evs_snapshots_node.wasm beside index.mjs (import.meta.url), run by Vite' };
  }));

// --- a module that cannot load is its own error -----------------------------

/** A copy of the installed package without `remove` (paths under lib/). */
function brokenInstall(name, remove) {
  const dir = join(work, name);
  cpSync(join(work, 'node_modules', 'evs-snapshots'), join(dir, 'node_modules', 'evs-snapshots'), { recursive: true });
  for (const f of remove) rmSync(join(dir, 'node_modules', 'evs-snapshots', 'lib', f));
  writeFileSync(
    join(dir, 'main.mjs'),
    `import * as m from 'evs-snapshots';
const cfg = { projectId: ${JSON.stringify(PROJECT_ID)}, endpoint: process.argv[2] };
const r = await m.getSnapshot(cfg, ${JSON.stringify(FIRST.id)}).then((s) => ({ id: s.id }), (e) => ({ evs: e instanceof m.EvsError, kind: e.kind, retryable: e.retryable, message: e.message }));
console.log(JSON.stringify(r));
`,
  );
  return dir;
}

test('Node: without the .wasm file the inline copy serves; without both, a clear load error, not retryable', () =>
  timed('load failure node', async () => {
    const noFile = brokenInstall('no-wasm', ['evs_snapshots_node.wasm']);
    assert.deepEqual(JSON.parse(await runAsync(process.execPath, ['main.mjs', mock.apiUrl], { cwd: noFile })), { id: FIRST.id });

    const nothing = brokenInstall('no-module', ['evs_snapshots_node.wasm', 'evs_snapshots_node.inline.json']);
    const r = JSON.parse(await runAsync(process.execPath, ['main.mjs', mock.apiUrl], { cwd: nothing }));
    assert.equal(r.evs, true);
    assert.equal(r.kind, 'load');
    assert.equal(r.retryable, false);
    assert.match(r.message, /^could not load the evs-snapshots WebAssembly module: looked for /);
    assert.ok(r.message.includes(join(nothing, 'node_modules', 'evs-snapshots', 'lib', 'evs_snapshots_node.wasm')), r.message);
    assert.match(r.message, /ENOENT/);
    assert.match(r.message, /inline copy/);
  }));

const failingPage = `<!doctype html><script type="importmap">{"imports":{"evs-snapshots":"/node_modules/evs-snapshots/index.js"}}</script><pre id="out"></pre>
<script type="module">
import { getSnapshot, EvsError } from 'evs-snapshots';
const cfg = { projectId: ${JSON.stringify(PROJECT_ID)}, endpoint: '/evs' };
window.again = () => getSnapshot(cfg, ${JSON.stringify(FIRST.id)}).then((s) => s.id, (e) => e.kind);
const e = await getSnapshot(cfg, ${JSON.stringify(FIRST.id)}).catch((e) => e);
document.querySelector('#out').textContent = JSON.stringify({ evs: e instanceof EvsError, kind: e.kind, retryable: e.retryable, message: e.message });
</script>`;

test('browser: a .wasm that is not there is a load error, not retryable; one the network failed to bring is retryable, and the next call loads it', () =>
  timed('load failure browser', async () => {
    mkdirSync(join(work, 'load-failure'), { recursive: true });
    writeFileSync(join(work, 'load-failure', 'index.html'), failingPage);
    const moduleFiles = '**/lib/evs_snapshots_bg*';

    const missing = await renderIn('/load-failure/', { route: { match: moduleFiles, handler: (route) => route.fulfill({ status: 404, body: 'not found' }) } });
    assert.equal(missing.out.evs, true);
    assert.equal(missing.out.kind, 'load');
    assert.equal(missing.out.retryable, false);
    assert.ok(missing.out.message.includes(`${mock.url}/node_modules/evs-snapshots/lib/evs_snapshots_bg.wasm (HTTP 404)`), missing.out.message);
    assert.match(missing.out.message, /inline copy/);

    // Hosting that answers every path with index.html (status 200): the page
    // is never handed to the compiler; the inline copy serves, with no
    // warning or error in the console.
    const spa = await renderIn('/load-failure/', { route: { match: '**/lib/evs_snapshots_bg.wasm', handler: (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>app</title>' }) } });
    assert.equal(spa.out.evs, false, `rejected: ${spa.out.message}`);
    assert.deepEqual(spa.errors, []);
    assert.ok(spa.fetched.some((f) => f.status === 200 && !f.name.endsWith('.wasm') && f.body.includes('AGFzbQEAAAA')), 'the inline copy was not loaded');

    // The network fails: `load`, retryable; once it is back, the next call works.
    const page = await browser.newPage();
    try {
      await page.route(moduleFiles, (route) => route.abort('failed'));
      await page.goto(`${mock.url}/load-failure/`);
      await page.waitForFunction(() => document.querySelector('#out')?.textContent, null, { timeout: 20000 });
      const out = JSON.parse(await page.textContent('#out'));
      assert.equal(out.evs, true);
      assert.equal(out.kind, 'load');
      assert.equal(out.retryable, true);
      assert.match(out.message, /evs_snapshots_bg\.wasm/);
      await page.unroute(moduleFiles);
      assert.equal(await page.evaluate(() => window.again()), FIRST.id);
    } finally {
      await page.close();
    }
  }));
