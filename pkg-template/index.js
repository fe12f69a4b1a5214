// Browsers, Web Workers, bundlers, and Node bundles resolved without the
// `node` condition. The wasm module is found and instantiated once, on
// first use: lib/wasm.js (the glue and lib/load.js) is imported then.
//
// scripts/build-pkg.mjs writes two more entries from this file, each with
// only the marked lines changed: slim.js (evs-snapshots/slim), without the
// inline copy; and static.js, for bundlers that set neither the
// `development` nor the `production` condition (esbuild), where the two
// import()s become static imports. esbuild --splitting makes every import()
// it can reach a chunk of its own before it drops unused code (its
// internal/graph/graph.go; evanw/esbuild#3252), so a build that used only
// configFromEnv wrote the glue and the inline copy anyway; static imports
// of unused code it drops, and it takes no .wasm file in any case, so its
// bundles load the inline copy whenever they call (issue 25 §6).
import { createApi, EvsError } from './lib/api.js';
// configFromEnv (issue 13): plain JS, given the one EvsError class.
import { configFromEnv as envConfig } from './lib/env.js';
import { STATUSES } from './lib/statuses.js';
import { isSnapshotStatus } from './lib/statuses.js';

// The inline copy is a chunk of its own: builds that took the file along
// never load it. (The line build-pkg.mjs changes in slim.js and static.js.)
const inline = () => import('./lib/evs_snapshots_bg.inline.js').then((m) => m.base64);

// Made on the first call, and the module behind import(): the top level
// holds no call, so a build that imports only configFromEnv, EvsError or
// STATUSES takes no glue, no .wasm and no inline copy (issue 20).
// (The line build-pkg.mjs changes in static.js.)
const load = () => import('./lib/wasm.js').then((m) => m.instantiate(inline));
let api;
const calls = () => (api ??= createApi(load));

// Each export a function of its own, so that a bundler can drop what is not
// used (a destructured `api` would keep it all).
export const getSnapshot = (config, snapshotId) => calls().getSnapshot(config, snapshotId);
export const listSnapshots = (config, options) => calls().listSnapshots(config, options);
export const paginateSnapshots = (config, options) => calls().paginateSnapshots(config, options);
export const waitForSnapshot = (config, snapshotId, options) => calls().waitForSnapshot(config, snapshotId, options);
export const signRequest = (request, credentials, date) => calls().signRequest(request, credentials, date);
export const ready = () => calls().ready();
export { EvsError, STATUSES };
export { isSnapshotStatus };
export const configFromEnv = (env) => envConfig(env, EvsError);
