// One attempt's I/O, in one crossing (issue 28): the shell (src/wasm/attempt.rs)
// calls `attempt` with the request as flat data and gets one promise that
// resolves once, never rejects, with how the attempt ended. Rust keeps every
// decision (what to send, signing, retries, the clock, paging, reading the
// body); this file only does what the old shell did through a dozen
// crossings per attempt (a Headers, a Request, an AbortController, a timer,
// a Promise.race per await, the header reads, the body chunks), under the
// same two rules:
//
// - nothing here throws into wasm: `attempt` is a plain function that
//   returns the promise of an async function (which turns any throw into a
//   rejection), and that promise's rejections are caught into a failure;
//   every read of a value the caller's code may have made (a signal's
//   `aborted`, an error's `message`) sits in a try;
// - every await on a promise from outside is raced against the attempt's
//   timer and the caller's signals, and the deadline is also checked by the
//   clock between body chunks: a fetch that ignores its signal, a body that
//   never ends, or a stream of empty chunks still ends at the deadline.
//
// Only a genuine Response of this realm is read here (its getters are the
// platform's). Anything else a fetch resolves with (a Response-like, a
// subclass, a Proxy, a status outside 200..599 such as a browser's opaque
// redirect) comes back unread as `other`, with the time left, and response.rs
// reads it structurally, every read checked, as it always did.

// How an attempt ended (attempt.rs reads it into the core's Ended): the first field of the result.
const RESPONSE = 0;
const NETWORK = 1;
const TIMEOUT = 3;
const ABORTED = 4;
const OTHER = 5;

// What a stop's promise resolves with: private objects, never a fetch's value.
const TIMED_OUT = {};
const SIGNALLED = {};
const ENDED = {};
const noop = () => {};

/** A caller's signal's `aborted`; a getter that throws reads as aborted (as stop.rs's is_aborted). */
function isAborted(signal) {
  try {
    return signal.aborted === true;
  } catch {
    return true;
  }
}

// The caller's signals now watched, each with one `abort` listener however
// many attempts share it, removed when the last of them ends (no lasting
// listener, no MaxListenersExceededWarning).
const watched = new Map();
function watch(signal, wake) {
  let w = watched.get(signal);
  if (w === undefined) {
    const waiters = new Set();
    w = { waiters, listener: () => [...waiters].forEach((f) => f()) };
    watched.set(signal, w);
    waiters.add(wake);
    try {
      signal.addEventListener('abort', w.listener);
    } catch {
      // A signal we cannot listen to: the clock check reads `aborted` between awaits.
    }
  } else {
    w.waiters.add(wake);
  }
  return () => {
    w.waiters.delete(wake);
    if (w.waiters.size === 0 && watched.get(signal) === w) {
      watched.delete(signal);
      try {
        signal.removeEventListener('abort', w.listener);
      } catch {
        // As above.
      }
    }
  };
}

/** The attempt's stop: a promise that resolves when the timer fires or a signal aborts; `end` clears both. */
function stopFor(signals, ms) {
  let fire;
  const promise = new Promise((resolve) => (fire = resolve));
  const timer = setTimeout(fire, ms, TIMED_OUT);
  const unwatch = signals.map((s) => watch(s, () => fire(SIGNALLED)));
  const deadline = Date.now() + ms;
  return {
    promise,
    deadline,
    due: () => (signals.some(isAborted) ? SIGNALLED : Date.now() >= deadline ? TIMED_OUT : null),
    end: () => {
      clearTimeout(timer);
      unwatch.forEach((u) => u());
      fire(ENDED);
    },
  };
}

/** Marks a promise nobody waits for any more as handled. */
function ignore(value) {
  try {
    Promise.race([value]).catch(noop);
  } catch {
    // Not a promise: nothing to mark.
  }
}

