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

test('isSnapshotStatus: in every entry (import, require, the browser entry, slim); true for the seven documented statuses only', async () => {
  const { isSnapshotStatus } = await import('evs-snapshots');
  const entries = {
    import: isSnapshotStatus,
    require: require('evs-snapshots').isSnapshotStatus,
    'index.js': (await import(pathToFileURL(join(dir, 'index.js')).href)).isSnapshotStatus,
    'slim.js': (await import(pathToFileURL(join(dir, 'slim.js')).href)).isSnapshotStatus,
    'evs-snapshots/slim (Node)': (await import('evs-snapshots/slim')).isSnapshotStatus,
  };
  // import and require share one module instance in Node.
  assert.equal(entries.require, isSnapshotStatus);
  for (const [entry, f] of Object.entries(entries)) {
    assert.equal(typeof f, 'function', entry);
    for (const s of DOCUMENTED) assert.equal(f(s), true, `${entry}: ${s}`);
    // Near misses and values that are no string: false, never a throw.
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const others = ['', 'Available', ' available', 'available ', 'frozen', 'backing_up', 'error-deleting', new String('available'), ['available'], { toString: () => 'available' }, 1, null, undefined, Symbol('available'), revoked.proxy];
    others.forEach((s, i) => assert.equal(f(s), false, `${entry}: others[${i}]`));
  }
});

test('index.d.ts: isSnapshotStatus is a type guard, and the list and wait status options take the same type', () => {
  for (const f of ['index.d.ts', 'index.d.cts']) {
    const d = readFileSync(join(dir, f), 'utf8');
    assert.match(d, /^export declare function isSnapshotStatus\(s: unknown\): s is SnapshotStatus;$/m, f);
    const list = d.match(/export interface ListOptions \{[\s\S]*?\n {2}status\?: ([^;]+);/)[1];
    const wait = d.match(/export interface WaitOptions \{[\s\S]*?\n {2}status\?: ([^;]+);/)[1];
    assert.equal(list, wait, f);
    assert.equal(list, 'SnapshotStatus | null | undefined', f);
  }
});
