// Credentials never reach another origin (docs/contract.md "Secrets and redirects"): a redirect
// is not followed, so X-Auth-Token, X-Security-Token and a signature stay
// with the endpoint, for a call and for a walk's second page. (fetch drops
// only Authorization on a cross-origin redirect; another port is another
// origin.) The endpoint here is a small server of the test's own that
// redirects; the other origin records what reaches it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { getSnapshot, listSnapshots, paginateSnapshots } from 'evs-snapshots';

const TOKEN = 'tok-redirect-0123456789abcdef';
const AUTHS = {
  token: { token: TOKEN },
  'AK/SK and a security token': { accessKey: 'AKREDIRECT000001', secretKey: 'sk-redirect-7a8b9c', securityToken: 'st-redirect-0123456789' },
};
let other;
let endpoint;
let seen = [];
let status = 307;

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));

before(async () => {
  other = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"snapshots": []}');
  });
  const otherUrl = await listen(other);
  endpoint = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    // The list's first page is answered; its next page, and every show,
    // redirect to the other origin.
    if (url.pathname.endsWith('/snapshots') && !url.searchParams.has('marker')) {
      const snap = { id: 's1', name: 'a', status: 'available', size: 1, volume_id: 'v', metadata: {} };
      const next = { rel: 'next', href: `${otherUrl}/v2/p/snapshots?limit=1&marker=s1` };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ snapshots: [snap], snapshots_links: [next] }));
      return;
    }
    res.writeHead(status, { location: `${otherUrl}${req.url}` }).end();
  });
  endpoint.url = await listen(endpoint);
});
after(() => {
  other.close();
  endpoint.close();
});

for (const [name, auth] of Object.entries(AUTHS)) {
  for (const code of [301, 302, 307, 308]) {
    test(`${name}: a ${code} to another origin is not followed, by a call or a walk's second page`, async () => {
      status = code;
      seen = [];
      const cfg = { projectId: 'p', endpoint: endpoint.url, auth, maxAttempts: 1 };
      const e = await getSnapshot(cfg, 's1').then(() => null, (err) => err);
      assert.ok(e, 'the call resolved');
      assert.equal(e.kind, 'http');
      assert.equal(e.status, code);
      assert.equal(e.retryable, false);
      assert.match(e.message, /redirects are not followed, so that credentials never reach another origin/);
      const first = await listSnapshots(cfg, { limit: 1 });
      assert.equal(first.nextMarker, 's1');
      const walked = [];
      const walk = await (async () => {
        for await (const s of paginateSnapshots(cfg, { limit: 1 })) walked.push(s.id);
      })().then(() => null, (err) => err);
      assert.deepEqual(walked, ['s1']);
      assert.equal(walk?.status, code, 'the second page did not fail on the redirect');
      assert.deepEqual(seen, [], 'a request reached the other origin');
    });
  }
}
