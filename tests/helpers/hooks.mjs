// A value the tests of a file share, made in before() and ended in after():
// a mock service, a browser. The file reads it through a stand-in it can
// name at the top, as it would a `let` set in before().
//
// A file that uses one imports `before` from here, not from node:test:
// Node 20 runs a file's top-level before() hooks as they are registered,
// all at once, so a hook that reads the mock could run while the mock is
// still starting. These run one after another, in the order registered.
import { before as nodeBefore, after } from 'node:test';

let chain = Promise.resolve();

/**
 * node:test's before(), run once the before() hooks registered through
 * this one ahead of it have finished (a failed one included).
 */
export function before(fn, options) {
  nodeBefore((t) => {
    const step = chain.then(() => fn(t));
    chain = step.then(
      () => {},
      () => {},
    );
    return step;
  }, options);
}

/**
 * A stand-in for a value made later: reading a property of it reads that of
 * the value (a method comes bound to it). Reading one before the value is
 * there throws, naming `what`. `set(value)` puts the value in, `get()` gives
 * it (undefined before).
 */
export function lateValue(what) {
  let value;
  const handle = new Proxy(
    {},
    {
      get(_, key) {
        if (key === 'then') return undefined; // not a promise, whether made or not
        if (value === undefined) throw new Error(`${what} is not there yet: it is made in before()`);
        const v = value[key];
        return typeof v === 'function' ? v.bind(value) : v;
      },
      has: (_, key) => value !== undefined && key in value,
    },
  );
  return { handle, set: (v) => (value = v), get: () => value };
}

/**
 * Registers before(): `make()` (async) makes the value; after(): `end(value)`
 * ends it, when it was made. Returns lateValue's `{ handle, set, get }`.
 */
export function shared(what, make, end) {
  const late = lateValue(what);
  before(async () => {
    late.set(await make());
  });
  after(async () => {
    const v = late.get();
    if (v !== undefined) await end(v);
  });
  return late;
}
