// The mock's faults (tests/mock-evs/README.md, "Control endpoints"): a list
// a test sets, each applied to matching API requests (EVS and IAM) before
// auth, first match first: a delay, an error answer, an HTML page, a body
// cut short, stalled or huge, a reset connection, or no answer at all.
import { JSON_TYPE } from './http.mjs';

/** An empty fault list: `set(list)` replaces it, `clear()` empties it, `apply(...)` answers a request. */
export function createFaults() {
  let faults = [];

  /**
   * Applies the first fault matching `op` and `path`; true when it answered.
   * `answer`: the real answer's bytes (for `truncate` and `stallBodyMs`).
   */
  async function apply(req, res, op, path, answer) {
    const i = faults.findIndex((f) => (!f.match?.op || f.match.op === op) && (!f.match?.path || path.includes(f.match.path)));
    if (i < 0) return false;
    const f = faults[i];
    if (f.times === undefined || f.times > 0) {
      f.used = (f.used ?? 0) + 1;
      if (f.used >= (f.times ?? 1)) faults.splice(i, 1);
    }
    if (f.delayMs) {
      const gone = await new Promise((resolveWait) => {
        const t = setTimeout(() => resolveWait(false), f.delayMs);
        res.on('close', () => {
          clearTimeout(t);
          resolveWait(true);
        });
      });
      if (gone) return true;
    }
    if (f.reset) {
      req.socket.destroy();
      return true;
    }
    // Never answered, and no timer held for it: the connection stays open
    // until the client gives up or the mock closes.
    if (f.hang) return true;
    // A header given as null is one the mock sends by default (X-Request-Id) left out.
    const headers = {};
    for (const [name, value] of Object.entries(f.headers ?? {})) {
      if (value === null) res.removeHeader(name);
      else headers[name] = value;
    }
    if (f.retryAfter !== undefined) headers['Retry-After'] = f.retryAfter;
    if (f.html) {
      const page = `<html>\r\n<head><title>${f.status ?? 502} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${f.status ?? 502} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
      res.writeHead(f.status ?? 502, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(page), ...headers });
      res.end(page);
      return true;
    }
    if (f.bodyBytes) {
      res.writeHead(f.status ?? 200, { 'Content-Type': JSON_TYPE, 'Content-Length': f.bodyBytes, ...headers });
      const head = Buffer.from('{"snapshots": [], "filler": "');
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      let left = f.bodyBytes;
      const pump = () => {
        while (left > 0) {
          const piece = left === f.bodyBytes ? head : chunk.subarray(0, Math.min(chunk.length, left));
          left -= piece.length;
          if (!res.write(piece)) return res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (left = 0));
      pump();
      return true;
    }
    let body;
    if (f.bodyBase64 !== undefined) body = Buffer.from(f.bodyBase64, 'base64');
    else if (f.body !== undefined) body = Buffer.from(f.body);
    else if (f.json !== undefined) body = Buffer.from(JSON.stringify(f.json));
    if (f.truncate || f.stallBodyMs) {
      // A real answer, sent in part.
      const full = body ?? answer();
      res.writeHead(f.status ?? 200, { 'Content-Type': JSON_TYPE, 'Content-Length': full.length, ...headers });
      res.write(full.subarray(0, Math.floor(full.length / 2)));
      if (f.truncate) {
        setTimeout(() => req.socket.destroy(), 20);
        return true;
      }
      const t = setTimeout(() => res.end(full.subarray(Math.floor(full.length / 2))), f.stallBodyMs);
      res.on('close', () => clearTimeout(t));
      return true;
    }
    if (f.status === undefined && body === undefined) return false; // delay only
    res.writeHead(f.status ?? 200, { 'Content-Type': JSON_TYPE, 'Content-Length': body?.length ?? 0, ...headers });
    res.end(body);
    return true;
  }

  return {
    apply,
    set(list) {
      faults = list.map((f) => ({ ...f }));
    },
    clear() {
      faults = [];
    },
  };
}
