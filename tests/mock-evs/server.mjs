#!/usr/bin/env node
// A mock of Huawei Cloud EVS's snapshot API (docs/evs-api.md) and of the one IAM
// call a client needs, the project ID of a region (docs/evs-api.md "IAM: finding a region's project ID"), Node built-ins
// only, for the demo, the tests and the benchmarks. It speaks the documented
// shapes and quirks, pages like OpenStack, checks tokens and AK/SK
// signatures like the API gateway, sends CORS headers to the origins it is
// told to allow, and lets a test switch faults on over HTTP (same origin
// only). See tests/mock-evs/README.md.
//
//   node tests/mock-evs/server.mjs --port 8081 [--api-prefix /evs] [--static /=www] [--token T]
//        [--ak AK --sk SK [--security-token T]] [--live-progress] [--link-base URL] [--quiet]
//        [--clock-offset-ms N] [--allow-origin URL]... [--csp POLICY | --no-csp] [--log-limit N]
//        [--region R] [--iam-projects none|one|two]
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { randomBytes, createHash } from 'node:crypto';
import { createReadStream, readFileSync, realpathSync, statSync } from 'node:fs';
import { resolve, join, extname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedState, PROJECT_ID, REGION, DOMAIN_ID, SECOND_PROJECT_ID } from './data.mjs';
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

/** Static types sent gzip-compressed to a client that accepts it (not PNG). */
const COMPRESSIBLE = /^(text\/|application\/(wasm|json)|image\/svg)/;
/** Accept-Encoding names gzip with a q above 0. */
const acceptsGzip = (req) => /(^|,)\s*gzip\s*(;\s*q=(?!0(\.0*)?\s*(,|$))[\d.]+)?\s*(,|$)/i.test(String(req.headers['accept-encoding'] ?? ''));

/**
 * The Content-Security-Policy of every static answer unless `csp` says
 * otherwise: the dashboard's. Scripts only from this origin, WebAssembly
 * compiled (not eval), no inline script or style; an HTML file's inline
 * import maps are allowed by their SHA-256 hash (see `withImportMapHashes`).
 * Calls go to this origin or to a Huawei Cloud endpoint (the dashboard's
 * "Region" setting).
 */
export const DEFAULT_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' https://*.myhuaweicloud.com",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Control bodies (`PUT /__mock/faults`, `PUT /__mock/clock`) above this are refused with 413. */
export const CONTROL_BODY_LIMIT = 1024 * 1024;
/** What is read of an oversized body before the connection is closed. */
const DRAIN_LIMIT = 16 * 1024 * 1024;
/** The request log keeps the newest this many entries. */
export const LOG_LIMIT = 10_000;
/**
 * What `GET /v3/projects?name={region}` finds (`--iam-projects`): no project,
 * the seeded one (the default), or the seeded one and a sub-project named
 * like the region.
 */
export const IAM_MODES = ['none', 'one', 'two'];

function checkIamMode(mode, what = 'iamProjects') {
  if (!IAM_MODES.includes(mode)) throw new Error(`${what} must be one of ${IAM_MODES.join(', ')}`);
  return mode;
}

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
 * `policy` with the SHA-256 of each inline `<script type="importmap">` of
 * `html` added to its script-src (an import map is an inline script to CSP;
 * Chromium loads no external ones). Other inline scripts stay refused.
 */
