// AK/SK from Node: calls signed by the package and checked by the mock's own
// JavaScript signer (node:crypto), signRequest against the official vectors,
// and secrets that never show up in anything the package returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { inspect } from 'node:util';
import { getSnapshot, listSnapshots, paginateSnapshots, signRequest, EvsError } from 'evs-snapshots';
import { useMock, mockFor } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const VECTOR_FILE = join(here, '..', 'fixtures', 'sdk-hmac-sha256.jsonl');
const VECTORS = readFileSync(VECTOR_FILE, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));

const AK = 'AKNODETEST0000001';
const SK = 'sk-Zq8v!secret-4d1f9a';
const ST = 'st-temporary-token-7c3e55aa';
const TOKEN = 'iam-token-MIIb3xSecret';

const plain = useMock({ ak: AK, sk: SK }); // AK/SK
const temp = useMock({ ak: AK, sk: SK, securityToken: ST }); // AK/SK with a security token
const withToken = useMock({ token: TOKEN });

const api = (m) => m.requests().filter((r) => r.kind === 'api');

test('the vector file is there and complete', () => {
  assert.ok(VECTORS.length >= 33, `${VECTORS.length} vectors`);
});

test('signRequest reproduces every official vector', async () => {
  for (const v of VECTORS) {
    const r = await signRequest(
      { method: v.method, url: v.sent_url, headers: v.signer_input_headers, body: v.body || undefined },
      { accessKey: v.ak, secretKey: v.sk, securityToken: v.security_token ?? undefined },
    );
    assert.equal(r.headers.Authorization, v.authorization, v.id);
    assert.equal(r.url, v.sent_url, `${v.id}: the URL to send is the canonical one`);
    // Each given header comes back as the official SDK returns it (the
    // vector's output_headers): its value trimmed, as it was signed.
    for (const k of Object.keys(v.signer_input_headers)) assert.equal(r.headers[k], v.output_headers[k], `${v.id}: ${k} as signed`);
  }
});

test('signRequest adds X-Sdk-Date from the date given, and the security token', async () => {
  const r = await signRequest(
    { method: 'GET', url: 'https://evs.cn-north-4.myhuaweicloud.com/v2/p/snapshots?limit=10&name=a+b' },
    { accessKey: 'AK', secretKey: 'SK', securityToken: 'ST' },
    new Date(Date.UTC(2026, 10, 22, 10, 15, 0)),
  );
  assert.equal(r.headers['X-Sdk-Date'], '20261122T101500Z');
  assert.equal(r.headers['X-Security-Token'], 'ST');
  assert.equal(r.url, 'https://evs.cn-north-4.myhuaweicloud.com/v2/p/snapshots?limit=10&name=a%2Bb');
  assert.match(r.headers.Authorization, /^SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date;x-security-token, Signature=[0-9a-f]{64}$/);
  const bad = await signRequest({ method: 'GET', url: '/relative' }, { accessKey: 'AK', secretKey: 'SK' }).catch((e) => e);
  assert.ok(bad instanceof EvsError);
  assert.equal(bad.kind, 'invalid_input');
  const noKey = await signRequest({ method: 'GET', url: 'https://x/' }, { accessKey: 'AK' }).catch((e) => e);
  assert.equal(noKey.kind, 'invalid_input');
});

test('signed calls are accepted by the checking mock: get, list, paginate', async () => {
  const cfg = { projectId: PROJECT_ID, endpoint: plain.apiUrl, auth: { accessKey: AK, secretKey: SK } };
  const snap = await getSnapshot(cfg, SNAPSHOTS[2].id);
  assert.equal(snap.id, SNAPSHOTS[2].id);
  const page = await listSnapshots(cfg, { limit: 5, name: SNAPSHOTS.find((s) => / /.test(s.name)).name, status: undefined });
  assert.ok(page.snapshots.length >= 1);
  let n = 0;
  for await (const s of paginateSnapshots(cfg, { limit: 100 })) n += s.id ? 1 : 0;
  assert.equal(n, SNAPSHOTS.length);
  const req = api(plain).at(-1);
  assert.equal(req.headers['x-project-id'], PROJECT_ID);
  assert.match(req.headers['x-sdk-date'], /^\d{8}T\d{6}Z$/);
  assert.match(req.headers.authorization, /^SDK-HMAC-SHA256 Access=AKNODETEST0000001, SignedHeaders=host;x-project-id;x-sdk-date, Signature=[0-9a-f]{64}$/);
});

test('temporary credentials: the security token is sent and signed', async () => {
  const cfg = { projectId: PROJECT_ID, endpoint: temp.apiUrl, auth: { accessKey: AK, secretKey: SK, securityToken: ST } };
  const page = await listSnapshots(cfg, { limit: 2 });
  assert.equal(page.snapshots.length, 2);
  const req = api(temp).at(-1);
  assert.equal(req.headers['x-security-token'], ST);
  assert.match(req.headers.authorization, /SignedHeaders=host;x-project-id;x-sdk-date;x-security-token,/);
  // Without the token the mock refuses.
  const err = await listSnapshots({ ...cfg, auth: { accessKey: AK, secretKey: SK } }).catch((e) => e);
  assert.equal(err.status, 401);
});

test('a wrong secret key is the gateway 401, not retried, and the key is nowhere in the error', async () => {
  plain.clearRequests();
  const wrong = 'sk-WRONG-c0ffee-9911';
  const err = await listSnapshots({ projectId: PROJECT_ID, endpoint: plain.apiUrl, auth: { accessKey: AK, secretKey: wrong } }).catch((e) => e);
  assert.ok(err instanceof EvsError);
  assert.equal(err.kind, 'http');
  assert.equal(err.status, 401);
  assert.equal(err.code, 'APIGW.0301');
  assert.equal(api(plain).length, 1);
  for (const text of [err.message, String(err), JSON.stringify(err), inspect(err), err.stack ?? '']) {
    assert.ok(!text.includes(wrong), text);
  }
});

