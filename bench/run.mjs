#!/usr/bin/env node
// `make bench`: size and speed of the package against a hand-written
// fetch + JSON.parse client (bench/reference.mjs, written as a careful
// developer would: timestamps by slicing), side by side, with the budgets of
// issue 11 printed as PASS or FAIL, and JSON.parse alone as the floor; then
// against its peers (issue 19), all against one mock: python-cinderclient's
// marker loop and Huawei's Python SDK (bench/peers.py in bench/.venv), the
// reference signed by hand (bench/reference-aksk.mjs), and a hand-written
// page in throttled Chromium. One closing table: figure, peer figure, ratio,
// limit, PASS or FAIL. Writes bench/results.json.
// Not part of `make test`: figures, not assertions.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import * as evs from 'evs-snapshots';
import { refGetSnapshot, refListSnapshots } from './reference.mjs';
import { refSignedGetSnapshot } from './reference-aksk.mjs';
import { pool } from './pool.mjs';
import { wireSnapshots, PROJECT_ID } from '../tests/mock-evs/data.mjs';
import { launchChromium } from '../tests/helpers/browser.mjs';
// The glue module instance the package's `import` entry runs, for its memory size.
import * as raw from '../pkg/lib/evs_snapshots_node.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// A bench stops what it started, on every way out. Each child process (the
// mock servers, the Python peer) is tracked from its spawn and killed at the
// end, on a throw (Node emits 'exit' after an uncaught error or a rejected
// top-level await too, and kill() is synchronous, as an 'exit' listener must
// be), and on SIGINT, SIGTERM or SIGHUP. Chromium is closed by the
// try/finally around each use. (A SIGKILL of this process cannot be caught.)
const children = new Set();
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
function stopChildren() {
  for (const c of children) c.kill();
  children.clear();
}
process.on('exit', stopChildren);
for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
  process.once(signal, () => {
    stopChildren();
    process.exit(128 + number);
  });
}

// The Python peers' interpreter (section 6): missing, the bench stops before it starts anything.
const python = join(root, 'bench', '.venv', 'bin', 'python');
if (!existsSync(python)) throw new Error(`${python} is missing: run 'scripts/deps.sh bench-python' (make bench does)`);
const results = { when: new Date().toISOString(), node: process.version, sections: {} };
const verdicts = [];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);

function table(title, rows) {
  console.log(`\n## ${title}`);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log(`  ${r.map((c, i) => String(c).padEnd(widths[i])).join('  ')}`);
}

/**
 * One row of the closing table: the package's figure, the peer's figure it
 * is held against (when there is one), their ratio, the limit, the verdict.
 */
function budget({ name, figure, peer = '—', ratio = '—', limit, ok }) {
  verdicts.push({ name, figure: String(figure), peer: String(peer), ratio: String(ratio), limit, verdict: ok ? 'PASS' : 'FAIL' });
}

// 1. Size ------------------------------------------------------------------
const sizes = JSON.parse(readFileSync(join(root, 'pkg', 'sizes.json'), 'utf8'));
results.sections.size = sizes;
table('size (bytes)', [
  ['item', 'bytes', 'KB'],
  ['wasm raw', sizes.wasmRaw, f1(sizes.wasmRaw / 1024)],
  ['wasm gzip -9', sizes.wasmGzip, f1(sizes.wasmGzip / 1024)],
  ['wasm brotli', sizes.wasmBrotli, f1(sizes.wasmBrotli / 1024)],
  ['JS glue gzip', sizes.glueGzip, f1(sizes.glueGzip / 1024)],
  ['browser entry total gzip', sizes.browserTotalGzip, f1(sizes.browserTotalGzip / 1024)],
]);
budget({ name: 'browser download (gzip -9, pkg/sizes.json)', figure: `${f1(sizes.browserTotalGzip / 1024)} KB`, limit: '≤ 100 KB', ok: sizes.browserTotalGzip <= 100 * 1024 });

// 2. Decode ----------------------------------------------------------------
const listBody = (n) => JSON.stringify({ snapshots: wireSnapshots(n), snapshots_links: [{ href: 'http://evs-upstream.invalid/v2/p/snapshots?limit=1000&marker=x', rel: 'next' }] });
const showBody = JSON.stringify({
  snapshot: { ...wireSnapshots(1)[0], 'os-extended-snapshot-attributes:project_id': PROJECT_ID, 'os-extended-snapshot-attributes:progress': '100%' },
});
const fakeFetch = (text) => async () => new Response(text, { status: 200, headers: { 'Content-Type': 'application/json' } });

