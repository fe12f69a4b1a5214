// The mock itself, with raw fetch: if it drifts from the documented API, the
// package's tests against it prove nothing.
import { test, after } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, mkdirSync, writeFileSync, rmSync, symlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CSP, CONTROL_BODY_LIMIT, LOG_LIMIT } from './server.mjs';
import { useMock, mockFor } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID, VOLUMES } from './data.mjs';
import { canonicalRequest, signature, stringToSign } from './signature.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const VECTORS = readFileSync(join(here, '..', 'fixtures', 'sdk-hmac-sha256.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));

let tmp; // holds the static folder and, beside it, what must never be served
let dir;
const IMPORT_MAP = '{"imports":{"evs-snapshots":"/pkg/index.js"}}';
before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'mock-static-'));
  dir = join(tmp, 'site');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<p>hi</p>');
  writeFileSync(join(dir, 'map.html'), `<script type="importmap">${IMPORT_MAP}</script><script type="module" src="a.js"></script>`);
  writeFileSync(join(dir, 'm.wasm'), Buffer.from([0, 97, 115, 109]));
  writeFileSync(join(dir, 'sub', 'inside.txt'), 'inside');
  writeFileSync(join(tmp, 'secret.txt'), 'SECRET outside the folder');
  mkdirSync(join(tmp, 'elsewhere'));
  writeFileSync(join(tmp, 'elsewhere', 'index.html'), 'SECRET folder outside');
  symlinkSync(join(tmp, 'secret.txt'), join(dir, 'out.txt')); // a link that leaves the folder
  symlinkSync(join(tmp, 'elsewhere'), join(dir, 'outdir')); // a folder link that leaves it
  symlinkSync(join(dir, 'sub', 'inside.txt'), join(dir, 'in.txt')); // a link that stays inside
});
const mock = useMock(() => ({ apiPrefix: '/evs', statics: [{ urlPrefix: '/', dir }] }));
after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** A raw HTTP request (fetch cannot set Host): resolves with { status, headers, body }. */
function raw(m, { method = 'GET', path = '/', headers = {}, body, chunks } = {}) {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: m.port, method, path, headers, setHost: !('Host' in headers || 'host' in headers) }, (res) => {
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
    req.on('error', fail);
    for (const c of chunks ?? []) req.write(c);
    req.end(body);
  });
}

const get = (path, init) => fetch(`${mock.apiUrl}${path}`, init);
const base = `/v2/${PROJECT_ID}`;

test('seed data: deterministic, quirky, complete', () => {
  assert.ok(SNAPSHOTS.length >= 260);
  assert.ok(VOLUMES.length >= 12);
  assert.equal(new Set(SNAPSHOTS.map((s) => s.id)).size, SNAPSHOTS.length);
  assert.ok(SNAPSHOTS.every((s) => /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(s.created_at)), 'zone-less timestamps');
  assert.ok(SNAPSHOTS.some((s) => 'update_at' in s));
  assert.ok(SNAPSHOTS.some((s) => typeof s.size === 'string'));
  assert.ok(SNAPSHOTS.some((s) => s.description === null));
  assert.ok(SNAPSHOTS.some((s) => s.updated_at === null));
});

test('show: the documented shape with extended attributes', async () => {
  const s = SNAPSHOTS.find((x) => x.status === 'creating');
  const r = await get(`${base}/cloudsnapshots/${s.id}`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('x-request-id'), /^[0-9a-f]{32}$/);
  const { snapshot } = await r.json();
  assert.equal(snapshot.id, s.id);
  assert.equal(snapshot['os-extended-snapshot-attributes:project_id'], PROJECT_ID);
  assert.match(snapshot['os-extended-snapshot-attributes:progress'], /^\d+%$/);
  const missing = await get(`${base}/cloudsnapshots/nope`);
  assert.equal(missing.status, 404);
  assert.deepEqual(Object.keys(await missing.json()), ['itemNotFound']);
});

