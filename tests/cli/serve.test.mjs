// `evs-snapshots serve` (issue 26 §2; docs/contract.md, "Serving browsers:
// the signing proxy", its last paragraph) as a child process, over HTTP,
// against the mock EVS service checking AK/SK signatures: the printed URL
// and its key, the cookie it is exchanged for, 401 without it (nothing sent
// upstream), only its own Host, the dashboard's CSP and nosniff, the page's
// connection without a credential, the project from IAM, a used port, --host,
// Ctrl-C. Upstream requests are counted in the mock's log; every answer and
// every line the command writes is checked for the credentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { createHash } from 'node:crypto';
import { useMock } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID, REGION } from '../mock-evs/data.mjs';
import { sortWire } from '../helpers/reference.mjs';
import { BIN, baseEnv, collect, secret, startServe } from '../helpers/child.mjs';

const AK = secret(20, 2601);
const SK = secret(40, 2602);
const keys = { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK };
const WIRE = sortWire(SNAPSHOTS);
const T = 30_000;

const mock = useMock({ ak: AK, sk: SK, apiPrefix: '/api' }, { each: 'reset' });

/** Everything the command wrote and every answer it gave, for the credentials check. */
const seen = [];

/** No credential, nor 16 characters of one, in `text`. */
function assertNoSecret(text, where) {
  for (const s of [AK, SK]) {
    for (let i = 0; i + 16 <= s.length; i++) {
      assert.ok(!text.includes(s.slice(i, i + 16)), `${where} holds 16 characters of a credential`);
    }
  }
}

/** One HTTP request with exactly these headers (Host included when given): `{ status, headers, body }`. */
function http(url, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, timeout: T }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push(body, JSON.stringify(res.headers));
        resolve({ status: res.statusCode, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The session cookie for the server: `name=value`, from the key exchange. */
async function login(s) {
  const r = await http(`${s.base}/?key=${s.key}`);
  assert.equal(r.status, 303);
  return r.headers['set-cookie'][0].split(';')[0];
}

/** `serve` with the test's key pair; its texts recorded in `seen` when it stops. */
const serve = async (args = [], env = keys) => {
  const s = await startServe(args, env);
  const stop = s.stop;
  s.stop = async (signal) => {
    const r = await stop(signal);
    seen.push(r.stdout, r.stderr);
    return r;
  };
  return s;
};

const connectionArgs = () => ['--endpoint', `${mock.url}/api`, '--project-id', PROJECT_ID];
const upstream = () => mock.requests().filter((r) => r.kind !== 'preflight');

test('the first line is http://127.0.0.1:PORT/?key=KEY: --port 0 takes a free port, each run its own random key; Ctrl-C exits 0', async () => {
  const a = await serve(connectionArgs());
  const b = await serve(connectionArgs());
  for (const s of [a, b]) {
    assert.equal(s.host, '127.0.0.1');
    assert.ok(s.port > 0);
    assert.ok(s.key.length >= 32, `a key of ${s.key.length} characters`);
    // The first line only: the rest (what it serves, how to stop it) goes to stderr.
    assert.equal(s.stdout(), `${s.line}\n`);
  }
  assert.notEqual(a.port, b.port);
  assert.notEqual(a.key, b.key);
  // It answers on that port.
  assert.equal((await http(`${a.base}/?key=${a.key}`)).status, 303);
  for (const s of [a, b]) {
    const r = await s.stop('SIGINT');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.signal, null);
    assert.match(r.stderr, new RegExp(`project ${PROJECT_ID}`));
    assert.doesNotMatch(r.stderr, /warning/);
  }
  // Stopped: the port no longer answers.
  await assert.rejects(http(`${a.base}/`), /ECONNREFUSED/);
});

test('SIGTERM stops it with exit 0 too', async () => {
  const s = await serve(connectionArgs());
  const r = await s.stop('SIGTERM');
  assert.equal(r.code, 0, r.stderr);
});

test('the key for a cookie: HttpOnly, SameSite=Strict, Path=/, and a redirect to / that keeps the other query keys; a wrong key is 403 and sets nothing', async () => {
  const s = await serve(connectionArgs());
  try {
    const r = await http(`${s.base}/?key=${s.key}`);
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, '/');
    const cookies = r.headers['set-cookie'];
    assert.equal(cookies.length, 1);
    const [pair, ...attrs] = cookies[0].split(';').map((x) => x.trim());
    assert.deepEqual(attrs.map((a) => a.toLowerCase()).sort(), ['httponly', 'path=/', 'samesite=strict']);
    const [name, value] = pair.split('=');
    assert.match(name, new RegExp(`${s.port}$`), 'the port in the name: two servers on one host keep their sessions apart');
    assert.ok(value.length >= 32);
    assert.notEqual(value, s.key, 'the cookie is not the key');
    assert.equal(r.headers['cache-control'], 'no-store');

    const lang = await http(`${s.base}/?lang=zh-CN&key=${s.key}`);
    assert.equal(lang.status, 303);
    assert.equal(lang.headers.location, '/?lang=zh-CN');

    const wrong = [s.key.slice(0, -1) + (s.key.endsWith('A') ? 'B' : 'A'), s.key.slice(1), '', `${s.key}x`, 'x'.repeat(200)];
    for (const k of wrong) {
      const w = await http(`${s.base}/?key=${encodeURIComponent(k)}`);
      assert.equal(w.status, 403, k);
      assert.equal(w.headers['set-cookie'], undefined, `no cookie for ${k}`);
      assert.match(w.headers['content-type'], /^text\/html/);
      assert.ok(!w.body.includes(s.key), 'the note does not give the key away');
    }
  } finally {
    await s.stop();
  }
});