/** `value` raced against the stop: `{ v }`, `{ e }` (it rejected) or `{ stop }`. */
async function race(stop, value) {
  const due = stop.due();
  if (due !== null) {
    ignore(value);
    return { stop: due };
  }
  try {
    const v = await Promise.race([value, stop.promise]);
    return v === TIMED_OUT || v === SIGNALLED ? { stop: v } : { v };
  } catch (e) {
    return { e };
  }
}

/** `obj[key]`, or undefined when reading it throws (a getter, a Proxy's trap) or obj is null or undefined. */
function member(obj, key) {
  try {
    return obj == null ? undefined : obj[key];
  } catch {
    return undefined;
  }
}

/** A rejection as one line, Node's `cause` included: response.rs's describe, read for read (it keeps using it for `other`). */
function describe(err) {
  const m = member(err, 'message');
  const msg = typeof m === 'string' && m !== '' ? m : typeof err === 'string' ? err : 'fetch failed';
  const cause = member(err, 'cause');
  const code = member(cause, 'code');
  const why = typeof code === 'string' ? code : member(cause, 'message');
  return typeof why === 'string' && why !== '' && !msg.includes(why) ? `${msg} (${why})` : msg;
}

const stopped = (why) => [why === SIGNALLED ? ABORTED : TIMEOUT];
const network = (message) => [NETWORK, message];
const bodyFailed = (why) => network(`the response body could not be read: ${why}`);

function cancel(streamOrReader) {
  try {
    ignore(streamOrReader.cancel());
  } catch {
    // Already released or errored: nothing to cancel.
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0, ENDED));

/** At most `max` bytes of a genuine Response's body, every await raced against the stop. */
async function readBody(res, length, encoded, max, stop) {
  const stream = res.body;
  if (length !== null && length > max && !encoded) {
    if (stream) cancel(stream);
    return [new Uint8Array(0), true];
  }
  // An exact Content-Length (no content coding, which would make the decoded
  // body larger), or no stream: the whole body at once.
  if ((length !== null && !encoded) || !stream) {
    const r = await race(stop, res.arrayBuffer());
    if (r.stop) return stopped(r.stop);
    if ('e' in r) return bodyFailed(describe(r.e));
    const all = new Uint8Array(r.v);
    return all.length > max ? [all.subarray(0, max), true] : [all, false];
  }
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const due = stop.due();
    if (due !== null) {
      cancel(reader);
      return stopped(due);
    }
    const r = await race(stop, reader.read());
    if (r.stop) {
      cancel(reader);
      return stopped(r.stop);
    }
    if ('e' in r) return bodyFailed(describe(r.e));
    if (r.v.done) break;
    const chunk = r.v.value;
    if (!(chunk instanceof Uint8Array)) {
      cancel(reader);
      return bodyFailed('the stream gave a chunk that is not a Uint8Array');
    }
    if (chunk.length === 0) {
      // No progress: let timers and the signal's listeners run.
      const t = await race(stop, tick());
      if (t.stop) {
        cancel(reader);
        return stopped(t.stop);
      }
      continue;
    }
    const keep = Math.min(chunk.length, max - total);
    chunks.push(keep < chunk.length ? chunk.subarray(0, keep) : chunk);
    total += keep;
    if (keep < chunk.length) {
      cancel(reader);
      return [join(chunks, total), true];
    }
  }
  return [join(chunks, total), false];
}

