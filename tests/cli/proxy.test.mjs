// Behind a company proxy (issue 27 §1): the command honours HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY (and their lower-case forms) through undici's
// EnvHttpProxyAgent. Two proxies written here, on 127.0.0.1, count what
// goes through them: an HTTP forward proxy (an http: URL comes as an
// absolute-form request, as curl sends it) and a CONNECT proxy (an https:
// URL is tunnelled). The https: test is the issue's own case, `list
// --region ap-southeast-1` behind HTTPS_PROXY: the tunnel to
// evs.ap-southeast-1.myhuaweicloud.com:443 is routed by the proxy to a TLS
// stand-in on 127.0.0.1 (a certificate for that name made by openssl for
// this run, trusted through NODE_EXTRA_CA_CERTS), which passes the requests
// on to the mock; nothing leaves this machine, and no DNS is asked (the
// proxy resolves). A proxy URL's user and password are credentials: no run
// of them on stdout or stderr, --debug included, whatever fails.
//
// Every server here is bounded: closed after the tests with every socket.
import { test, after, beforeEach } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, createServer as createNetServer } from 'node:net';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useMock } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';
import { sortWire } from '../helpers/reference.mjs';
import { run, ndjson, secret } from '../helpers/child.mjs';

const HOST = 'evs.ap-southeast-1.myhuaweicloud.com';
const USER = `proxyuser${secret(12, 5)}`;
const PASSWORD = `pw${secret(24, 9)}`;
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const IDS = sortWire(SNAPSHOTS).map((s) => s.id);

let dir;
const mock = useMock({}, { each: 'reset' });
let proxy; // forward and CONNECT, no credentials asked
let authProxy; // the same, asking for USER and PASSWORD
let tls; // the stand-in for the region's https: endpoint
let deadPort;

/** Every socket a server accepted, to close them all at the end. */
function tracked(server) {
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return () =>
    new Promise((ok) => {
      for (const s of sockets) s.destroy();
      server.close(() => ok());
    });
}

/**
 * An HTTP proxy on 127.0.0.1: absolute-form requests are forwarded
 * (`forwarded`: their URLs), CONNECT requests tunnelled to where `route`
 * sends their target (`tunnels`: the targets). With `auth`, anything
 * without that Proxy-Authorization is answered 407.
 */
