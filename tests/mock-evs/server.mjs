#!/usr/bin/env node
// A mock of Huawei Cloud EVS's snapshot API (API.md §1–6), Node built-ins
// only, for the demo, the tests and the benchmarks. It speaks the documented
// shapes and quirks, pages like OpenStack, checks tokens and AK/SK
// signatures like the API gateway, sends CORS headers, and lets a test
// switch faults on over HTTP. See tests/mock-evs/README.md.
//
//   node tests/mock-evs/server.mjs --port 8081 [--api-prefix /evs] [--static /=www] [--token T]
//        [--ak AK --sk SK [--security-token T]] [--live-progress] [--link-base URL] [--quiet]
//        [--clock-offset-ms N]
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { resolve, join, extname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedState } from './data.mjs';
import { verifySignature, percentDecode } from './signature.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

const JSON_TYPE = 'application/json;charset=UTF-8';

/** Instant of a wire timestamp (UTC without a zone, `t` or `T`). */
function instant(s) {
  if (typeof s !== 'string') return 0;
  const t = Date.parse(`${s.replace('t', 'T').slice(0, 23)}Z`);
  return Number.isNaN(t) ? 0 : t;
}

/** A query string read as the service reads it (application/x-www-form-urlencoded): `+` is a space, then percent-decoding. */
export function formDecode(s) {
  return percentDecode(s.replaceAll('+', ' '));
}

function wireTimestamp(ms) {
  return new Date(ms).toISOString().replace('Z', '000');
}

