// Browsers, Web Workers, bundlers, and Node bundles resolved without the
// `node` condition. The wasm module is found and instantiated once, on
// first use (lib/load.js).
import * as glue from './lib/evs_snapshots.js';
import { createApi, EvsError } from './lib/api.js';
import { loadWasm } from './lib/load.js';
// configFromEnv (issue 13): plain JS, given the one EvsError class.
import { configFromEnv as envConfig } from './lib/env.js';
import { STATUSES } from './lib/statuses.js';

const api = createApi(
  () =>
    loadWasm(glue, {
      // Bundlers (webpack, Vite) emit the file and rewrite this URL.
      url: () => new URL('./lib/evs_snapshots_bg.wasm', import.meta.url),
      // A chunk of its own: bundles that took the file along never load it.
      inline: () => import('./lib/evs_snapshots_bg.inline.js'),
    }),
);

export const { getSnapshot, listSnapshots, paginateSnapshots, waitForSnapshot, signRequest, ready } = api;
export { EvsError, STATUSES };
export const configFromEnv = (env) => envConfig(env, EvsError);