async function decodeCase(label, text, ours, ref, floor) {
  const a = await ours();
  const b = await ref();
  if (!isDeepStrictEqual(a, b)) throw new Error(`${label}: the package and the reference disagree`);
  for (let i = 0; i < 20; i++) await ours(), await ref(), await floor();
  const to = [];
  const tr = [];
  const tf = [];
  for (let i = 0; i < 31; i++) {
    let t = performance.now();
    await ours();
    to.push(performance.now() - t);
    t = performance.now();
    await ref();
    tr.push(performance.now() - t);
    t = performance.now();
    await floor();
    tf.push(performance.now() - t);
  }
  return { label, bytes: text.length, oursMs: median(to), refMs: median(tr), floorMs: median(tf), ratio: median(to) / median(tr) };
}

const decode = [];
for (const n of [1000, 50]) {
  const text = listBody(n);
  const f = fakeFetch(text);
  const cfg = { projectId: 'p', endpoint: 'http://127.0.0.1:1', fetch: f };
  decode.push(await decodeCase(`list of ${n}`, text, () => evs.listSnapshots(cfg), () => refListSnapshots({ endpoint: 'http://127.0.0.1:1', projectId: 'p', fetch: f }), () => f().then((r) => r.json())));
}
{
  const f = fakeFetch(showBody);
  const cfg = { projectId: 'p', endpoint: 'http://127.0.0.1:1', fetch: f };
  decode.push(await decodeCase('single snapshot', showBody, () => evs.getSnapshot(cfg, 'x'), () => refGetSnapshot({ endpoint: 'http://127.0.0.1:1', projectId: 'p', fetch: f }, 'x'), () => f().then((r) => r.json())));
}
results.sections.decode = decode;
table('decode: a Response in hand to plain objects (median of 31, interleaved; floor: Response.json() alone)', [
  ['body', 'bytes', 'ours ms', 'reference ms', 'floor ms', 'ours/ref'],
  ...decode.map((d) => [d.label, d.bytes, f2(d.oursMs), f2(d.refMs), f2(d.floorMs), f2(d.ratio)]),
]);
budget({ name: 'decode, 1,000 snapshots, vs the Node reference', figure: `${f2(decode[0].oursMs)} ms`, peer: `${f2(decode[0].refMs)} ms`, ratio: `${f2(decode[0].ratio)}×`, limit: '≤ 2.0×', ok: decode[0].ratio <= 2.0 });
budget({ name: 'decode, one snapshot, vs the Node reference', figure: `${f2(decode[2].oursMs)} ms`, peer: `${f2(decode[2].refMs)} ms`, ratio: `${f2(decode[2].ratio)}×`, limit: '≤ 2.5×', ok: decode[2].ratio <= 2.5 });

// 3. End to end, against the mock in its own process ------------------------
function startMockProcess(args = []) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, [join(root, 'tests/mock-evs/server.mjs'), '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] }));
    child.stdout.once('data', (d) => {
      const m = /listening on (http:\/\/\S+)/.exec(String(d));
      if (m) resolve({ url: m[1], child });
      else reject(new Error(`mock said: ${d}`));
    });
    child.once('error', reject);
  });
}

async function throughput(fn, concurrency, total) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        await fn();
      }
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

const ROUNDS = 20;
const BLOCK = 200;
const mock = await startMockProcess();
const id = wireSnapshots(1)[0].id;
const cfg = { projectId: PROJECT_ID, endpoint: mock.url };
const refCfg = { projectId: PROJECT_ID, endpoint: mock.url };
const e2e = [];
for (const [op, ours, ref] of [
  ['getSnapshot', () => evs.getSnapshot(cfg, id), () => refGetSnapshot(refCfg, id)],
  ['listSnapshots limit 50', () => evs.listSnapshots(cfg, { limit: 50 }), () => refListSnapshots(refCfg, { limit: 50 })],
]) {
  for (const c of [1, 16]) {
    await throughput(ours, c, 300);
    await throughput(ref, c, 300);
    // Short blocks, interleaved, the order swapped every round, so that
    // drift in the machine's speed falls on both clients alike; the ratio
    // is the median of the rounds' ratios.
    const rounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) {
        const o = await throughput(ours, c, BLOCK);
        rounds.push([o, await throughput(ref, c, BLOCK)]);
      } else {
        const rr = await throughput(ref, c, BLOCK);
        rounds.push([await throughput(ours, c, BLOCK), rr]);
      }
    }
    const o = median(rounds.map((x) => x[0]));
    const rr = median(rounds.map((x) => x[1]));
    e2e.push({ op, concurrency: c, oursPerSec: o, refPerSec: rr, ratio: median(rounds.map((x) => x[0] / x[1])) });
  }
}
results.sections.endToEnd = e2e;
table(`end to end: calls per second over loopback (${ROUNDS} interleaved rounds of ${BLOCK} calls; medians; both clients bound each request with a timeout)`, [
  ['call', 'concurrency', 'ours/s', 'reference/s', 'ours/ref'],
  ...e2e.map((x) => [x.op, x.concurrency, Math.round(x.oursPerSec), Math.round(x.refPerSec), f2(x.ratio)]),
]);
for (const x of e2e) {
  const min = x.concurrency === 1 ? 0.8 : 0.9;
  budget({ name: `calls/s, ${x.op}, ${x.concurrency} at a time, vs the Node reference`, figure: `${Math.round(x.oursPerSec)}/s`, peer: `${Math.round(x.refPerSec)}/s`, ratio: `${f2(x.ratio)}×`, limit: `≥ ${min}×`, ok: x.ratio >= min });
}

