// The WebAssembly module as base64 text: the fallback when the .wasm file
// cannot be found (lib/load.js decodes it). scripts/build-pkg.mjs puts the
// bytes in: the browser's build here; the Node build goes into a JSON file.
const base64 = '@WASM_BASE64@';

export { base64 };
