// A walk over every snapshot that matches some filters: `paginateSnapshots`
// with pages of 1,000, handed on in batches, with cancel and resume.
//
//   const walk = createWalk({ config: (signal) => clientConfig, options, onBatch });
//   await walk.run();   // 'done' | 'cancelled'; rejects with the EvsError
//   await walk.run();   // after a failure: resumes after the last snapshot received
//   walk.cancel();      // aborts through the call's signal; no further request
//
// Resuming: `paginateSnapshots` asks for the next page only once every
// snapshot of the page before has been taken, so when it fails, the last
// snapshot received is the last of the last page that succeeded, and its ID is
// the marker of the page that failed (OpenStack's marker is the last ID of the
// previous page; docs/contract.md uses it too when a `next` link has none).

import { paginateSnapshots } from 'evs-snapshots';

/** Page size of a walk: the most the API allows. */
export const WALK_LIMIT = 1000;

/** Resolves in a new task, so the page can paint and handle input between pages. */
export function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function createWalk({ config, options, onBatch }) {
  let lastId = null;
  let received = 0;
  let ctrl = null;
  let cancelled = false;

  async function run() {
    if (cancelled) return 'cancelled';
    ctrl = new AbortController();
    const signal = ctrl.signal;
    const opts = { ...options, limit: WALK_LIMIT };
    if (lastId !== null) opts.marker = lastId;
    let batch = [];
    const flush = () => {
      if (batch.length === 0) return;
      const b = batch;
      batch = [];
      lastId = b[b.length - 1].id;
      received += b.length;
      onBatch(b);
    };
    try {
      for await (const s of paginateSnapshots(config(signal), opts)) {
        batch.push(s);
        if (batch.length === WALK_LIMIT) {
          flush();
          await nextTask();
          if (signal.aborted) break; // leaving the loop sends no further request
        }
      }
    } catch (e) {
      if (signal.aborted || cancelled) return 'cancelled';
      flush(); // what arrived before the failure counts, and sets the resume marker
      throw e;
    } finally {
      ctrl = null;
    }
    if (signal.aborted || cancelled) return 'cancelled';
    flush();
    return 'done';
  }

  return {
    run,
    cancel() {
      cancelled = true;
      ctrl?.abort();
    },
    get received() {
      return received;
    },
  };
}