// 4. Cold start --------------------------------------------------------------
// Each run is a new Node process that imports the client and makes one
// getSnapshot call. Measured from outside (spawn to exit) and inside
// (performance.now(), whose origin is the process start): the time to
// import and instantiate, and to the first call resolved.
function coldStart(importLine, firstCall) {
  const script = `const t0 = performance.now(); ${importLine}; const t1 = performance.now(); await ${firstCall}; const t2 = performance.now();
    console.log(JSON.stringify({ load: t1 - t0, first: t2 - t0, sinceStart: t2 }));`;
  const runs = [];
  for (let i = 0; i < 11; i++) {
    const t = performance.now();
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    runs.push({ wall: performance.now() - t, ...JSON.parse(out) });
  }
  const m = (k) => median(runs.map((r) => r[k]));
  return { wall: m('wall'), load: m('load'), first: m('first'), sinceStart: m('sinceStart') };
}
const target = `{ projectId: '${PROJECT_ID}', endpoint: '${mock.url}' }, '${id}'`;
const oursCold = coldStart("const m = await import('evs-snapshots'); await m.ready()", `m.getSnapshot(${target})`);
const refCold = coldStart("const m = await import('./bench/reference.mjs')", `m.refGetSnapshot(${target})`);
const bareRuns = [];
for (let i = 0; i < 11; i++) {
  const t = performance.now();
  execFileSync(process.execPath, ['--input-type=module', '-e', '0'], { cwd: root, stdio: 'ignore' });
  bareRuns.push(performance.now() - t);
}
const bareCold = median(bareRuns);

let pageMs = null;
{
  const browser = await launchChromium();
  let site = null;
  try {
    // --no-csp: page.html measures with an inline module script.
    site = await startMockProcess(['--api-prefix', '/evs', '--static', `/pkg/=${join(root, 'pkg')}`, '--static', `/=${join(root, 'bench')}`, '--no-csp']);
    const page = await browser.newPage();
    const loads = [];
    for (let i = 0; i < 5; i++) {
      await page.goto(`${site.url}/page.html`);
      await page.waitForFunction(() => window.renderedAt, null, { timeout: 20000 });
      loads.push(await page.evaluate(() => window.renderedAt));
    }
    pageMs = median(loads);
  } finally {
    site?.child.kill();
    await browser.close();
  }
}
results.sections.coldStart = { ours: oursCold, reference: refCold, bareNodeMs: bareCold, chromiumFirstTableMs: pageMs };
table('cold start (median of 11 process starts; Chromium: median of 5 loads)', [
  ['what', 'ours ms', 'reference ms'],
  ['node: process start to first getSnapshot resolved (wall, spawn to exit)', f1(oursCold.wall), f1(refCold.wall)],
  ['node: process start to first getSnapshot resolved (in process)', f1(oursCold.sinceStart), f1(refCold.sinceStart)],
  ['node: import and instantiate (in process)', f1(oursCold.load), f1(refCold.load)],
  ['node: import to first getSnapshot resolved (in process)', f1(oursCold.first), f1(refCold.first)],
  ['node: bare process, for scale (wall)', f1(bareCold), ''],
  ['chromium: navigation to first table render (50 rows)', f1(pageMs), ''],
]);
budget({ name: 'Node: process start to first getSnapshot (wall), vs the Node reference', figure: `${f1(oursCold.wall)} ms`, peer: `${f1(refCold.wall)} ms`, ratio: `${f2(oursCold.wall / refCold.wall)}×`, limit: '≤ 1.3×', ok: oursCold.wall / refCold.wall <= 1.3 });
budget({ name: 'Node: import + instantiate (in process)', figure: `${f1(oursCold.load)} ms`, limit: '≤ 30 ms', ok: oursCold.load <= 30 });

