// Node `import`, Deno, Bun, and the tools that run a dependency's ES modules
// themselves (Vite's dev server with `ssr.noExternal`): an ES module, with
// no CommonJS on its way to the module (issue 25 §5). The wasm module is
// read and instantiated once, on first use (lib/load.js): the Node build,
// lib/evs_snapshots_node.wasm, read from beside this file; a bundle that
// has no file there uses the inline copy. index.cjs is the same for
// `require`; in a process that uses both, the first to run makes the
// exports and the other hands out the same object (lib/shared.js).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import * as api from './lib/api.js';
import * as load from './lib/load.js';
// configFromEnv (issue 13): plain JS, given the one EvsError class.
import * as env from './lib/env.js';
import * as statuses from './lib/statuses.js';
// createProxy (issue 26): the signing proxy, in the Node entries only.
import * as proxy from './lib/proxy.js';
import { shared } from './lib/shared.js';
// wasm-bindgen's glue of the Node build (the `web` target, its default
// export never called: the bytes are given to initSync).
import * as glue from './lib/evs_snapshots_node.js';

const made = shared(() => {
  const { EvsError, toError } = api;
  const where = {
    // A path, as index.cjs gives, so that a failure names the same file.
    path: () => fileURLToPath(new URL('./lib/evs_snapshots_node.wasm', import.meta.url)),
    requireFs: () => ({ readFileSync }),
    // Only where the file cannot be read: a bundle, or Deno without
    // --allow-read. A JSON module, the one copy index.cjs also reads.
    inline: () => import('./lib/evs_snapshots_node.inline.json', { with: { type: 'json' } }).then((m) => m.default),
  };
  const calls = api.createApi(() => load.loadWasm(glue, where));
  // createProxy checks its options at once, so the module is instantiated
  // then, from the file; where there is none (a bundle), the inline copy is
  // read with a require made here: a JSON module cannot be imported
  // synchronously.
  const inlineSync = () => createRequire(import.meta.url)('./lib/evs_snapshots_node.inline.json');
  const createProxy = proxy.proxyFactory(() => load.loadWasmSync(glue, { ...where, inline: inlineSync }), EvsError, toError);
  return {
    ...calls,
    EvsError,
    // (and fs for EVS_SNAPSHOTS_TOKEN_FILE where Node has no getBuiltinModule)
    configFromEnv: (vars) => env.configFromEnv(vars, EvsError, () => ({ readFileSync })),
    STATUSES: statuses.STATUSES,
    isSnapshotStatus: statuses.isSnapshotStatus,
    createProxy,
  };
});

// The exports, by name: the same as index.cjs's (the build checks).
export const { getSnapshot, listSnapshots, paginateSnapshots, waitForSnapshot, signRequest, ready, EvsError, configFromEnv, STATUSES, isSnapshotStatus, createProxy } = made;