function join(chunks, total) {
  if (chunks.length === 1) return chunks[0];
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

/** A content length as response.rs reads it: digits (after trimming), else none. */
function contentLength(v) {
  if (v === null) return null;
  const t = v.trim();
  return /^\+?[0-9]+$/.test(t) ? Number(t) : null;
}

async function exchange(fetch, self, custom, method, url, headers, userAgent, ctrl, stop, max, wanted) {
  let sent;
  try {
    const pairs = [];
    for (let i = 0; i + 1 < headers.length; i += 2) pairs.push([headers[i], headers[i + 1]]);
    if (userAgent !== undefined) pairs.push(['User-Agent', userAgent]);
    // No redirect followed: fetch would carry X-Auth-Token and
    // X-Security-Token to wherever it points; the core makes an error of it.
    const init = { method, headers: pairs, signal: ctrl.signal, redirect: 'manual' };
    // The caller's fetch gets the Request the client built (docs/contract.md,
    // ClientConfig.fetch); the global one the same request as (url, init),
    // which spares it a second Request and a second signal (it makes its own).
    sent = custom ? fetch.call(self, new Request(url, init)) : fetch.call(self, url, init);
  } catch (e) {
    return network(describe(e));
  }
  const r = await race(stop, sent);
  if (r.stop) return stopped(r.stop);
  if ('e' in r) return network(describe(r.e));
  const res = r.v;
  // Genuine: its prototype is this realm's Response.prototype (a Proxy's
  // trap that throws makes it not genuine: response.rs reads it, checked).
  let genuine = false;
  try {
    genuine = typeof Response === 'function' && res !== null && typeof res === 'object' && Object.getPrototypeOf(res) === Response.prototype && res instanceof Response;
  } catch {
    genuine = false;
  }
  if (!genuine || !(res.status >= 200 && res.status <= 599)) return [OTHER, res];
  // Only the headers Rust reads (`wanted`: response.rs's header_names, the core's ended::read_headers): a lookup each,
  // not a sorted copy of them all.
  const h = res.headers;
  let lines = '';
  for (const name of wanted) {
    const v = h.get(name);
    if (v !== null) lines += `${name}\n${v}\n`;
  }
  const length = contentLength(h.get('content-length'));
  const encoding = h.get('content-encoding');
  const encoded = encoding !== null && encoding.trim() !== '';
  const body = await readBody(res, length, encoded, max, stop);
  if (typeof body[0] === 'number') return body;
  return [RESPONSE, res.status, lines, body[0], body[1]];
}

async function run(fetch, self, custom, method, url, headers, userAgent, signals, ms, max, wanted) {
  if (signals.some(isAborted)) return [ABORTED];
  const stop = stopFor(signals, ms);
  const ctrl = new AbortController();
  try {
    let out = await exchange(fetch, self, custom, method, url, headers, userAgent, ctrl, stop, max, wanted);
    // Whichever abort came during the attempt wins over what fetch said.
    if (signals.some(isAborted)) out = [ABORTED];
    else if (out[0] === NETWORK && stop.due() === TIMED_OUT) out = [TIMEOUT];
    if (out[0] === ABORTED || out[0] === TIMEOUT) {
      // A fetch that honours the signal stops sending and reading.
      ctrl.abort(new Error(out[0] === ABORTED ? "aborted by the caller's signal" : 'timed out'));
    } else if (out[0] === OTHER) {
      // response.rs reads it with the time left, and aborts this controller if that runs out.
      out.push(Math.max(0, stop.deadline - Date.now()), ctrl);
    }
    return out;
  } finally {
    stop.end();
  }
}

/**
 * One attempt. `fetch`: the global fetch or (`custom`) the caller's, called
 * with `this` = `self` (the global object for the global fetch, as browsers
 * require; undefined for the caller's), as fetch(url, init) or (the
 * caller's) fetch(request) with the Request built here; `headers`: [name, value, name, value, ...]; `userAgent`: added
 * when given; `signals`: the caller's; `ms`: the attempt's timeout; `max`:
 * the most body bytes kept; `wanted`: the header names Rust reads (response.rs's header_names).
 * Resolves (never rejects) with an array:
 *   [0, status, "name\nvalue\n..." (the wanted ones present), body Uint8Array, truncated]
 *   [1, message]   a network failure (or a body that could not be read)
 *   [3]            timed out
 *   [4]            aborted by a caller's signal
 *   [5, response, msLeft, AbortController]   not a genuine Response: response.rs reads it
 */
export function attempt(fetch, self, custom, method, url, headers, userAgent, signals, ms, max, wanted) {
  return run(fetch, self, custom, method, url, headers, userAgent, signals, ms, max, wanted).catch((e) => network(describe(e)));
}