// 5. Memory ------------------------------------------------------------------
const memBefore = raw.memory_bytes();
const rssBefore = process.memoryUsage().rss;
for (let i = 0; i < 10000; i++) await evs.getSnapshot(cfg, id);
const memAfter = raw.memory_bytes();
const rssAfter = process.memoryUsage().rss;
mock.child.kill();

const big = await startMockProcess(['--count', '100000']);
let count = 0;
let peak = process.memoryUsage().rss;
const startRss = peak;
const t0 = performance.now();
for await (const s of evs.paginateSnapshots({ projectId: PROJECT_ID, endpoint: big.url }, { limit: 1000 })) {
  count += s.id ? 1 : 0;
  if (count % 1000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
}
const walkMs = performance.now() - t0;
big.child.kill();
results.sections.memory = { wasmBefore: memBefore, wasmAfter: memAfter, rssBefore, rssAfter, paginate: { count, startRss, peakRss: peak, ms: walkMs } };
table('memory', [
  ['what', 'value'],
  ['wasm memory before / after 10,000 calls', `${memBefore} / ${memAfter} bytes`],
  ['RSS before / after 10,000 calls', `${f1(rssBefore / 1048576)} / ${f1(rssAfter / 1048576)} MB`],
  [`paginateSnapshots over ${count} snapshots, limit 1000`, `${f1(walkMs / 1000)} s, peak RSS +${f1((peak - startRss) / 1048576)} MB`],
]);
budget({ name: 'wasm memory growth over 10,000 calls', figure: `${memAfter - memBefore} bytes`, limit: '±65536 bytes', ok: Math.abs(memAfter - memBefore) <= 65536 });
budget({ name: 'paginate 100,000: peak RSS above start', figure: `${f1((peak - startRss) / 1048576)} MB`, limit: '≤ 64 MB', ok: peak - startRss <= 64 * 1048576 && count === 100000 });

// 6. Peers, side by side against one mock -------------------------------------
// One mock serves everything below: 20,000 snapshots, a token and a key pair
// (either passes), the two first-rows pages and the built package. The
// Python peers run in bench/.venv (scripts/deps.sh bench-python, pinned in
// bench/requirements.txt) as one long-lived process (bench/peers.py) that
// times each loop itself with time.perf_counter(); the Node clients are
// timed in this process with performance.now() around the same loop. Each
// client runs once untimed, then RUNS times, the order rotated every run;
// the figures are medians, their ratio the ratio of the medians. The machine
// is shared (2 cores): the runs are many and short, so that a burst of other
// work falls on a minority of them.
const RUNS = { walk: 9, gets: 15, page: 7 };
const WALK = 20000;
const GETS = 200;
const TOKEN = 'bench-token';
const AK = 'BENCHACCESSKEY0000000';
const SK = 'bench-secret-key';
const peerMock = await startMockProcess(['--count', String(WALK), '--token', TOKEN, '--ak', AK, '--sk', SK, '--static', `/pkg/=${join(root, 'pkg')}`, '--static', `/=${join(root, 'bench')}`, '--no-csp']);
const controlUrl = `${peerMock.url}/__mock/requests`;
const apiRequests = async () => (await (await fetch(controlUrl)).json()).requests.filter((r) => r.kind === 'api');
const clearRequests = () => fetch(controlUrl, { method: 'DELETE' });

const py = track(spawn(python, [join(root, 'bench', 'peers.py'), JSON.stringify({ endpoint: peerMock.url, projectId: PROJECT_ID, token: TOKEN, ak: AK, sk: SK })], { stdio: ['pipe', 'pipe', 'inherit'] }));
const pyLines = [];
const pyWaiters = [];
let pyBuf = '';
py.stdout.on('data', (d) => {
  pyBuf += d;
  for (let i; (i = pyBuf.indexOf('\n')) >= 0; ) {
    const line = pyBuf.slice(0, i);
    pyBuf = pyBuf.slice(i + 1);
    if (pyWaiters.length) pyWaiters.shift().resolve(line);
    else pyLines.push(line);
  }
});
// Once the peer is gone (it exited, or could not start), every call fails
// with why, the ones waiting and the ones after: none waits for ever.
let pyGone = null;
const pyEnd = (e) => {
  pyGone ??= e;
  for (const w of pyWaiters.splice(0)) w.reject(pyGone);
};
py.once('close', (code, signal) => pyEnd(new Error(`bench/peers.py exited with ${signal ?? code}`)));
py.once('error', pyEnd);
py.stdin.on('error', () => {}); // a write after it exited (EPIPE): pyGone says why
async function pyCall(cmd) {
  if (pyGone) throw pyGone;
  py.stdin.write(`${JSON.stringify(cmd)}\n`);
  const line = pyLines.length ? pyLines.shift() : await new Promise((resolve, reject) => (pyGone ? reject(pyGone) : pyWaiters.push({ resolve, reject })));
  const res = JSON.parse(line);
  if (res.error) throw new Error(`bench/peers.py ${cmd.op}: ${res.error}`);
  return res;
}

async function timed(fn) {
  const t = performance.now();
  const out = await fn();
  return { ms: performance.now() - t, ...out };
}

// The walk: 20,000 snapshots at limit 1000, each client with the token.
const tokenCfg = { projectId: PROJECT_ID, endpoint: peerMock.url, auth: { token: TOKEN } };
const walkers = {
  package: () =>
    timed(async () => {
      let count = 0;
      let last = null;
      for await (const s of evs.paginateSnapshots(tokenCfg, { limit: 1000 })) {
        count++;
        last = s.id;
      }
      return { count, last };
    }),
  reference: () =>
    timed(async () => {
      let count = 0;
      let last = null;
      let marker;
      for (;;) {
        const page = await refListSnapshots({ projectId: PROJECT_ID, endpoint: peerMock.url, token: TOKEN }, marker === undefined ? { limit: 1000 } : { limit: 1000, marker });
        count += page.snapshots.length;
        if (page.snapshots.length) last = page.snapshots[page.snapshots.length - 1].id;
        if (!page.nextMarker) break;
        marker = page.nextMarker;
      }
      return { count, last };
    }),
  cinderclient: () => pyCall({ op: 'walk', limit: 1000 }),
};

// The gets: getSnapshot with AK/SK, 200 of them, 1 and 16 at a time.
const getId = wireSnapshots(1)[0].id;
const akskCfg = { projectId: PROJECT_ID, endpoint: peerMock.url, auth: { accessKey: AK, secretKey: SK } };
const refAksk = { projectId: PROJECT_ID, endpoint: peerMock.url, accessKey: AK, secretKey: SK };
const getters = (c) => ({
  package: () => timed(async () => ({ sample: (await pool(() => evs.getSnapshot(akskCfg, getId), c, GETS))[0] })),
  reference: () => timed(async () => ({ sample: (await pool(() => refSignedGetSnapshot(refAksk, getId), c, GETS))[0] })),
  huaweiSdk: () => pyCall({ op: 'gets', n: GETS, concurrency: c, id: getId }),
});

/** Runs each client once untimed (checked), then `runs` rotated runs; medians. */
async function sideBySide(clients, runs, check) {
  const names = Object.keys(clients);
  for (const n of names) {
    await clearRequests();
    check(n, await clients[n](), await apiRequests());
  }
  const ms = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(r + k) % names.length];
      ms[n].push((await clients[n]()).ms);
    }
  }
  return Object.fromEntries(names.map((n) => [n, { medianMs: median(ms[n]), runsMs: ms[n] }]));
}

