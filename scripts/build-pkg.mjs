#!/usr/bin/env node
// Assembles the npm package in pkg/ from pkg-template/ and the wasm-bindgen
// output (already in pkg/lib/). scripts/sizes.mjs then reports its sizes.
//
//   pkg/index.js     browser, worker, bundlers, and Node bundles resolved
//                    without the `node` condition (pkg-template/index.js
//                    bundled: one minified ES module with api, env and
//                    statuses inside; imports lib/wasm.js on first use)
//   pkg/slim.js      evs-snapshots/slim: index.js without the inline copy
//   pkg/static.js    index.js with the glue and the inline copy imported
//                    statically, for bundlers without a development or
//                    production condition (esbuild: its --splitting)
//   pkg/index.cjs    Node require (the Node build's glue as CommonJS, given
//                    lib/evs_snapshots_node.wasm's bytes with initSync)
//   pkg/index.mjs    Node import, Deno, Bun: the same as ES modules (no
//                    CommonJS on the way: Vite's dev server runs it with
//                    ssr.noExternal); the two share one set of exports per
//                    process (lib/shared.js)
//   pkg/lib/         api, load, env, statuses, shared, proxy (pkg-template/src/,
//                    each as .js for index.mjs and .cjs for index.cjs), rules.js
//                    (the rules the command and the dashboard share: no entry
//                    imports it), wasm.js
//                    (the `web` glue and load.js, for the browser entries),
//                    the Node build's glue as ES module (evs_snapshots_node.js)
//                    and as CommonJS (evs_snapshots.cjs),
//                    evs_snapshots_bg.wasm (the browser's build, -Oz) and
//                    evs_snapshots_node.wasm (the Node build, the crate at
//                    opt-level 3: Cargo.toml's `node` profile), and their
//                    inline base64 copies (evs_snapshots_bg.inline.js,
//                    evs_snapshots_node.inline.json) for bundles without the file
//   pkg/slim/package.json  evs-snapshots/slim for resolvers without "exports"
//   pkg/THIRD_PARTY_NOTICES.md  the licences of the crates in the .wasm
//   pkg/bin/         the `evs-snapshots` command and its helpers (format.mjs,
//                    serve.mjs) (Node only: imports index.mjs; not in the
//                    browser entry)
//   pkg/dashboard/   the dashboard (www/, copied as written), which
//                    `evs-snapshots serve` serves with the package's browser
//                    build at /pkg/ beside it (its import map's path)
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
for (const f of ['evs_snapshots_bg.wasm', 'evs_snapshots.js', 'evs_snapshots_node.wasm', 'evs_snapshots_node.js']) need(join(lib, f));
mkdirSync(lib, { recursive: true });

/**
 * One source, two module formats (or the one of `formats` asked for): the
 * file's single `export { a, b };` line becomes module.exports in the .cjs.
 */
function esmAndCjs(name, src = readFileSync(join(tpl, 'src', `${name}.js`), 'utf8'), formats = ['js', 'cjs']) {
  const exportLine = /^export \{([^}]*)\};\s*$/m;
  const m = src.match(exportLine);
  if (!m || /^\s*(import|export)\b/m.test(src.replace(exportLine, ''))) {
    throw new Error(`${name}.js must import nothing and end with one 'export { ... };' line`);
  }
  if (formats.includes('js')) writeFileSync(join(lib, `${name}.js`), src);
  if (formats.includes('cjs')) {
    writeFileSync(join(lib, `${name}.cjs`), `'use strict';\n${src.replace(exportLine, `module.exports = {${m[1]}};\n`)}`);
  }
}
const meta = JSON.parse(readFileSync(join(tpl, 'package.json'), 'utf8'));
const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
meta.version = cargo.match(/^version = "([^"]+)"/m)[1];

esmAndCjs('api');
esmAndCjs('load');
esmAndCjs('env');
esmAndCjs('statuses');
// The signing proxy (createProxy): Node, Deno and Bun only, for index.cjs and index.mjs.
esmAndCjs('proxy');
// The rules the command (bin/format.mjs: ../lib/rules.js) and the dashboard
// (its import map's `evs-snapshots/rules`) share: escaping service text, the
// CSV formula rule. An ES module only; no entry imports it, so no library
// import or bundle grows for it.
esmAndCjs('rules', undefined, ['js']);
// The Node entries' one set of exports per process, its slot named with the version.
{
  const src = readFileSync(join(tpl, 'src', 'shared.js'), 'utf8');
  if (src.split('@VERSION@').length !== 2) throw new Error("shared.js must hold '@VERSION@' once");
  esmAndCjs('shared', src.replace('@VERSION@', meta.version));
}