test('a clock more than 15 minutes off: the gateway refuses it with a clear message, and the client corrects it once', async (t) => {
  const skewed = await mockFor(t, { ak: AK, sk: SK, now: () => new Date(Date.now() + 20 * 60 * 1000) });
  const s = await getSnapshot({ projectId: PROJECT_ID, endpoint: skewed.apiUrl, auth: { accessKey: AK, secretKey: SK } }, SNAPSHOTS[0].id);
  assert.equal(s.id, SNAPSHOTS[0].id);
  const [refused, accepted] = skewed.requests().filter((r) => r.kind === 'api');
  assert.equal(refused.status, 401);
  assert.equal(accepted.status, 200);
  // The refusal itself says why (what a client without the correction sees).
  const raw = await fetch(`${skewed.apiUrl}/v2/${PROJECT_ID}/cloudsnapshots/${SNAPSHOTS[0].id}`, {
    headers: (await signRequest({ method: 'GET', url: `${skewed.apiUrl}/v2/${PROJECT_ID}/cloudsnapshots/${SNAPSHOTS[0].id}`, headers: { 'X-Project-Id': PROJECT_ID } }, { accessKey: AK, secretKey: SK }, new Date())).headers,
  });
  assert.equal(raw.status, 401);
  assert.match((await raw.json()).error_msg, /time|clock|15 minutes|expired/i);
});

// Every error kind, with distinctive secrets in the config: none may leak.
test('secrets never appear in any error, of any kind', async () => {
  const secrets = [SK, ST, TOKEN];
  const keys = { accessKey: AK, secretKey: SK, securityToken: ST };
  const cases = [
    ['invalid_input', () => getSnapshot({ projectId: PROJECT_ID, endpoint: temp.apiUrl, auth: keys }, '../x')],
    ['invalid_input', () => listSnapshots({ projectId: PROJECT_ID, endpoint: 'ftp://x', auth: keys })],
    ['invalid_input', () => listSnapshots({ projectId: PROJECT_ID, endpoint: temp.apiUrl, auth: { token: TOKEN, accessKey: AK } })],
    ['invalid_input', () => listSnapshots({ projectId: PROJECT_ID, endpoint: temp.apiUrl, headers: { 'X-Secret': `${SK}\n` }, auth: keys })],
    ['http', () => getSnapshot({ projectId: PROJECT_ID, endpoint: temp.apiUrl, auth: keys }, 'missing-id')],
    ['http', () => getSnapshot({ projectId: PROJECT_ID, endpoint: withToken.apiUrl, auth: { token: `${TOKEN}-wrong` } }, 'x')],
    ['network', () => getSnapshot({ projectId: PROJECT_ID, endpoint: 'http://127.0.0.1:9', maxAttempts: 1, auth: keys }, 'x')],
    ['timeout', () => {
      temp.setFaults([{ match: { op: 'show' }, times: 0, delayMs: 2000 }]);
      return getSnapshot({ projectId: PROJECT_ID, endpoint: temp.apiUrl, timeoutMs: 100, maxAttempts: 1, auth: keys }, 'x');
    }],
    ['aborted', () => getSnapshot({ projectId: PROJECT_ID, endpoint: temp.apiUrl, signal: AbortSignal.abort(), auth: keys }, 'x')],
    ['invalid_response', () => {
      // A hostile service echoing the credentials back in its body.
      temp.setFaults([{ match: { op: 'show' }, times: 0, status: 200, json: { error: { message: `bad ${SK} ${ST}` } } }]);
      return getSnapshot({ projectId: PROJECT_ID, endpoint: temp.apiUrl, auth: keys }, 'x');
    }],
    ['http', () => {
      temp.setFaults([{ match: { op: 'show' }, times: 0, status: 400, json: { badRequest: { message: `token ${ST} and key ${SK}`, code: SK } } }]);
      return getSnapshot({ projectId: PROJECT_ID, endpoint: temp.apiUrl, auth: keys }, 'x');
    }],
    ['http', () => {
      temp.setFaults([{ match: { op: 'show' }, times: 0, status: 401, json: { error_code: 'APIGW.0301', error_msg: `x ${TOKEN}` } }]);
      return getSnapshot({ projectId: PROJECT_ID, endpoint: temp.apiUrl, auth: { token: TOKEN } }, 'x');
    }],
  ];
  for (const [kind, run] of cases) {
    const err = await run().then(
      () => assert.fail(`${kind}: resolved`),
      (e) => e,
    );
    temp.clearFaults();
    assert.equal(err.kind, kind, err.message);
    const texts = [err.message, String(err), JSON.stringify(err), inspect(err, { depth: 5 }), err.stack ?? '', err.code ?? ''];
    for (const t of texts) for (const s of secrets) assert.ok(!t.includes(s), `${kind}: "${t}" contains a secret`);
  }
});

test('nothing the package returns contains a secret', async () => {
  const cfg = { projectId: PROJECT_ID, endpoint: temp.apiUrl, auth: { accessKey: AK, secretKey: SK, securityToken: ST } };
  const out = JSON.stringify([await getSnapshot(cfg, SNAPSHOTS[0].id), await listSnapshots(cfg, { limit: 3 })]);
  assert.ok(!out.includes(SK) && !out.includes(ST));
  const signed = JSON.stringify(await signRequest({ method: 'GET', url: 'https://x.example/' }, { accessKey: AK, secretKey: SK }));
  assert.ok(!signed.includes(SK));
});
