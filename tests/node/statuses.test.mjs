// STATUSES: one frozen list in every entry (import, require, the browser
// entry), the one index.d.ts types and the command checks --status against.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { STATUSES } from 'evs-snapshots';

const require = createRequire(import.meta.url);
const dir = dirname(require.resolve('evs-snapshots/package.json'));
const DOCUMENTED = ['creating', 'available', 'error', 'deleting', 'error_deleting', 'rollbacking', 'backing-up'];

test('STATUSES: the seven documented statuses, frozen, one array for import and require', () => {
  assert.deepEqual(STATUSES, DOCUMENTED);
  assert.ok(Object.isFrozen(STATUSES));
  assert.throws(() => STATUSES.push('frozen'), TypeError);
  assert.equal(require('evs-snapshots').STATUSES, STATUSES);
});

test('STATUSES: the browser entry has the same list; index.d.ts types the same tuple', async () => {
  const web = await import(pathToFileURL(join(dir, 'index.js')).href);
  assert.deepEqual(web.STATUSES, DOCUMENTED);
  assert.ok(Object.isFrozen(web.STATUSES));
  for (const f of ['index.d.ts', 'index.d.cts']) {
    const m = readFileSync(join(dir, f), 'utf8').match(/^export declare const STATUSES: readonly \[([^\]]*)\];$/m);
    assert.ok(m, f);
    assert.deepEqual(JSON.parse(`[${m[1]}]`), DOCUMENTED, f);
  }
});