let walkLast;
const walk = await sideBySide(walkers, RUNS.walk, (name, res, reqs) => {
  // The same work: every snapshot, the same last one, the same 21 requests
  // (20 full pages, then the empty one after the last full page).
  walkLast ??= res.last;
  if (res.count !== WALK || res.last !== walkLast) throw new Error(`walk, ${name}: ${res.count} snapshots ending at ${res.last}`);
  if (reqs.length !== WALK / 1000 + 1 || reqs.some((q) => q.status !== 200)) throw new Error(`walk, ${name}: ${reqs.length} requests (${reqs.map((q) => q.status).join(' ')})`);
});

const gets = {};
for (const c of [1, 16]) {
  gets[c] = await sideBySide(getters(c), RUNS.gets, (name, res, reqs) => {
    const s = res.sample;
    if (s.id !== getId || s.status !== 'creating' || Number(s.size) !== 20) throw new Error(`gets, ${name}: ${JSON.stringify(s)}`);
    if (reqs.length !== GETS || reqs.some((q) => q.status !== 200 || !/^SDK-HMAC-SHA256 /.test(q.headers.authorization ?? ''))) throw new Error(`gets, ${name}: ${reqs.length} requests, not all signed and answered`);
  });
}
await pyCall({ op: 'quit' }).catch(() => {});
py.stdin.end();

