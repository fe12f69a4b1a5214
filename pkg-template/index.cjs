'use strict';
// Node (require, and import through index.mjs), Deno, Bun. The wasm module
// is read and instantiated once, on first use (lib/load.cjs): the Node
// build (lib/evs_snapshots_node.wasm, the crate at opt-level 3; Cargo.toml),
// faster than the browser's, which is built for size.
const { createApi, EvsError, toError } = require('./lib/api.cjs');
const { loadWasm } = require('./lib/load.cjs');
// createProxy (issue 26): the signing proxy, in these entries only.
const { proxyFactory, loadWasmSync } = require('./lib/proxy.cjs');
// configFromEnv (issue 13): plain JS, given the one EvsError class.
const { configFromEnv: envConfig } = require('./lib/env.cjs');
const { STATUSES } = require('./lib/statuses.cjs');

const where = {
  // Beside this file when installed; a bundle (esbuild, webpack) has no
  // file there, or no __dirname at all, and uses the inline copy.
  path: () => `${__dirname}/lib/evs_snapshots_node.wasm`,
  requireFs: () => require('fs'),
  inline: () => require('./lib/evs_snapshots_node.inline.cjs'),
};
const api = createApi(() => loadWasm(require('./lib/evs_snapshots.cjs'), where));

// createProxy checks its options at once: the module is instantiated then
// (the calls' lazy load finds it ready), with errors made EvsErrors.
const createProxy = proxyFactory(() => {
  const w = loadWasmSync(require('./lib/evs_snapshots.cjs'), where, EvsError);
  w.setErrorFactory((fields) => new EvsError(fields));
  return w;
}, toError);

module.exports = { ...api, EvsError, configFromEnv: (env) => envConfig(env, EvsError), STATUSES, createProxy };