// The wasm as base64 text, for bundles that did not take the .wasm file
// along (esbuild, and every Node bundle): loaded only when the file is not
// found (lib/load.js decodes it). The browser's build as an ES module
// (pkg-template/src/evs_snapshots_bg.inline.js with the text put in), for
// index.js; the Node build as a JSON file, one copy for index.cjs (require)
// and index.mjs (a JSON module), each beside the glue of its own build.
{
  const name = 'evs_snapshots_bg.inline';
  const src = readFileSync(join(tpl, 'src', `${name}.js`), 'utf8');
  const [before, after, ...more] = src.split("'@WASM_BASE64@'");
  if (after === undefined || more.length) throw new Error(`${name}.js must hold '@WASM_BASE64@' once`);
  const base64 = (wasm) => readFileSync(join(lib, wasm)).toString('base64');
  esmAndCjs(name, `${before}'${base64('evs_snapshots_bg.wasm')}'${after}`, ['js']);
  writeFileSync(join(lib, 'evs_snapshots_node.inline.json'), `${JSON.stringify(base64('evs_snapshots_node.wasm'))}\n`);
}

// The glue of the Node build for require and for import: wasm-bindgen's web
// glue as CommonJS (evs_snapshots.cjs) and as an ES module
// (evs_snapshots_node.js, in place), each bundled so that any snippet files
// it imports come along. Its default export, the async init, is never
// called (the entries give the bytes to initSync), so its
// `new URL('evs_snapshots_bg.wasm', import.meta.url)` goes: a bundler would
// take that for a file to emit (the browser's build, unused in Node).
for (const [format, outfile] of [
  ['cjs', join(lib, 'evs_snapshots.cjs')],
  ['esm', join(lib, 'evs_snapshots_node.js')],
]) {
  const out = buildSync({
    entryPoints: [join(lib, 'evs_snapshots_node.js')],
    bundle: true,
    format,
    platform: 'neutral',
    define: { 'import.meta.url': 'undefined' },
    logLevel: 'error',
    write: false,
  });
  writeFileSync(outfile, out.outputFiles[0].text);
}

// The entries, pkg-template/index.{js,cjs,mjs}, as written (index.js is
// bundled below), and two more from index.js, each with only the lines
// named below changed (each must be there once): slim.js
// (evs-snapshots/slim), without the inline copy; static.js, for bundlers
// that set no `development` or `production` condition (esbuild): the glue
// and the inline copy imported statically, so that esbuild --splitting
// writes no chunk for them when they are not used (pkg-template/index.js
// says why). Each names the same exports; checked once they are built.
for (const f of ['index.js', 'index.cjs', 'index.mjs']) copyFileSync(join(tpl, f), join(pkg, f));
{
  const src = readFileSync(join(tpl, 'index.js'), 'utf8');
  const inlineLine = "const inline = () => import('./lib/evs_snapshots_bg.inline.js').then((m) => m.base64);";
  const loadLine = "const load = () => import('./lib/wasm.js').then((m) => m.instantiate(inline));";
  for (const line of [inlineLine, loadLine]) {
    if (src.split(line).length !== 2) throw new Error(`pkg-template/index.js must hold "${line}" once`);
  }
  const slim = [
    '// evs-snapshots/slim, written by scripts/build-pkg.mjs from index.js: the',
    '// browser entry without the inline copy, for builds that emit and serve',
    '// the .wasm file. Where the file is missing a call is a `load` error.',
  ].join('\n');
  writeFileSync(join(pkg, 'slim.js'), `${slim}\n${src.replace(inlineLine, 'const inline = undefined;')}`);
  const statik = [
    '// The browser entry for bundlers without a `development` or `production`',
    '// condition (esbuild), written by scripts/build-pkg.mjs from index.js: the',
    '// glue and the inline copy imported statically, not with import().',
  ].join('\n');
  const staticSrc = src
    .replace(inlineLine, "import { base64 } from './lib/evs_snapshots_bg.inline.js';\nconst inline = () => base64;")
    .replace(loadLine, "import { instantiate } from './lib/wasm.js';\nconst load = () => instantiate(inline);");
  writeFileSync(join(pkg, 'static.js'), `${statik}\n${staticSrc}`);
}

// The browser's module, lib/wasm.js (pkg-template/src/wasm.js): the glue
// and load.js inside it, imported by the entries with import() on first use
// (static.js: statically).
// Its `new URL('./evs_snapshots_bg.wasm', import.meta.url)`, which bundlers
// follow, points at the .wasm beside it.
copyFileSync(join(tpl, 'src', 'wasm.js'), join(lib, 'wasm.js'));
{
  const out = buildSync({ entryPoints: [join(lib, 'wasm.js')], bundle: true, format: 'esm', minify: true, legalComments: 'none', write: false });
  writeFileSync(join(lib, 'wasm.js'), out.outputFiles[0].text);
}

