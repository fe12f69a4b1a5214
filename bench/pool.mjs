// One piece of the bench's clients' work: n calls of a function, so many at
// a time. bench/run.mjs (warm) and bench/cold.mjs (a fresh process) both use it.

/** n calls of fn, `concurrency` at a time; the results in order. */
export async function pool(fn, concurrency, n) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn();
      }
    }),
  );
  return out;
}
