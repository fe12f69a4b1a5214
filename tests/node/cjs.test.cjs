// The built package through require(), as a CommonJS user has it.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const evs = require('evs-snapshots');

let mock;
let data;
before(async () => {
  const { startMockEvs } = await import('../mock-evs/server.mjs');
  data = await import('../mock-evs/data.mjs');
  mock = await startMockEvs({ port: 0, quiet: true });
});
after(() => mock.close());

test('require() exposes the whole API', () => {
  for (const name of ['getSnapshot', 'listSnapshots', 'paginateSnapshots', 'signRequest', 'ready']) {
    assert.equal(typeof evs[name], 'function', name);
  }
  assert.equal(typeof evs.EvsError, 'function');
});

test('require() and import share one EvsError class and one module', async () => {
  const esm = await import('evs-snapshots');
  assert.equal(esm.EvsError, evs.EvsError);
  assert.equal(esm.getSnapshot, evs.getSnapshot);
});

test('getSnapshot and listSnapshots work through require()', async () => {
  const cfg = { projectId: data.PROJECT_ID, endpoint: mock.apiUrl };
  const first = data.SNAPSHOTS[0];
  const snap = await evs.getSnapshot(cfg, first.id);
  assert.equal(snap.id, first.id);
  assert.equal(snap.volumeId, first.volume_id);
  const page = await evs.listSnapshots(cfg, { limit: 5 });
  assert.equal(page.snapshots.length, 5);
  assert.equal(typeof page.nextMarker, 'string');
  let n = 0;
  for await (const s of evs.paginateSnapshots(cfg, { limit: 100 })) n += s.id ? 1 : 0;
  assert.equal(n, data.SNAPSHOTS.length);
});

test('errors from require() are EvsError instances of the import class too', async () => {
  const esm = await import('evs-snapshots');
  const err = await evs.getSnapshot({ projectId: 'p', endpoint: mock.apiUrl }, '').catch((e) => e);
  assert.ok(err instanceof evs.EvsError);
  assert.ok(err instanceof esm.EvsError);
  assert.equal(err.kind, 'invalid_input');
});
