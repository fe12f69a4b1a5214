'use strict';
// Node (require, and import through index.mjs), Deno, Bun. The wasm module
// is read and instantiated once, on first use (lib/load.cjs): the Node
// build (lib/evs_snapshots_node.wasm, the crate at opt-level 3; Cargo.toml),
// faster than the browser's, which is built for size.
const { createApi, EvsError } = require('./lib/api.cjs');
const { loadWasm } = require('./lib/load.cjs');
// configFromEnv (issue 13): plain JS, given the one EvsError class (and a way
// to fs for EVS_SNAPSHOTS_TOKEN_FILE where Node has no getBuiltinModule).
const { configFromEnv: envConfig } = require('./lib/env.cjs');
const { STATUSES } = require('./lib/statuses.cjs');

const api = createApi(
  () =>
    loadWasm(require('./lib/evs_snapshots.cjs'), {
      // Beside this file when installed; a bundle (esbuild, webpack) has no
      // file there, or no __dirname at all, and uses the inline copy.
      path: () => `${__dirname}/lib/evs_snapshots_node.wasm`,
      requireFs: () => require('fs'),
      inline: () => require('./lib/evs_snapshots_node.inline.cjs'),
    }),
);

module.exports = { ...api, EvsError, configFromEnv: (env) => envConfig(env, EvsError, () => require('fs')), STATUSES };
