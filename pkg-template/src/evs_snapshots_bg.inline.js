// The WebAssembly module as base64: the fallback when the .wasm file cannot be found.
const b64 = '@WASM_BASE64@';

function wasmBytes() {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

export { wasmBytes };
