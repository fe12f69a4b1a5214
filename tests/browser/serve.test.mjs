// `evs-snapshots serve` in headless Chromium (issue 26 §3, its last point):
// the command as a child process, its upstream the mock EVS service checking
// AK/SK signatures. The printed URL opens the dashboard connected to the
// project (no credential field); rows, paging, details, the overview, both
// exports, the Requests panel and zh-CN work through the server's proxy.
// Recorded over the DevTools protocol (every request's URL, headers and body,
// every response's headers and body, the cookies, localStorage and
// sessionStorage, the page itself and the exported files): no AK or SK, nor
// 16 characters of one, anywhere the browser sees. Without the cookie: 401;
// a name that resolves to 127.0.0.1 (DNS rebinding): refused; a page of a
// second origin (another 127.0.0.1 port) in the same browser cannot read
// /evs, and nothing of it goes upstream; Ctrl-C exits 0. Upstream requests
// are counted in the mock's log.
//
//   node --test tests/browser/serve.test.mjs
import { test, after } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { useMock } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID, REGION } from '../mock-evs/data.mjs';
import { normalizeSnapshot, sortWire } from '../helpers/reference.mjs';
import { useChromium, loads, waitLoaded, act } from '../helpers/browser.mjs';
import { startServe, secret, pythonCsv } from '../helpers/child.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = join(root, 'test-output');
const ALL = sortWire(SNAPSHOTS).map(normalizeSnapshot);
const ids = (list) => list.map((s) => s.id);
const T = 20_000; // the bound on any single wait

const AK = secret(20, 2611);
const SK = secret(40, 2612);
/** A host name Chromium resolves to 127.0.0.1 (--host-resolver-rules): a DNS-rebinding page's name. */
const REBIND = 'rebind.evs-test';

const mock = useMock({ ak: AK, sk: SK, apiPrefix: '/api' });
const browser = useChromium({ args: [`--host-resolver-rules=MAP ${REBIND} 127.0.0.1`] });
let served;
let other; // a second origin: another port of 127.0.0.1

before(async () => {
  mkdirSync(OUT, { recursive: true });
  // The project from IAM, as a user with only a key pair and a region has it.
  served = await startServe(['--endpoint', `${mock.url}/api`, '--region', REGION, '--iam-endpoint', `${mock.url}/api`], {
    HUAWEICLOUD_SDK_AK: AK,
    HUAWEICLOUD_SDK_SK: SK,
  });
  other = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>another local server</title><p>another origin</p>');
  });
  await new Promise((ok) => other.listen(0, '127.0.0.1', ok));
});

after(async () => {
  await new Promise((ok) => (other ? other.close(ok) : ok()));
  if (served && served.child.exitCode === null) await served.stop();
});

/** No credential, nor 16 characters of one, in `text`. */
function assertNoSecret(text, where) {
  for (const s of [AK, SK]) {
    for (let i = 0; i + 16 <= s.length; i++) {
      assert.ok(!text.includes(s.slice(i, i + 16)), `${where} holds 16 characters of a credential`);
    }
  }
}

