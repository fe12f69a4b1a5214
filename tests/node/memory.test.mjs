// The module survives load: wasm memory stays flat over 10,000 sequential
// calls (wasm memory never shrinks, so a leak shows as growth).
import { test } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { getSnapshot, listSnapshots } from 'evs-snapshots';
import { useMock } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';
// The glue module instance the package's `import` entry runs (node_modules/evs-snapshots -> pkg).
import * as raw from '../../pkg/lib/evs_snapshots_node.js';

const mock = useMock();
let cfg;
before(() => {
  cfg = { projectId: PROJECT_ID, endpoint: mock.apiUrl };
});

test('10,000 sequential calls leave wasm memory flat', async () => {
  // Warm up: the allocator reaches its working size.
  for (let i = 0; i < 200; i++) await getSnapshot(cfg, SNAPSHOTS[i % SNAPSHOTS.length].id);
  await listSnapshots(cfg, { limit: 1000 });
  const before = raw.memory_bytes();
  const rssBefore = process.memoryUsage().rss;
  for (let i = 0; i < 10000; i++) {
    if (i % 10 === 0) await listSnapshots(cfg, { limit: 50, status: 'available' });
    else if (i % 10 === 1) await getSnapshot(cfg, 'no-such-id').catch((e) => assert.equal(e.status, 404));
    else if (i % 10 === 2) await getSnapshot(cfg, 'a/b').catch((e) => assert.equal(e.kind, 'invalid_input'));
    else await getSnapshot(cfg, SNAPSHOTS[i % SNAPSHOTS.length].id);
  }
  const afterBytes = raw.memory_bytes();
  console.log(`# wasm memory: ${before} bytes before, ${afterBytes} after 10,000 calls; RSS ${(rssBefore / 1048576).toFixed(1)} MB -> ${(process.memoryUsage().rss / 1048576).toFixed(1)} MB`);
  assert.ok(afterBytes - before <= 64 * 1024, `wasm memory grew by ${afterBytes - before} bytes`);
});
