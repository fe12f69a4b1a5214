'use strict';
// Node `require` (and Node bundles that take it: esbuild --format=cjs). The
// wasm module is read and instantiated once, on first use (lib/load.cjs):
// the Node build (lib/evs_snapshots_node.wasm, the crate at opt-level 3;
// Cargo.toml), faster than the browser's, which is built for size.
// index.mjs is the same for `import`; in a process that uses both, the
// first to run makes the exports and the other hands out the same object
// (lib/shared.cjs).
const { shared } = require('./lib/shared.cjs');

module.exports = shared(() => {
  const { createApi, EvsError } = require('./lib/api.cjs');
  const { loadWasm } = require('./lib/load.cjs');
  // configFromEnv (issue 13): plain JS, given the one EvsError class.
  const { configFromEnv: envConfig } = require('./lib/env.cjs');
  const { STATUSES } = require('./lib/statuses.cjs');

  const api = createApi(() =>
    loadWasm(require('./lib/evs_snapshots.cjs'), {
      // Beside this file when installed; a bundle (esbuild, webpack) has no
      // file there, or no __dirname at all, and uses the inline copy.
      path: () => `${__dirname}/lib/evs_snapshots_node.wasm`,
      requireFs: () => require('fs'),
      inline: () => require('./lib/evs_snapshots_node.inline.json'),
    }),
  );

  // The exports: index.mjs names each (the build checks they agree).
  return {
    ...api,
    EvsError,
    configFromEnv: (env) => envConfig(env, EvsError),
    STATUSES,
  };
});
