// The mock's request log: what `requests()` and `GET /__mock/requests` give,
// bounded to the newest entries.

/** The request log keeps the newest this many entries (`--log-limit`). */
export const LOG_LIMIT = 10_000;

/** A log of at most `limit` entries, counting those its bound pushed out since it was last cleared. */
export function createLog(limit) {
  let entries = [];
  let dropped = 0;
  return {
    record(entry) {
      entries.push(entry);
      if (entries.length > limit) {
        dropped += entries.length - limit;
        entries.splice(0, entries.length - limit);
      }
    },
    entries: () => entries,
    clear() {
      entries = [];
      dropped = 0;
    },
    /** The body of `GET /__mock/requests`. */
    state: () => ({ count: entries.length, dropped, limit, requests: entries }),
  };
}
