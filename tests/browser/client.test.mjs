// The built package inside headless Chromium: the page is served from one
// origin, the mock API from another (CORS, preflights; the API mocks allow
// the page's origin and nothing else), and from the page's own origin
// through a path endpoint. The page runs under the dashboard's
// Content-Security-Policy, with connect-src opened to loopback.
import { test } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { DEFAULT_CSP } from '../mock-evs/server.mjs';
import { useMock, mockFor } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';
import { normalizeSnapshot, sortWire } from '../helpers/reference.mjs';
import { useChromium } from '../helpers/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ALL = sortWire(SNAPSHOTS).map(normalizeSnapshot);
const VECTORS = readFileSync(join(root, 'tests', 'fixtures', 'sdk-hmac-sha256.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));

/** The dashboard's policy, with calls to any loopback port allowed (CORS decides the rest). */
const CSP = DEFAULT_CSP.replace(/connect-src [^;]*/, "connect-src 'self' http://127.0.0.1:*");
const statics = [
  { urlPrefix: '/pkg/', dir: join(root, 'pkg') },
  { urlPrefix: '/', dir: join(root, 'tests', 'browser', 'fixtures') },
];

const site = useMock({ apiPrefix: '/evs', statics, csp: CSP }); // serves the page and the package, and an API under /evs
const api = useMock(() => ({ token: 'tok-browser-51e2', allowOrigins: [site.url] })); // another origin, token-protected
const signed = useMock(() => ({ ak: 'AKBROWSER000001', sk: 'sk-browser-9d8c7b6a', allowOrigins: [site.url] })); // another origin, AK/SK-protected
const browser = useChromium();
let page;

before(async () => {
  page = await browser.newPage();
  await page.goto(`${site.url}/`);
  await page.waitForFunction(() => document.body.dataset.ready === 'yes', null, { timeout: 15000 });
});

test('cross-origin calls with a token: get, list, paginate', async () => {
  const out = await page.evaluate(
    async ({ endpoint, projectId, id }) => {
      const { getSnapshot, listSnapshots, paginateSnapshots } = window.evs;
      const cfg = { projectId, endpoint, auth: { token: 'tok-browser-51e2' } };
      const one = await getSnapshot(cfg, id);
      const first = await listSnapshots(cfg, { limit: 7 });
      const ids = [];
      for await (const s of paginateSnapshots(cfg, { limit: 100 })) ids.push(s.id);
      return { one, first, ids };
    },
    { endpoint: api.apiUrl, projectId: PROJECT_ID, id: SNAPSHOTS[5].id },
  );
  const want = { ...normalizeSnapshot(SNAPSHOTS[5]), projectId: PROJECT_ID };
  assert.equal(typeof out.one.progress, 'number');
  delete out.one.progress;
  assert.deepEqual(out.one, want);
  assert.deepEqual(out.first.snapshots, ALL.slice(0, 7));
  assert.equal(out.first.nextMarker, ALL[6].id);
  assert.deepEqual(out.ids, ALL.map((s) => s.id));
  const kinds = api.requests().map((r) => r.kind);
  assert.ok(kinds.includes('preflight'), 'the token header needs a CORS preflight');
});

test('a same-origin path endpoint resolves against the page', async () => {
  site.clearRequests();
  const n = await page.evaluate(async (projectId) => {
    const page = await window.evs.listSnapshots({ projectId, endpoint: '/evs/' }, { status: 'error' });
    return page.snapshots.length;
  }, PROJECT_ID);
  assert.equal(n, ALL.filter((s) => s.status === 'error').length);
  assert.equal(site.requests().filter((r) => r.kind === 'api')[0].path, `/evs/v2/${PROJECT_ID}/snapshots`);
});

test('errors in the browser: EvsError with request ID; invalid input sends nothing', async () => {
  api.clearRequests();
  const out = await page.evaluate(
    async ({ endpoint, projectId }) => {
      const { getSnapshot, listSnapshots, EvsError } = window.evs;
      const grab = (p) => p.then(() => null, (e) => ({ isEvs: e instanceof EvsError, isError: e instanceof Error, json: JSON.parse(JSON.stringify(e)), str: String(e) }));
      return {
        missingToken: await grab(listSnapshots({ projectId, endpoint })),
        notFound: await grab(getSnapshot({ projectId, endpoint, auth: { token: 'tok-browser-51e2' } }, 'nope')),
        invalid: await grab(listSnapshots({ projectId, endpoint }, { limit: 5000 })),
      };
    },
    { endpoint: api.apiUrl, projectId: PROJECT_ID },
  );
  assert.ok(out.missingToken.isEvs && out.missingToken.isError);
  assert.equal(out.missingToken.json.status, 401);
  assert.equal(out.missingToken.json.code, 'APIGW.0301');
  assert.match(out.notFound.json.requestId, /^[0-9a-f]{32}$/, 'X-Request-Id is readable cross-origin');
  assert.equal(out.notFound.json.errorType, 'itemNotFound');
  assert.equal(out.invalid.json.kind, 'invalid_input');
  assert.equal(api.requests().filter((r) => r.kind === 'api').length, 2);
});

test('a plain-text error body is quoted, Cinder\'s X-Openstack-Request-Id read cross-origin; a header fetch manages is invalid_input', async () => {
  const CINDER = 'req-4b1f0d7e-2a8c-4c55-9e61-0f3d2b7a9c10';
  api.setFaults([
    { match: { op: 'show' }, times: 0, status: 400, body: 'invalid json data', headers: { 'Content-Type': 'text/plain', 'X-Request-Id': null, 'X-Openstack-Request-Id': CINDER } },
  ]);
  api.clearRequests();
  try {
    const out = await page.evaluate(
      async ({ endpoint, projectId }) => {
        const { getSnapshot } = window.evs;
        const cfg = { projectId, endpoint, auth: { token: 'tok-browser-51e2' }, maxAttempts: 1 };
        const grab = (p) => p.then(() => null, (e) => JSON.parse(JSON.stringify(e)));
        return { plain: await grab(getSnapshot(cfg, 'x')), keepAlive: await grab(getSnapshot({ ...cfg, headers: { 'Keep-Alive': 'timeout=5' } }, 'x')) };
      },
      { endpoint: api.apiUrl, projectId: PROJECT_ID },
    );
    assert.equal(out.plain.message, 'EVS answered HTTP 400 Bad Request with a plain-text body: invalid json data');
    assert.equal(out.plain.requestId, CINDER, 'X-Openstack-Request-Id is exposed and read');
    // Chromium would drop the header and send the call: it is refused before.
    assert.equal(out.keepAlive.kind, 'invalid_input');
    assert.match(out.keepAlive.message, /^headers: "Keep-Alive" cannot be set/);
    assert.equal(api.requests().filter((r) => r.kind === 'api').length, 1);
  } finally {
    api.clearFaults();
  }
});

test('a network failure in the browser is kind network and retryable', async () => {
  const out = await page.evaluate(async (projectId) => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    const e = await window.evs.listSnapshots({ projectId, endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }).catch((e) => e);
    return { kind: e.kind, retryable: e.retryable };
  }, PROJECT_ID);
  assert.deepEqual(out, { kind: 'network', retryable: true });
});

test('AK/SK: a signed call from the browser is accepted by the checking mock', async () => {
  const out = await page.evaluate(
    async ({ endpoint, projectId }) => {
      const cfg = { projectId, endpoint, auth: { accessKey: 'AKBROWSER000001', secretKey: 'sk-browser-9d8c7b6a' } };
      const p = await window.evs.listSnapshots(cfg, { limit: 3, name: undefined, status: 'available' });
      const bad = await window.evs
        .listSnapshots({ ...cfg, auth: { accessKey: 'AKBROWSER000001', secretKey: 'wrong-secret-0000' } }, { limit: 1 })
        .catch((e) => JSON.stringify(e));
      return { n: p.snapshots.length, bad };
    },
    { endpoint: signed.apiUrl, projectId: PROJECT_ID },
  );
  assert.equal(out.n, 3);
  const bad = JSON.parse(out.bad);
  assert.equal(bad.status, 401);
  assert.equal(bad.code, 'APIGW.0301');
  assert.ok(!out.bad.includes('wrong-secret-0000'));
  const req = signed.requests().find((r) => r.kind === 'api');
  assert.match(req.headers.authorization, /^SDK-HMAC-SHA256 Access=AKBROWSER000001, SignedHeaders=host;x-project-id;x-sdk-date, Signature=[0-9a-f]{64}$/);
});

test('signRequest in the browser reproduces all the official vectors', async () => {
  const got = await page.evaluate(async (vectors) => {
    const out = [];
    for (const v of vectors) {
      const r = await window.evs.signRequest(
        { method: v.method, url: v.sent_url, headers: v.signer_input_headers, body: v.body || undefined },
        { accessKey: v.ak, secretKey: v.sk, securityToken: v.security_token ?? undefined },
      );
      out.push(r.headers.Authorization);
    }
    return out;
  }, VECTORS);
  assert.equal(got.length, VECTORS.length);
  assert.ok(VECTORS.length >= 33);
  VECTORS.forEach((v, i) => assert.equal(got[i], v.authorization, v.id));
});

test('faults in the browser: 503 then success, timeout, abort during backoff; the module survives', async () => {
  site.clearRequests();
  site.setFaults([{ match: { op: 'list' }, times: 1, status: 503, retryAfter: '0' }]);
  const retried = await page.evaluate(async (projectId) => (await window.evs.listSnapshots({ projectId, endpoint: '/evs' }, { limit: 2 })).snapshots.length, PROJECT_ID);
  assert.equal(retried, 2);
  assert.equal(site.requests().filter((r) => r.kind === 'api').length, 2);

  site.setFaults([{ match: { op: 'show' }, times: 0, delayMs: 3000 }]);
  const timedOut = await page.evaluate(async (projectId) => {
    const t0 = performance.now();
    const e = await window.evs.getSnapshot({ projectId, endpoint: '/evs', timeoutMs: 200, maxAttempts: 1 }, 'x').catch((e) => e);
    return { kind: e.kind, ms: performance.now() - t0 };
  }, PROJECT_ID);
  assert.equal(timedOut.kind, 'timeout');
  assert.ok(timedOut.ms < 2000, `${timedOut.ms} ms`);

  site.setFaults([{ match: { op: 'show' }, times: 0, status: 429, retryAfter: '10' }]);
  const aborted = await page.evaluate(async (projectId) => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const t0 = performance.now();
    const e = await window.evs.getSnapshot({ projectId, endpoint: '/evs', signal: ac.signal }, 'x').catch((e) => e);
    return { kind: e.kind, ms: performance.now() - t0 };
  }, PROJECT_ID);
  assert.equal(aborted.kind, 'aborted');
  assert.ok(aborted.ms < 2000, `${aborted.ms} ms`);

  site.clearFaults();
  const after = await page.evaluate(async ([projectId, id]) => (await window.evs.getSnapshot({ projectId, endpoint: '/evs' }, id)).id, [PROJECT_ID, SNAPSHOTS[0].id]);
  assert.equal(after, SNAPSHOTS[0].id);
});