test('list: order, filters, marker, offset, limit and next links', async () => {
  const all = (await (await get(`${base}/snapshots`)).json()).snapshots;
  assert.equal(all.length, SNAPSHOTS.length);
  const t = (s) => Date.parse(`${s.created_at.replace('t', 'T').slice(0, 23)}Z`);
  for (let i = 1; i < all.length; i++) assert.ok(t(all[i - 1]) >= t(all[i]), `order at ${i}`);
  const p = await (await get(`${base}/snapshots?limit=5&offset=2`)).json();
  assert.deepEqual(p.snapshots.map((s) => s.id), all.slice(2, 7).map((s) => s.id));
  const link = new URL(p.snapshots_links[0].href);
  assert.equal(link.host, 'evs-upstream.invalid');
  assert.equal(link.searchParams.get('marker'), all[6].id);
  const after = await (await get(`${base}/snapshots?limit=3&marker=${all[6].id}`)).json();
  assert.deepEqual(after.snapshots.map((s) => s.id), all.slice(7, 10).map((s) => s.id));
  const name = SNAPSHOTS.find((s) => /\p{Script=Han}/u.test(s.name)).name;
  const byName = await (await get(`${base}/snapshots?name=${encodeURIComponent(name)}`)).json();
  assert.ok(byName.snapshots.length >= 1 && byName.snapshots.every((s) => s.name === name));
  const plus = await (await get(`${base}/snapshots?name=db%2Blogs`)).json();
  assert.ok(plus.snapshots.every((s) => s.name === 'db+logs') && plus.snapshots.length > 0);
  for (const bad of ['limit=0', 'limit=1001', 'limit=1.5', 'limit=abc', 'offset=-1', 'marker=nope']) {
    const r = await get(`${base}/snapshots?${bad}`);
    assert.equal(r.status, 400, bad);
    assert.ok((await r.json()).badRequest, bad);
  }
  // A full last page still has a next link; the page after it is empty.
  const n = all.length;
  const last = await (await get(`${base}/snapshots?limit=${n}`)).json();
  assert.ok(last.snapshots_links?.[0]);
  const empty = await (await get(`${base}/snapshots?limit=${n}&marker=${all[n - 1].id}`)).json();
  assert.deepEqual(empty.snapshots, []);
});

test('queries read as the service reads them: + is a space, %2B a plus, %20 a space', async () => {
  const named = (n) => SNAPSHOTS.filter((s) => s.name === n).length;
  const count = async (q) => (await (await get(`${base}/snapshots?${q}`)).json()).snapshots;
  const spaced = 'weekly backup';
  assert.ok(named(spaced) >= 6, 'enough snapshots for several pages');
  for (const q of ['name=weekly+backup', 'name=weekly%20backup', 'name=weekly+%62ackup']) {
    const list = await count(q);
    assert.equal(list.length, named(spaced), q);
    assert.ok(list.every((s) => s.name === spaced), q);
  }
  const plus = await count('name=db%2Blogs');
  assert.ok(plus.length > 0 && plus.length === named('db+logs') && plus.every((s) => s.name === 'db+logs'));
  assert.deepEqual(await count('name=db+logs'), [], "'db logs' is no snapshot's name");
  // Keys are decoded the same way: `li%6Dit` is limit.
  assert.equal((await count('li%6Dit=2')).length, 2);
  // The mock's own next links (URLSearchParams writes a space as +) lead on, page after page.
  const pages = [];
  let url = `${base}/snapshots?limit=2&name=weekly+backup`;
  for (let i = 0; url && i < 50; i++) {
    const body = await (await get(url)).json();
    pages.push(body.snapshots.map((s) => s.id));
    const href = body.snapshots_links?.find((l) => l.rel === 'next')?.href;
    if (href) assert.match(href, /name=weekly\+backup/);
    url = href ? href.replace('http://evs-upstream.invalid', '') : null;
  }
  const want = SNAPSHOTS.filter((s) => s.name === spaced).length;
  assert.ok(pages.length >= 3, `${pages.length} pages`);
  assert.equal(new Set(pages.flat()).size, want, 'every snapshot of that name once');
  assert.equal(pages.flat().length, want);
});