// The cold mode (issue 28): every client in a fresh process per sample, as
// a script or the command runs. The Node clients through bench/cold.mjs, the
// command (`evs-snapshots list --page-size 1000`: every page) with bench/cold-timer.mjs preloaded,
// the Python peers through bench/peers.py's one-shot mode. Each reports its
// time in process (its first line to the work done: the import, the client
// built, the work with cold code); the wall time is spawn to exit, measured
// here. COLD.runs samples each, the clients in turn; every process is tracked
// (stopped on every way out) and bounded by COLD.timeoutMs.
const COLD = { runs: 5, timeoutMs: 60000 };
function runCold(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = track(spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), COLD.timeoutMs);
    child.once('error', (e) => (clearTimeout(timer), reject(e)));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const wall = performance.now() - t;
      if (code !== 0) reject(new Error(`cold ${args.slice(0, 3).join(' ')}: exit ${signal ?? code}: ${err.slice(0, 400)}`));
      else resolve({ wall, out });
    });
  });
}
const coldCfg = { endpoint: peerMock.url, projectId: PROJECT_ID, token: TOKEN, ak: AK, sk: SK, limit: 1000, id: getId, n: GETS };
const coldNode = (client, op, extra = {}) => async () => {
  const { wall, out } = await runCold(process.execPath, [join(root, 'bench', 'cold.mjs'), client, op, JSON.stringify({ ...coldCfg, ...extra })]);
  return { wall, ...JSON.parse(out) };
};
const coldPy = (cmd) => async () => {
  const { wall, out } = await runCold(python, [join(root, 'bench', 'peers.py'), JSON.stringify({ endpoint: peerMock.url, projectId: PROJECT_ID, token: TOKEN, ak: AK, sk: SK }), JSON.stringify(cmd)]);
  return { wall, ...JSON.parse(out) };
};
const coldTimes = join(tmpdir(), `evs-bench-cold-${process.pid}.json`);
const coldCommand = async () => {
  const args = ['--import', join(root, 'bench', 'cold-timer.mjs'), join(root, 'pkg', 'bin', 'evs-snapshots.mjs'), '--endpoint', peerMock.url, '--project-id', PROJECT_ID, 'list', '--page-size', '1000', '--output', 'ndjson'];
  const { wall, out } = await runCold(process.execPath, args, { EVS_SNAPSHOTS_TOKEN: TOKEN, EVS_BENCH_COLD_OUT: coldTimes });
  const lines = out.split('\n').filter(Boolean);
  const { inProcessMs } = JSON.parse(readFileSync(coldTimes, 'utf8'));
  return { wall, inProcessMs, count: lines.length, last: JSON.parse(lines[lines.length - 1]).id };
};
const coldClients = {
  walk: { package: coldNode('package', 'walk'), command: coldCommand, reference: coldNode('reference', 'walk'), cinderclient: coldPy({ op: 'walk', limit: 1000 }) },
  gets1: { package: coldNode('package', 'gets', { concurrency: 1 }), reference: coldNode('reference-aksk', 'gets', { concurrency: 1 }), huaweiSdk: coldPy({ op: 'gets', n: GETS, concurrency: 1, id: getId }) },
  gets16: { package: coldNode('package', 'gets', { concurrency: 16 }), reference: coldNode('reference-aksk', 'gets', { concurrency: 16 }), huaweiSdk: coldPy({ op: 'gets', n: GETS, concurrency: 16, id: getId }) },
};
const cold = {};
for (const [what, clients] of Object.entries(coldClients)) {
  const names = Object.keys(clients);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < COLD.runs; r++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(r + k) % names.length];
      const s = await clients[n]();
      // The same work as warm: every snapshot and the same last one, or the snapshot asked for.
      if (what === 'walk' ? s.count !== WALK || s.last !== walkLast : s.sample?.id !== getId) throw new Error(`cold ${what}, ${n}: ${JSON.stringify(s).slice(0, 300)}`);
      samples[n].push(s);
    }
  }
  cold[what] = Object.fromEntries(
    names.map((n) => [n, { inProcessMs: median(samples[n].map((s) => s.inProcessMs)), wallMs: median(samples[n].map((s) => s.wall)), rssMB: samples[n][0].maxRssMB === undefined ? null : median(samples[n].map((s) => s.maxRssMB)), importMs: samples[n][0].importMs === undefined ? null : median(samples[n].map((s) => s.importMs)), workMs: samples[n][0].workMs === undefined ? null : median(samples[n].map((s) => s.workMs)) }]),
  );
}