/** Another page on the site (the refusals below put CORS errors in its console, not in `page`'s). */
async function sitePage() {
  const p = await browser.newPage();
  await p.goto(`${site.url}/`);
  await p.waitForFunction(() => document.body.dataset.ready === 'yes', null, { timeout: 15000 });
  return p;
}

test('another origin cannot read the control endpoints or set faults, even one the API allows', async () => {
  const page = await sitePage();
  api.clearRequests();
  await page.evaluate(
    ([endpoint, projectId]) => window.evs.listSnapshots({ projectId, endpoint, auth: { token: 'tok-browser-51e2' } }, { limit: 1 }),
    [api.apiUrl, PROJECT_ID],
  );
  const out = await page.evaluate(async (url) => {
    const attempt = (init) =>
      fetch(`${url}/__mock/requests`, init).then(
        async (r) => ({ status: r.status, text: await r.text() }),
        (e) => ({ failed: e.name }),
      );
    return {
      read: await attempt(),
      put: await fetch(`${url}/__mock/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '[{"times":0,"status":500}]' }).then(
        (r) => ({ status: r.status }),
        (e) => ({ failed: e.name }),
      ),
      reset: await fetch(`${url}/__mock/reset`, { method: 'POST', mode: 'no-cors' }).then((r) => ({ type: r.type }), (e) => ({ failed: e.name })),
    };
  }, api.url);
  assert.deepEqual(out.read, { failed: 'TypeError' }, 'the log (with its X-Auth-Token) is not readable');
  assert.deepEqual(out.put, { failed: 'TypeError' }, 'the preflight is refused');
  assert.deepEqual(out.reset, { type: 'opaque' }, 'a no-cors POST is sent (and refused by the mock)');
  // No fault was set, the log was not cleared.
  const logged = api.requests().filter((r) => r.kind === 'api');
  assert.equal(logged.length, 1);
  assert.equal(logged[0].headers['x-auth-token'], 'tok-browser-51e2');
  const after = await page.evaluate(
    ([endpoint, projectId]) => window.evs.listSnapshots({ projectId, endpoint, auth: { token: 'tok-browser-51e2' }, maxAttempts: 1 }, { limit: 1 }).then((p) => p.snapshots.length),
    [api.apiUrl, PROJECT_ID],
  );
  assert.equal(after, 1, 'the API still answers: no fault from the page');
  await page.close();
});

test('an origin that was not asked for gets no answer from the API', async (t) => {
  const closed = await mockFor(t);
  const page = await sitePage();
  try {
    const e = await page.evaluate(
      ([endpoint, projectId]) => window.evs.listSnapshots({ projectId, endpoint, maxAttempts: 1 }, { limit: 1 }).then(() => null, (e) => ({ kind: e.kind, status: e.status ?? null })),
      [closed.apiUrl, PROJECT_ID],
    );
    assert.deepEqual(e, { kind: 'network', status: null });
    assert.equal(closed.requests().length, 0, 'refused, not logged');
  } finally {
    await page.close();
  }
});

test('no console errors on the page', () => {
  assert.deepEqual(page.errors.filter((e) => !/Failed to load resource/.test(e)), []);
});

test('a wrong clock is corrected in the browser too (same origin, the Date header): 20 minutes fast and 20 slow', async (t) => {
  const AK = 'AKBROWSERCLOCK001';
  const SK = 'sk-browser-clock-4e5f';
  const clocked = await mockFor(t, { apiPrefix: '/evs', ak: AK, sk: SK, statics });
  const p = await browser.newPage();
  try {
    await p.goto(`${clocked.url}/`);
    await p.waitForFunction(() => document.body.dataset.ready === 'yes', null, { timeout: 15000 });
    const list = () =>
      p.evaluate(
        async ({ projectId, AK, SK }) => {
          const cfg = { projectId, endpoint: '/evs', auth: { accessKey: AK, secretKey: SK }, maxAttempts: 1 };
          return (await window.evs.listSnapshots(cfg, { limit: 2 })).snapshots.length;
        },
        { projectId: PROJECT_ID, AK, SK },
      );
    const statuses = () => clocked.requests().filter((r) => r.kind === 'api').map((r) => r.status);
    for (const offset of [20 * 60_000, -20 * 60_000]) {
      clocked.clearRequests();
      clocked.setClockOffset(offset);
      assert.equal(await list(), 2, `server clock ${offset} ms off`);
      assert.deepEqual(statuses(), [401, 200], `server clock ${offset} ms off`);
      // Kept for the next call: no 401.
      clocked.clearRequests();
      assert.equal(await list(), 2);
      assert.deepEqual(statuses(), [200]);
    }
  } finally {
    await p.close();
  }
});
