// `evs-snapshots serve` seen from Chromium's network layer (the DevTools
// protocol): a list call the page made and read whole, answered 2xx, ends
// with `Network.loadingFinished`, never `Network.loadingFailed`
// (`net::ERR_ABORTED`, canceled), so DevTools shows it as the success it
// was, with its body. A user saw 1 in 4 of the dashboard's list calls
// through `serve` marked cancelled there while the page's Requests panel
// (onAttempt) said 200 and the table drew.
//
// The dashboard pages forward 20 times (21 list calls), one load at a time
// (each waited for), and the Requests panel must hold the same calls the
// protocol saw, each 200: the calls marked cancelled are the page's own,
// not superseded ones it dropped.
//
//   node --test tests/browser/serve-network.test.mjs
import { test, after } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { useMock } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID, REGION } from '../mock-evs/data.mjs';
import { normalizeSnapshot, sortWire } from '../helpers/reference.mjs';
import { useChromium, waitLoaded, act, openRequestsPanel } from '../helpers/browser.mjs';
import { startServe, secret } from '../helpers/child.mjs';

const ALL = sortWire(SNAPSHOTS).map(normalizeSnapshot);
const T = 20_000; // the bound on any single wait
const PAGES = 20; // page turns after the first load: 21 list calls, each a 200
const LIMIT = 10; // the dashboard's default page size

const AK = secret(20, 2711);
const SK = secret(40, 2712);

const mock = useMock({ ak: AK, sk: SK, apiPrefix: '/api' });
const browser = useChromium();
let served;

before(async () => {
  served = await startServe(['--endpoint', `${mock.url}/api`, '--region', REGION, '--project-id', PROJECT_ID], {
    HUAWEICLOUD_SDK_AK: AK,
    HUAWEICLOUD_SDK_SK: SK,
  });
});

after(async () => {
  if (served && served.child.exitCode === null) await served.stop();
});

/**
 * Records each request's URL, status and how it ended ('finished', or
 * loadingFailed's errorText and canceled) over the DevTools protocol;
 * `settled(pred)` resolves once every recorded request `pred` selects has
 * ended (each protocol event checks it), or fails after T saying which have not.
 */
async function record(page) {
  const cdp = await browser.context.newCDPSession(page);
  const requests = new Map();
  const waiters = new Set();
  const entry = (id) => requests.get(id) ?? requests.set(id, { id }).get(id);
  const changed = () => waiters.forEach((w) => w());
  cdp.on('Network.requestWillBeSent', (e) => {
    Object.assign(entry(e.requestId), { url: e.request.url, method: e.request.method });
    changed();
  });
  cdp.on('Network.responseReceived', (e) => {
    entry(e.requestId).status = e.response.status;
    changed();
  });
  cdp.on('Network.loadingFinished', (e) => {
    entry(e.requestId).ended = 'finished';
    changed();
  });
  cdp.on('Network.loadingFailed', (e) => {
    Object.assign(entry(e.requestId), { ended: 'failed', errorText: e.errorText, canceled: e.canceled === true });
    changed();
  });
  await cdp.send('Network.enable');
  return {
    requests: () => [...requests.values()],
    settled(pred) {
      const open = () => [...requests.values()].filter((r) => pred(r) && r.ended === undefined);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (open().length > 0) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`not ended within ${T} ms: ${JSON.stringify(open())}`));
        }, T);
        waiters.add(check);
        check();
      });
    },
  };
}

const rowIds = (page) => page.$$eval('[data-testid="snapshot-row"]', (rows) => rows.map((r) => r.dataset.id));

test('serve: every list call the dashboard reads, answered 200, ends as loadingFinished in the DevTools protocol, none as loadingFailed (net::ERR_ABORTED)', async () => {
  await browser.context.clearCookies();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(T);
  await page.addInitScript(() => localStorage.setItem('evs-dashboard:live', 'off'));
  const net = await record(page);

  await page.goto(served.line);
  await waitLoaded(page, 0);
  assert.deepEqual(await rowIds(page), ALL.slice(0, LIMIT).map((s) => s.id));
  for (let i = 1; i <= PAGES; i++) {
    await act(page, () => page.click('[data-testid="next-page"]'));
    assert.deepEqual(await rowIds(page), ALL.slice(i * LIMIT, (i + 1) * LIMIT).map((s) => s.id), `page ${i + 1}`);
  }

  const listPath = `${served.base}/evs/v2/${PROJECT_ID}/snapshots`;
  const isList = (r) => typeof r.url === 'string' && r.url.startsWith(listPath);
  await net.settled(isList);
  const calls = net.requests().filter(isList);
  assert.equal(calls.length, PAGES + 1, JSON.stringify(calls));
  for (const c of calls) assert.equal(c.status, 200, JSON.stringify(c));
  const failed = calls.filter((c) => c.ended !== 'finished');
  assert.deepEqual(
    failed.map((c) => `${c.url} ${c.status} ${c.errorText}${c.canceled ? ' (canceled)' : ''}`),
    [],
    `${failed.length} of ${calls.length} list calls answered 200 ended as loadingFailed`,
  );

  // The same calls, each 200, in the page's Requests panel (onAttempt): none superseded or dropped.
  await openRequestsPanel(page);
  const logged = await page.$$eval('[data-testid="request-row"]', (els) =>
    els.map((r) => ({ title: r.querySelector('[data-testid="request-url"]').title, status: r.querySelector('[data-testid="request-status"]').textContent })),
  );
  assert.deepEqual(logged.map((l) => l.title).sort(), calls.map((c) => `GET ${c.url}`).sort());
  for (const l of logged) assert.match(l.status, /^200\b/, l.title);
  assert.deepEqual(page.errors, []);
  await page.close();
});
