// The two Node entries (issue 25 §5): index.mjs is ES modules only, so that
// tools running a dependency's ES modules themselves can run it (the
// consumer matrix's Vite dev server row); a process that both imports and
// requires the package still has one package: the same exports, the same
// EvsError class and one module instance, whose IAM project cache
// (docs/contract.md "Project ID from IAM": "kept ... in the module
// instance") serves calls made through either entry. This file imports
// first; tests/node/cjs.test.cjs requires first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esm from 'evs-snapshots';
import { mockFor } from '../helpers/mock.mjs';
import { SNAPSHOTS, REGION } from '../mock-evs/data.mjs';

const require = createRequire(import.meta.url);
const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pkg');

test('import, then require: the same functions and the same EvsError class', () => {
  const cjs = require('evs-snapshots');
  const names = Object.keys(esm).sort();
  assert.deepEqual(Object.keys(cjs).sort(), names);
  for (const name of names) assert.equal(cjs[name], esm[name], name);
});

test('one module instance for both entries: the project ID IAM gave a call through import serves a call through require', async (t) => {
  const AK = 'AKENTRIES00000001';
  const SK = 'sk-entries-5e6f7a8b';
  const mock = await mockFor(t, { ak: AK, sk: SK });
  const cfg = { region: REGION, endpoint: mock.apiUrl, iamEndpoint: mock.apiUrl, auth: { accessKey: AK, secretKey: SK } };
  assert.equal((await esm.getSnapshot(cfg, SNAPSHOTS[0].id)).id, SNAPSHOTS[0].id);
  assert.deepEqual(mock.requests().map((r) => r.kind), ['iam', 'api']);
  mock.clearRequests();
  const cjs = require('evs-snapshots');
  assert.equal((await cjs.getSnapshot(cfg, SNAPSHOTS[1].id)).id, SNAPSHOTS[1].id);
  assert.deepEqual(mock.requests().map((r) => r.kind), ['api']);
  // And an error from either is an instance of either's class.
  const e = await cjs.getSnapshot(cfg, 'a/b').catch((x) => x);
  assert.ok(e instanceof esm.EvsError && e instanceof cjs.EvsError);
  assert.equal(e.kind, 'invalid_input');
});

test('index.mjs and what it imports are ES modules: no require, no .cjs file', () => {
  // The static graph from index.mjs, file by file (what a tool that runs ES
  // modules itself loads); the inline copy it may import() is JSON.
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    assert.ok(!/\brequire\s*\(|\bmodule\.exports\b/.test(src), `${file} uses CommonJS`);
    for (const m of src.matchAll(/\bfrom\s+'(\.[^']+)'|\bimport\s*\(\s*'(\.[^']+)'/g)) {
      const spec = m[1] ?? m[2];
      const target = join(dirname(file), spec);
      assert.ok(!target.endsWith('.cjs'), `${file} imports ${spec}`);
      if (target.endsWith('.js') || target.endsWith('.mjs')) visit(target);
    }
  };
  visit(join(pkg, 'index.mjs'));
  assert.deepEqual(
    [...seen].map((f) => f.slice(pkg.length + 1)).sort(),
    ['index.mjs', 'lib/api.js', 'lib/env.js', 'lib/evs_snapshots_node.js', 'lib/load.js', 'lib/proxy.js', 'lib/shared.js', 'lib/statuses.js'],
  );
});
