// The mock's clock switch: its own time is `now()` shifted by an offset in
// ms (positive: the server is ahead). It is the time of the Date header, of
// the AK/SK check against X-Sdk-Date and of the gateway's skew message.

/** A clock `offsetMs` ahead of `now()`; `reset()` puts the start-up offset back. */
export function createClock({ now, offsetMs: start }) {
  let offset = start;
  const serverNow = () => new Date(now().getTime() + offset);
  return {
    now: serverNow,
    offset: () => offset,
    set(ms) {
      offset = ms;
    },
    reset() {
      offset = start;
    },
    /** The body of `GET /__mock/clock`. */
    state: () => ({ offsetMs: offset, now: serverNow().toISOString() }),
  };
}