// First rows in Chromium: a new page per load, the HTTP cache disabled, the
// CPU throttled 4× and the link 9 Mbps / 60 ms (both ways), through the
// DevTools protocol. Navigation start (performance.now()'s origin) to the
// first <tr> in #rows, seen by an observer installed before the page runs.
const FIRST_ROW = `new MutationObserver((_, o) => {
  if (document.querySelector('#rows tr')) { window.__firstRow = performance.now(); o.disconnect(); }
}).observe(document, { childList: true, subtree: true });`;
const pages = { package: 'first-rows-package.html', fetch: 'first-rows-fetch.html' };
const firstRows = { package: [], fetch: [] };
const transferred = {};
{
  const browser = await launchChromium();
  try {
    const load = async (name) => {
      const page = await browser.context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.addInitScript(FIRST_ROW);
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 60, downloadThroughput: 9e6 / 8, uploadThroughput: 9e6 / 8 });
      let bytes = 0;
      cdp.on('Network.loadingFinished', (e) => (bytes += e.encodedDataLength));
      await page.goto(`${peerMock.url}/${pages[name]}?project=${PROJECT_ID}&token=${TOKEN}`);
      await page.waitForFunction(() => window.__firstRow, null, { timeout: 30000 }).catch((e) => {
        throw new Error(`first rows, ${name}: ${errors.join('; ') || e.message}`);
      });
      const { at, rows } = await page.evaluate(() => ({ at: window.__firstRow, rows: document.querySelectorAll('#rows tr').length }));
      await page.close();
      if (rows !== 50) throw new Error(`first rows, ${name}: ${rows} rows`);
      transferred[name] = bytes;
      return at;
    };
    await load('package');
    await load('fetch');
    for (let r = 0; r < RUNS.page; r++) {
      for (const name of r % 2 === 0 ? ['package', 'fetch'] : ['fetch', 'package']) firstRows[name].push(await load(name));
    }
  } finally {
    await browser.close();
  }
}
peerMock.child.kill();
const rowsPkg = median(firstRows.package);
const rowsRef = median(firstRows.fetch);

results.sections.peers = {
  runs: RUNS,
  versions: readFileSync(join(root, 'bench', 'requirements.txt'), 'utf8').split('\n').filter((l) => /^[A-Za-z].*==/.test(l)).slice(0, 4),
  walk: { snapshots: WALK, limit: 1000, ...walk },
  gets: { calls: GETS, sequential: gets[1], sixteenAtATime: gets[16] },
  cold: { runs: COLD.runs, ...cold },
  firstRows: { cpuThrottle: 4, linkMbps: 9, latencyMs: 60, rows: 50, packageMs: firstRows.package, fetchMs: firstRows.fetch, packageMedianMs: rowsPkg, fetchMedianMs: rowsRef, bytesTransferred: transferred },
};
table(`peers, one mock (median ms of ${RUNS.walk} walks, ${RUNS.gets} × ${GETS} gets, ${RUNS.page} page loads, the clients in turn; each timed inside its own process)`, [
  ['what', 'package', 'Node reference', 'Python peer'],
  [`walk ${WALK.toLocaleString('en')} snapshots, limit 1000 (token; Python: python-cinderclient 9.10.0)`, f1(walk.package.medianMs), f1(walk.reference.medianMs), f1(walk.cinderclient.medianMs)],
  [`${GETS} getSnapshot, sequential (AK/SK; Node: signed by hand; Python: huaweicloudsdkevs 3.1.219)`, f1(gets[1].package.medianMs), f1(gets[1].reference.medianMs), f1(gets[1].huaweiSdk.medianMs)],
  [`${GETS} getSnapshot, 16 at a time (Python: 16 threads, one client)`, f1(gets[16].package.medianMs), f1(gets[16].reference.medianMs), f1(gets[16].huaweiSdk.medianMs)],
  [`Chromium, navigation to the first row (CPU 4×, 9 Mbps / 60 ms, no cache; ${Math.round(transferred.package / 1024)} KB / ${Math.round(transferred.fetch / 1024)} KB moved)`, f1(rowsPkg), f1(rowsRef), ''],
]);
{
  const warmOf = { walk, gets1: gets[1], gets16: gets[16] };
  const label = { walk: `walk ${WALK.toLocaleString('en')}, limit 1000, token`, gets1: `${GETS} gets AK/SK, sequential`, gets16: `${GETS} gets AK/SK, 16 at a time` };
  const who = { package: 'the package', command: 'its command (list --page-size 1000 --output ndjson)', reference: 'hand-written fetch (bench/reference*.mjs)', cinderclient: 'python-cinderclient 9.10.0', huaweiSdk: 'huaweicloudsdkevs 3.1.219' };
  const opt = (x) => (x == null ? '—' : f1(x));
  const rows = [['work', 'client', 'warm ms', 'cold: import ms', 'cold: work ms', 'cold: in process ms', 'cold: wall ms', 'cold: peak RSS MB']];
  for (const what of Object.keys(cold)) {
    for (const [n, c] of Object.entries(cold[what])) rows.push([label[what], who[n], warmOf[what][n] ? f1(warmOf[what][n].medianMs) : '—', opt(c.importMs), opt(c.workMs), f1(c.inProcessMs), f1(c.wallMs), opt(c.rssMB)]);
  }
  table(`warm and cold, side by side (warm: the medians above, timed in one long-lived process; cold: median of ${COLD.runs} fresh processes each, in process = its first line to the work done)`, rows);
}
const ratioBudget = (name, ours, peer, limit) =>
  budget({ name, figure: `${f1(ours)} ms`, peer: `${f1(peer)} ms`, ratio: `${f2(ours / peer)}×`, limit: `≤ ${limit}×`, ok: ours / peer <= limit });
