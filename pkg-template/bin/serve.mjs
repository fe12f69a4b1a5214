// `evs-snapshots serve`'s HTTP server (docs/contract.md, "Serving browsers:
// the signing proxy"): the dashboard (../dashboard/), the package's browser
// build at /pkg/ and the signing proxy (createProxy, passed in) at /evs, on
// one origin on this machine. Node built-ins only.
//
// It is a server on someone's computer, reachable by every local user and,
// through the browser, by every site open in it. So:
// - it answers only a Host of its own address (127.0.0.1:PORT,
//   localhost:PORT, or the --host name with the port): a page on another
//   name that resolves to 127.0.0.1 (DNS rebinding) gets 403;
// - everything but the key exchange needs a session cookie, as Jupyter does:
//   the printed URL's random key (`/?key=KEY`) is exchanged for an HttpOnly,
//   SameSite=Strict cookie and a redirect to `/`; a wrong key is 403 and sets
//   nothing; without the cookie /evs/… is 401 (nothing sent upstream) and a
//   page is 401 with a note to open the printed URL;
// - /evs answers only this origin's own calls: a request the browser marks
//   Sec-Fetch-Site same-site or cross-site is 403 (every port of 127.0.0.1
//   is one site, so the SameSite cookie alone would let a page of another
//   local server send it with an <img>); the proxy itself refuses another
//   Origin (CORS is never granted), other methods, paths and query keys
//   (createProxy's table);
// - the dashboard's Content-Security-Policy (scripts from this origin only,
//   its import map by hash, calls to this origin only), nosniff, no Referer.
//
// The page learns what it is connected to from a <meta name="evs-serve">
// written into index.html: the project ID, the region and the EVS endpoint
// the server calls. Never a credential.
import { createServer } from 'node:http';
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, extname } from 'node:path';

/** Where the page's calls go: the proxy's basePath (www/settings.js's SERVED_ENDPOINT). */
export const BASE_PATH = '/evs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * The dashboard's Content-Security-Policy: scripts only from this origin
 * (plus, on index.html, its inline import map by its SHA-256), WebAssembly
 * compiled but no eval, no inline script or style, calls only to this
 * origin (the page never calls EVS itself here), no framing.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The policy of the server's own notes (no script, no style, nothing loaded). */
const NOTE_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The browser build's files a page loads (the entry, its module, the .wasm
 * and the inline copy a missing .wasm falls back to), and the rules the
 * dashboard shares with the command (lib/rules.js, its import map's
 * `evs-snapshots/rules`).
 */
const PKG_FILES = ['index.js', 'lib/wasm.js', 'lib/evs_snapshots_bg.wasm', 'lib/evs_snapshots_bg.inline.js', 'lib/rules.js'];