test('CORS for an allowed origin: preflight, exposed headers, and logged', async (t) => {
  const m = await mockFor(t, { allowOrigins: ['http://page.example', 'http://127.0.0.1:*'] });
  const r = await fetch(`${m.url}${base}/snapshots`, {
    method: 'OPTIONS',
    headers: { Origin: 'http://page.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-auth-token' },
  });
  assert.equal(r.status, 204);
  assert.equal(r.headers.get('access-control-allow-origin'), 'http://page.example');
  assert.equal(r.headers.get('access-control-allow-headers'), 'x-auth-token');
  assert.match(r.headers.get('access-control-allow-methods'), /\bGET\b/);
  assert.match(r.headers.get('access-control-expose-headers'), /X-Request-Id/);
  assert.equal(m.requests()[0].kind, 'preflight');
  // The call itself, from the exact origin and from any port of http://127.0.0.1.
  for (const origin of ['http://page.example', 'http://127.0.0.1:5173', 'http://127.0.0.1:9']) {
    const g = await fetch(`${m.url}${base}/snapshots?limit=1`, { headers: { Origin: origin } });
    assert.equal(g.status, 200, origin);
    assert.equal(g.headers.get('access-control-allow-origin'), origin);
    assert.match(g.headers.get('vary'), /Origin/);
    assert.equal((await g.json()).snapshots.length, 1);
  }
  // Not asked for: a scheme, a port of an exact origin, a look-alike host, "null".
  for (const origin of ['https://127.0.0.1:5173', 'http://page.example:8080', 'http://localhost:5173', 'http://127.0.0.1.evil.example', 'null']) {
    const g = await fetch(`${m.url}${base}/snapshots?limit=1`, { headers: { Origin: origin } });
    assert.equal(g.status, 403, origin);
    assert.equal(g.headers.get('access-control-allow-origin'), null, origin);
  }
  // No Origin (Node, curl): answered, with no CORS headers.
  const plain = await fetch(`${m.url}${base}/snapshots?limit=1`);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers.get('access-control-allow-origin'), null);
});

test('CORS: by default no cross-origin caller is answered; refusals are not logged', async () => {
  mock.clearRequests();
  const pre = await get(`${base}/snapshots`, {
    method: 'OPTIONS',
    headers: { Origin: 'http://page.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-auth-token' },
  });
  assert.equal(pre.status, 403);
  assert.equal(pre.headers.get('access-control-allow-origin'), null);
  const r = await get(`${base}/snapshots?limit=1`, { headers: { Origin: 'http://page.example' } });
  assert.equal(r.status, 403);
  assert.equal(r.headers.get('access-control-allow-origin'), null);
  assert.equal((await r.json()).forbidden.code, 'MOCK.403');
  // A no-cors request from another site (an <img>, a <script>) has no Origin but says where it is from.
  assert.equal((await get(`${base}/snapshots?limit=1`, { headers: { 'Sec-Fetch-Site': 'cross-site' } })).status, 403);
  assert.equal(mock.requests().length, 0);
  // The page's own origin, as a browser sends it on a same-origin request.
  const same = await get(`${base}/snapshots?limit=1`, { headers: { Origin: mock.url, 'Sec-Fetch-Site': 'same-origin' } });
  assert.equal(same.status, 200);
  assert.equal(same.headers.get('access-control-allow-origin'), null, 'same origin needs no CORS');
});

