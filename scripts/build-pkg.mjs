#!/usr/bin/env node
// Assembles the npm package in pkg/ from pkg-template/ and the wasm-bindgen
// output (already in pkg/lib/). scripts/sizes.mjs then reports its sizes.
//
//   pkg/index.js     browser, worker, bundlers, and Node bundles resolved
//                    without the `node` condition (pkg-template/index.js
//                    bundled: one minified ES module with api and load
//                    inside; imports the `web` glue)
//   pkg/index.cjs    Node require (the same glue as CommonJS, given the
//                    .wasm's bytes from beside it with initSync)
//   pkg/index.mjs    Node import (re-exports index.cjs: one module instance, one EvsError)
//   pkg/lib/         api.cjs, load.cjs, env.cjs, statuses.cjs (pkg-template/src/, in both
//                    module formats), the glue (.js and .cjs),
//                    evs_snapshots_bg.wasm and its inline base64 copies
//                    (.inline.js, .inline.cjs) for bundles without the file
//   pkg/bin/         the `evs-snapshots` command and its helpers (format.mjs)
//                    (Node only: imports index.mjs; not in the browser entry)
//
// How each setting finds the .wasm: pkg-template/src/load.js.
// The browser files are minified; Node's .cjs files are not.
//
// Usage: node scripts/build-pkg.mjs
import { readFileSync, writeFileSync, copyFileSync, existsSync, mkdirSync, rmSync, readdirSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { buildSync, transformSync } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tpl = join(root, 'pkg-template');
const pkg = join(root, 'pkg');
const lib = join(pkg, 'lib');

const need = (p) => {
  if (!existsSync(p)) throw new Error(`missing ${p}: run 'make build'`);
  return p;
};
need(join(lib, 'evs_snapshots_bg.wasm'));
need(join(lib, 'evs_snapshots.js'));
mkdirSync(lib, { recursive: true });

/** One source, two module formats: the file's single `export { a, b };` line becomes module.exports. */
function esmAndCjs(name, src = readFileSync(join(tpl, 'src', `${name}.js`), 'utf8')) {
  const exportLine = /^export \{([^}]*)\};\s*$/m;
  const m = src.match(exportLine);
  if (!m || /^\s*(import|export)\b/m.test(src.replace(exportLine, ''))) {
    throw new Error(`${name}.js must import nothing and end with one 'export { ... };' line`);
  }
  writeFileSync(join(lib, `${name}.js`), src);
  writeFileSync(
    join(lib, `${name}.cjs`),
    `'use strict';\n${src.replace(exportLine, `module.exports = {${m[1]}};\n`)}`,
  );
}
esmAndCjs('api');
esmAndCjs('load');
esmAndCjs('env');
esmAndCjs('statuses');

// The wasm as base64, for bundles that did not take the .wasm file along
// (esbuild, and every Node bundle): loaded only when the file is not found.
// pkg-template/src/evs_snapshots_bg.inline.js with the module's bytes put in.
{
  const name = 'evs_snapshots_bg.inline';
  const src = readFileSync(join(tpl, 'src', `${name}.js`), 'utf8');
  const [before, after, ...more] = src.split("'@WASM_BASE64@'");
  if (after === undefined || more.length) throw new Error(`${name}.js must hold '@WASM_BASE64@' once`);
  esmAndCjs(name, `${before}'${readFileSync(join(lib, 'evs_snapshots_bg.wasm')).toString('base64')}'${after}`);
}