/** Waits until `ready()` holds (checked every 20 ms), at most T; then fails with `what()`. */
async function until(ready, what) {
  const end = Date.now() + T;
  while (!ready()) {
    if (Date.now() > end) assert.fail(`not seen within ${T} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Records, over the DevTools protocol, everything of the page's network
 * traffic: each request's URL, headers (those sent, cookies included) and
 * body; each response's status, headers (Set-Cookie included) and body.
 * `texts()` gives them all once every body has been read.
 */
async function record(page) {
  const cdp = await browser.context.newCDPSession(page);
  const requests = new Map(); // requestId → { url, status, ... }
  const texts = [];
  const bodies = [];
  const entry = (id) => requests.get(id) ?? requests.set(id, { id }).get(id);
  cdp.on('Network.requestWillBeSent', (e) => {
    const r = entry(e.requestId);
    r.url = e.request.url;
    r.method = e.request.method;
    texts.push(e.request.url, JSON.stringify(e.request.headers), e.request.postData ?? '');
    if (e.redirectResponse) texts.push(JSON.stringify(e.redirectResponse.headers));
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (e) => {
    entry(e.requestId).sentHeaders = e.headers;
    texts.push(JSON.stringify(e.headers), JSON.stringify(e.associatedCookies ?? []));
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = entry(e.requestId);
    r.status = e.response.status;
    texts.push(JSON.stringify(e.response.headers));
  });
  // Also for an answer the page may not read (CORS): its status as it came over the wire.
  cdp.on('Network.responseReceivedExtraInfo', (e) => {
    entry(e.requestId).wireStatus = e.statusCode;
    texts.push(JSON.stringify(e.headers), e.headersText ?? '');
  });
  cdp.on('Network.loadingFinished', (e) => {
    bodies.push(
      cdp
        .send('Network.getResponseBody', { requestId: e.requestId })
        .then((b) => {
          entry(e.requestId).bodyRead = true;
          texts.push(b.base64Encoded ? Buffer.from(b.body, 'base64').toString('latin1') : b.body);
        })
        .catch(() => {}),
    );
  });
  await cdp.send('Network.enable', { maxPostDataSize: 65536 });
  return {
    cdp,
    requests: () => [...requests.values()],
    async texts() {
      await Promise.all(bodies);
      return texts;
    },
  };
}

const rowIds = (page) => page.$$eval('[data-testid="snapshot-row"]', (rows) => rows.map((r) => r.dataset.id));

/** Clicks an export button, saves the file, waits for the walk to finish; the file's text. */
async function exportFile(page, which) {
  const path = join(OUT, `serve.${which}`);
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click(`[data-testid="export-${which}"]`)]);
  await download.saveAs(path);
  await page.waitForFunction(() => document.querySelector('#walk').dataset.state !== 'running', null, { timeout: 60_000 });
  assert.equal(await page.evaluate(() => document.querySelector('#walk').dataset.state), 'done');
  return readFileSync(path, 'utf8');
}

const apiCalls = () => mock.requests().filter((r) => r.kind === 'api');

test('without the cookie: the page is a note to open the printed URL (401), /evs answers 401, nothing goes upstream', async () => {
  await browser.context.clearCookies();
  mock.clearRequests();
  const page = await browser.newPage();
  page.setDefaultTimeout(T);
  const r = await page.goto(`${served.base}/`);
  assert.equal(r.status(), 401);
  assert.match(await page.textContent('body'), /Open the address evs-snapshots serve printed on its first line/);
  const api = await page.goto(`${served.base}/evs/v2/${PROJECT_ID}/snapshots`);
  assert.equal(api.status(), 401);
  assert.equal(JSON.parse(await api.text()).error.code, 'SERVE.401');
  // A wrong key: 403 and no cookie.
  const wrong = await page.goto(`${served.base}/?key=${served.key.slice(1)}x`);
  assert.equal(wrong.status(), 403);
  assert.deepEqual(await browser.context.cookies(), []);
  assert.equal(apiCalls().length, 0);
  await page.close();
});

test('the printed URL: the dashboard connected to the project, rows, paging, details, overview, both exports, the Requests panel and zh-CN; no credential in any request, response or storage the browser sees', async () => {
  await browser.context.clearCookies();
  const page = await browser.newPage({ timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(T);
  await page.addInitScript(() => {
    localStorage.setItem('evs-dashboard:live', 'off');
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.effectiveDirective));
  });
  const net = await record(page);
  mock.clearRequests();

  // The URL exactly as printed: the key for the cookie, then the dashboard at /.
  const r = await page.goto(served.line);
  assert.equal(r.status(), 200);
  assert.equal(page.url(), `${served.base}/`, 'the key is gone from the address bar');
  await waitLoaded(page, 0);
  assert.deepEqual(await rowIds(page), ids(ALL.slice(0, 10)));

  // Connected to the project the server serves: its ID and endpoint shown, the server signing.
  assert.equal(await page.textContent('[data-testid="connection-project"]'), PROJECT_ID);
  assert.equal(await page.textContent('[data-testid="connection-where"]'), `${mock.url}/api`);
  assert.equal(await page.textContent('[data-testid="connection-auth"]'), 'signed by evs-snapshots serve');
  await page.click('[data-testid="open-settings"]');
  await page.waitForSelector('[data-testid="settings-dialog"][open]');
  assert.ok(await page.isVisible('[data-testid="settings-served"]'));
  assert.match(await page.textContent('[data-testid="settings-served"]'), /holds the credentials on this computer and signs each request; the page holds none/);
  assert.equal(await page.textContent('[data-testid="settings-served-project"]'), PROJECT_ID);
  assert.equal(await page.textContent('[data-testid="settings-served-region"]'), REGION);
  assert.equal(await page.textContent('[data-testid="settings-served-upstream"]'), `${mock.url}/api`);
  const fields = await page.$$eval('#settings input, #settings select, #settings textarea', (els) => els.filter((e) => e.checkVisibility()).length);
  assert.equal(fields, 0, 'no field at all in the dialog, no credential field');
  assert.ok(await page.isHidden('[data-testid="settings-save"]'));
  assert.equal(await page.textContent('[data-testid="settings-cancel"]'), 'Close');
  await page.click('[data-testid="settings-cancel"]');
  await page.waitForSelector('[data-testid="settings-dialog"]:not([open])', { state: 'attached' });

  // Paging.
  await act(page, () => page.click('[data-testid="next-page"]'));
  assert.deepEqual(await rowIds(page), ids(ALL.slice(10, 20)));
  await act(page, () => page.click('[data-testid="prev-page"]'));
  assert.deepEqual(await rowIds(page), ids(ALL.slice(0, 10)));

  // Details (cloudsnapshots/{id} through the proxy).
  const s = ALL[3];
  await page.click(`[data-testid="snapshot-row"][data-id="${s.id}"] [data-testid="cell-name"]`);
  await page.waitForFunction((id) => {
    const p = document.querySelector('[data-testid="details-panel"]');
    return p.dataset.state === 'ready' && p.dataset.id === id;
  }, s.id);
  await page.click('[data-testid="details-close"]');
  await page.waitForSelector('[data-testid="details-panel"]', { state: 'hidden' });

  // The overview, then both exports: every snapshot.
  await page.click('[data-testid="overview-start"]');
  await page.waitForFunction(() => document.querySelector('#walk').dataset.state === 'done', null, { timeout: 60_000 });
  assert.ok(await page.isVisible('[data-testid="overview"]'));
  const json = await exportFile(page, 'json');
  assert.deepEqual(JSON.parse(json), ALL);
  const csv = await exportFile(page, 'csv');
  const rows = pythonCsv(csv.replace(/^\uFEFF/, ''));
  assert.deepEqual(
    rows.slice(1).map((row) => row[0]),
    ids(ALL),
  );

  // The Requests panel: the page's attempts, each to /evs on this origin, answered.
  await page.click('[data-testid="requests-toggle"]');
  await page.waitForFunction(() => document.querySelector('#requests').open && document.querySelectorAll('[data-testid="request-row"]').length > 0);
  const logged = await page.$$eval('[data-testid="request-row"]', (els) =>
    els.map((r) => ({ url: r.querySelector('[data-testid="request-url"]')?.textContent, status: r.querySelector('[data-testid="request-status"]')?.textContent })),
  );
  assert.ok(logged.length >= 6, `${logged.length} rows`);
  for (const l of logged) {
    assert.ok(l.url.startsWith(`GET ${served.base}/evs/v2/${PROJECT_ID}/`), l.url);
    assert.match(l.status, /^200\b/);
  }

  // zh-CN: the connection line and the dialog in Chinese, the rows still there.
  await page.selectOption('[data-testid="lang-switch"]', 'zh-CN');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  assert.equal(await page.textContent('[data-testid="connection-auth"]'), '由 evs-snapshots serve 签名');
  await page.click('[data-testid="open-settings"]');
  await page.waitForSelector('[data-testid="settings-dialog"][open]');
  assert.match(await page.textContent('[data-testid="settings-served"]'), /凭证保存在本机的这个命令中/);
  assert.equal(await page.textContent('[data-testid="settings-cancel"]'), '关闭');
  await page.click('[data-testid="settings-cancel"]');
  await act(page, () => page.click('[data-testid="next-page"]'));
  assert.deepEqual(await rowIds(page), ids(ALL.slice(10, 20)));
  assert.equal(await page.textContent('[data-testid="page-number"]'), '第 2 页');

  // Counted: each of the page's calls to /evs was one upstream request, signed by the server with its pair.
  // The DevTools events of each request (its status, and in an *ExtraInfo
  // event of its own the headers sent) arrive apart from the page's
  // promises: wait until every call to /evs has both, one per upstream request.
  const seenCalls = () => net.requests().filter((x) => x.url?.startsWith(`${served.base}/evs/`));
  await until(
    () => seenCalls().length === apiCalls().length && seenCalls().every((x) => x.status !== undefined && x.sentHeaders !== undefined),
    () => `every /evs request's status and headers: ${JSON.stringify({ seen: seenCalls(), upstream: apiCalls().length })}`,
  );
  const browserCalls = seenCalls();
  assert.ok(browserCalls.every((x) => x.status === 200), JSON.stringify(browserCalls.filter((x) => x.status !== 200)));
  const upstream = apiCalls();
  assert.equal(upstream.length, browserCalls.length, 'one upstream request per call of the page, no retry of its own');
  for (const u of upstream) {
    assert.match(u.headers.authorization, new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, `));
    assert.equal(u.headers.cookie, undefined);
  }
  // The page sent no credential of its own: no auth header, the session cookie only.
  for (const x of browserCalls) {
    const h = Object.fromEntries(Object.entries(x.sentHeaders ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    assert.ok(x.sentHeaders, `the headers sent for ${x.url}`);
    for (const name of ['authorization', 'x-auth-token', 'x-security-token', 'x-sdk-date']) assert.equal(h[name], undefined, name);
    assert.match(h.cookie, new RegExp(`^evs-snapshots-serve-${served.port}=[A-Za-z0-9_-]+$`));
  }

  // The cookie: HttpOnly (no script reads it), SameSite=Strict, for this host.
  const { cookies } = await net.cdp.send('Network.getAllCookies');
  assert.equal(cookies.length, 1);
  assert.equal(cookies[0].name, `evs-snapshots-serve-${served.port}`);
  assert.equal(cookies[0].domain, '127.0.0.1');
  assert.equal(cookies[0].httpOnly, true);
  assert.equal(cookies[0].sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie), '');
  // Nothing of the connection in storage: the page has no settings of its own.
  const storage = await page.evaluate(() => ({ local: { ...localStorage }, session: { ...sessionStorage } }));
  assert.equal(storage.local['evs-dashboard:connection'], undefined);

  const texts = await net.texts();
  assert.ok(texts.length > 50, `${texts.length} texts recorded`);
  texts.push(JSON.stringify(cookies), JSON.stringify(storage), await page.content(), json, csv);
  texts.push(await page.evaluate(() => document.documentElement.outerHTML));
  for (const [i, t] of texts.entries()) assertNoSecret(t, `recorded text ${i}`);

  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no Content-Security-Policy violation');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a name that resolves to 127.0.0.1 (DNS rebinding) is refused: page, key exchange and /evs; no cookie, nothing upstream', async () => {
  mock.clearRequests();
  const page = await browser.newPage();
  page.setDefaultTimeout(T);
  for (const path of ['/', `/?key=${served.key}`, `/evs/v2/${PROJECT_ID}/snapshots`, '/app.js']) {
    const r = await page.goto(`http://${REBIND}:${served.port}${path}`);
    assert.equal(r.status(), 403, path);
  }
  assert.deepEqual(
    (await browser.context.cookies()).filter((c) => c.domain.includes(REBIND)),
    [],
  );
  assert.equal(apiCalls().length, 0);
  await page.close();
});

test('a page of a second origin (another port of 127.0.0.1) in the same browser, the cookie set: it cannot read /evs, nor frame the dashboard, and nothing goes upstream', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(T);
  // The session cookie is there (set by the test before, or here).
  await page.goto(served.line);
  // The dashboard's own first list has been answered (so it is in the
  // mock's log before the log is cleared below, not after: it failed once
  // when the answer came late under load, counting one request).
  await waitLoaded(page, 0);
  assert.ok((await browser.context.cookies()).some((c) => c.name === `evs-snapshots-serve-${served.port}`));
  const net = await record(page);
  const { port } = other.address();
  await page.goto(`http://127.0.0.1:${port}/`);
  mock.clearRequests();
  const target = `${served.base}/evs/v2/${PROJECT_ID}/snapshots?limit=1`;
  const outcome = await page.evaluate(async (url) => {
    const out = {};
    for (const [name, init] of [
      ['cors', {}],
      ['credentials', { credentials: 'include' }],
    ]) {
      try {
        const r = await fetch(url, init);
        out[name] = `read ${r.status} ${await r.text()}`;
      } catch (e) {
        out[name] = `${e.name}`;
      }
    }
    const r = await fetch(url, { mode: 'no-cors', credentials: 'include' });
    out.noCors = `${r.type} ${r.status}`;
    // An <img> and a <script>: requests without an Origin, carrying the cookie (the same site).
    for (const tag of ['img', 'script']) {
      out[tag] = await new Promise((resolve) => {
        const el = document.createElement(tag);
        el.onload = () => resolve('load');
        el.onerror = () => resolve('error');
        el.src = url;
        document.body.append(el);
      });
    }
    // The dashboard in a frame (its CSP's frame-ancestors 'none': Chromium shows an error page instead).
    out.frame = await new Promise((resolve) => {
      const f = document.createElement('iframe');
      f.onload = () => resolve('loaded');
      f.src = url.replace(/\/evs\/.*/, '/');
      document.body.append(f);
    });
    return out;
  }, target);
  assert.equal(outcome.cors, 'TypeError', 'no CORS: the answer cannot be read');
  assert.equal(outcome.credentials, 'TypeError');
  assert.equal(outcome.noCors, 'opaque 0', 'no-cors: an opaque answer, nothing to read');
  assert.equal(outcome.img, 'error');
  assert.equal(outcome.script, 'error');
  assert.equal(outcome.frame, 'loaded');
  // The DevTools events (a request's wire status and sent headers come in
  // *ExtraInfo events of their own) and the console's CSP line arrive
  // independently of the page's promises: wait until they are all in.
  const framing = new RegExp(`Framing '${served.base}/' violates .*frame-ancestors 'none'`);
  const evsCalls = () => net.requests().filter((x) => x.url?.startsWith(`${served.base}/evs/`));
  await until(
    () => page.errors.some((e) => framing.test(e)) && evsCalls().length >= 5 && evsCalls().every((c) => c.wireStatus !== undefined && c.sentHeaders !== undefined),
    () => `the CSP line and every /evs request's wire status and headers: ${JSON.stringify({ errors: page.errors, calls: evsCalls() })}`,
  );
  // What the server answered each of them: refused, by the proxy (Origin) or by serve (Sec-Fetch-Site, no cookie).
  const calls = evsCalls();
  assert.ok(calls.length >= 5, `${calls.length} requests to /evs seen`);
  // Without the cookie (a plain fetch sends none to another origin): 401; with it: 403.
  let withCookie = 0;
  for (const c of calls) {
    const cookie = Object.entries(c.sentHeaders ?? {}).some(([k]) => k.toLowerCase() === 'cookie');
    withCookie += cookie ? 1 : 0;
    assert.equal(c.wireStatus, cookie ? 403 : 401, `${c.url} (cookie: ${cookie}): ${c.wireStatus}`);
  }
  assert.ok(withCookie >= 3, `${withCookie} of them carried the session cookie`);
  assert.equal(apiCalls().length, 0, 'nothing upstream');
  await page.close();
});

test('Ctrl-C stops the server with exit 0', async () => {
  const r = await served.stop('SIGINT');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.signal, null);
  assert.equal(r.stdout, `${served.line}\n`);
  assertNoSecret(r.stdout + r.stderr, 'the command output');
});
