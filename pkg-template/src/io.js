// The package's only contact with the outside world: fetch, AbortController
// and timers. The attempt loop in api.js calls these; the core decides
// everything else (requests, signatures, reading responses, whether and when
// to retry).
//
// One AbortController per attempt joins the caller's signal and the
// attempt's timeout, and stays in force while the body is read.

// How an attempt ended, as core::call::Ended numbers them.
const RESPONSE = 0;
const NETWORK = 1;
const TIMEOUT = 2;
const ABORTED = 3;

/** Reads at most `maxBytes` of the body; `truncated` says whether more came. */
async function readBody(res, maxBytes) {
  const stream = res.body;
  const h = res.headers;
  const length = h && Number(h.get('content-length'));
  // Fast path: an exact, small enough Content-Length (no content coding,
  // which would make the decoded body larger than announced).
  if (length >= 0 && length <= maxBytes && !(h.get('content-encoding') || '').trim()) {
    const buf = new Uint8Array(await res.arrayBuffer());
    if (buf.length <= maxBytes) return { bytes: buf, truncated: false };
    return { bytes: buf.subarray(0, maxBytes), truncated: true };
  }
  if (!stream || typeof stream.getReader !== 'function') {
    // A minimal Response-like object from a custom fetch.
    const buf = new Uint8Array(await res.arrayBuffer());
    return buf.length > maxBytes
      ? { bytes: buf.subarray(0, maxBytes), truncated: true }
      : { bytes: buf, truncated: false };
  }
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.length > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - total));
      total = maxBytes;
      truncated = true;
      reader.cancel().catch(() => {});
      break;
    }
    chunks.push(value);
    total += value.length;
  }
  if (chunks.length === 1) return { bytes: chunks[0], truncated };
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return { bytes, truncated };
}

/** A fetch failure as one line: Node puts the reason in `cause`. */
function describe(err) {
  const msg = (err && err.message) || String(err);
  const cause = err && err.cause;
  const why = cause && (cause.code || cause.message);
  return why && !msg.includes(why) ? `${msg} (${why})` : msg;
}

const io = {
  /**
   * One attempt; never rejects. `headers` is `[[name, value], ...]`.
   * Resolves to `{kind, status, requestId, retryAfter, body, truncated}`
   * for a response, `{kind, message}` for a network failure, `{kind}` for a
   * timeout or an abort.
   */
  async send(fetchFn, url, headers, timeoutMs, signal, maxBytes) {
    if (signal && signal.aborted) return { kind: ABORTED };
    // An AbortController and a timer: in Node 20 this costs less than half
    // of AbortSignal.timeout, which also leaves its timer and a finalizer
    // behind until the garbage collector runs.
    const ctrl = new AbortController();
    let ended = 0; // TIMEOUT or ABORTED, whichever came first
    const onAbort = () => {
      ended = ended || ABORTED;
      ctrl.abort();
    };
    if (signal) signal.addEventListener('abort', onAbort);
    const timer = setTimeout(() => {
      ended = ended || TIMEOUT;
      ctrl.abort();
    }, timeoutMs);
    try {
      const res = await fetchFn(url, { method: 'GET', headers, signal: ctrl.signal });
      const { bytes, truncated } = await readBody(res, maxBytes);
      if (ended) return { kind: ended };
      const h = res.headers;
      return {
        kind: RESPONSE,
        status: res.status,
        requestId: (h && h.get('x-request-id')) || undefined,
        retryAfter: (h && h.get('retry-after')) || undefined,
        body: bytes,
        truncated,
      };
    } catch (err) {
      if (ended) return { kind: ended };
      return { kind: NETWORK, message: describe(err) };
    } finally {
      clearTimeout(timer);
      if (signal) signal.removeEventListener('abort', onAbort);
    }
  },

  sleep(ms, signal) {
    return new Promise((resolve) => {
      if (signal && signal.aborted) return resolve(true);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        if (signal) signal.removeEventListener('abort', onAbort);
        resolve(false);
      }, ms);
      if (signal) signal.addEventListener('abort', onAbort, { once: true });
    });
  },

  now: () => Date.now(),
  random: () => Math.random(),

  get origin() {
    const l = globalThis.location;
    return l && (l.protocol === 'http:' || l.protocol === 'https:') ? l.origin : undefined;
  },

  get globalFetch() {
    return globalThis.fetch;
  },
};

export { io };
