// Finds and instantiates the WebAssembly module, in whatever setting the
// package was installed, bundled or moved into. The entries say where to look,
// each through a function, since a bundle may lack what it uses (then the
// inline copy serves):
//
//   url    lib/wasm.js: `new URL('./evs_snapshots_bg.wasm', import.meta.url)`,
//          the form bundlers (webpack, Vite, Rollup plugins) rewrite to the
//          file they emit; fetched, or read from disk when a `file:` URL
//   path   the Node entries: the file beside them (index.cjs from
//          `__dirname`, index.mjs from `import.meta.url`)
//   inline the module's bytes as base64 text, for a bundle that did not
//          take the file along (esbuild, a Node bundle of any tool): loaded
//          only when the file is not found; none in evs-snapshots/slim. The
//          browser entries import lib/evs_snapshots_bg.inline.js (its
//          `base64`), the Node entries lib/evs_snapshots_node.inline.json:
//          one copy that index.cjs requires and index.mjs imports as a JSON
//          module, so index.mjs is ES modules only and the package holds
//          the Node build's 538 KB of base64 once
//
// On disk (Node, Deno, Bun) the bytes are instantiated with `initSync`: no
// fetch, and no touching of `Response`, which costs Node ~50 ms of loading.
// A failure says what was looked for and where; it is a `load` failure,
// retryable only when fetching the file over the network failed.
//
// The build turns this file into an ES module and a CommonJS module; it must
// keep its single `export { ... }` line at the end and import nothing.

const reason = (e) => (e && (e.code || e.message)) || String(e);

/** The inline copy's base64 text as bytes (atob: every runtime here has it). */
function fromBase64(text) {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** Node's `fs` where there is one, through no import a bundler would follow. */
function fileSystem(requireFs) {
  try {
    const p = globalThis.process;
    if (p && typeof p.getBuiltinModule === 'function') return p.getBuiltinModule('fs');
    return requireFs ? requireFs() : undefined;
  } catch {
    return undefined;
  }
}

async function loadWasm(glue, { url, path, requireFs, inline }) {
  const tried = [];
  let network = false;
  let where = 'lib/evs_snapshots_bg.wasm beside the entry';
  try {
    where = path ? path() : url();
    if (path || where.protocol === 'file:') {
      const fs = fileSystem(requireFs);
      if (!fs) throw new Error('no file system here');
      glue.initSync({ module: fs.readFileSync(where) });
      return glue;
    }
    let res;
    try {
      res = await fetch(where);
    } catch (e) {
      network = true;
      throw e;
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    // Hosting that answers unknown paths with index.html (status 200) must
    // not hand a page to the compiler: look at what came first. Only
    // application/wasm is streamed; anything else is compiled from its
    // bytes (no "MIME type" warning), and is used only if it is a module.
    const type = (res.headers.get('content-type') || '').split(';')[0].trim().toLowerCase();
    if (type === 'application/wasm') {
      await glue.default({ module_or_path: res });
      return glue;
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (!(bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d)) {
      throw new Error(`not a WebAssembly module (Content-Type ${type || 'none'})`);
    }
    await glue.default({ module_or_path: bytes });
    return glue;
  } catch (e) {
    tried.push(`${where} (${reason(e)})`);
  }
  if (inline) {
    try {
      glue.initSync({ module: fromBase64(await inline()) });
      return glue;
    } catch (e) {
      tried.push(`its inline copy (${reason(e)})`);
    }
  } else {
    // evs-snapshots/slim: the build must emit and serve the file.
    tried.push('no inline copy (evs-snapshots/slim; use evs-snapshots where the build does not emit the .wasm)');
  }
  const err = new Error(`looked for ${tried.join(', then ')}`);
  // docs/contract.md "Errors": `load`, retryable only when the network failed
  // to bring the module.
  err.kind = 'load';
  err.retryable = network;
  throw err;
}

/**
 * The same on disk, synchronously, for what cannot wait for the lazy load
 * (`createProxy` checks its options at once): the file at `path`, else the
 * inline copy (`inline` returning its base64 text); no URL, no fetch. The
 * glue keeps the first instance, so this and `loadWasm` share one.
 */
function loadWasmSync(glue, { path, requireFs, inline }) {
  const tried = [];
  let where = 'lib/evs_snapshots_node.wasm beside the entry';
  try {
    where = path();
    const fs = fileSystem(requireFs);
    if (!fs) throw new Error('no file system here');
    glue.initSync({ module: fs.readFileSync(where) });
    return glue;
  } catch (e) {
    tried.push(`${where} (${reason(e)})`);
  }
  try {
    glue.initSync({ module: fromBase64(inline()) });
    return glue;
  } catch (e) {
    tried.push(`its inline copy (${reason(e)})`);
  }
  const err = new Error(`looked for ${tried.join(', then ')}`);
  err.kind = 'load';
  err.retryable = false;
  throw err;
}

export { loadWasm, loadWasmSync };
