// One package per process for the Node entries. index.mjs (`import`) is an
// ES module of its own, not a wrapper of index.cjs (`require`): tools that
// run a dependency's ES modules themselves (Vite's dev server with
// `ssr.noExternal`, as SvelteKit, Nuxt and Vike set it) cannot run CommonJS
// code (issue 25 §5). Two modules would be two packages in a process that
// both imports and requires this one: two WebAssembly instances, each with
// its own IAM project cache and clock offset, and two EvsError classes.
// docs/contract.md keeps those "in the module instance", one for `import`
// and `require` alike; so whichever entry runs first makes the exports, and
// the other hands out the same object: the same functions, the same class,
// the same module instance.
//
// The slot is a registered symbol on globalThis named with the package's
// version (put in by scripts/build-pkg.mjs), so that two different versions
// in one process never share; it is not enumerable, not writable and not
// configurable.
//
// The build turns this file into an ES module and a CommonJS module; it must
// keep its single `export { ... }` line at the end and import nothing.

const SLOT = Symbol.for('evs-snapshots@@VERSION@ node entries');

/** The exports `make` returns, made once per process: the first entry's call makes them. */
function shared(make) {
  if (!Object.prototype.hasOwnProperty.call(globalThis, SLOT)) {
    Object.defineProperty(globalThis, SLOT, { value: make() });
  }
  return globalThis[SLOT];
}

export { shared };