ratioBudget(`walk ${WALK.toLocaleString('en')}, limit 1000, vs python-cinderclient's marker loop`, walk.package.medianMs, walk.cinderclient.medianMs, 1.0);
ratioBudget(`walk ${WALK.toLocaleString('en')}, limit 1000, vs the hand-written Node loop`, walk.package.medianMs, walk.reference.medianMs, 1.25);
for (const [c, label] of [[1, 'sequential'], [16, '16 at a time']]) {
  ratioBudget(`${GETS} gets with AK/SK, ${label}, vs Huawei's Python SDK ShowSnapshot`, gets[c].package.medianMs, gets[c].huaweiSdk.medianMs, 1.0);
  ratioBudget(`${GETS} gets with AK/SK, ${label}, vs a hand-signed fetch`, gets[c].package.medianMs, gets[c].reference.medianMs, 1.25);
}
for (const [what, peerName, peerLabel] of [['walk', 'cinderclient', "python-cinderclient's marker loop"], ['gets1', 'huaweiSdk', "Huawei's Python SDK"], ['gets16', 'huaweiSdk', "Huawei's Python SDK"]]) {
  const c = cold[what];
  const name = what === 'walk' ? `cold: walk ${WALK.toLocaleString('en')}, in process` : `cold: ${GETS} gets with AK/SK, ${what === 'gets1' ? 'sequential' : '16 at a time'}, in process`;
  ratioBudget(`${name}, vs ${peerLabel}`, c.package.inProcessMs, c[peerName].inProcessMs, 1.0);
  ratioBudget(`${name}, vs a hand-written fetch`, c.package.inProcessMs, c.reference.inProcessMs, 1.25);
}
if (cold.walk.package.rssMB != null && cold.walk.reference.rssMB != null) {
  const d = cold.walk.package.rssMB - cold.walk.reference.rssMB;
  budget({ name: 'cold walk: peak RSS, vs the hand-written fetch loop', figure: `${f1(cold.walk.package.rssMB)} MB`, peer: `${f1(cold.walk.reference.rssMB)} MB`, ratio: `${d >= 0 ? '+' : ''}${f1(d)} MB`, limit: '≤ +10 MB', ok: d <= 10 });
}
ratioBudget(`cold: the command's walk ${WALK.toLocaleString('en')}, wall, vs python-cinderclient's marker loop`, cold.walk.command.wallMs, cold.walk.cinderclient.wallMs, 1.0);
ratioBudget('first rows in Chromium (CPU 4×, 9 Mbps / 60 ms), vs a fetch page', rowsPkg, rowsRef, 1.3);

// Verdicts -------------------------------------------------------------------
table('budgets (figure: the package; ratio: figure / peer, or for calls per second package / peer)', [
  ['budget', 'figure', 'peer figure', 'ratio', 'limit', 'verdict'],
  ...verdicts.map((v) => [v.name, v.figure, v.peer, v.ratio, v.limit, v.verdict]),
]);
results.budgets = verdicts;
writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote bench/results.json; ${verdicts.filter((v) => v.verdict === 'PASS').length} PASS, ${verdicts.filter((v) => v.verdict === 'FAIL').length} FAIL`);
process.exit(0);
