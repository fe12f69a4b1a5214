// One cold sample of `make bench` (bench/run.mjs, its cold mode): a fresh
// Node process that imports one client, does one piece of work (a walk of
// every snapshot, or 200 gets), and prints one JSON line:
//   { importMs, workMs, inProcessMs, maxRssMB, count, last | sample }
// importMs: the client's import (and, for the package, its instantiation);
// workMs: the work alone, its first call included (cold code); inProcessMs:
// this script's first line to the work done (import + work), as a script
// that uses the client pays it once the runtime is up.
//
//   node bench/cold.mjs <client> <op> '<json config>'
//   client: package | reference | reference-aksk; op: walk | gets
//   config: { endpoint, projectId, token?, ak?, sk?, limit?, n?, concurrency?, id? }
// The pool (a small module of the bench's own) is loaded before t0, as for every client alike.
import { pool } from './pool.mjs';

const t0 = performance.now();
const [client, op, json] = process.argv.slice(2);
const cfg = JSON.parse(json);

let work;
if (client === 'package') {
  const evs = await import('evs-snapshots');
  await evs.ready?.();
  if (op === 'walk') {
    const config = { projectId: cfg.projectId, endpoint: cfg.endpoint, auth: { token: cfg.token } };
    work = async () => {
      let count = 0;
      let last = null;
      for await (const s of evs.paginateSnapshots(config, { limit: cfg.limit })) {
        count++;
        last = s.id;
      }
      return { count, last };
    };
  } else {
    const config = { projectId: cfg.projectId, endpoint: cfg.endpoint, auth: { accessKey: cfg.ak, secretKey: cfg.sk } };
    work = async () => ({ sample: (await pool(() => evs.getSnapshot(config, cfg.id), cfg.concurrency, cfg.n))[0] });
  }
} else if (client === 'reference' && op === 'walk') {
  const { refListSnapshots } = await import('./reference.mjs');
  const config = { projectId: cfg.projectId, endpoint: cfg.endpoint, token: cfg.token };
  work = async () => {
    let count = 0;
    let last = null;
    let marker;
    for (;;) {
      const page = await refListSnapshots(config, marker === undefined ? { limit: cfg.limit } : { limit: cfg.limit, marker });
      count += page.snapshots.length;
      if (page.snapshots.length) last = page.snapshots[page.snapshots.length - 1].id;
      if (!page.nextMarker) break;
      marker = page.nextMarker;
    }
    return { count, last };
  };
} else if (client === 'reference-aksk' && op === 'gets') {
  const { refSignedGetSnapshot } = await import('./reference-aksk.mjs');
  const config = { projectId: cfg.projectId, endpoint: cfg.endpoint, accessKey: cfg.ak, secretKey: cfg.sk };
  work = async () => ({ sample: (await pool(() => refSignedGetSnapshot(config, cfg.id), cfg.concurrency, cfg.n))[0] });
} else {
  throw new Error(`bench/cold.mjs: no ${op} for ${client}`);
}
const t1 = performance.now();
const out = await work();
const t2 = performance.now();
// maxRSS: the process's peak resident set, in KB (process.resourceUsage()).
const maxRssMB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ importMs: t1 - t0, workMs: t2 - t1, inProcessMs: t2 - t0, maxRssMB, ...out })}\n`);