test('control endpoints: same origin only, even for an origin the API allows', async (t) => {
  const m = await mockFor(t, { token: 'tok-control-77', allowOrigins: ['http://page.example'] });
  await fetch(`${m.url}${base}/snapshots?limit=1`, { headers: { 'X-Auth-Token': 'tok-control-77' } });
  for (const origin of ['http://page.example', 'http://evil.example', 'null']) {
    const log = await fetch(`${m.url}/__mock/requests`, { headers: { Origin: origin } });
    assert.equal(log.status, 403, origin);
    assert.equal(log.headers.get('access-control-allow-origin'), null);
    assert.ok(!(await log.text()).includes('tok-control-77'), 'the logged token is not in the refusal');
    const put = await fetch(`${m.url}/__mock/faults`, { method: 'PUT', headers: { Origin: origin }, body: JSON.stringify([{ times: 0, status: 500 }]) });
    assert.equal(put.status, 403, origin);
    const pre = await fetch(`${m.url}/__mock/faults`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT' } });
    assert.equal(pre.status, 403);
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
  }
  // A cross-site form post or no-cors fetch: refused on its fetch metadata alone.
  for (const site of ['cross-site', 'same-site']) {
    assert.equal((await fetch(`${m.url}/__mock/reset`, { method: 'POST', headers: { 'Sec-Fetch-Site': site } })).status, 403, site);
    assert.equal((await fetch(`${m.url}/__mock/requests`, { headers: { 'Sec-Fetch-Site': site } })).status, 403, site);
  }
  // No fault was set: the API still answers.
  assert.equal((await fetch(`${m.url}${base}/snapshots?limit=1`, { headers: { 'X-Auth-Token': 'tok-control-77' } })).status, 200);
  // The same origin, and no Origin at all (a test, curl), are answered.
  const own = await fetch(`${m.url}/__mock/requests`, { headers: { Origin: m.url, 'Sec-Fetch-Site': 'same-origin' } });
  assert.equal(own.status, 200);
  assert.equal((await own.json()).count, 2);
  assert.equal((await fetch(`${m.url}/__mock/faults`, { method: 'DELETE' })).status, 204);
});

test('Host: only the address the mock listens on, on every route (DNS rebinding)', async () => {
  const p = mock.port;
  for (const path of [`/evs${base}/snapshots?limit=1`, '/evs/__mock/requests', '/', '/m.wasm']) {
    for (const host of [`evil.example:${p}`, 'evil.example', `127.0.0.1:${p + 1}`, `127.0.0.1.evil.example:${p}`, '']) {
      const r = await raw(mock, { path, headers: { Host: host } });
      assert.equal(r.status, 421, `${path} with Host ${host}`);
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.ok(!r.body.includes('<p>hi</p>') && !r.body.includes('"requests"'), 'nothing served');
    }
    for (const host of [`127.0.0.1:${p}`, `localhost:${p}`, `LOCALHOST:${p}`, `[::1]:${p}`]) {
      assert.equal((await raw(mock, { path, headers: { Host: host } })).status, 200, `${path} with Host ${host}`);
    }
  }
});

test('control bodies are bounded: 413 above 1 MiB, with or without Content-Length', async () => {
  assert.equal(CONTROL_BODY_LIMIT, 1024 * 1024);
  const put = (body) => fetch(`${mock.apiUrl}/__mock/faults`, { method: 'PUT', body });
  // Exactly the limit is read (a valid array padded with spaces) ...
  const fits = `[${' '.repeat(CONTROL_BODY_LIMIT - 2)}]`;
  assert.equal(Buffer.byteLength(fits), CONTROL_BODY_LIMIT);
  assert.equal((await put(fits)).status, 204);
  // ... one byte more is not.
  const over = await put(`[${' '.repeat(CONTROL_BODY_LIMIT - 1)}]`);
  assert.equal(over.status, 413);
  assert.match((await over.json()).error.message, /1048576 bytes/);
  assert.equal((await fetch(`${mock.apiUrl}/__mock/clock`, { method: 'PUT', body: `{"offsetMs": 0${' '.repeat(CONTROL_BODY_LIMIT)}}` })).status, 413);
  // Chunked, no Content-Length: counted as it comes.
  const chunk = Buffer.alloc(256 * 1024, 0x20);
  const chunked = await raw(mock, { method: 'PUT', path: '/evs/__mock/faults', chunks: [Buffer.from('['), chunk, chunk, chunk, chunk], body: ']' });
  assert.equal(chunked.status, 413);
  // The mock still works, with no faults set by the refused bodies.
  assert.equal((await get(`${base}/snapshots?limit=1`)).status, 200);
});

test('the request log keeps the newest entries only (10,000 by default)', async (t) => {
  assert.equal(LOG_LIMIT, 10_000);
  assert.equal((await (await fetch(`${mock.apiUrl}/__mock/requests`)).json()).limit, 10_000);
  const m = await mockFor(t, { logLimit: 5 });
  for (let i = 0; i < 8; i++) await fetch(`${m.url}${base}/snapshots?limit=${i + 1}`);
  assert.deepEqual(m.requests().map((r) => r.query), ['limit=4', 'limit=5', 'limit=6', 'limit=7', 'limit=8']);
  const log = await (await fetch(`${m.url}/__mock/requests`)).json();
  assert.deepEqual([log.count, log.dropped, log.limit], [5, 3, 5]);
  await fetch(`${m.url}/__mock/requests`, { method: 'DELETE' });
  const cleared = await (await fetch(`${m.url}/__mock/requests`)).json();
  assert.deepEqual([cleared.count, cleared.dropped], [0, 0]);
});

test('faults over HTTP: status, Retry-After, times, delay, reset, html, hang', async () => {
  const put = (faults) => fetch(`${mock.apiUrl}/__mock/faults`, { method: 'PUT', body: JSON.stringify(faults) });
  assert.equal((await put([{ match: { op: 'list' }, times: 2, status: 429, retryAfter: '3', json: { error_code: 'APIGW.0308', error_msg: 'slow down' } }])).status, 204);
  for (let i = 0; i < 2; i++) {
    const r = await get(`${base}/snapshots`);
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '3');
  }
  assert.equal((await get(`${base}/snapshots?limit=1`)).status, 200);
  await put([{ match: { op: 'show' }, html: true, status: 502 }]);
  const html = await get(`${base}/cloudsnapshots/x`);
  assert.equal(html.status, 502);
  assert.match(await html.text(), /<title>502 Bad Gateway<\/title>/);
  await put([{ match: { op: 'show' }, delayMs: 300 }]);
  const t0 = Date.now();
  assert.equal((await get(`${base}/cloudsnapshots/${SNAPSHOTS[0].id}`)).status, 200);
  assert.ok(Date.now() - t0 >= 280);
  await put([{ match: { op: 'show' }, reset: true }]);
  await assert.rejects(get(`${base}/cloudsnapshots/x`));
  // hang: logged, never answered, until the client gives up; the next is answered.
  await put([{ match: { op: 'iam' }, hang: true }]);
  await fetch(`${mock.apiUrl}/__mock/requests`, { method: 'DELETE' });
  const gaveUp = new AbortController();
  const hung = get('/v3/projects?name=x', { signal: gaveUp.signal });
  const logged = async () => (await (await fetch(`${mock.apiUrl}/__mock/requests`)).json()).requests;
  while ((await logged()).length === 0) await new Promise((r) => setImmediate(r));
  gaveUp.abort();
  await assert.rejects(hung, { name: 'AbortError' });
  assert.deepEqual((await logged()).map((q) => [q.kind, q.status]), [['iam', undefined]]);
  assert.equal((await get('/v3/projects?name=x')).status, 200);
  assert.equal((await fetch(`${mock.apiUrl}/__mock/faults`, { method: 'PUT', body: 'nope' })).status, 400);
  assert.equal((await fetch(`${mock.apiUrl}/__mock/faults`, { method: 'DELETE' })).status, 204);
});

