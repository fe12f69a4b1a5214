'use strict';
// Node `require` (and Node bundles that take it: esbuild --format=cjs), Deno,
// Bun. The wasm module is read and instantiated once, on first use
// (lib/load.cjs): the Node build (lib/evs_snapshots_node.wasm, the crate at
// opt-level 3 with the `proxy` feature; Cargo.toml), faster than the
// browser's, which is built for size.
// index.mjs is the same for `import`; in a process that uses both, the
// first to run makes the exports and the other hands out the same object
// (lib/shared.cjs).
const { shared } = require('./lib/shared.cjs');

module.exports = shared(() => {
  const { createApi, EvsError, toError } = require('./lib/api.cjs');
  const { loadWasm, loadWasmSync } = require('./lib/load.cjs');
  // createProxy (issue 26): the signing proxy, in the Node entries only.
  const { proxyFactory } = require('./lib/proxy.cjs');
  // configFromEnv (issue 13): plain JS, given the one EvsError class.
  const { configFromEnv: envConfig } = require('./lib/env.cjs');
  const { STATUSES, isSnapshotStatus } = require('./lib/statuses.cjs');

  const glue = () => require('./lib/evs_snapshots.cjs');
  const where = {
    // Beside this file when installed; a bundle (esbuild, webpack) has no
    // file there, or no __dirname at all, and uses the inline copy.
    path: () => `${__dirname}/lib/evs_snapshots_node.wasm`,
    requireFs: () => require('fs'),
    inline: () => require('./lib/evs_snapshots_node.inline.json'),
  };
  const api = createApi(() => loadWasm(glue(), where));
  // createProxy checks its options at once: the module is instantiated then
  // (the calls' lazy load finds it ready), with errors made EvsErrors.
  const createProxy = proxyFactory(() => loadWasmSync(glue(), where), EvsError, toError);

  // The exports: index.mjs names each (the build checks they agree).
  return {
    ...api,
    EvsError,
    // (and a way to fs for EVS_SNAPSHOTS_TOKEN_FILE where Node has no getBuiltinModule)
    configFromEnv: (env) => envConfig(env, EvsError, () => require('fs')),
    STATUSES,
    isSnapshotStatus,
    createProxy,
  };
});
