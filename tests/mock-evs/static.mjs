// The mock's static file server (`--static URL=DIR`): files from inside
// their folder only, gzip-compressed for a client that accepts it, with a
// Content-Security-Policy (the dashboard's unless told otherwise) that
// allows an HTML file's inline import maps by their hash.
// tests/mock-evs/README.md, "Who is answered".
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, realpathSync, statSync } from 'node:fs';
import { resolve, join, extname, sep } from 'node:path';
import { send, evsError } from './http.mjs';

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
 * The static routes: `statics` (`[{ urlPrefix, dir }]`, first match first)
 * with `csp` (a policy string; false or null: none). Returns
 * `serveStatic(req, res, pathname)`: true when it answered.
 */
export function createStatic({ statics, csp }) {
  const gzipped = new Map();

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

  return function serveStatic(req, res, pathname) {
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
  };
}
