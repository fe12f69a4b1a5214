// The browser's way to the WebAssembly module: wasm-bindgen's web glue and
// the loader (load.js). The entries (index.js, slim.js) import this file
// with `import()`, when a call first needs the module, so that a build
// which uses only configFromEnv, EvsError or STATUSES takes none of it: no
// glue, no .wasm, no inline copy (issue 20). static.js (esbuild's) imports
// it statically, which esbuild drops as well when it is not used.
//
// The build bundles it, with the glue and load.js inside, into
// pkg/lib/wasm.js, beside evs_snapshots_bg.wasm.
import * as glue from './evs_snapshots.js';
import { loadWasm } from './load.js';

/**
 * The glue, instantiated. `inline` gives the base64 copy's text for builds
 * that did not take the .wasm file along; evs-snapshots/slim passes none.
 */
function instantiate(inline) {
  return loadWasm(glue, {
    // Bundlers (webpack, Vite, Angular's) emit the file and rewrite this URL.
    url: () => new URL('./evs_snapshots_bg.wasm', import.meta.url),
    inline,
  });
}

export { instantiate };