test('without the cookie: /evs/… answers 401 and nothing goes upstream; a page answers 401 with a note to open the printed URL', async () => {
  const s = await serve(connectionArgs());
  try {
    mock.clearRequests();
    for (const cookie of [undefined, 'evs-snapshots-serve-1=abc', `evs-snapshots-serve-${s.port}=wrong`]) {
      const headers = cookie ? { Cookie: cookie } : {};
      const api = await http(`${s.base}/evs/v2/${PROJECT_ID}/snapshots?limit=2`, { headers });
      assert.equal(api.status, 401, String(cookie));
      const body = JSON.parse(api.body);
      assert.equal(body.error.code, 'SERVE.401');
      assert.match(body.error.message, /open the address evs-snapshots serve printed/);
      for (const path of ['/', '/index.html', '/app.js', '/pkg/index.js', '/no-such-page']) {
        const r = await http(`${s.base}${path}`, { headers });
        assert.equal(r.status, 401, path);
        assert.match(r.headers['content-type'], /^text\/html/, path);
        assert.match(r.body, /Open the address evs-snapshots serve printed on its first line, http:\/\/127\.0\.0\.1:\d+\/\?key=…/, path);
        assert.ok(!r.body.includes(s.key), 'the note does not give the key away');
        assert.equal(r.headers['x-content-type-options'], 'nosniff');
        assert.match(r.headers['content-security-policy'], /default-src 'none'/);
      }
    }
    assert.equal(upstream().length, 0, 'nothing sent upstream');
  } finally {
    await s.stop();
  }
});

test("with the cookie: the dashboard under its CSP (the import map's own hash) and nosniff, the project and endpoint in the page, no credential; the package's browser build beside it, nothing else of the package", async () => {
  const s = await serve(connectionArgs());
  try {
    const cookie = await login(s);
    const headers = { Cookie: cookie };
    const page = await http(`${s.base}/`, { headers });
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'], /^text\/html/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['cache-control'], 'no-store');
    const csp = page.headers['content-security-policy'];
    const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(page.body)[1];
    const hash = createHash('sha256').update(map).digest('base64');
    assert.equal(
      csp,
      `default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-${hash}'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    );
    const meta = /<meta name="evs-serve" content="([^"]*)" \/>/.exec(page.body);
    assert.ok(meta, 'the page names what it is connected to');
    const info = JSON.parse(meta[1].replaceAll('&quot;', '"').replaceAll('&amp;', '&'));
    assert.deepEqual(info, { projectId: PROJECT_ID, region: '', upstream: `${mock.url}/api` });
    assertNoSecret(page.body, 'the page');

    for (const [path, type] of [
      ['/app.js', /^text\/javascript/],
      ['/style.css', /^text\/css/],
      ['/messages/page.js', /^text\/javascript/],
      ['/pkg/index.js', /^text\/javascript/],
      ['/pkg/lib/wasm.js', /^text\/javascript/],
      ['/pkg/lib/evs_snapshots_bg.wasm', /^application\/wasm$/],
    ]) {
      const r = await http(`${s.base}${path}`, { headers });
      assert.equal(r.status, 200, path);
      assert.match(r.headers['content-type'], type, path);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', path);
      assert.ok(r.headers['content-security-policy'], path);
    }
    for (const path of ['/pkg/bin/evs-snapshots.mjs', '/pkg/package.json', '/pkg/index.cjs', '/pkg/lib/api.cjs', '/pkg/dashboard/index.html', '/../package.json', '/%2e%2e/package.json', '/bin/serve.mjs']) {
      const r = await http(`${s.base}${path}`, { headers });
      assert.equal(r.status, 404, path);
    }
    const post = await http(`${s.base}/`, { method: 'POST', headers });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    assert.equal(upstream().length, 0, 'serving the page sends nothing upstream');
  } finally {
    await s.stop();
  }
});

test("with the cookie: /evs is the signing proxy: the page's list and show reach the mock signed with the server's pair, without the browser's cookie", async () => {
  const s = await serve(connectionArgs());
  try {
    const cookie = await login(s);
    mock.clearRequests();
    const list = await http(`${s.base}/evs/v2/${PROJECT_ID}/snapshots?limit=2`, { headers: { Cookie: cookie } });
    assert.equal(list.status, 200, list.body);
    assert.deepEqual(
      JSON.parse(list.body).snapshots.map((x) => x.id),
      WIRE.slice(0, 2).map((x) => x.id),
    );
    const show = await http(`${s.base}/evs/v2/${PROJECT_ID}/cloudsnapshots/${WIRE[0].id}`, { headers: { Cookie: cookie } });
    assert.equal(show.status, 200, show.body);
    assert.equal(JSON.parse(show.body).snapshot.id, WIRE[0].id);
    const sent = upstream();
    assert.equal(sent.length, 2, 'one upstream request each');
    assert.deepEqual(
      sent.map((r) => [r.path, r.status]),
      [
        [`/api/v2/${PROJECT_ID}/snapshots`, 200],
        [`/api/v2/${PROJECT_ID}/cloudsnapshots/${WIRE[0].id}`, 200],
      ],
    );
    for (const r of sent) {
      assert.match(r.headers.authorization, new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, `));
      assert.equal(r.headers.cookie, undefined, "the browser's cookie stays with the server");
    }
    // A path of the proxy's refusal table: answered by it, nothing upstream.
    mock.clearRequests();
    const other = await http(`${s.base}/evs/v2/${PROJECT_ID}/snapshots/detail`, { headers: { Cookie: cookie } });
    assert.equal(other.status, 404);
    assert.equal(upstream().length, 0);
  } finally {
    await s.stop();
  }
});

