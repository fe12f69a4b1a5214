// Running the evs-snapshots command as a child process, for the tests of
// tests/cli/ and tests/browser/serve.test.mjs: in a pipe, with its stdout's
// reader gone, and under a pseudo-terminal (util-linux's `script`). Every
// child runs asynchronously: the mock answers from the test's own process.
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';

const require = createRequire(import.meta.url);
export const PKG_DIR = dirname(require.resolve('evs-snapshots/package.json'));
export const BIN = join(PKG_DIR, 'bin', 'evs-snapshots.mjs');

/** A clean environment: nothing from the developer's shell leaks in; no colours, so any ESC in the output is the data's. */
export const baseEnv = () => ({ PATH: process.env.PATH, HOME: tmpdir(), LANG: 'C.UTF-8', NO_COLOR: '1' });

export function collect(child, timeoutMs = 30000) {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The command with stdout and stderr pipes. */
export function run(args, env = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child);
}

/**
 * A child whose stdout is a pipe with no reader: the read end is closed at
 * once, before the child has even started, so its first write fails with
 * EPIPE. `closeStderr` closes stderr's reader too.
 */
export function runClosed(argv, env = {}, { closeStderr = false } = {}) {
  const child = spawn(argv[0], argv.slice(1), { env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  if (closeStderr) child.stderr.destroy();
  return collect(child);
}

export const shq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
/** The command as a shell command line. */
export const cli = (args) => [process.execPath, BIN, ...args].map(shq).join(' ');

/** A shell command line under a pseudo-terminal: stdin, stdout and stderr are one terminal unless redirected. */
export function inTerminal(cmdline, env = {}) {
  const child = spawn('script', ['-qfec', cmdline, '/dev/null'], { env: { ...baseEnv(), TERM: 'xterm', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child);
}

export const ndjson = (text) => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));

/** Python's csv module reads the text (strict RFC 4180 quoting). */
export function pythonCsv(text) {
  const py = "import csv, io, json, sys\nrows = list(csv.reader(io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8', newline=''), strict=True))\nprint(json.dumps(rows))";
  return JSON.parse(execFileSync('python3', ['-c', py], { input: text, encoding: 'utf8', timeout: 10000 }));
}

/** A credential for the secrets tests: letters and digits from a seeded generator, the same on every run. */
export function secret(length, seed) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let x = seed >>> 0;
  let s = '';
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    s += abc[(x >>> 16) % abc.length];
  }
  return s;
}

/**
 * Starts `evs-snapshots serve` with `args` (`--port 0` unless a port is
 * given) and `env` (over baseEnv()); resolves once its first line, the URL,
 * is written: `{ child, line, host, base, port, key, stdout(), stderr(), stop(signal) }`
 * (`base`: http://127.0.0.1:PORT). `stop` sends the signal (SIGINT: Ctrl-C)
 * and resolves with collect()'s `{ code, signal, stdout, stderr }`.
 */
export function startServe(args = [], env = {}) {
  const child = spawn(process.execPath, [BIN, 'serve', ...(args.includes('--port') ? [] : ['--port', '0']), ...args], {
    env: { ...baseEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = collect(child, 120_000);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      const line = stdout.slice(0, nl);
      const m = /^http:\/\/([^/]+):(\d+)\/\?key=([A-Za-z0-9_-]+)$/.exec(line);
      if (!m) return reject(new Error(`first line ${JSON.stringify(line)}`));
      resolve({
        child,
        line,
        host: m[1],
        base: `http://127.0.0.1:${m[2]}`,
        port: Number(m[2]),
        key: m[3],
        stdout: () => stdout,
        stderr: () => stderr,
        async stop(signal = 'SIGINT') {
          child.kill(signal);
          return done;
        },
      });
    });
    done.then((r) => reject(new Error(`serve ended before its first line: code ${r.code}, stderr ${r.stderr}`)));
  });
}
