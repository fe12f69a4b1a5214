#!/usr/bin/env node
// Every section of a docs/*.md page that the repository cites by name exists
// there as a heading. `cargo doc` and TypeScript cannot see a citation such
// as docs/contract.md "Functions" in a comment, nor a Markdown link to
// contract.md#invalid-input; this check can (run by `make test-rust`, tested
// by tests/node/doc-sections.test.mjs).
//
// What counts as a citation, in the comments and text of Rust, JS, TS,
// Makefiles, shell, Python, HTML, CSS and Markdown files:
//   docs/NAME.md "Section"                  (also across comment lines)
//   docs/NAME.md ("One", "Two" and "Three")
//   docs/NAME.md#anchor, and in Markdown [text](NAME.md#anchor) or (#anchor)
// A quoted section must be a heading's text exactly (backticks and
// emphasis markers aside); an anchor must be a heading's GitHub anchor.
//
//   node scripts/check-doc-sections.mjs        # exit 1 and one line per broken citation
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname, relative, sep, posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Files looked in, by extension (and Makefiles by name). */
const SOURCE = /(?:\.(?:rs|js|mjs|cjs|ts|mts|cts|md|sh|py|html|css|toml)|(?:^|[\\/])Makefile)$/;
/** Directories not looked in: built output, dependencies, fuzz corpora. */
const SKIP_DIRS = new Set(['.git', 'node_modules', 'target', 'pkg', 'test-output', 'corpus', 'artifacts', '.venv']);
/** This check and its test: their examples of citations, broken ones included, are no citations. */
const SKIP_FILES = new Set(['scripts/check-doc-sections.mjs', 'tests/node/doc-sections.test.mjs']);

/** Every file under `dir` that SOURCE matches, SKIP_DIRS left out; paths relative to `dir`. */
export function sourceFiles(dir = ROOT) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
      } else if (e.isFile() && SOURCE.test(e.name)) {
        const file = relative(dir, p).split(sep).join('/');
        if (!SKIP_FILES.has(file)) out.push(file);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** A heading's text as cited: Markdown's inline code and emphasis markers dropped, white space made single. */
const plain = (s) => s.replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim();

/**
 * GitHub's anchor of a heading: lower case; what is not a letter, digit,
 * space, hyphen or underscore dropped; spaces made hyphens.
 */
export const slug = (text) =>
  plain(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');

/** The headings of a Markdown text (fenced code left out): their texts, and their anchors (a repeated one numbered, -1, -2, as GitHub does). */
export function headings(markdown) {
  const texts = new Set();
  const anchors = new Set();
  const seen = new Map();
  let fence = null;
  for (const line of markdown.split('\n')) {
    const f = /^\s*(```|~~~)/.exec(line);
    if (f) {
      if (fence === null) fence = f[1];
      else if (fence === f[1]) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    texts.add(plain(m[1]));
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return { texts, anchors };
}

/**
 * A file's text with comment markers taken off each line (`//`, `///`,
 * `//!`, `/*`, `*`, `#`; Markdown and HTML as they are), so that a section
 * name broken across comment lines reads as one.
 */
function uncommented(text, file) {
  if (/\.(?:md|html)$/.test(file)) return text;
  return text
    .split('\n')
    .map((l) => l.replace(/^\s*(?:\/\/[/!]?|\/\*+|\*(?!\/)|#(?![#!]))\s?/, ''))
    .join('\n');
}

const lineOf = (text, index) => text.slice(0, index).split('\n').length;

/**
 * The citations in one file's text: { doc, section } or { doc, anchor },
 * each with its line. `doc` is the cited page's path from the repository's
 * root (docs/NAME.md).
 */
export function citations(text, file) {
  const out = [];
  const body = uncommented(text, file);
  // docs/NAME.md "Section", or ("One", "Two" and "Three").
  const cite = /docs\/([A-Za-z0-9_-]+\.md)`?[ \t]*(?:\n[ \t]*)?(\(?)[ \t]*(?=")/g;
  for (let m; (m = cite.exec(body)); ) {
    const doc = `docs/${m[1]}`;
    const quoted = /"([^"\n]*(?:\n[^"\n]*){0,2})"/y;
    const between = /\s*(?:,\s*(?:and\s+)?|and\s+)(?=")/y;
    let at = cite.lastIndex;
    for (;;) {
      quoted.lastIndex = at;
      const q = quoted.exec(body);
      if (!q) break;
      out.push({ doc, section: q[1].replace(/\s+/g, ' ').trim(), line: lineOf(body, q.index) });
      at = quoted.lastIndex;
      if (!m[2]) break; // without parentheses, one section
      between.lastIndex = at;
      if (!between.exec(body)) break;
      at = between.lastIndex;
    }
  }
  // docs/NAME.md#anchor anywhere.
  for (const m of body.matchAll(/docs\/([A-Za-z0-9_-]+\.md)#([\p{L}\p{N}_-]+)/gu)) {
    out.push({ doc: `docs/${m[1]}`, anchor: m[2], line: lineOf(body, m.index) });
  }
  // Markdown links: [text](page.md#anchor) relative to the file, (#anchor) in the file itself.
  if (file.endsWith('.md')) {
    for (const m of text.matchAll(/\]\(([^)\s#]*)#([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(m[1]) || !(m[1] === '' || m[1].endsWith('.md'))) continue;
      const doc = m[1] === '' ? file : posix.normalize(posix.join(posix.dirname(file), m[1]));
      out.push({ doc, anchor: decodeURIComponent(m[2]), line: lineOf(text, m.index) });
    }
  }
  return out;
}

/** Every broken citation under `root`: "file:line: ..." lines, empty when all are sound. */
export function check(root = ROOT) {
  const problems = [];
  const pages = new Map();
  const page = (doc) => {
    if (!pages.has(doc)) {
      const p = join(root, doc);
      pages.set(doc, existsSync(p) ? headings(readFileSync(p, 'utf8')) : null);
    }
    return pages.get(doc);
  };
  for (const file of sourceFiles(root)) {
    const text = readFileSync(join(root, file), 'utf8');
    if (!file.endsWith('.md') && !text.includes('.md')) continue;
    for (const c of citations(text, file)) {
      const h = page(c.doc);
      const where = `${file}:${c.line}`;
      if (h === null) problems.push(`${where}: ${c.doc} does not exist`);
      else if (c.section !== undefined && !h.texts.has(c.section)) problems.push(`${where}: ${c.doc} has no section "${c.section}"`);
      else if (c.anchor !== undefined && !h.anchors.has(c.anchor)) problems.push(`${where}: ${c.doc} has no heading with the anchor #${c.anchor}`);
    }
  }
  return problems;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const problems = check();
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`${problems.length} citation${problems.length === 1 ? '' : 's'} of a docs/*.md section that is not there`);
    process.exit(1);
  }
  console.log('docs/*.md sections cited in the repository: all present');
}