test('control: the request log over HTTP', async () => {
  await fetch(`${mock.apiUrl}/__mock/requests`, { method: 'DELETE' });
  await get(`${base}/snapshots?limit=2&name=a%20b`);
  const log = await (await fetch(`${mock.apiUrl}/__mock/requests`)).json();
  assert.equal(log.count, 1);
  assert.equal(log.requests[0].query, 'limit=2&name=a%20b');
});

test('static files: types, index, nosniff and the dashboard CSP', async (t) => {
  const page = await fetch(`${mock.url}/`);
  assert.equal(await page.text(), '<p>hi</p>');
  assert.equal(page.headers.get('content-security-policy'), DEFAULT_CSP);
  for (const d of ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
    assert.ok(DEFAULT_CSP.includes(d), d);
  }
  assert.doesNotMatch(DEFAULT_CSP, /'unsafe-inline'|'unsafe-eval'|\*(?!\.myhuaweicloud)/);
  const wasm = await fetch(`${mock.url}/m.wasm`);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal(wasm.headers.get('x-content-type-options'), 'nosniff');
  assert.equal((await fetch(`${mock.url}/nope.js`)).status, 404);
  assert.equal((await fetch(`${mock.url}/sub/inside.txt`)).status, 200);
  // An inline import map is allowed by its hash, and nothing else inline.
  const map = await fetch(`${mock.url}/map.html`);
  const hash = createHash('sha256').update(IMPORT_MAP).digest('base64');
  assert.match(map.headers.get('content-security-policy'), new RegExp(`script-src 'self' 'wasm-unsafe-eval' 'sha256-${hash.replace(/[+/]/g, '\\$&')}';`));
  // nosniff on every answer: API, errors, control.
  for (const r of [await get(`${base}/snapshots?limit=1`), await get(`${base}/cloudsnapshots/nope`), await fetch(`${mock.apiUrl}/__mock/clock`), await get('/nowhere')]) {
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', r.url);
  }
  const none = await mockFor(t, { csp: false, statics: [{ urlPrefix: '/', dir }] });
  const r = await fetch(`${none.url}/`);
  assert.equal(r.headers.get('content-security-policy'), null);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
});

