// Third-party notices (issue 27 §5): the .wasm and its glue carry code of
// crates under MIT, whose licence asks that its notice go with every copy.
// pkg-template/THIRD_PARTY_NOTICES.md is cargo-about's account of them
// (scripts/notices.sh; `make test-notices` regenerates it and diffs). Here,
// independently of cargo-about: Cargo's own dependency graph of the wasm32
// build (cargo metadata) names the same crates at the same versions, each
// with the licence its Cargo.toml declares, and each MIT crate's notice is
// its own licence file, copyright line included; the package carries it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NOTICES = readFileSync(join(root, 'pkg-template', 'THIRD_PARTY_NOTICES.md'), 'utf8');

/**
 * The packages the wasm32 build compiles, by Cargo: from the crate, along
 * normal dependency edges that apply to wasm32-unknown-unknown (dev and build
 * edges left out), the crate itself left out. Proc-macros (serde_derive,
 * wasm-bindgen-macro) are normal edges: the code they write is in the .wasm.
 */
function wasmCrates() {
  const meta = JSON.parse(
    execFileSync('cargo', ['metadata', '--format-version', '1', '--locked', '--filter-platform', 'wasm32-unknown-unknown'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const nodes = new Map(meta.resolve.nodes.map((n) => [n.id, n]));
  const packages = new Map(meta.packages.map((p) => [p.id, p]));
  const seen = new Set([meta.resolve.root]);
  const todo = [meta.resolve.root];
  while (todo.length) {
    for (const dep of nodes.get(todo.pop()).deps) {
      if (!dep.dep_kinds.some((k) => k.kind === null)) continue;
      if (!seen.has(dep.pkg)) {
        seen.add(dep.pkg);
        todo.push(dep.pkg);
      }
    }
  }
  seen.delete(meta.resolve.root);
  return [...seen].map((id) => packages.get(id));
}

/** The notices' crate table: rows of crate, version, licence chosen, licence offered. */
function table() {
  const section = NOTICES.split('\n## Crates\n')[1].split('\n## ')[0];
  return section
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| crate ') && !l.startsWith('| ---'))
    .map((l) => {
      const [name, version, chosen, offered] = l.slice(2, -2).split(' | ');
      return { name, version, chosen, offered };
    });
}

const squash = (s) => s.replace(/\s+/g, ' ').trim();

test('the notices name exactly the crates of the wasm32 build, at the versions of Cargo.lock, with the licence each declares', () => {
  const crates = wasmCrates();
  // The crates issue 27 names, and none of the native or test-only ones.
  const names = new Set(crates.map((p) => p.name));
  for (const n of ['talc', 'serde-wasm-bindgen', 'wasm-bindgen', 'serde_json', 'sha2']) assert.ok(names.has(n), n);
  for (const n of ['wasm-bindgen-test', 'cpufeatures', 'evs-snapshots']) assert.ok(!names.has(n), n);

  const rows = table();
  const listed = [...new Set(rows.map((r) => `${r.name} ${r.version}`))].sort();
  assert.deepEqual(listed, crates.map((p) => `${p.name} ${p.version}`).sort(), 'run scripts/notices.sh');
  for (const r of rows) {
    const p = crates.find((c) => c.name === r.name && c.version === r.version);
    assert.equal(r.offered, p.license, `${r.name}: Cargo.toml says ${p.license}`);
    // The licence chosen is one the expression offers.
    assert.ok(r.offered.split(/[\s()]+/).includes(r.chosen), `${r.name}: ${r.chosen} is not in ${r.offered}`);
  }
});

test("each crate under MIT has its own notice in the file: the crate's licence file, copyright line and all", () => {
  const crates = wasmCrates();
  const mit = table().filter((r) => r.chosen === 'MIT');
  assert.ok(mit.length >= 10);
  const text = squash(NOTICES);
  const sections = NOTICES.split('\n### ').slice(1);
  for (const r of mit) {
    const p = crates.find((c) => c.name === r.name && c.version === r.version);
    const dir = dirname(p.manifest_path);
    // The crate's own MIT file (LICENSE-MIT, LICENSE-MIT.md, or a LICENSE that is MIT's text).
    const files = readdirSync(dir).filter((f) => /^licen[cs]e(-mit)?(\.md|\.txt)?$/i.test(f));
    const section = sections.find((s) => s.startsWith('MIT License: ') && s.split('\n')[0].split(/: |, /).includes(`${r.name} ${r.version}`));
    assert.ok(section, `${r.name}: no MIT section names it`);
    if (files.length === 0) {
      // A crate published without a licence file (gloo-net, gloo-utils): the
      // standard text, and the authors its Cargo.toml names as the holders.
      assert.match(squash(section), /ship no licence file/, r.name);
      assert.ok(p.authors.length > 0, r.name);
      for (const a of p.authors) assert.ok(squash(section).includes(a), `${r.name}: ${a} is not named`);
      continue;
    }
    const own = files.map((f) => readFileSync(join(dir, f), 'utf8')).find((t) => /Permission is hereby granted/.test(t));
    assert.ok(own, `${r.name}: no MIT licence text in ${files.join(', ')} (${dir})`);
    assert.ok(squash(section).includes(squash(own)), `${r.name}: its licence file's text is not under its heading`);
    assert.ok(text.includes(squash(own)));
  }
});

test('the package carries the notices: pkg/ holds the same file and package.json lists it', () => {
  assert.equal(readFileSync(join(root, 'pkg', 'THIRD_PARTY_NOTICES.md'), 'utf8'), NOTICES);
  const meta = JSON.parse(readFileSync(join(root, 'pkg', 'package.json'), 'utf8'));
  assert.ok(meta.files.includes('THIRD_PARTY_NOTICES.md'));
});
