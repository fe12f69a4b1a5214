#!/usr/bin/env node
// The package's size report, from the built pkg/: printed, and written to
// pkg/sizes.json (which `make bench` reads; not in the tarball: package.json's
// `files` leaves it out). scripts/build.sh runs it after build-pkg.mjs.
//
// Usage: node scripts/sizes.mjs
import { readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'pkg');
if (!existsSync(join(pkg, 'package.json'))) throw new Error(`missing ${join(pkg, 'package.json')}: run 'make build'`);
const meta = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));

const read = (p) => readFileSync(join(pkg, p));
const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const wasm = read('lib/evs_snapshots_bg.wasm');
const glue = read('lib/wasm.js');
const webFiles = ['index.js', 'lib/wasm.js', 'lib/evs_snapshots_bg.wasm'];
const webGz = webFiles.reduce((sum, f) => sum + gz(read(f)), 0);
const rows = [
  ['wasm (raw)', kb(wasm.length)],
  ['wasm (gzip -9)', kb(gz(wasm))],
  ['wasm (brotli)', kb(br(wasm))],
  ['JS glue and loader, lib/wasm.js (gzip -9)', kb(gz(glue))],
  ['JS entry, index.js (gzip -9)', kb(gz(read('index.js')))],
  ['browser download, all files (gzip -9)', kb(webGz)],
  ['inline copy, bundles without the file (gzip -9)', kb(gz(read('lib/evs_snapshots_bg.inline.js')))],
  ['Node build, lib/evs_snapshots_node.wasm (raw)', kb(read('lib/evs_snapshots_node.wasm').length)],
  ['Node build (gzip -9)', kb(gz(read('lib/evs_snapshots_node.wasm')))],
];
console.log('\npkg/ (evs-snapshots %s) sizes:', meta.version);
for (const [k, v] of rows) console.log(`  ${k.padEnd(48)} ${v.padStart(10)}`);
writeFileSync(
  join(pkg, 'sizes.json'),
  `${JSON.stringify({ wasmRaw: wasm.length, wasmGzip: gz(wasm), wasmBrotli: br(wasm), glueGzip: gz(glue), browserTotalGzip: webGz, files: webFiles.map((f) => ({ file: f, bytes: statSync(join(pkg, f)).size })) }, null, 2)}\n`,
);
