// The tests' independent reading of wire bodies is the benchmark's
// hand-written reference client: one implementation, checked by both.
export * from '../../bench/reference.mjs';
