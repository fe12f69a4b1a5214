// The check that every docs/*.md section the repository cites by name is
// there (scripts/check-doc-sections.mjs, run by `make test-rust`): it reads
// the citations as they are written (across comment lines, several in
// parentheses, Markdown anchors), finds a broken one in a made-up tree, and
// finds none in this repository. Anchors expected here are GitHub's, worked
// out by hand from its rule (lower case, punctuation dropped, spaces made
// hyphens).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, citations, headings, slug } from '../../scripts/check-doc-sections.mjs';

const dirs = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('headings: their texts without Markdown marks, and GitHub anchors; fenced code is no heading', () => {
  const h = headings('# Title\n\n## `signRequest`\n\n```sh\n# not a heading\n```\n\n## IAM: finding a region\'s project ID\n### Errors\n## Errors\n## AK/SK in the calls ##\n');
  assert.deepEqual([...h.texts], ['Title', 'signRequest', "IAM: finding a region's project ID", 'Errors', 'AK/SK in the calls']);
  assert.deepEqual([...h.anchors], ['title', 'signrequest', 'iam-finding-a-regions-project-id', 'errors', 'errors-1', 'aksk-in-the-calls']);
  assert.equal(slug('Retries, timeouts and cancellation'), 'retries-timeouts-and-cancellation');
});

test('citations: one section, a section broken across comment lines, several in parentheses, anchors', () => {
  const rust = [
    '//! The walk (docs/contract.md "paginateSnapshots").',
    '/// Signs it (docs/contract.md "Signing other',
    '/// calls"): the rest.',
    '/// The wire (docs/evs-api.md ("Show one snapshot", "List snapshots" and "Snapshot fields")) and "not a section".',
    '/// See docs/contract.md#invalid-input.',
  ].join('\n');
  assert.deepEqual(citations(rust, 'src/x.rs'), [
    { doc: 'docs/contract.md', section: 'paginateSnapshots', line: 1 },
    { doc: 'docs/contract.md', section: 'Signing other calls', line: 2 },
    { doc: 'docs/evs-api.md', section: 'Show one snapshot', line: 4 },
    { doc: 'docs/evs-api.md', section: 'List snapshots', line: 4 },
    { doc: 'docs/evs-api.md', section: 'Snapshot fields', line: 4 },
    { doc: 'docs/contract.md', anchor: 'invalid-input', line: 5 },
  ]);
  assert.deepEqual(citations('# see docs/contract.md "Errors"\nx: y\n', 'Makefile'), [{ doc: 'docs/contract.md', section: 'Errors', line: 1 }]);
  // JS: a line comment and a block comment.
  assert.deepEqual(citations('/**\n * Every failure: see docs/contract.md\n * "Errors".\n */', 'api.js'), [{ doc: 'docs/contract.md', section: 'Errors', line: 3 }]);
  // Markdown: a link to another page's heading, and to one of its own.
  assert.deepEqual(citations('See [the contract](contract.md#invalid-input) and [below](#the-vector-file); [site](https://example.com/a.md#x).\n', 'docs/signing.md'), [
    { doc: 'docs/contract.md', anchor: 'invalid-input', line: 1 },
    { doc: 'docs/signing.md', anchor: 'the-vector-file', line: 1 },
  ]);
  // A quoted text after the path that is not right after it is not a citation.
  assert.deepEqual(citations('// docs/contract.md says "hello"', 'a.mjs'), []);
});

test('check: a made-up tree with a broken section, a broken anchor and a missing page; each named by file and line', () => {
  const root = mkdtempSync(join(tmpdir(), 'doc-sections-'));
  dirs.push(root);
  mkdirSync(join(root, 'docs'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'docs', 'contract.md'), '# Contract\n\n## Errors\n\n## Reading snapshots\n\n### paginateSnapshots\n\nSee [errors](#errors) and [nothing](#functions).\n');
  writeFileSync(join(root, 'src', 'lib.rs'), '//! Pages (docs/contract.md "paginateSnapshots").\n\n/// What JS gets (docs/contract.md "Functions").\npub fn f() {}\n/// docs/nope.md "Errors"\n');
  writeFileSync(join(root, 'Makefile'), '# docs/contract.md "Errors" and docs/contract.md#reading-snapshots\n');
  assert.deepEqual(check(root), [
    'docs/contract.md:9: docs/contract.md has no heading with the anchor #functions',
    'src/lib.rs:3: docs/contract.md has no section "Functions"',
    'src/lib.rs:5: docs/nope.md does not exist',
  ]);
});

test('check: every docs/*.md section this repository cites is there', () => {
  assert.deepEqual(check(), []);
});