export async function startMockEvs(options = {}) {
  const {
    port = 8081,
    host = '127.0.0.1',
    apiPrefix = '',
    token,
    ak,
    sk,
    securityToken,
    liveProgress = false,
    statics = [],
    linkBase = 'http://evs-upstream.invalid',
    quiet = false,
    now = () => new Date(),
    clockOffsetMs = 0,
    count,
  } = options;
  if (!Number.isSafeInteger(clockOffsetMs)) throw new Error('clockOffsetMs must be an integer');
  const prefix = apiPrefix.replace(/\/+$/, '');
  let log = [];
  let faults = [];
  let data = seedState(count);
  let clock = Date.now();
  // The clock switch: the mock's own time is `now()` shifted by this many ms
  // (positive: the server is ahead). It is the time of the Date header, of the
  // AK/SK check against X-Sdk-Date and of the gateway's skew message.
  let offsetMs = clockOffsetMs;
  const serverNow = () => new Date(now().getTime() + offsetMs);

  /** The data set now: with live progress, creating snapshots advance 1 %/s. */
  function current() {
    if (!liveProgress) return data;
    const elapsed = (Date.now() - clock) / 1000;
    return data.map((s) => {
      if (s.status !== 'creating') return s;
      const p = Math.min(100, Math.floor(s.progress + elapsed));
      if (p < 100) return { ...s, progress: p };
      const done = { ...s, status: 'available', progress: 100 };
      const at = wireTimestamp(clock + (100 - s.progress) * 1000);
      if ('update_at' in done) done.update_at = at;
      else done.updated_at = at;
      return done;
    });
  }

  let cache = null; // [source list, its sorted copy]: the data only changes with live progress
  function sorted(list) {
    if (cache && cache[0] === list) return cache[1];
    const keyed = list.map((s) => [instant(s.created_at), s]);
    keyed.sort((a, b) => b[0] - a[0] || (a[1].id < b[1].id ? 1 : a[1].id > b[1].id ? -1 : 0));
    cache = [list, keyed.map((k) => k[1])];
    return cache[1];
  }

  function wire(s, projectId, extended) {
    const { progress, ...w } = s;
    if (!extended) return w;
    return {
      ...w,
      'os-extended-snapshot-attributes:project_id': projectId,
      'os-extended-snapshot-attributes:progress': `${s.status === 'creating' ? (progress ?? 0) : 100}%`,
    };
  }

  function send(res, status, body, headers = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  const evsError = (kind, message, code) => ({ [kind]: { message, code } });

  function cors(req, res) {
    const origin = req.headers.origin;
    res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After');
  }

  function authFailure(res, requestId, msg) {
    send(res, 401, { error_code: 'APIGW.0301', error_msg: `Incorrect IAM authentication information: ${msg}`, request_id: requestId });
  }

  /** null when the request may pass, else it has been answered. */
  function checkAuth(req, res, requestId, url) {
    if (!token && !ak) return true;
    if (token && req.headers['x-auth-token'] === token) return true;
    if (ak) {
      if (req.headers.authorization) {
        const v = verifySignature(
          { method: req.method, path: url.pathname, query: url.search.slice(1), headers: req.headers, body: '' },
          { ak, sk, securityToken, now: serverNow },
        );
        if (v.ok) return true;
        authFailure(res, requestId, v.reason);
        return false;
      }
    }
    authFailure(res, requestId, token ? 'the X-Auth-Token header is missing or invalid' : 'the request is not signed');
    return false;
  }

  function listSnapshots(req, res, url, projectId) {
    const q = new Map();
    for (const part of url.search.slice(1).split('&')) {
      if (!part) continue;
      const i = part.indexOf('=');
      q.set(formDecode(i < 0 ? part : part.slice(0, i)), formDecode(i < 0 ? '' : part.slice(i + 1)));
    }
    const bad = (m) => send(res, 400, evsError('badRequest', m, 'EVS.0002'));
    let limit = 1000;
    if (q.has('limit')) {
      const l = q.get('limit');
      if (!/^\d+$/.test(l) || +l < 1 || +l > 1000) return bad(`Invalid input for field/attribute limit. Value: ${l}. limit must be an integer from 1 to 1000`);
      limit = +l;
    }
    let offset = 0;
    if (q.has('offset')) {
      const o = q.get('offset');
      if (!/^\d+$/.test(o)) return bad(`Invalid input for field/attribute offset. Value: ${o}.`);
      offset = +o;
    }
    let list = sorted(current()).slice();
    for (const [param, field] of [['name', 'name'], ['status', 'status'], ['volume_id', 'volume_id']]) {
      if (q.has(param)) list = list.filter((s) => s[field] === q.get(param));
    }
    if (q.has('marker')) {
      const i = list.findIndex((s) => s.id === q.get('marker'));
      if (i < 0) return bad(`Marker ${q.get('marker')} could not be found.`);
      list = list.slice(i + 1);
    }
    const page = list.slice(offset, offset + limit);
    const body = { snapshots: page.map((s) => wire(s, projectId, false)) };
    if (page.length === limit) {
      const next = new URLSearchParams();
      next.set('limit', String(limit));
      next.set('marker', page[page.length - 1].id);
      for (const p of ['name', 'status', 'volume_id']) if (q.has(p)) next.set(p, q.get(p));
      body.snapshots_links = [{ href: `${linkBase}/v2/${projectId}/snapshots?${next}`, rel: 'next' }];
    } else {
      // The other documented shapes of "no more pages", in turn.
      const h = [...url.search].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7) % 3;
      if (h === 1) body.snapshots_links = null;
      else if (h === 2) body.snapshots_links = [];
    }
    send(res, 200, body);
  }

  function showSnapshot(res, projectId, id) {
    const s = current().find((x) => x.id === id);
    if (!s) return send(res, 404, evsError('itemNotFound', `Snapshot ${id} could not be found.`, 'EVS.0004'));
    send(res, 200, { snapshot: wire(s, projectId, true) });
  }

  /** Applies the first matching fault; true when it answered. */
  async function applyFault(req, res, op, path) {
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
    const headers = { ...(f.headers ?? {}) };
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
      const full = body ?? Buffer.from(JSON.stringify({ snapshots: sorted(current()).slice(0, 50).map((s) => wire(s, 'p', false)) }));
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

  const clockState = () => ({ offsetMs, now: serverNow().toISOString() });

  function reset() {
    faults = [];
    log = [];
    clock = Date.now();
    data = seedState(count);
    offsetMs = clockOffsetMs;
  }

  async function control(req, res, path) {
    const body = await new Promise((r) => {
      const parts = [];
      req.on('data', (c) => parts.push(c));
      req.on('end', () => r(Buffer.concat(parts).toString('utf8')));
    });
    const route = `${req.method} ${path}`;
    if (route === 'GET /__mock/requests') return send(res, 200, { count: log.length, requests: log });
    if (route === 'DELETE /__mock/requests') return (log = []), send(res, 204, '');
    if (route === 'GET /__mock/snapshots') return send(res, 200, { snapshots: sorted(current()).map((s) => wire(s, 'p', false)) });
    if (route === 'DELETE /__mock/faults') return (faults = []), send(res, 204, '');
    if (route === 'POST /__mock/reset') return reset(), send(res, 204, '');
    if (route === 'GET /__mock/clock') return send(res, 200, clockState());
    if (route === 'DELETE /__mock/clock') return (offsetMs = clockOffsetMs), send(res, 200, clockState());
    if (route === 'PUT /__mock/clock') {
      let offset;
      try {
        offset = JSON.parse(body).offsetMs;
      } catch {
        offset = undefined;
      }
      if (!Number.isSafeInteger(offset)) return send(res, 400, { error: { message: 'the body must be {"offsetMs": <integer>}' } });
      offsetMs = offset;
      return send(res, 200, clockState());
    }
    if (route === 'PUT /__mock/faults') {
      try {
        const list = JSON.parse(body);
        if (!Array.isArray(list)) throw new Error('not an array');
        faults = list.map((f) => ({ ...f }));
        return send(res, 204, '');
      } catch (e) {
        return send(res, 400, { error: { message: `faults must be a JSON array: ${e.message}` } });
      }
    }
    return send(res, 404, evsError('itemNotFound', `no control endpoint ${route}`, 'MOCK.404'));
  }

  function serveStatic(req, res, pathname) {
    for (const { urlPrefix, dir } of statics) {
      const p = urlPrefix.endsWith('/') ? urlPrefix : `${urlPrefix}/`;
      if (!(pathname + '/').startsWith(p) && pathname !== urlPrefix) continue;
      const base = resolve(dir);
      let rel;
      try {
        rel = decodeURIComponent(pathname.slice(p.length - 1));
      } catch {
        break;
      }
      let file = resolve(join(base, rel));
      if (file !== base && !file.startsWith(base + sep)) break;
      try {
        if (statSync(file).isDirectory()) file = join(file, 'index.html');
        const st = statSync(file);
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': st.size, 'Cache-Control': 'no-cache' });
        if (req.method === 'HEAD') return res.end(), true;
        createReadStream(file).pipe(res);
        return true;
      } catch {
        continue;
      }
    }
    return false;
  }

  async function handle(req, res) {
    const requestId = randomBytes(16).toString('hex');
    res.setHeader('X-Request-Id', requestId);
    res.setHeader('Date', serverNow().toUTCString());
    let url;
    try {
      url = new URL(req.url, 'http://mock.invalid');
    } catch {
      return send(res, 400, evsError('badRequest', 'malformed request target', 'EVS.0002'));
    }
    const pathname = url.pathname;
    const inApi = prefix === '' || pathname === prefix || pathname.startsWith(`${prefix}/`);
    const apiPath = inApi ? pathname.slice(prefix.length) || '/' : null;
    if (apiPath !== null && (apiPath.startsWith('/v2/') || apiPath.startsWith('/__mock/'))) {
      cors(req, res);
      const isControl = apiPath.startsWith('/__mock/');
      if (req.method === 'OPTIONS') {
        if (!isControl) log.push({ method: 'OPTIONS', path: pathname, query: url.search.slice(1), headers: req.headers, kind: 'preflight', time: Date.now() });
        res.writeHead(204, {
          'Access-Control-Allow-Methods': 'GET, PUT, POST, DELETE, OPTIONS',
          'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
          'Access-Control-Max-Age': '600',
        });
        return res.end();
      }
      if (isControl) return control(req, res, apiPath);
      const entry = { method: req.method, path: pathname, query: url.search.slice(1), headers: { ...req.headers }, kind: 'api', time: Date.now() };
      log.push(entry);
      // The status it was answered with, once sent.
      res.on('finish', () => {
        entry.status = res.statusCode;
      });
      const show = /^\/v2\/([^/]+)\/cloudsnapshots\/([^/]+)$/.exec(apiPath);
      const list = /^\/v2\/([^/]+)\/snapshots$/.exec(apiPath);
      const op = show ? 'show' : list ? 'list' : 'other';
      if (await applyFault(req, res, op, pathname)) return;
      if (req.method !== 'GET') return send(res, 405, evsError('badRequest', `method ${req.method} is not allowed here`, 'EVS.0005'));
      if (!checkAuth(req, res, requestId, url)) return;
      if (show) return showSnapshot(res, percentDecode(show[1]), percentDecode(show[2]));
      if (list) return listSnapshots(req, res, url, percentDecode(list[1]));
      return send(res, 404, evsError('itemNotFound', `no API at ${apiPath}`, 'EVS.0404'));
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && serveStatic(req, res, pathname)) return;
    send(res, 404, evsError('itemNotFound', `not found: ${pathname}`, 'MOCK.404'));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) send(res, 500, evsError('computeFault', `mock error: ${e.message}`, 'MOCK.500'));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const actual = server.address().port;
  const url = `http://${host}:${actual}`;
  if (!quiet) console.log(`mock EVS listening on ${url} (API at ${url}${prefix})`);
  return {
    url,
    apiUrl: url + prefix,
    port: actual,
    server,
    requests: () => log,
    clearRequests: () => void (log = []),
    setFaults: (list) => void (faults = list.map((f) => ({ ...f }))),
    clearFaults: () => void (faults = []),
    reset: () => void reset(),
    setClockOffset: (ms) => {
      if (!Number.isSafeInteger(ms)) throw new Error('the clock offset must be an integer (ms)');
      offsetMs = ms;
    },
    clockOffset: () => offsetMs,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

function parseArgs(argv) {
  const o = { statics: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--port') o.port = Number(val());
    else if (a === '--host') o.host = val();
    else if (a === '--api-prefix') o.apiPrefix = val();
    else if (a === '--static') {
      const [urlPrefix, dir] = val().split('=');
      o.statics.push({ urlPrefix, dir: resolve(dir) });
    } else if (a === '--token') o.token = val();
    else if (a === '--ak') o.ak = val();
    else if (a === '--sk') o.sk = val();
    else if (a === '--security-token') o.securityToken = val();
    else if (a === '--live-progress') o.liveProgress = true;
    else if (a === '--link-base') o.linkBase = val();
    else if (a === '--quiet') o.quiet = true;
    else if (a === '--count') o.count = Number(val());
    else if (a === '--clock-offset-ms') o.clockOffsetMs = Number(val());
    else throw new Error(`unknown option ${a}`);
  }
  if (o.ak && !o.sk) throw new Error('--ak needs --sk');
  return o;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`mock EVS: ${e.message}`);
    process.exit(2);
  }
  const mock = await startMockEvs(opts);
  const stop = () => mock.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
