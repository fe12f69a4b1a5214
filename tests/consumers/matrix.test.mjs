// Issue 6: the real artefact in every setting users have. `npm pack` makes
// the tarball, one throwaway project under a temp directory installs it once,
// and each row uses it as a user would, against the mock for a real result.
// The tools (tsc, vite, esbuild) are this repo's devDependencies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockEvs } from '../mock-evs/server.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';
import { sortWire } from '../helpers/reference.mjs';
import { launchChromium } from '../helpers/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const FIRST = SNAPSHOTS[0];
const times = {};

let work; // temp directory of the throwaway project
let mock;
let browser;

const execFileAsync = promisify(execFile);

/** Node rows call the mock in this process: the event loop must stay free. */
async function runAsync(cmd, args) {
  const { stdout } = await execFileAsync(cmd, args, { cwd: work, encoding: 'utf8', timeout: 60000 });
  return stdout;
}

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
    const tarball = join(work, packed[0].filename);
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball]);
  });
  mock = await startMockEvs({ port: 0, quiet: true, apiPrefix: '/evs', statics: [{ urlPrefix: '/', dir: work }] });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await mock?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  console.log(`# consumer matrix times (ms): ${JSON.stringify(times)}`);
});

test('the tarball holds what package.json promises and nothing else', () => {
  const pkg = JSON.parse(readFileSync(join(work, 'node_modules', 'evs-snapshots', 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'evs-snapshots');
  assert.equal(pkg.sideEffects, false);
  assert.equal(pkg.engines.node, '>=18');
  assert.ok(pkg.license);
  assert.deepEqual(pkg.bin, { 'evs-snapshots': 'bin/evs-snapshots.mjs' });
  for (const f of ['index.js', 'index.mjs', 'index.cjs', 'index.d.ts', 'index.d.cts', 'README.md', 'lib/evs_snapshots_bg.wasm', 'lib/evs_snapshots.js', 'lib/evs_snapshots.cjs', 'lib/env.cjs', 'bin/evs-snapshots.mjs']) {
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

test('Node ESM script', () =>
  timed('node esm', async () => {
    writeFileSync(join(work, 'esm.mjs'), `import * as m from 'evs-snapshots';\n${nodeScript('esm')}\nawait main(m);\n`);
    checkNodeOutput(await runAsync(process.execPath, ['esm.mjs', mock.apiUrl]), 'esm');
  }));

test('Node CJS script', () =>
  timed('node cjs', async () => {
    writeFileSync(join(work, 'cjs.cjs'), `const m = require('evs-snapshots');\n${nodeScript('cjs')}\nmain(m);\n`);
    checkNodeOutput(await runAsync(process.execPath, ['cjs.cjs', mock.apiUrl]), 'cjs');
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
    const out = await runAsync(cmd, ['list', '--limit', '3', '--output', 'ndjson', '--endpoint', mock.apiUrl, '--project-id', PROJECT_ID]);
    const ids = out.trim().split('\n').map((l) => JSON.parse(l).id);
    assert.deepEqual(ids, sortWire(SNAPSHOTS).slice(0, 3).map((s) => s.id));
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

for (const resolution of ['bundler', 'node16']) {
  test(`TypeScript --strict, moduleResolution ${resolution}: right uses compile, wrong ones are errors`, () =>
    timed(`tsc ${resolution}`, () => {
      const dir = join(work, `ts-${resolution}`);
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(root, 'tests', 'consumers', 'fixtures', 'consumer.ts'), join(dir, 'consumer.ts'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
      const module = resolution === 'bundler' ? 'esnext' : 'node16';
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { strict: true, noEmit: true, target: 'es2022', module, moduleResolution: resolution, lib: ['es2022', 'dom'], types: [], skipLibCheck: false },
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
      // One or more errors on each of the 7 lines that carried a directive.
      const lines = new Set([...errors.matchAll(/consumer\.ts\((\d+),\d+\): error TS/g)].map((m) => m[1]));
      assert.equal(lines.size, 7, errors);
    }));
}

/** Opens `path` on the mock's origin and waits for #out to hold a result. */
async function renderIn(path) {
  const page = await browser.newPage();
  try {
    await page.goto(`${mock.url}${path}`);
    await page.waitForFunction(() => document.querySelector('#out')?.textContent, null, { timeout: 20000 });
    const out = JSON.parse(await page.textContent('#out'));
    return { out, errors: page.errors.filter((e) => !/Failed to load resource: the server responded with a status of 4/.test(e)) };
  } finally {
    await page.close();
  }
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
    checkBrowser(await renderIn('/plain/'));
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
    checkBrowser(await renderIn('/worker/'));
  }));

test('a Vite production build', async () =>
  timed('vite build', async () => {
    const dir = join(work, 'vite-app');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.js'), browserMain);
    writeFileSync(join(dir, 'index.html'), `<!doctype html><pre id="out"></pre><script type="module" src="./main.js"></script>`);
    try {
      run(bin('vite'), ['build', '--logLevel', 'error', '--base', '/vite-app/dist/'], { cwd: dir });
    } catch (e) {
      assert.fail(`vite build failed:\n${e.stdout}${e.stderr}`);
    }
    checkBrowser(await renderIn('/vite-app/dist/'));
  }));

test('an esbuild browser bundle', async () =>
  timed('esbuild', async () => {
    const dir = join(work, 'esbuild-app');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.js'), browserMain);
    writeFileSync(join(dir, 'index.html'), `<!doctype html><pre id="out"></pre><script type="module" src="./dist/main.js"></script>`);
    try {
      run(bin('esbuild'), ['main.js', '--bundle', '--format=esm', '--platform=browser', '--outdir=dist', '--log-level=error'], { cwd: dir });
    } catch (e) {
      assert.fail(`esbuild failed:\n${e.stdout}${e.stderr}`);
    }
    checkBrowser(await renderIn('/esbuild-app/'));
  }));
