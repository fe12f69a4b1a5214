// Preloaded (`node --import ./bench/cold-timer.mjs`) into the `evs-snapshots`
// command when bench/run.mjs times it cold: at exit it writes the time from
// its own first line (before the command's module is loaded) to the exit,
// in ms, to the file named by EVS_BENCH_COLD_OUT. The command is not changed.
import { writeFileSync } from 'node:fs';

const t0 = performance.now();
const out = process.env.EVS_BENCH_COLD_OUT;
if (out) process.on('exit', () => writeFileSync(out, JSON.stringify({ inProcessMs: performance.now() - t0 })));