test('only its own Host (127.0.0.1:PORT, localhost:PORT): another name is refused before anything else, key exchange and proxy included, nothing upstream', async () => {
  const s = await serve(connectionArgs());
  try {
    const cookie = await login(s);
    mock.clearRequests();
    for (const host of [`127.0.0.1:${s.port}`, `localhost:${s.port}`, `LOCALHOST:${s.port}`]) {
      const r = await http(`${s.base}/`, { headers: { Host: host, Cookie: cookie } });
      assert.equal(r.status, 200, host);
    }
    for (const host of [`evil.example:${s.port}`, 'evil.example', `127.0.0.1:${s.port + 1}`, '127.0.0.1', `localhost.evil.example:${s.port}`, `0.0.0.0:${s.port}`]) {
      for (const path of ['/', `/?key=${s.key}`, `/evs/v2/${PROJECT_ID}/snapshots`, '/app.js']) {
        const r = await http(`${s.base}${path}`, { headers: { Host: host, Cookie: cookie } });
        assert.equal(r.status, 403, `${host} ${path}`);
        assert.equal(r.headers['set-cookie'], undefined);
        assert.equal(JSON.parse(r.body).error.code, 'SERVE.403');
      }
    }
    assert.equal(upstream().length, 0);
  } finally {
    await s.stop();
  }
});

test('another Origin, or a request the browser marks same-site or cross-site, is refused at /evs even with the cookie (the proxy grants no CORS), nothing upstream', async () => {
  const s = await serve(connectionArgs());
  try {
    const cookie = await login(s);
    mock.clearRequests();
    const path = `${s.base}/evs/v2/${PROJECT_ID}/snapshots`;
    for (const extra of [
      { Origin: `http://127.0.0.1:${s.port + 1}` },
      { Origin: 'https://evil.example' },
      { 'Sec-Fetch-Site': 'cross-site' },
      // Another port of 127.0.0.1 is the same site: an <img> or <script> there sends the cookie and no Origin.
      { 'Sec-Fetch-Site': 'same-site' },
      { 'Sec-Fetch-Site': 'same-site', Origin: s.base },
    ]) {
      const r = await http(path, { headers: { Cookie: cookie, ...extra } });
      assert.equal(r.status, 403, JSON.stringify(extra));
      assert.equal(r.headers['access-control-allow-origin'], undefined);
    }
    const pre = await http(path, { method: 'OPTIONS', headers: { Cookie: cookie, Origin: `http://127.0.0.1:${s.port + 1}`, 'Access-Control-Request-Method': 'GET' } });
    assert.equal(pre.status, 403);
    // Its own page's calls are fine, and so is the user's own navigation.
    for (const extra of [{ Origin: s.base, 'Sec-Fetch-Site': 'same-origin' }, { 'Sec-Fetch-Site': 'none' }, {}]) {
      const own = await http(path, { headers: { Cookie: cookie, ...extra } });
      assert.equal(own.status, 200, JSON.stringify(extra));
    }
    assert.equal(upstream().length, 3, 'only those went upstream');
  } finally {
    await s.stop();
  }
});