// The glue for require: wasm-bindgen's web glue as CommonJS, bundled so that
// any snippet files it imports come along (its default export, the async
// init, is never called there without a module, so import.meta is not needed).
buildSync({
  entryPoints: [join(lib, 'evs_snapshots.js')],
  outfile: join(lib, 'evs_snapshots.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'neutral',
  define: { 'import.meta.url': 'undefined' },
  logLevel: 'error',
});

// The entries, pkg-template/index.{js,cjs,mjs}, as written (index.js is
// bundled below). Each names the same exports; checked once they are built.
for (const f of ['index.js', 'index.cjs', 'index.mjs']) copyFileSync(join(tpl, f), join(pkg, f));

// What a browser downloads is minified with esbuild (a devDependency):
// index.js becomes one module with api.js and load.js inside it, importing
// only the wasm-bindgen glue and the inline copy, which stay in lib/.
// index.js's `new URL('./lib/evs_snapshots_bg.wasm', import.meta.url)`,
// which bundlers follow, points at the .wasm from where index.js is. Node's .cjs files stay as written. The readable
// sources are pkg-template/src/ and the glue wasm-bindgen writes.
{
  const out = buildSync({
    entryPoints: [join(pkg, 'index.js')],
    bundle: true,
    format: 'esm',
    minify: true,
    legalComments: 'none',
    external: ['./lib/evs_snapshots.js', './lib/evs_snapshots_bg.inline.js'],
    write: false,
  });
  writeFileSync(join(pkg, 'index.js'), out.outputFiles[0].text);
  for (const f of ['api.js', 'load.js', 'env.js', 'statuses.js']) rmSync(join(lib, f));
}
for (const f of ['lib/evs_snapshots.js', 'lib/evs_snapshots_bg.inline.js']) {
  const file = join(pkg, f);
  const { code } = transformSync(readFileSync(file, 'utf8'), { minify: true, format: 'esm', legalComments: 'none' });
  writeFileSync(file, code);
}

const meta = JSON.parse(readFileSync(join(tpl, 'package.json'), 'utf8'));
const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
meta.version = cargo.match(/^version = "([^"]+)"/m)[1];
writeFileSync(join(pkg, 'package.json'), `${JSON.stringify(meta, null, 2)}\n`);
// The licence the package.json names, with the code it covers.
copyFileSync(join(root, 'LICENSE'), join(pkg, 'LICENSE'));
for (const f of ['README.md', 'index.d.ts']) {
  if (existsSync(join(tpl, f))) copyFileSync(join(tpl, f), join(pkg, f));
}
if (existsSync(join(tpl, 'index.d.ts'))) copyFileSync(join(tpl, 'index.d.ts'), join(pkg, 'index.d.cts'));

// The `evs-snapshots` command (issue 13) and its helpers: copied as written.
// It imports ../index.mjs, so the browser entry above does not change.
mkdirSync(join(pkg, 'bin'), { recursive: true });
// Its helpers beside it (format.mjs) are modules, not commands: not executable.
const commands = new Set(Object.values(meta.bin).map((p) => p.replace(/^(\.\/)?bin\//, '')));
for (const f of readdirSync(join(tpl, 'bin'))) {
  copyFileSync(join(tpl, 'bin', f), join(pkg, 'bin', f));
  if (commands.has(f)) chmodSync(join(pkg, 'bin', f), 0o755);
}

// The three entries are written by hand: they must name the same exports.
{
  const names = (m) => Object.keys(m).filter((k) => k !== 'default').sort().join(', ');
  const want = names(createRequire(import.meta.url)(join(pkg, 'index.cjs')));
  for (const f of ['index.mjs', 'index.js']) {
    const got = names(await import(pathToFileURL(join(pkg, f)).href));
    if (got !== want) throw new Error(`pkg/${f} exports ${got}; index.cjs exports ${want}`);
  }
}

// One list of statuses: index.d.ts's STATUSES tuple is src/statuses.js's.
{
  const { STATUSES } = createRequire(import.meta.url)(join(lib, 'statuses.cjs'));
  const m = readFileSync(join(pkg, 'index.d.ts'), 'utf8').match(/^export declare const STATUSES: readonly \[([^\]]*)\];$/m);
  const typed = m && JSON.parse(`[${m[1]}]`);
  if (JSON.stringify(typed) !== JSON.stringify(STATUSES)) {
    throw new Error(`index.d.ts's STATUSES ${JSON.stringify(typed)} is not src/statuses.js's ${JSON.stringify(STATUSES)}`);
  }
}