export function withImportMapHashes(policy, html) {
  const hashes = [];
  for (const m of html.matchAll(/<script\s+type=(?:"importmap"|'importmap'|importmap)\s*>([\s\S]*?)<\/script\s*>/gi)) {
    hashes.push(`'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
  }
  if (hashes.length === 0) return policy;
  return policy
    .split(';')
    .map((d) => (/^\s*script-src\s/i.test(d) ? `${d.trimEnd()} ${hashes.join(' ')}` : d))
    .join(';');
}

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
    allowOrigins = [],
    csp = DEFAULT_CSP,
    logLimit = LOG_LIMIT,
    region = REGION,
    iamProjects = 'one',
  } = options;
  if (typeof region !== 'string' || region === '') throw new Error('region must be a non-empty string');
  checkIamMode(iamProjects);
  if (!Number.isSafeInteger(clockOffsetMs)) throw new Error('clockOffsetMs must be an integer');
  if (!Number.isSafeInteger(logLimit) || logLimit < 0) throw new Error('logLimit must be a non-negative integer');
  if (csp !== false && csp !== null && typeof csp !== 'string') throw new Error('csp must be a policy string, or false for none');
  const allowedOrigin = originMatcher(allowOrigins);
  const prefix = apiPrefix.replace(/\/+$/, '');
  /** The Host header values answered (set once listening): the listen address with its port. */
  let allowedHosts = new Set();
  let log = [];
  let dropped = 0; // entries the log's bound pushed out since it was last cleared
  let faults = [];
  let data = seedState(count);
  let clock = Date.now();
  // The clock switch: the mock's own time is `now()` shifted by this many ms
  // (positive: the server is ahead). It is the time of the Date header, of the
  // AK/SK check against X-Sdk-Date and of the gateway's skew message.
  let offsetMs = clockOffsetMs;
  const serverNow = () => new Date(now().getTime() + offsetMs);
  // The IAM switch: which projects are named like the region (IAM_MODES).
  let iamMode = iamProjects;

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

  function record(entry) {
    log.push(entry);
    if (log.length > logLimit) {
      dropped += log.length - logLimit;
      log.splice(0, log.length - logLimit);
    }
  }

  /**
   * Where a request comes from: 'same' (no Origin and no cross-site fetch
   * metadata: curl, Node, a same-origin GET; or an Origin equal to this
   * Host's), 'allowed' (an Origin asked for with allowOrigins) or 'refused'.
   */
  function originOf(req) {
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    if (origin === undefined) return site === 'cross-site' || site === 'same-site' ? 'refused' : 'same';
    if (origin.toLowerCase() === `http://${req.headers.host.toLowerCase()}`) return 'same';
    return allowedOrigin(origin) ? 'allowed' : 'refused';
  }

  function cors(req, res) {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
    res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id, X-Openstack-Request-Id, Retry-After, X-IAM-Trace-Id');
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

  /** The projects IAM knows now, in Keystone's shape (docs/evs-api.md "IAM: finding a region's project ID"). */
  function iamProjectList() {
    const project = (id, parentId) => ({
      id,
      name: region,
      domain_id: DOMAIN_ID,
      enabled: true,
      is_domain: false,
      parent_id: parentId,
      description: '',
      links: { self: `${linkBase}/v3/projects/${id}` },
    });
    if (iamMode === 'none') return [];
    const seeded = project(PROJECT_ID, DOMAIN_ID); // a region's project: its parent is the account
    return iamMode === 'one' ? [seeded] : [seeded, project(SECOND_PROJECT_ID, PROJECT_ID)];
  }

  /** `GET /v3/projects`: `name` exact (read as a form query); without it, every project. */
  function projectsBody(url) {
    let name;
    for (const part of url.search.slice(1).split('&')) {
      const i = part.indexOf('=');
      if (part && formDecode(i < 0 ? part : part.slice(0, i)) === 'name') name = formDecode(i < 0 ? '' : part.slice(i + 1));
    }
    const projects = iamProjectList().filter((p) => name === undefined || p.name === name);
    return { projects, links: { self: `${linkBase}/v3/projects${url.search}`, next: null, previous: null } };
  }

  /** Keystone's error shape. */
  const keystoneError = (code, title, message) => ({ error: { code, title, message } });

  /**
   * An IAM request (any path under /v3/, op "iam" to the faults): faults,
   * then the method, the auth check and the route, in the EVS API's order.
   */
  async function serveIam(req, res, requestId, url, apiPath) {
    if (await applyFault(req, res, 'iam', url.pathname, () => Buffer.from(JSON.stringify(projectsBody(url))))) return;
    res.setHeader('X-IAM-Trace-Id', randomBytes(16).toString('hex'));
    if (req.method !== 'GET') return send(res, 405, keystoneError(405, 'Method Not Allowed', `method ${req.method} is not allowed here`));
    if (!checkAuth(req, res, requestId, url)) return;
    if (apiPath === '/v3/projects') return send(res, 200, projectsBody(url));
    return send(res, 404, keystoneError(404, 'Not Found', `no IAM API at ${apiPath}`));
  }

  /** Applies the first matching fault; true when it answered. `answer`: the real answer's bytes (for `truncate` and `stallBodyMs`). */
  async function applyFault(req, res, op, path, answer = () => Buffer.from(JSON.stringify({ snapshots: sorted(current()).slice(0, 50).map((s) => wire(s, 'p', false)) }))) {
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

  const clockState = () => ({ offsetMs, now: serverNow().toISOString() });
  const iamState = () => ({ projects: iamMode, region, list: iamProjectList() });

  function reset() {
    faults = [];
    log = [];
    dropped = 0;
    clock = Date.now();
    data = seedState(count);
    offsetMs = clockOffsetMs;
    iamMode = iamProjects;
  }

  /**
   * A control body, at most CONTROL_BODY_LIMIT bytes; null when it was
   * larger (then answered 413, and the connection closed once a bounded
   * amount has been read, so the client sees the answer, not a reset).
   */
  function controlBody(req, res) {
    const tooLarge = () => {
      res.setHeader('Connection', 'close');
      send(res, 413, { error: { message: `a control body is at most ${CONTROL_BODY_LIMIT} bytes` } });
    };
    const declared = Number(req.headers['content-length']);
    return new Promise((done) => {
      const parts = [];
      let size = 0;
      let over = declared > CONTROL_BODY_LIMIT;
      req.on('data', (c) => {
        size += c.length;
        if (size > CONTROL_BODY_LIMIT) over = true;
        if (over) parts.length = 0;
        else parts.push(c);
        if (size > DRAIN_LIMIT) {
          if (!res.headersSent) tooLarge();
          req.destroy();
          done(null);
        }
      });
      req.on('end', () => {
        if (!over) return done(Buffer.concat(parts).toString('utf8'));
        if (!res.headersSent) tooLarge();
        done(null);
      });
      req.on('error', () => done(null));
    });
  }

  async function control(req, res, path) {
    const body = await controlBody(req, res);
    if (body === null) return;
    const route = `${req.method} ${path}`;
    if (route === 'GET /__mock/requests') return send(res, 200, { count: log.length, dropped, limit: logLimit, requests: log });
    if (route === 'DELETE /__mock/requests') return (log = []), (dropped = 0), send(res, 204, '');
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
    if (route === 'GET /__mock/iam') return send(res, 200, iamState());
    if (route === 'DELETE /__mock/iam') return (iamMode = iamProjects), send(res, 200, iamState());
    if (route === 'PUT /__mock/iam') {
      let mode;
      try {
        mode = JSON.parse(body).projects;
      } catch {
        mode = undefined;
      }
      if (!IAM_MODES.includes(mode)) return send(res, 400, { error: { message: `the body must be {"projects": ${IAM_MODES.map((m) => `"${m}"`).join(' | ')}}` } });
      iamMode = mode;
      return send(res, 200, iamState());
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

  /** A folder's real path (null when it does not exist), resolved per request: `make build` may replace pkg/ under a running demo. */
  function realDir(dir) {
    try {
      return realpathSync(resolve(dir));
    } catch {
      return null;
    }
  }

  /**
   * A file of `root` for the URL path `rel` (decoded), through symlinks
   * that stay inside it: the file's real path, 'outside' (a `..` segment, a
   * NUL, or a link out of the folder) or null (no such file).
   */
  function fileIn(root, rel) {
    if (rel.includes('\0') || rel.split(/[/\\]/).includes('..')) return 'outside';
    const inside = (p) => p === root || p.startsWith(root + sep);
    let file;
    try {
      file = realpathSync(join(root, rel));
      if (!inside(file)) return 'outside';
      if (statSync(file).isDirectory()) {
        file = realpathSync(join(file, 'index.html'));
        if (!inside(file)) return 'outside';
      }
      return statSync(file).isFile() ? file : null;
    } catch {
      return null;
    }
  }

  /**
   * A static file's bytes, gzip-compressed when the client accepts it, as
   * hosting does (the dashboard, the package's .js and .wasm): the browser
   * tests and `make bench` see the bytes a console's users would. The last
   * few compressed files are kept, by content.
   */
  function sendFile(req, res, headers, body) {
    const out = { ...headers, Vary: 'Accept-Encoding' };
    if (acceptsGzip(req)) {
      const key = createHash('sha256').update(body).digest('hex');
      let gz = gzipped.get(key);
      if (!gz) {
        gz = gzipSync(body);
        if (gzipped.size >= 32) gzipped.delete(gzipped.keys().next().value);
        gzipped.set(key, gz);
      }
      out['Content-Encoding'] = 'gzip';
      body = gz;
    }
    res.writeHead(200, { ...out, 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
  const gzipped = new Map();

  function serveStatic(req, res, pathname) {
    for (const { urlPrefix, dir } of statics) {
      const p = urlPrefix.endsWith('/') ? urlPrefix : `${urlPrefix}/`;
      if (!(pathname + '/').startsWith(p) && pathname !== urlPrefix) continue;
      const real = realDir(dir);
      if (real === null) continue;
      let rel;
      try {
        rel = decodeURIComponent(pathname.slice(p.length - 1));
      } catch {
        send(res, 400, evsError('badRequest', 'malformed percent-encoding in the path', 'MOCK.400'));
        return true;
      }
      const file = fileIn(real, rel);
      if (file === null) continue;
      if (file === 'outside') {
        send(res, 403, evsError('forbidden', 'the path leaves the static folder', 'MOCK.403'));
        return true;
      }
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      const headers = { 'Content-Type': type, 'Cache-Control': 'no-cache' };
      if (type.startsWith('text/html')) {
        const html = readFileSync(file);
        if (csp) headers['Content-Security-Policy'] = withImportMapHashes(csp, html.toString('utf8'));
        return sendFile(req, res, headers, html), true;
      }
      if (csp) headers['Content-Security-Policy'] = csp;
      if (COMPRESSIBLE.test(type) && acceptsGzip(req)) return sendFile(req, res, headers, readFileSync(file)), true;
      res.writeHead(200, { ...headers, 'Content-Length': statSync(file).size });
      if (req.method === 'HEAD') return res.end(), true;
      createReadStream(file).pipe(res);
      return true;
    }
    return false;
  }

  async function handle(req, res) {
    const requestId = randomBytes(16).toString('hex');
    res.setHeader('X-Request-Id', requestId);
    res.setHeader('Date', serverNow().toUTCString());
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // DNS rebinding: a page on evil.example that resolves to 127.0.0.1 sends
    // Host: evil.example. Only the address the mock listens on is answered.
    if (!allowedHosts.has(String(req.headers.host ?? '').toLowerCase())) {
      return send(res, 421, evsError('misdirected', `this server answers only for Host ${[...allowedHosts].join(', ')}`, 'MOCK.421'));
    }
    let url;
    try {
      url = new URL(req.url, 'http://mock.invalid');
    } catch {
      return send(res, 400, evsError('badRequest', 'malformed request target', 'EVS.0002'));
    }
    const pathname = url.pathname;
    const inApi = prefix === '' || pathname === prefix || pathname.startsWith(`${prefix}/`);
    const apiPath = inApi ? pathname.slice(prefix.length) || '/' : null;
    if (apiPath !== null && apiPath.startsWith('/__mock/')) {
      // The control endpoints: same origin only, never CORS, whatever allowOrigins says.
      if (originOf(req) !== 'same') return send(res, 403, evsError('forbidden', 'the control endpoints answer same-origin requests only', 'MOCK.403'));
      return control(req, res, apiPath);
    }
    const iam = apiPath !== null && apiPath.startsWith('/v3/');
    if (apiPath !== null && (apiPath.startsWith('/v2/') || iam)) {
      res.setHeader('Vary', 'Origin');
      const from = originOf(req);
      if (from === 'refused') {
        return send(res, 403, evsError('forbidden', 'cross-origin calls are answered only for the origins the mock was started with (--allow-origin)', 'MOCK.403'));
      }
      if (from === 'allowed') cors(req, res);
      if (req.method === 'OPTIONS') {
        record({ method: 'OPTIONS', path: pathname, query: url.search.slice(1), headers: req.headers, kind: 'preflight', time: Date.now() });
        res.writeHead(204, {
          'Access-Control-Allow-Methods': 'GET, OPTIONS',
          'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
          'Access-Control-Max-Age': '600',
        });
        return res.end();
      }
      const entry = { method: req.method, path: pathname, query: url.search.slice(1), headers: { ...req.headers }, kind: iam ? 'iam' : 'api', time: Date.now() };
      record(entry);
      // The status it was answered with, once sent.
      res.on('finish', () => {
        entry.status = res.statusCode;
      });
      if (iam) return serveIam(req, res, requestId, url, apiPath);
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
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  if (!['0.0.0.0', '::', ''].includes(host)) names.push(host.includes(':') ? `[${host}]` : host);
  allowedHosts = new Set(names.flatMap((n) => (actual === 80 ? [n, `${n}:80`] : [`${n}:${actual}`])).map((n) => n.toLowerCase()));
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
  if (!quiet) console.log(`mock EVS listening on ${url} (API at ${url}${prefix})`);
  return {
    url,
    apiUrl: url + prefix,
    port: actual,
    server,
    requests: () => log,
    clearRequests: () => {
      log = [];
      dropped = 0;
    },
    setFaults: (list) => void (faults = list.map((f) => ({ ...f }))),
    clearFaults: () => void (faults = []),
    reset: () => void reset(),
    setClockOffset: (ms) => {
      if (!Number.isSafeInteger(ms)) throw new Error('the clock offset must be an integer (ms)');
      offsetMs = ms;
    },
    clockOffset: () => offsetMs,
    region,
    setIamProjects: (mode) => void (iamMode = checkIamMode(mode)),
    iamProjects: () => iamMode,
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
    else if (a === '--allow-origin') (o.allowOrigins ??= []).push(val());
    else if (a === '--csp') o.csp = val();
    else if (a === '--no-csp') o.csp = false;
    else if (a === '--log-limit') o.logLimit = Number(val());
    else if (a === '--region') o.region = val();
    else if (a === '--iam-projects') o.iamProjects = checkIamMode(val(), '--iam-projects');
    else throw new Error(`unknown option ${a}`);
  }
  if (o.allowOrigins) originMatcher(o.allowOrigins); // a bad value stops start-up with its message
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
