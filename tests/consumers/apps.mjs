// The framework rows (next.test.mjs, angular.test.mjs) share this: an app's
// sources from tests/consumers/<name>/, its dependencies from that folder's
// own lock file (npm ci), then the packed tarball installed into it, as a
// team adds the package to its app. Every child process and server is
// bounded in time, listens on 127.0.0.1 only, and is stopped by its row's
// after() hook even when the row fails.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, readdirSync, readFileSync, lstatSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const execFileAsync = promisify(execFile);

/** Runs a command (async: the mock may be serving in this process); fails with its output. */
export async function exec(cmd, args, { cwd, env, timeout = 300_000 } = {}) {
  try {
    return await execFileAsync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = new Error(`${cmd} ${args.join(' ')} failed${e.killed ? ` (killed after ${timeout} ms)` : ''}:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    err.stdout = e.stdout;
    err.stderr = e.stderr;
    throw err;
  }
}

/** Seconds since t0 (performance.now()), one decimal. */
export const since = (t0) => Math.round((performance.now() - t0) / 100) / 10;

/** `npm pack` of pkg/ into dir; the tarball's path. */
export async function packTarball(dir) {
  const { stdout } = await exec('npm', ['pack', join(root, 'pkg'), '--json', '--pack-destination', dir], { timeout: 60_000 });
  return join(dir, JSON.parse(stdout)[0].filename);
}

/**
 * Copies tests/consumers/<name> (sources, package.json, package-lock.json)
 * to dest, installs its locked dependencies with `npm ci` and then the
 * tarball. Returns the seconds each step took.
 */
export async function installApp(name, dest, tarball) {
  cpSync(join(root, 'tests', 'consumers', name), dest, {
    recursive: true,
    filter: (src) => !/[/\\](node_modules|\.next|dist|\.angular)$/.test(src),
  });
  const npm = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
  let t0 = performance.now();
  await exec('npm', ['ci', ...npm], { cwd: dest });
  const ci = since(t0);
  t0 = performance.now();
  await exec('npm', ['install', ...npm, tarball], { cwd: dest, timeout: 120_000 });
  return { ci, tarball: since(t0) };
}

/** Bytes and file count under dir (symbolic links counted as links, not followed). */
export function diskUsage(dir) {
  let bytes = 0;
  let files = 0;
  for (const d of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!d.isFile()) continue;
    bytes += lstatSync(join(d.parentPath ?? d.path, d.name)).size;
    files += 1;
  }
  return { bytes, files };
}

/** Every file under dir, recursively. */
export const filesUnder = (dir) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? d.path, d.name));

/** The inline copy's mark: base64 of a file starting "\0asm", version 1. */
export const INLINE_MARK = 'AGFzbQEAAAA';

/** Files under dir whose bytes include `needle` (source maps left out). */
export const filesHolding = (dir, needle) => filesUnder(dir).filter((f) => !f.endsWith('.map') && readFileSync(f).includes(needle));

export const MB = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/** A TCP port free on 127.0.0.1 now. */
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/**
 * Starts a long-running command in a process group of its own and waits
 * until `url` answers (any status), at most `readyMs`. The group is killed
 * after `lifetimeMs` whatever happens, and by stop(). output() is what it
 * printed.
 */
export async function startServer(cmd, args, { cwd, env, url, readyMs = 60_000, lifetimeMs = 180_000 }) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (out += b));
  const exited = new Promise((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
  let done = false;
  exited.then(() => (done = true));
  const kill = (signal) => {
    if (done) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const lifetime = setTimeout(() => kill('SIGKILL'), lifetimeMs);
  lifetime.unref();
  const stop = async () => {
    clearTimeout(lifetime);
    kill('SIGTERM');
    const late = setTimeout(() => kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(late);
  };
  const deadline = Date.now() + readyMs;
  for (;;) {
    if (done) throw new Error(`${cmd} ${args.join(' ')} exited before ${url} answered:\n${out}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(5000) }).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${url} did not answer within ${readyMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { stop, output: () => out, pid: child.pid };
}

/**
 * Opens url in a new page, waits for `ready` (a function run in the page
 * that returns true once the page has rendered, at most 30 s) and returns
 * its console errors (each with the URL it names) and uncaught errors, and
 * what the page
 * fetched from `origin`: {path, status, type, body}.
 */
export async function visit(browser, url, ready, { origin = new URL(url).origin, evaluate } = {}) {
  const page = await browser.newPage();
  const pending = [];
  // Console errors with where they came from (a 404's says which URL).
  const errors = [];
  page.on('console', (msg) => msg.type() === 'error' && errors.push(`${msg.text()} (${msg.location().url})`));
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('response', (res) => {
    const u = new URL(res.url());
    if (u.origin !== origin) return;
    pending.push(
      res.body().then(
        (body) => ({ path: u.pathname, status: res.status(), type: res.headers()['content-type'] ?? '', body }),
        () => ({ path: u.pathname, status: res.status(), type: res.headers()['content-type'] ?? '', body: Buffer.alloc(0) }),
      ),
    );
  });
  try {
    await page.goto(url);
    await page.waitForFunction(ready, null, { timeout: 30_000 });
    const result = evaluate ? await page.evaluate(evaluate) : undefined;
    return { result, errors, fetched: await Promise.all(pending) };
  } finally {
    await page.close();
  }
}

/** Where a page's module came from: the .wasm file fetched with 200, the inline copy, both or neither. */
export function moduleSource(fetched) {
  const ok = fetched.filter((f) => f.status === 200);
  const wasm = ok.filter((f) => f.path.endsWith('.wasm')).map((f) => f.path);
  const inline = ok.filter((f) => !f.path.endsWith('.wasm') && f.body.includes(INLINE_MARK)).map((f) => f.path);
  return { wasm, inline };
}