/** Text made safe inside an HTML attribute value or element. */
const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** `policy` with the SHA-256 of each inline import map of `html` added to its script-src (an import map is an inline script to CSP). */
function withImportMapHashes(policy, html) {
  const hashes = [];
  for (const m of html.matchAll(/<script\s+type="importmap"\s*>([\s\S]*?)<\/script\s*>/gi)) {
    hashes.push(`'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
  }
  if (hashes.length === 0) return policy;
  return policy.replace(/script-src [^;]*/, (d) => `${d} ${hashes.join(' ')}`);
}

/** Every file under `dir` as URL path → file, for the dashboard's folders (no path from a request ever reaches the file system). */
function filesUnder(dir, urlPrefix, out = new Map()) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) filesUnder(join(dir, e.name), `${urlPrefix}${e.name}/`, out);
    else if (TYPES[extname(e.name)]) out.set(`${urlPrefix}${e.name}`, join(dir, e.name));
  }
  return out;
}

/** Whether two strings are equal, in time that does not depend on where they differ. */
function sameSecret(given, secret) {
  const a = Buffer.from(String(given), 'utf8');
  const b = Buffer.from(secret, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A cookie's value in a Cookie header, or undefined. */
function cookieValue(header, name) {
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** A host for a URL or a Host header: an IPv6 address in brackets. */
const urlHost = (host) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

/**
 * The Host names (without the port) the server answers for `host`, the
 * address it listens on: 127.0.0.1, localhost and `host` itself (an IPv6
 * address in brackets). Any other name is a page of a name that resolves
 * here (DNS rebinding): 403.
 */
export const hostNames = (host) => [...new Set(['127.0.0.1', 'localhost', urlHost(host)].map((n) => n.toLowerCase()))];

/**
 * Starts the server. `proxy`: createProxy's EvsProxy (its basePath
 * BASE_PATH). `connection`: a promise of `{ projectId, region, upstream }`
 * for the page (no credential in it). `packageDir`: the package's folder
 * (its dashboard/ and browser build). Resolves once listening with
 * `{ url, port, host, key, close() }`, `url` the dashboard's with the access
 * key; rejects with the listen error (EADDRINUSE, EACCES, …).
 */
export async function startServe({ proxy, connection, packageDir, port = 0, host = '127.0.0.1' }) {
  const dashboard = filesUnder(join(packageDir, 'dashboard'), '/');
  const pkgFiles = new Map(PKG_FILES.map((f) => [`/pkg/${f}`, join(packageDir, f)]));
  const key = randomBytes(24).toString('base64url');
  const session = randomBytes(32).toString('base64url');
  connection.catch(() => {}); // a failure is the command's to report; pages then get 502
  let cookieName = '';
  let hosts = new Set();
  let printedUrl = '';

  const send = (res, status, type, body, headers = {}) => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...headers });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };
  const sendJson = (res, status, code, message, headers = {}) =>
    send(res, status, 'application/json; charset=utf-8', JSON.stringify({ error: { code, message } }), headers);
  /** A short page of the server's own, in English and Chinese. */
  const note = (res, status, en, zh) =>
    send(
      res,
      status,
      'text/html; charset=utf-8',
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>evs-snapshots serve</title></head>\n<body>\n<h1>evs-snapshots serve</h1>\n<p>${escapeHtml(en)}</p>\n<p lang="zh-CN">${escapeHtml(zh)}</p>\n</body></html>\n`,
      { 'Content-Security-Policy': NOTE_CSP },
    );

  async function dashboardPage(res) {
    let c;
    try {
      c = await connection;
    } catch {
      return note(res, 502, 'The server could not find the project it serves; see its output.', '服务器未能确定所服务的项目，请查看其输出。');
    }
    const html = readFileSync(dashboard.get('/index.html'), 'utf8');
    const meta = `<meta name="evs-serve" content="${escapeHtml(JSON.stringify({ projectId: c.projectId, region: c.region ?? '', upstream: c.upstream ?? '' }))}" />`;
    const page = html.replace(/<meta charset="utf-8" \/>/i, (m) => `${m}\n    ${meta}`);
    send(res, 200, TYPES['.html'], page, { 'Content-Security-Policy': withImportMapHashes(CSP, page) });
  }

  function handle(req, res) {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    // DNS rebinding: a page of evil.example resolved to 127.0.0.1 sends Host: evil.example.
    if (!hosts.has(String(req.headers.host ?? '').toLowerCase())) {
      return sendJson(res, 403, 'SERVE.403', `this server answers only for Host ${[...hosts].join(', ')}`);
    }
    let url;
    try {
      url = new URL(req.url, 'http://serve.invalid');
    } catch {
      return sendJson(res, 400, 'SERVE.400', 'malformed request target');
    }
    const path = url.pathname;
    const get = req.method === 'GET' || req.method === 'HEAD';

    // The key exchange: the printed URL's key for the session cookie.
    if (path === '/' && url.searchParams.has('key')) {
      if (!get) return sendJson(res, 405, 'SERVE.405', `method ${req.method} is not allowed here`, { Allow: 'GET, HEAD' });
      if (!sameSecret(url.searchParams.get('key'), key)) {
        return note(
          res,
          403,
          'This access key is not the one of this server. Open the address it printed on its first line (a server started again has a new key).',
          '此访问密钥不属于本服务器。请打开该命令输出的第一行地址（重新启动的服务器有新的密钥）。',
        );
      }
      const rest = new URLSearchParams(url.search);
      rest.delete('key');
      const q = rest.toString();
      res.writeHead(303, {
        Location: q ? `/?${q}` : '/',
        'Set-Cookie': `${cookieName}=${session}; Path=/; HttpOnly; SameSite=Strict`,
        'Cache-Control': 'no-store',
        'Content-Length': 0,
      });
      return res.end();
    }

    const inProxy = path === BASE_PATH || path.startsWith(`${BASE_PATH}/`);
    const cookie = cookieValue(req.headers.cookie, cookieName);
    if (cookie === undefined || !sameSecret(cookie, session)) {
      if (inProxy) {
        return sendJson(res, 401, 'SERVE.401', `no session: open the address evs-snapshots serve printed (${printedUrl.replace(/key=.*/, 'key=…')})`);
      }
      return note(
        res,
        401,
        `Open the address evs-snapshots serve printed on its first line, ${printedUrl.replace(/key=.*/, 'key=…')}, with its key: this dashboard answers only the browser that did.`,
        `请打开 evs-snapshots serve 输出的第一行地址（${printedUrl.replace(/key=.*/, 'key=…')}，带访问密钥）：本仪表板只响应打开过该地址的浏览器。`,
      );
    }

    if (inProxy) {
      // The session cookie is SameSite=Strict, but every port of 127.0.0.1 is the same site: a page of
      // another local server may make the browser send it (an <img> or <script> carries no Origin).
      // Only this origin's own calls, and the user's own navigation, reach the proxy.
      const site = req.headers['sec-fetch-site'];
      if (site === 'same-site' || site === 'cross-site') {
        return sendJson(res, 403, 'SERVE.403', `only this page may call its proxy (Sec-Fetch-Site: ${site})`);
      }
      return proxy.listener(req, res);
    }
    if (!get) return sendJson(res, 405, 'SERVE.405', `method ${req.method} is not allowed here`, { Allow: 'GET, HEAD' });
    if (path === '/' || path === '/index.html') return dashboardPage(res);
    const file = pkgFiles.get(path) ?? dashboard.get(path);
    if (file === undefined) return sendJson(res, 404, 'SERVE.404', 'not found');
    let body;
    try {
      body = readFileSync(file);
    } catch {
      return sendJson(res, 404, 'SERVE.404', 'not found');
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)],
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': CSP,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handle(req, res))
      .catch(() => {
        if (!res.headersSent) sendJson(res, 500, 'SERVE.500', 'internal error');
        else res.destroy();
      });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = server.address().port;
  hosts = new Set(hostNames(host).flatMap((n) => (actual === 80 ? [n, `${n}:80`] : [`${n}:${actual}`])));
  // Cookies are kept per host, not per port: the port in the name keeps two servers' sessions apart.
  cookieName = `evs-snapshots-serve-${actual}`;
  printedUrl = `http://${urlHost(host)}${actual === 80 ? '' : `:${actual}`}/?key=${key}`;
  return {
    url: printedUrl,
    port: actual,
    host,
    key,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
