#!/usr/bin/env node
// A mock of Huawei Cloud EVS's snapshot API (docs/evs-api.md) and of the one IAM
// call a client needs, the project ID of a region (docs/evs-api.md "IAM: finding a region's project ID"), Node built-ins
// only, for the demo, the tests and the benchmarks. It speaks the documented
// shapes and quirks, pages like OpenStack, checks tokens and AK/SK
// signatures like the API gateway, sends CORS headers to the origins it is
// told to allow, and lets a test switch faults on over HTTP (same origin
// only). See tests/mock-evs/README.md.
//
// This file starts the server and routes each request to one module:
// evs.mjs (the snapshot API), iam.mjs (IAM), faults.mjs, control.mjs
// (/__mock/*), static.mjs (--static), with auth.mjs, origin.mjs, clock.mjs,
// log.mjs and http.mjs beneath them.
//
//   node tests/mock-evs/server.mjs --port 8081 [--api-prefix /evs] [--static /=www] [--token T]
//        [--ak AK --sk SK [--security-token T]] [--live-progress] [--link-base URL] [--quiet]
//        [--clock-offset-ms N] [--allow-origin URL]... [--csp POLICY | --no-csp] [--log-limit N]
//        [--region R] [--iam-projects none|one|two]
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REGION } from './data.mjs';
import { percentDecode } from './signature.mjs';
import { send, evsError } from './http.mjs';
import { originMatcher, originOf, cors } from './origin.mjs';
import { createAuth } from './auth.mjs';
import { createClock } from './clock.mjs';
import { createLog, LOG_LIMIT } from './log.mjs';
import { createFaults } from './faults.mjs';
import { createEvs } from './evs.mjs';
import { createIam, checkIamMode } from './iam.mjs';
import { createControl } from './control.mjs';
import { createStatic, DEFAULT_CSP } from './static.mjs';

export { DEFAULT_CSP, withImportMapHashes } from './static.mjs';
export { CONTROL_BODY_LIMIT } from './control.mjs';
export { LOG_LIMIT } from './log.mjs';
export { IAM_MODES } from './iam.mjs';
export { originMatcher } from './origin.mjs';
export { formDecode } from './http.mjs';

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

  const clock = createClock({ now, offsetMs: clockOffsetMs });
  const log = createLog(logLimit);
  const faults = createFaults();
  const checkAuth = createAuth({ token, ak, sk, securityToken, now: clock.now });
  const evs = createEvs({ count, liveProgress, linkBase });
  const iam = createIam({ region, linkBase, iamProjects, faults, checkAuth });
  const serveStatic = createStatic({ statics, csp });
  /** Clears faults and log, restarts the progress clock, puts the clock and IAM switches back. */
  function reset() {
    faults.clear();
    log.clear();
    evs.reset();
    clock.reset();
    iam.reset();
  }
  const control = createControl({ log, faults, evs, iam, clock, reset });

  async function handle(req, res) {
    const requestId = randomBytes(16).toString('hex');
    res.setHeader('X-Request-Id', requestId);
    res.setHeader('Date', clock.now().toUTCString());
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
      if (originOf(req, allowedOrigin) !== 'same') return send(res, 403, evsError('forbidden', 'the control endpoints answer same-origin requests only', 'MOCK.403'));
      return control(req, res, apiPath);
    }
    const isIam = apiPath !== null && apiPath.startsWith('/v3/');
    if (apiPath !== null && (apiPath.startsWith('/v2/') || isIam)) {
      res.setHeader('Vary', 'Origin');
      const from = originOf(req, allowedOrigin);
      if (from === 'refused') {
        return send(res, 403, evsError('forbidden', 'cross-origin calls are answered only for the origins the mock was started with (--allow-origin)', 'MOCK.403'));
      }
      if (from === 'allowed') cors(req, res);
      if (req.method === 'OPTIONS') {
        log.record({ method: 'OPTIONS', path: pathname, query: url.search.slice(1), headers: req.headers, kind: 'preflight', time: Date.now() });
        res.writeHead(204, {
          'Access-Control-Allow-Methods': 'GET, OPTIONS',
          'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
          'Access-Control-Max-Age': '600',
        });
        return res.end();
      }
      const entry = { method: req.method, path: pathname, query: url.search.slice(1), headers: { ...req.headers }, kind: isIam ? 'iam' : 'api', time: Date.now() };
      log.record(entry);
      // The status it was answered with, once sent.
      res.on('finish', () => {
        entry.status = res.statusCode;
      });
      if (isIam) return iam.serve(req, res, requestId, url, apiPath);
      const show = /^\/v2\/([^/]+)\/cloudsnapshots\/([^/]+)$/.exec(apiPath);
      const list = /^\/v2\/([^/]+)\/snapshots$/.exec(apiPath);
      const op = show ? 'show' : list ? 'list' : 'other';
      if (await faults.apply(req, res, op, pathname, evs.firstPage)) return;
      if (req.method !== 'GET') return send(res, 405, evsError('badRequest', `method ${req.method} is not allowed here`, 'EVS.0005'));
      if (!checkAuth(req, res, requestId, url)) return;
      if (show) return evs.show(res, percentDecode(show[1]), percentDecode(show[2]));
      if (list) return evs.list(res, url, percentDecode(list[1]));
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
    requests: () => log.entries(),
    clearRequests: () => log.clear(),
    setFaults: (list) => faults.set(list),
    clearFaults: () => faults.clear(),
    reset: () => reset(),
    setClockOffset: (ms) => {
      if (!Number.isSafeInteger(ms)) throw new Error('the clock offset must be an integer (ms)');
      clock.set(ms);
    },
    clockOffset: () => clock.offset(),
    region,
    setIamProjects: (mode) => iam.setMode(mode),
    iamProjects: () => iam.mode(),
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

/** What --help prints (and what follows an unknown option): the options, each with what it does; tests/mock-evs/README.md has the rest. */
const USAGE = `usage: node tests/mock-evs/server.mjs [options]   (tests/mock-evs/README.md)
  --port N                  the port on 127.0.0.1 (default 8081; 0: any free port)
  --host ADDR               the address to listen on (default 127.0.0.1)
  --api-prefix /P           serve the API under /P (as an API gateway's path would)
  --static /URL=DIR         serve DIR's files under /URL (repeatable), with a CSP and gzip
  --token T                 accept X-Auth-Token T
  --ak AK --sk SK           check SDK-HMAC-SHA256 signatures made with this key pair
  --security-token T        and require X-Security-Token T with them
  --count N                 serve N snapshots (the seed plus copies)
  --live-progress           snapshots that are creating advance on each read
  --link-base URL           the base of the snapshots_links the list sends
  --clock-offset-ms N       the service's clock this far from the machine's
  --allow-origin URL        send CORS headers to this origin (repeatable)
  --csp POLICY | --no-csp   the static files' Content-Security-Policy, or none
  --log-limit N             keep the last N requests in the log (/__mock/requests)
  --region R                the region IAM knows
  --iam-projects none|one|two  what IAM's project lookup answers
  --quiet                   no line per request
  --help                    this text`;

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
    else if (a === '--help' || a === '-h') o.help = true;
    else throw new Error(`unknown option ${a} (--help lists them)`);
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
  if (opts.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const mock = await startMockEvs(opts);
  const stop = () => mock.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
