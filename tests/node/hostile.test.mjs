// Every call settles, whatever JavaScript hands it (docs/contract.md "Every call
// settles"): getters and Proxies that throw, Response-likes and streams
// that throw, lie or never settle, a fetch that ignores Request.signal, many
// calls on one signal. Each case runs in a child process of its own, so a
// crash (an uncaught exception, an unhandled rejection, a dead module) fails
// the case rather than ending the runner; the child then checks that the
// next getSnapshot and signRequest work and reports wasm memory.
import { test } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { useMock } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';
import { CASES } from './fixtures/hostile-cases.mjs';

const CHILD = fileURLToPath(new URL('./fixtures/hostile-child.mjs', import.meta.url));
const mock = useMock();
// A second mock whose every show answer sends half a body, then stalls.
const stalled = useMock();
before(() => {
  stalled.setFaults([{ match: { op: 'show' }, times: 0, stallBodyMs: 6000 }]);
});

/** Runs one case in a child process; bounded at 90 s. */
function runChild(name) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CHILD, name], {
      env: { ...process.env, EVS_ENDPOINT: mock.apiUrl, EVS_STALLED: stalled.apiUrl, EVS_PROJECT: PROJECT_ID, EVS_ID: SNAPSHOTS[0].id },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const limit = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      resolve({ code, signal, out, err });
    });
  });
}

for (const [name, c] of Object.entries(CASES)) {
  test(name, async () => {
    const { code, signal, out, err } = await runChild(name);
    assert.equal(err, '', `the child wrote to stderr (an uncaught exception, an unhandled rejection or a warning):\n${err}`);
    assert.equal(code, 0, `the child exited ${code ?? signal}`);
    const r = JSON.parse(out);
    if (c.want === 'resolved') {
      assert.equal(r.settled.resolved, true, `rejected: ${r.settled.kind}: ${r.settled.message}`);
    } else {
      assert.equal(r.settled.resolved, false, 'resolved, but should have rejected');
      assert.equal(r.settled.evsError, true, `not an EvsError: ${r.settled.name}: ${r.settled.message}`);
      assert.equal(r.settled.kind, c.want.kind, r.settled.message);
      if (c.want.message) assert.match(r.settled.message, c.want.message);
    }
    assert.ok(r.ms <= (c.within ?? 10_000), `settled after ${Math.round(r.ms)} ms (bound ${c.within ?? 10_000})`);
    assert.equal(r.next, true, 'the next getSnapshot did not work');
    assert.equal(r.signed, true, 'the next signRequest did not work');
    assert.deepEqual(r.warnings, []);
    // Memory does not run away (a leaked shadow stack or lost buffers grow it).
    assert.ok(r.memoryAfter - r.memoryBefore <= 2 * 1024 * 1024, `wasm memory grew by ${r.memoryAfter - r.memoryBefore} bytes`);
  });
}
