// The mock EVS service for a test file or a test: started on a free port of
// 127.0.0.1, quiet, and closed when the file's (or the test's) tests end.
//
//   const mock = useMock({ ak: AK, sk: SK }, { each: 'reset' });   // at the top of a file
//   test('...', () => fetch(`${mock.apiUrl}/v2/...`));
//
//   const m = await mockFor(t, { token: 'T' });                  // inside test('...', async (t) => ...)
//
// Options: startMockEvs's (tests/mock-evs/README.md), `port: 0` and
// `quiet: true` unless given.
import { beforeEach } from 'node:test';
import { startMockEvs } from '../mock-evs/server.mjs';
import { shared } from './hooks.mjs';

const start = (options) => startMockEvs({ port: 0, quiet: true, ...options });

/**
 * What each test of a file starts from: 'reset' (faults, log, data, clock
 * and IAM switches as at start-up), 'clear' (no faults and an empty log)
 * or 'faults' (no faults).
 */
const EACH = {
  reset: (m) => m.reset(),
  clear: (m) => {
    m.clearFaults();
    m.clearRequests();
  },
  faults: (m) => m.clearFaults(),
};

/**
 * A mock for the tests of this file: before() starts it, after() closes it;
 * `each` (a key of EACH; none by default) runs before each test. `options`
 * may be a function, called in before(), for values an earlier hook makes
 * (a folder to serve). Returns a stand-in (hooks.mjs lateValue) of the
 * mock's handle: `url`, `apiUrl`, `requests()`, `setFaults()`, ...
 */
export function useMock(options = {}, { each } = {}) {
  if (each !== undefined && !EACH[each]) throw new Error(`each must be one of ${Object.keys(EACH).join(', ')}`);
  const mock = shared('the mock', () => start(typeof options === 'function' ? options() : options), (m) => m.close());
  if (each) beforeEach(() => EACH[each](mock.get()));
  return mock.handle;
}

/** A mock for one test: started now, closed when the test `t` ends (t.after). */
export async function mockFor(t, options = {}) {
  const mock = await start(options);
  t.after(() => mock.close());
  return mock;
}
