// Who may call the mock across origins (tests/mock-evs/README.md "Who is
// answered"): the `--allow-origin` list, where a request comes from, and
// the CORS headers of an allowed one.

/**
 * `--allow-origin` values: an exact origin (`http://127.0.0.1:5173`), or a
 * scheme and host with `:*` for any port (`http://127.0.0.1:*`). Returns a
 * matcher of Origin header values.
 */
export function originMatcher(list) {
  const exact = new Set();
  const anyPort = [];
  for (const raw of list) {
    const v = String(raw);
    const wild = /^(https?):\/\/([^/:?#@*\[\]]+|\[[0-9A-Fa-f:.]+\]):\*$/.exec(v);
    if (wild) {
      anyPort.push({ protocol: `${wild[1]}:`, hostname: new URL(`${wild[1]}://${wild[2]}`).hostname });
      continue;
    }
    let u;
    try {
      u = new URL(v);
    } catch {
      u = null;
    }
    if (!u || !/^https?:$/.test(u.protocol) || u.pathname !== '/' || /[?#]/.test(v) || u.username || u.password) {
      throw new Error(`--allow-origin ${v}: an origin such as http://127.0.0.1:5173, or http://127.0.0.1:* for any port (no path, no "*" alone)`);
    }
    exact.add(u.origin);
  }
  return (origin) => {
    if (typeof origin !== 'string' || origin === 'null') return false;
    let u;
    try {
      u = new URL(origin);
    } catch {
      return false;
    }
    if (u.origin !== origin.toLowerCase()) return false; // a path, or not an origin at all
    return exact.has(u.origin) || anyPort.some((p) => p.protocol === u.protocol && p.hostname === u.hostname);
  };
}

/**
 * Where a request comes from: 'same' (no Origin and no cross-site fetch
 * metadata: curl, Node, a same-origin GET; or an Origin equal to this
 * Host's), 'allowed' (an Origin `allowed`, an originMatcher, accepts) or 'refused'.
 */
export function originOf(req, allowed) {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if (origin === undefined) return site === 'cross-site' || site === 'same-site' ? 'refused' : 'same';
  if (origin.toLowerCase() === `http://${req.headers.host.toLowerCase()}`) return 'same';
  return allowed(origin) ? 'allowed' : 'refused';
}

/** The CORS headers of an answer to an allowed origin. */
export function cors(req, res) {
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
  res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id, X-Openstack-Request-Id, Retry-After, X-IAM-Trace-Id');
}