test('static files: gzip for a client that accepts it, as hosting does; as they are for one that does not', async () => {
  /** A raw GET (fetch would decode): status, headers, the bytes as sent. */
  const raw = (path, acceptEncoding) =>
    new Promise((resolve, reject) => {
      const headers = acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding };
      request(`${mock.url}${path}`, { headers }, (res) => {
        const parts = [];
        res.on('data', (d) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
      })
        .on('error', reject)
        .end();
    });
  for (const path of ['/m.wasm', '/index.html', '/map.html']) {
    const want = readFileSync(join(dir, path));
    const gz = await raw(path, 'br, gzip, deflate');
    assert.equal(gz.status, 200);
    assert.equal(gz.headers['content-encoding'], 'gzip', path);
    assert.equal(gz.headers.vary, 'Accept-Encoding');
    assert.equal(Number(gz.headers['content-length']), gz.body.length);
    assert.deepEqual(gunzipSync(gz.body), want, path);
    for (const ae of [undefined, 'identity', 'gzip;q=0', 'br']) {
      const plain = await raw(path, ae);
      assert.equal(plain.headers['content-encoding'], undefined, `${path} with ${ae}`);
      assert.deepEqual(plain.body, want);
    }
  }
  // The CSP goes with the compressed page too.
  assert.ok((await raw('/map.html', 'gzip')).headers['content-security-policy'].includes('sha256-'));
});

test('static files: no file outside the folder (traversal, symlinks that leave it)', async () => {
  // Encoded slashes and dots, a NUL: refused, never resolved outside.
  for (const path of ['/..%2Fsecret.txt', '/..%2F..%2F..%2Fetc%2Fpasswd', '/sub/..%2F..%2Fsecret.txt', '/%2e%2e%2fsecret.txt', '/sub%2F..%2F..%2Fsecret.txt', '/in.txt%00.html']) {
    const r = await fetch(`${mock.url}${path}`);
    assert.equal(r.status, 403, path);
    assert.doesNotMatch(await r.text(), /SECRET|root:/, path);
  }
  // Dot segments in the raw request line are resolved against the root, as URLs are: still inside.
  for (const path of ['/../secret.txt', '/sub/../../secret.txt', '/%2e%2e/secret.txt', '/../../../../etc/passwd']) {
    const r = await raw(mock, { path });
    assert.equal(r.status, 404, path);
    assert.doesNotMatch(r.body, /SECRET|root:/, path);
  }
  // A symlink that leaves the folder, to a file or to a folder: refused.
  for (const path of ['/out.txt', '/outdir/', '/outdir/index.html', '/outdir']) {
    const r = await fetch(`${mock.url}${path}`);
    assert.equal(r.status, 403, path);
    assert.doesNotMatch(await r.text(), /SECRET/, path);
  }
  // One that stays inside is served.
  const inside = await fetch(`${mock.url}/in.txt`);
  assert.equal(inside.status, 200);
  assert.equal(await inside.text(), 'inside');
});

test('token auth answers in the API gateway shape', async (t) => {
  const m = await mockFor(t, { token: 't0k' });
  const r = await fetch(`${m.apiUrl}${base}/snapshots`);
  assert.equal(r.status, 401);
  const body = await r.json();
  assert.equal(body.error_code, 'APIGW.0301');
  assert.equal(body.request_id, r.headers.get('x-request-id'));
  assert.equal((await fetch(`${m.apiUrl}${base}/snapshots`, { headers: { 'X-Auth-Token': 't0k' } })).status, 200);
});