test('the project from IAM (AK/SK, a region, no project ID): asked once before the URL is printed, and named in the page', async () => {
  mock.clearRequests();
  const s = await serve(['--endpoint', `${mock.url}/api`, '--region', REGION, '--iam-endpoint', `${mock.url}/api`]);
  try {
    assert.deepEqual(
      upstream().map((r) => [r.kind, r.path, r.query]),
      [['iam', '/api/v3/projects', `name=${REGION}`]],
      'the lookup came first',
    );
    const cookie = await login(s);
    const page = await http(`${s.base}/`, { headers: { Cookie: cookie } });
    const info = JSON.parse(/<meta name="evs-serve" content="([^"]*)"/.exec(page.body)[1].replaceAll('&quot;', '"'));
    assert.deepEqual(info, { projectId: PROJECT_ID, region: REGION, upstream: `${mock.url}/api` });
    const list = await http(`${s.base}/evs/v2/${PROJECT_ID}/snapshots?limit=1`, { headers: { Cookie: cookie } });
    assert.equal(list.status, 200);
    assert.deepEqual(upstream().map((r) => r.kind), ['iam', 'api'], 'the answer is kept: IAM is not asked again');
  } finally {
    await s.stop();
  }
});

test("IAM finding no project: one error line and exit 2 (the library's invalid_input, as list gives), no URL", async () => {
  mock.setIamProjects('none');
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--endpoint', `${mock.url}/api`, '--region', REGION, '--iam-endpoint', `${mock.url}/api`], {
    env: { ...baseEnv(), ...keys },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r = await collect(child);
  seen.push(r.stdout, r.stderr);
  assert.equal(r.code, 2, r.stderr); // the library's invalid_input: no project named like the region
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^evs-snapshots: invalid_input error[^\n]*IAM has no project named "${REGION}"[^\n]*\n$`));
});

test('a used port: one line on stderr, exit 1, nothing on stdout, nothing upstream', async () => {
  const blocker = createServer();
  await new Promise((ok) => blocker.listen(0, '127.0.0.1', ok));
  const { port } = blocker.address();
  try {
    mock.clearRequests();
    const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), ...connectionArgs()], { env: { ...baseEnv(), ...keys }, stdio: ['ignore', 'pipe', 'pipe'] });
    const r = await collect(child);
    seen.push(r.stdout, r.stderr);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `evs-snapshots serve: cannot listen on 127.0.0.1:${port}: the port is in use (EADDRINUSE)\n`);
    assert.equal(upstream().length, 0);
  } finally {
    blocker.close();
  }
});

test('--host: another address prints a warning, the URL names it and its Host is answered; 127.0.0.1 given prints none', async () => {
  const s = await serve(['--host', 'localhost', ...connectionArgs()]);
  try {
    assert.equal(s.host, 'localhost');
    assert.match(s.stderr(), /^evs-snapshots: warning: listening on localhost, not 127\.0\.0\.1/);
    const r = await http(`http://localhost:${s.port}/?key=${s.key}`, { headers: { Host: `localhost:${s.port}` } });
    assert.equal(r.status, 303);
  } finally {
    await s.stop();
  }
  const plain = await serve(['--host', '127.0.0.1', ...connectionArgs()]);
  const r = await plain.stop();
  assert.doesNotMatch(r.stderr, /warning/);
});

test('usage mistakes: exit 2 with one line, nothing listening (an argument, a bad port or host, no project ID, no endpoint)', async () => {
  for (const [args, env, message] of [
    [['serve', 'extra', ...connectionArgs()], keys, /serve takes no arguments, only options/],
    [['serve', '--port', 'http', ...connectionArgs()], keys, /--port must be an integer/],
    [['serve', '--port', '70000', ...connectionArgs()], keys, /--port must be 0\.\.65535/],
    [['serve', '--host', 'a b', ...connectionArgs()], keys, /--host must be a host name or an IP address/],
    [['serve', '--endpoint', `${mock.url}/api`], keys, /no project ID/],
    [['serve', '--project-id', PROJECT_ID], keys, /no endpoint/],
  ]) {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const r = await collect(child);
    seen.push(r.stdout, r.stderr);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, message);
    assert.match(r.stderr, /^[^\n]+\n$/);
  }
});

test('serve --help names its options', async () => {
  const child = spawn(process.execPath, [BIN, 'serve', '--help'], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const r = await collect(child);
  assert.equal(r.code, 0);
  for (const o of ['--port N', '--host ADDR', '--open', '--endpoint URL', '--project-id ID']) assert.ok(r.stdout.includes(o), o);
});

test('no credential, nor 16 characters of one, in anything the command wrote or answered above', () => {
  assert.ok(seen.length > 50, `only ${seen.length} texts recorded`);
  for (const text of seen) assertNoSecret(text, 'an output or answer');
});
