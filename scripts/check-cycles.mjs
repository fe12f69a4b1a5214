#!/usr/bin/env node
// Fails when files import each other in a loop (issue 29): JavaScript
// `import … from './x'` / `export … from './x'` / `import('./x')` between
// the repository's own files, and Rust `use crate::…` / `super::…` between
// the modules of src/. A loop means neither file reads alone; the fix is to
// move the shared piece down into a module both import.
//
//   node scripts/check-cycles.mjs          # exit 1 and print each loop found
//   node scripts/check-cycles.mjs --graph  # also print every edge
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SKIP = new Set(['node_modules', 'target', 'pkg', '.git', 'test-output', '.venv', 'dist', '.next', '.angular']);

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name) || name.startsWith('.')) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** JS: relative specifiers only (packages and the built pkg/ are not ours to loop through). */
function jsEdges(file) {
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const specs = new Set();
  const patterns = [
    /\bimport\s+(?:[\w*{}\s,$]+\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/g,
    /\bexport\s+(?:\*|\{[^}]*\})(?:\s+as\s+\w+)?\s+from\s+['"](\.{1,2}\/[^'"]+)['"]/g,
    /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) specs.add(m[1]);
  const edges = [];
  for (const spec of specs) {
    const target = resolve(dirname(file), spec);
    if (existsSync(target) && statSync(target).isFile()) edges.push(target);
  }
  return edges;
}

/** Rust: a file in src/ names the module files it uses (`crate::core::x`, `super::x`, `crate::wasm::x`). */
function rustModule(file) {
  const rel = relative(join(root, 'src'), file).replace(/\.rs$/, '');
  const parts = rel.split('/');
  if (parts.at(-1) === 'mod' || parts.at(-1) === 'lib') parts.pop();
  return parts; // e.g. ['core', 'call']
}

function rustEdges(file, byModule) {
  const text = readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '');
  // Test modules inside a file may use anything: only the file's own code counts.
  const code = text.split(/#\[cfg\(test\)\]\s*mod\s+tests/)[0];
  const self = rustModule(file);
  const edges = new Set();
  const add = (path) => {
    // The longest prefix of the path that is a module file.
    for (let n = path.length; n > 0; n--) {
      const key = path.slice(0, n).join('/');
      if (byModule.has(key)) {
        const target = byModule.get(key);
        if (target !== file) edges.add(target);
        return;
      }
    }
  };
  for (const m of code.matchAll(/\b(crate|super)((?:::\w+)+)/g)) {
    const segs = m[2].split('::').filter(Boolean);
    const base = m[1] === 'crate' ? [] : self.slice(0, -1);
    add([...base, ...segs]);
  }
  // `use crate::core::{a, b::C}` groups
  for (const m of code.matchAll(/\b(crate|super)((?:::\w+)*)::\{([^}]*)\}/g)) {
    const prefix = m[2].split('::').filter(Boolean);
    const base = m[1] === 'crate' ? [] : self.slice(0, -1);
    for (const item of m[3].split(',')) {
      const segs = item.trim().split('::').filter((s) => /^\w+$/.test(s));
      if (segs.length) add([...base, ...prefix, ...segs]);
    }
  }
  return [...edges];
}

const files = walk(root);
const graph = new Map();
const js = files.filter((f) => /\.(mjs|cjs|js)$/.test(f) && !f.includes('/fuzz/'));
for (const f of js) graph.set(f, jsEdges(f));

const rs = files.filter((f) => f.startsWith(join(root, 'src') + '/') && f.endsWith('.rs'));
const byModule = new Map(rs.map((f) => [rustModule(f).join('/'), f]));
for (const f of rs) graph.set(f, rustEdges(f, byModule));

if (process.argv.includes('--graph')) {
  for (const [f, es] of graph) for (const e of es) console.log(`${relative(root, f)} -> ${relative(root, e)}`);
}

// Tarjan's strongly connected components: every component of more than one file is a loop.
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const on = new Set();
const loops = [];
function strong(v) {
  idx.set(v, index);
  low.set(v, index);
  index++;
  stack.push(v);
  on.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!idx.has(w)) {
      strong(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      on.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1) loops.push(comp);
  }
}
for (const v of graph.keys()) if (!idx.has(v)) strong(v);

if (loops.length) {
  for (const comp of loops) {
    console.error(`import loop: ${comp.map((f) => relative(root, f)).sort().join(' <-> ')}`);
  }
  process.exit(1);
}
console.log(`no import loops among ${js.length} JavaScript and ${rs.length} Rust files`);
