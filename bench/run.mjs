#!/usr/bin/env node
// `make bench`: size and speed of the package against a hand-written
// fetch + JSON.parse client (bench/reference.mjs, written as a careful
// developer would: timestamps by slicing), side by side, with the budgets of
// issue 11 printed as PASS or FAIL, and JSON.parse alone as the floor.
// Writes bench/results.json.
// Not part of `make test`: figures, not assertions.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import * as evs from 'evs-snapshots';
import { refGetSnapshot, refListSnapshots } from './reference.mjs';
import { wireSnapshots, PROJECT_ID } from '../tests/mock-evs/data.mjs';
import { launchChromium } from '../tests/helpers/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const raw = createRequire(import.meta.url)('../pkg/lib/evs_snapshots.cjs');
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

function budget(name, value, limit, ok, unit = '') {
  verdicts.push([ok ? 'PASS' : 'FAIL', name, `${value}${unit}`, `budget ${limit}${unit}`]);
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
budget('browser download, gzip', f1(sizes.browserTotalGzip / 1024), 100, sizes.browserTotalGzip <= 100 * 1024, ' KB');

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
budget('decode ratio, 1,000 snapshots', f2(decode[0].ratio), '2.0', decode[0].ratio <= 2.0, '×');
budget('decode ratio, single snapshot', f2(decode[2].ratio), '2.5', decode[2].ratio <= 2.5, '×');

// 3. End to end, against the mock in its own process ------------------------
function startMockProcess(args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'tests/mock-evs/server.mjs'), '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
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
  budget(`throughput ${x.op}, c=${x.concurrency}`, f2(x.ratio), `≥ ${min}`, x.ratio >= min, '×');
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
  try {
    // --no-csp: page.html measures with an inline module script.
    const site = await startMockProcess(['--api-prefix', '/evs', '--static', `/pkg/=${join(root, 'pkg')}`, '--static', `/=${join(root, 'bench')}`, '--no-csp']);
    const page = await browser.newPage();
    const loads = [];
    for (let i = 0; i < 5; i++) {
      await page.goto(`${site.url}/page.html`);
      await page.waitForFunction(() => window.renderedAt, null, { timeout: 20000 });
      loads.push(await page.evaluate(() => window.renderedAt));
    }
    pageMs = median(loads);
    site.child.kill();
  } finally {
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
budget('cold start vs reference (wall)', f2(oursCold.wall / refCold.wall), '1.3', oursCold.wall / refCold.wall <= 1.3, '×');
budget('cold start, package import + instantiate (in process)', f1(oursCold.load), '30', oursCold.load <= 30, ' ms');

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
budget('wasm memory growth over 10,000 calls', memAfter - memBefore, '±65536', Math.abs(memAfter - memBefore) <= 65536, ' bytes');
budget('paginate 100,000: peak RSS above start', f1((peak - startRss) / 1048576), 64, peak - startRss <= 64 * 1048576 && count === 100000, ' MB');

// Verdicts -------------------------------------------------------------------
table('budgets', [['verdict', 'budget', 'figure', 'limit'], ...verdicts]);
results.budgets = verdicts.map(([verdict, name, figure, limit]) => ({ verdict, name, figure, limit }));
writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote bench/results.json; ${verdicts.filter((v) => v[0] === 'PASS').length} PASS, ${verdicts.filter((v) => v[0] === 'FAIL').length} FAIL`);
process.exit(0);