test('live progress: creating snapshots advance and finish', async (t) => {
  const m = await mockFor(t, { liveProgress: true });
  const s = SNAPSHOTS.find((x) => x.status === 'creating');
  const p = async () => parseInt((await (await fetch(`${m.apiUrl}${base}/cloudsnapshots/${s.id}`)).json()).snapshot['os-extended-snapshot-attributes:progress'], 10);
  const a = await p();
  // Progress advances 1 %/s: read again until it has moved (the state), at most 10 s.
  const end = Date.now() + 10_000;
  let b = await p();
  while (b <= a && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    b = await p();
  }
  assert.ok(b > a, `progress stayed at ${b} (was ${a})`);
});

// The JavaScript signer reproduces the official SDK's vectors on its own.
test('signature.mjs reproduces every official vector', () => {
  assert.ok(VECTORS.length >= 33);
  for (const v of VECTORS) {
    const u = new URL(v.sent_url);
    // What the server receives: the headers the SDK sent (its output).
    const headers = Object.fromEntries(Object.entries(v.output_headers).map(([k, val]) => [k.toLowerCase(), val]));
    headers.host = v.host;
    const names = v.signed_headers.split(';');
    const canonical = canonicalRequest({ method: v.method, path: u.pathname, query: u.search.slice(1), headers, signedHeaders: names, body: v.body ?? '' });
    assert.equal(canonical, v.canonical_request, v.id);
    assert.equal(stringToSign(headers['x-sdk-date'], canonical), v.string_to_sign, v.id);
    assert.equal(signature(v.sk, headers['x-sdk-date'], canonical), v.signature, v.id);
  }
});

test('the AK/SK check accepts a vector request at its date and refuses tampering and skew', async (t) => {
  const v = VECTORS.find((x) => x.id === 'list-localhost');
  const at = new Date(Date.UTC(2026, 10, 22, 10, 15, 0));
  let clock = at;
  const m = await mockFor(t, { ak: v.ak, sk: v.sk, now: () => clock });
  // The vector signed host 127.0.0.1:8080; sign again for this port the same way.
  const headers = { ...v.signer_input_headers };
  delete headers['User-Agent'];
  const hostHeader = `127.0.0.1:${m.port}`;
  const u = new URL(v.sent_url);
  const names = ['content-type', 'host', 'x-project-id', 'x-sdk-date'];
  const lower = Object.fromEntries(Object.entries(headers).map(([k, val]) => [k.toLowerCase(), val]));
  lower.host = hostHeader;
  const canonical = canonicalRequest({ method: 'GET', path: u.pathname, query: u.search.slice(1), headers: lower, signedHeaders: names });
  const sig = signature(v.sk, lower['x-sdk-date'], canonical);
  const auth = (s) => `SDK-HMAC-SHA256 Access=${v.ak}, SignedHeaders=${names.join(';')}, Signature=${s}`;
  const send = (s) => fetch(`${m.url}${u.pathname}${u.search}`, { headers: { ...headers, Authorization: auth(s) } });
  assert.equal((await send(sig)).status, 200);
  const tampered = await send(sig.replace(/^./, (c) => (c === '0' ? '1' : '0')));
  assert.equal(tampered.status, 401);
  assert.match((await tampered.json()).error_msg, /signature/);
  clock = new Date(at.getTime() + 16 * 60 * 1000);
  const skewed = await send(sig);
  assert.equal(skewed.status, 401);
  assert.match((await skewed.json()).error_msg, /15 minutes/);
});

test('the command line: --help lists every option the mock takes and exits 0; an unknown option exits 2 and points to --help', () => {
  const server = fileURLToPath(new URL('./server.mjs', import.meta.url));
  const help = spawnSync(process.execPath, [server, '--help'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^usage: node tests\/mock-evs\/server\.mjs/);
  // Every option parseArgs reads (`a === '--…'` in server.mjs) has its line.
  const taken = [...readFileSync(server, 'utf8').matchAll(/a === '(--[a-z-]+)'/g)].map((m) => m[1]);
  assert.ok(taken.length >= 18, `found ${taken.length} options`);
  for (const o of taken) assert.match(help.stdout, new RegExp(`\\n  ${o}\\b|\\| ${o}\\b| ${o} `), o);
  const bad = spawnSync(process.execPath, [server, '--bogus'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'mock EVS: unknown option --bogus (--help lists them)\n');
});