// What a browser downloads is minified with esbuild (a devDependency):
// index.js, slim.js and static.js each become one module with api.js,
// env.js and statuses.js inside, importing lib/wasm.js and (not slim.js)
// the inline copy: with import(), static.js with import statements. Node's
// files stay as written. The readable sources are
// pkg-template/ and the glue wasm-bindgen writes.
for (const f of ['index.js', 'slim.js', 'static.js']) {
  const out = buildSync({
    entryPoints: [join(pkg, f)],
    bundle: true,
    format: 'esm',
    minify: true,
    legalComments: 'none',
    external: ['./lib/wasm.js', './lib/evs_snapshots_bg.inline.js'],
    write: false,
  });
  writeFileSync(join(pkg, f), out.outputFiles[0].text);
}
// The browser's glue is inside lib/wasm.js now. api.js, load.js, env.js
// and statuses.js are inside the browser bundles too, and stay for index.mjs.
rmSync(join(lib, 'evs_snapshots.js'));
{
  const file = join(lib, 'evs_snapshots_bg.inline.js');
  const { code } = transformSync(readFileSync(file, 'utf8'), { minify: true, format: 'esm', legalComments: 'none' });
  writeFileSync(file, code);
}

writeFileSync(join(pkg, 'package.json'), `${JSON.stringify(meta, null, 2)}\n`);
// The licence the package.json names, with the code it covers.
copyFileSync(join(root, 'LICENSE'), join(pkg, 'LICENSE'));
for (const f of ['README.md', 'index.d.ts']) {
  if (existsSync(join(tpl, f))) copyFileSync(join(tpl, f), join(pkg, f));
}
// The licences and notices of the crates compiled into the .wasm and its
// glue (MIT's and Apache-2.0's terms ask for them): written by
// scripts/notices.sh with cargo-about, committed, checked against Cargo.lock
// by `make test` (issue 27 §5).
if (!existsSync(join(tpl, 'THIRD_PARTY_NOTICES.md'))) throw new Error("missing pkg-template/THIRD_PARTY_NOTICES.md: run 'scripts/notices.sh'");
copyFileSync(join(tpl, 'THIRD_PARTY_NOTICES.md'), join(pkg, 'THIRD_PARTY_NOTICES.md'));
// evs-snapshots/slim for resolvers without "exports" (TypeScript's node10,
// webpack 4): a package.json in slim/ naming the same files the exports map
// gives (issue 27 §5: attw found slim untyped under node10).
mkdirSync(join(pkg, 'slim'), { recursive: true });
copyFileSync(join(tpl, 'slim', 'package.json'), join(pkg, 'slim', 'package.json'));
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

// The dashboard (www/), as written: `evs-snapshots serve` serves it at `/`
// and this package's browser build at `/pkg/` (index.html's import map).
// Only what a browser loads: HTML, CSS and JavaScript (folders kept).
{
  const www = join(root, 'www');
  const copy = (from, to) => {
    mkdirSync(to, { recursive: true });
    for (const e of readdirSync(from, { withFileTypes: true })) {
      if (e.isDirectory()) copy(join(from, e.name), join(to, e.name));
      else if (/\.(html|css|js)$/.test(e.name)) copyFileSync(join(from, e.name), join(to, e.name));
    }
  };
  rmSync(join(pkg, 'dashboard'), { recursive: true, force: true });
  copy(www, join(pkg, 'dashboard'));
  if (!existsSync(join(pkg, 'dashboard', 'index.html'))) throw new Error('www/index.html is missing');
}

// The entries are written by hand: they must name the same exports, but for
// the server's alone (createProxy, issue 26), which the browser entries
// (index.js, slim.js, static.js) do not have: a page bundle must not grow for them.
{
  const serverOnly = ['createProxy'];
  const names = (m, less = []) => Object.keys(m).filter((k) => k !== 'default' && !less.includes(k)).sort().join(', ');
  const cjs = createRequire(import.meta.url)(join(pkg, 'index.cjs'));
  for (const name of serverOnly) if (typeof cjs[name] !== 'function') throw new Error(`pkg/index.cjs does not export ${name}`);
  for (const [f, less] of [['index.mjs', []], ['index.js', serverOnly], ['slim.js', serverOnly], ['static.js', serverOnly]]) {
    const got = names(await import(pathToFileURL(join(pkg, f)).href));
    const want = names(cjs, less);
    if (got !== want) throw new Error(`pkg/${f} exports ${got}; it must export ${want}`);
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
