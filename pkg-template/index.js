// Browsers, Web Workers, bundlers, and Node bundles resolved without the
// `node` condition. The wasm module is found and instantiated once, on
// first use (lib/load.js).
import * as glue from './lib/evs_snapshots.js';
import { createApi, EvsError } from './lib/api.js';
import { loadWasm } from './lib/load.js';
// configFromEnv (issue 13): plain JS, given the one EvsError class.
import { configFromEnv as envConfig } from './lib/env.js';
import { STATUSES } from './lib/statuses.js';

// Pure: a build that imports only configFromEnv, EvsError or STATUSES drops
// the module, its loader and the inline copy (no .wasm is emitted).
const api = /* @__PURE__ */ createApi(
  () =>
    loadWasm(glue, {
      // Bundlers (webpack, Vite) emit the file and rewrite this URL.
      url: () => new URL('./lib/evs_snapshots_bg.wasm', import.meta.url),
      // A chunk of its own: bundles that took the file along never load it.
      inline: () => import('./lib/evs_snapshots_bg.inline.js'),
    }),
);

// Each export a function of its own, so that a bundler can drop what is not
// used (a destructured `api` would keep it all).
export const getSnapshot = (config, snapshotId) => api.getSnapshot(config, snapshotId);
export const listSnapshots = (config, options) => api.listSnapshots(config, options);
export const paginateSnapshots = (config, options) => api.paginateSnapshots(config, options);
export const waitForSnapshot = (config, snapshotId, options) => api.waitForSnapshot(config, snapshotId, options);
export const signRequest = (request, credentials, date) => api.signRequest(request, credentials, date);
export const ready = () => api.ready();
export { EvsError, STATUSES };
export const configFromEnv = (env) => envConfig(env, EvsError);