async function startProxy({ auth, route }) {
  const state = { forwarded: [], tunnels: [], refused: 0, authorizations: [] };
  const server = createHttpServer((req, res) => {
    state.authorizations.push(req.headers['proxy-authorization']);
    if (auth && req.headers['proxy-authorization'] !== auth) {
      state.refused++;
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test"', 'Content-Type': 'text/plain' }).end('proxy authentication required');
      return;
    }
    if (!/^http:\/\//.test(req.url)) {
      res.writeHead(400).end('not a proxy request');
      return;
    }
    state.forwarded.push(req.url);
    const target = new URL(req.url);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: target.pathname + target.search, headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end('bad gateway'));
    req.pipe(up);
  });
  server.on('connect', (req, socket, head) => {
    state.authorizations.push(req.headers['proxy-authorization']);
    if (auth && req.headers['proxy-authorization'] !== auth) {
      state.refused++;
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    state.tunnels.push(req.url);
    const to = route(req.url);
    const up = netConnect(to.port, to.host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  const close = tracked(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${server.address().port}`, state, close, reset: () => Object.assign(state, { forwarded: [], tunnels: [], refused: 0, authorizations: [] }) };
}

/** The region's endpoint, stood in for: TLS with a certificate for HOST, every request passed on to the mock (whose Host it is given). */
async function startTlsStandIn(key, cert) {
  const hosts = [];
  const server = createHttpsServer({ key, cert }, (req, res) => {
    hosts.push(req.headers.host);
    const headers = { ...req.headers, host: `127.0.0.1:${mock.port}` };
    const up = httpRequest({ host: '127.0.0.1', port: mock.port, method: req.method, path: req.url, headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  const close = tracked(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: server.address().port, hosts, close };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'evs-proxy-'));
  // A certificate for the region's host name, for this run only.
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', `/CN=${HOST}`, '-addext', `subjectAltName=DNS:${HOST}`,
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore', timeout: 30000 });
  tls = await startTlsStandIn(readFileSync(join(dir, 'key.pem')), readFileSync(join(dir, 'cert.pem')));
  // Every tunnel goes to the stand-in: the proxy is the only one that knows where the region is.
  const route = () => ({ host: '127.0.0.1', port: tls.port });
  proxy = await startProxy({ route });
  authProxy = await startProxy({ auth: BASIC, route });
  const s = createNetServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  deadPort = s.address().port;
  await new Promise((r) => s.close(r));
});
after(async () => {
  await Promise.all([tls?.close(), proxy?.close(), authProxy?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  proxy.reset();
  authProxy.reset();
  tls.hosts.length = 0;
});

const at = (m) => ({ EVS_SNAPSHOTS_ENDPOINT: m.url, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID });
const apiRequests = () => mock.requests().filter((r) => r.kind === 'api');
const withCredentials = (url) => url.replace('http://', `http://${USER}:${PASSWORD}@`);

/** No run of 6 characters of the user or the password (nor the Basic token) in any of `texts`. */
function assertHidden(...texts) {
  for (const [name, value] of [['user', USER], ['password', PASSWORD], ['Basic token', BASIC.slice(6)]]) {
    for (const t of texts) {
      for (let i = 0; i + 6 <= value.length; i++) {
        const at = t.indexOf(value.slice(i, i + 6));
        assert.equal(at, -1, `a run of the proxy's ${name} in the output: ${JSON.stringify(t.slice(Math.max(0, at - 30), at + 30))}`);
      }
    }
  }
}

test('the harness: the proxy forwards and tunnels, asks for its credentials, and the stand-in passes on to the mock', async () => {
  // Node's own http client, no undici: what the tests below count is the proxy's work.
  const body = await new Promise((ok, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port: new URL(proxy.url).port, path: `${mock.url}/v2/${PROJECT_ID}/snapshots?limit=1`, headers: { host: `127.0.0.1:${mock.port}` } }, (r) => {
      let t = '';
      r.setEncoding('utf8').on('data', (d) => (t += d)).on('end', () => ok({ status: r.statusCode, t }));
    });
    req.on('error', fail).end();
  });
  assert.equal(body.status, 200);
  assert.equal(JSON.parse(body.t).snapshots[0].id, IDS[0]);
  assert.deepEqual(proxy.state.forwarded, [`${mock.url}/v2/${PROJECT_ID}/snapshots?limit=1`]);
  const refused = await new Promise((ok, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port: new URL(authProxy.url).port, path: `${mock.url}/`, headers: { host: `127.0.0.1:${mock.port}` } }, (r) => {
      r.resume();
      ok(r.statusCode);
    });
    req.on('error', fail).end();
  });
  assert.equal(refused, 407);
  assert.equal(authProxy.state.forwarded.length, 0);
});

test('HTTP_PROXY: an http: endpoint is fetched through the forward proxy, every page of the walk; the proxy gets its credentials', async () => {
  for (const name of ['HTTP_PROXY', 'http_proxy']) {
    mock.clearRequests();
    authProxy.reset();
    const r = await run(['list', '--page-size', '100'], { ...at(mock), [name]: withCredentials(authProxy.url) });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(ndjson(r.stdout).map((s) => s.id), IDS, name);
    // 264 snapshots in pages of 100: three requests, each through the proxy, in absolute form.
    assert.equal(IDS.length, 264);
    assert.equal(authProxy.state.forwarded.length, 3, name);
    for (const u of authProxy.state.forwarded) assert.ok(u.startsWith(`${mock.url}/v2/${PROJECT_ID}/snapshots?`), u);
    assert.equal(authProxy.state.tunnels.length, 0, 'an http: URL is not tunnelled');
    assert.equal(apiRequests().length, 3, 'the mock saw exactly what the proxy forwarded');
    assert.deepEqual(new Set(authProxy.state.authorizations), new Set([BASIC]), 'the user and password go to the proxy as Proxy-Authorization');
    assert.ok(apiRequests().every((q) => q.headers['proxy-authorization'] === undefined), 'and no further');
    assertHidden(r.stdout, r.stderr);
  }
});

test('HTTPS_PROXY: `list --region ap-southeast-1` goes through a CONNECT tunnel to the region\'s https: endpoint', async () => {
  for (const name of ['HTTPS_PROXY', 'https_proxy']) {
    mock.clearRequests();
    authProxy.reset();
    tls.hosts.length = 0;
    const env = { HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'), [name]: withCredentials(authProxy.url) };
    const r = await run(['list', '--region', 'ap-southeast-1', '--max-items', '5'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(ndjson(r.stdout).map((s) => s.id), IDS.slice(0, 5), name);
    assert.deepEqual(authProxy.state.tunnels, [`${HOST}:443`], 'one tunnel, to the region\'s host');
    assert.deepEqual(authProxy.state.authorizations, [BASIC]);
    assert.deepEqual(tls.hosts, [HOST], 'the request inside the tunnel is for the region\'s host');
    assert.equal(apiRequests().length, 1);
    assertHidden(r.stdout, r.stderr);
  }
  // HTTP_PROXY alone serves https: URLs too (undici's EnvHttpProxyAgent), through the same tunnel.
  proxy.reset();
  const r = await run(['get', IDS[0], '--region', 'ap-southeast-1'], { HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'), HTTP_PROXY: proxy.url });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).id, IDS[0]);
  assert.deepEqual(proxy.state.tunnels, [`${HOST}:443`]);
});

test('NO_PROXY exempts a host: the request goes straight to it; other hosts still go through the proxy', async () => {
  for (const [name, value] of [['NO_PROXY', '127.0.0.1'], ['no_proxy', 'localhost, 127.0.0.1'], ['NO_PROXY', `127.0.0.1:${mock.port}`], ['NO_PROXY', '*']]) {
    proxy.reset();
    mock.clearRequests();
    const r = await run(['list', '--max-items', '2'], { ...at(mock), HTTP_PROXY: proxy.url, [name]: value });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(ndjson(r.stdout).map((s) => s.id), IDS.slice(0, 2));
    assert.equal(proxy.state.forwarded.length + proxy.state.tunnels.length, 0, `${name}=${value}: nothing through the proxy`);
    assert.equal(apiRequests().length, 1);
  }
  proxy.reset();
  const r = await run(['list', '--max-items', '2'], { ...at(mock), HTTP_PROXY: proxy.url, NO_PROXY: 'other.example,127.0.0.2' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(proxy.state.forwarded.length, 1, 'a host NO_PROXY does not name goes through the proxy');
});

test('a proxy\'s user and password never show: --debug, a 407 on a forward and on a CONNECT, a proxy that is not there, a proxy URL that is not one', async () => {
  const outputs = [];
  const go = async (args, env) => {
    const r = await run(args, env);
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  // Through the proxy, with --debug: the line says where, never who.
  let r = await go(['list', '--max-items', '1', '--debug'], { ...at(mock), HTTP_PROXY: withCredentials(authProxy.url) });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`debug: proxy for https: ${authProxy.url}, for http: ${authProxy.url}\\n`));
  assert.match(r.stderr, /debug: listSnapshots: GET http:\/\/127\.0\.0\.1:\d+\/v2\/[0-9a-f]+\/snapshots\?limit=2, status 200/);
  // Wrong credentials, on a forwarded request and on a CONNECT: the proxy's
  // 407 ends the call at once (asking again would not change it), with a
  // line saying what to check.
  const wrong = (url) => url.replace('http://', `http://${USER}:${PASSWORD}x@`);
  mock.clearRequests();
  r = await go(['list', '--max-items', '1', '--debug'], { ...at(mock), HTTP_PROXY: wrong(authProxy.url) });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /network error: the proxy answered 407 Proxy Authentication Required: check the user and password in HTTPS_PROXY or HTTP_PROXY/);
  assert.equal(authProxy.state.refused, 1, 'one attempt, not three');
  r = await go(['get', IDS[0], '--region', 'ap-southeast-1', '--debug'], {
    HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID,
    NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'),
    HTTPS_PROXY: wrong(authProxy.url),
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /network error: the proxy answered 407 Proxy Authentication Required/);
  assert.equal(authProxy.state.refused, 2);
  assert.equal(apiRequests().length, 0, 'nothing reached the service');
  // A proxy that is not there: a network error, retried, each attempt's line without the credentials.
  r = await go(['list', '--max-items', '1', '--max-attempts', '2', '--debug'], { ...at(mock), HTTP_PROXY: `http://${USER}:${PASSWORD}@127.0.0.1:${deadPort}` });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /attempt 2 of 2/);
  assert.match(r.stderr, /network error/);
  // Not a URL at all: a usage mistake naming the variable, not its value; nothing sent.
  mock.clearRequests();
  r = await go(['list'], { ...at(mock), HTTPS_PROXY: `http://${USER}:${PASSWORD}@proxy example:3128` });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /HTTPS_PROXY \(or https_proxy\) is not a proxy URL/);
  assert.equal(apiRequests().length, 0);
  assertHidden(...outputs);
});

test('without a proxy variable the request goes straight to the endpoint (undici is not loaded)', async () => {
  const r = await run(['list', '--max-items', '1', '--debug'], { ...at(mock), NO_PROXY: '127.0.0.1' });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /proxy/);
  assert.equal(proxy.state.forwarded.length + authProxy.state.forwarded.length, 0);
});
