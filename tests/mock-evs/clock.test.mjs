// The mock's clock switch (issue 13 §2): a clock shifted at start-up or over
// HTTP moves the Date header, the AK/SK check against X-Sdk-Date and the
// server time in the gateway's skew message, and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { useMock, mockFor } from '../helpers/mock.mjs';
import { PROJECT_ID, SNAPSHOTS } from './data.mjs';
import { canonicalRequest, signature } from './signature.mjs';

const AK = 'AKCLOCKTEST000001';
const SK = 'sk-clock-Secret-91';
const MIN = 60 * 1000;
const PATH = `/v2/${PROJECT_ID}/snapshots`;
const QUERY = 'limit=2';

const fast = useMock({ ak: AK, sk: SK, clockOffsetMs: 20 * MIN }); // 20 minutes ahead from the start

const sdkDate = (d) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');

/** A GET of the list, signed with the mock's own signer as of `date`. */
function signedGet(m, date) {
  const headers = { host: `127.0.0.1:${m.port}`, 'x-sdk-date': sdkDate(date) };
  const names = ['host', 'x-sdk-date'];
  const canonical = canonicalRequest({ method: 'GET', path: PATH, query: QUERY, headers, signedHeaders: names });
  const auth = `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=${names.join(';')}, Signature=${signature(SK, headers['x-sdk-date'], canonical)}`;
  return fetch(`${m.url}${PATH}?${QUERY}`, { headers: { 'X-Sdk-Date': headers['x-sdk-date'], Authorization: auth } });
}

/** ms between the Date header of an answer and `expected`. */
const dateGap = (r, expected) => Math.abs(Date.parse(r.headers.get('date')) - expected);

test('a clock set at start-up: Date header, AK/SK check and skew message all use it', async () => {
  const ok = await signedGet(fast, new Date(Date.now() + 20 * MIN));
  assert.equal(ok.status, 200, 'signed with the mock\'s time: accepted');
  assert.equal((await ok.json()).snapshots.length, 2);
  assert.ok(dateGap(ok, Date.now() + 20 * MIN) < 5000, `Date ${ok.headers.get('date')} is 20 minutes ahead`);

  const before = Date.now();
  const late = await signedGet(fast, new Date());
  assert.equal(late.status, 401, 'signed with the real time, 20 minutes behind the mock: refused');
  assert.ok(dateGap(late, Date.now() + 20 * MIN) < 5000, 'the 401 carries the shifted Date too');
  const body = await late.json();
  assert.equal(body.error_code, 'APIGW.0301');
  const m = /signature time:(\d{8}T\d{6}Z),server time:(\d{8}T\d{6}Z)/.exec(body.error_msg);
  assert.ok(m, body.error_msg);
  const parse = (s) => Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(9, 11), +s.slice(11, 13), +s.slice(13, 15));
  assert.ok(Math.abs(parse(m[2]) - (before + 20 * MIN)) < 5000, `server time ${m[2]} in the message is the shifted one`);
  assert.ok(Math.abs(parse(m[1]) - before) < 5000, `signature time ${m[1]} is the request's`);
  assert.match(body.error_msg, /15 minutes/);
});

test('within 15 minutes of the shifted clock is still accepted, beyond is not', async () => {
  assert.equal((await signedGet(fast, new Date(Date.now() + 6 * MIN))).status, 200, '14 minutes behind the mock');
  assert.equal((await signedGet(fast, new Date(Date.now() + 36 * MIN))).status, 401, '16 minutes ahead of the mock');
});

test('over HTTP: PUT, GET and DELETE /__mock/clock; reset restores the start-up clock', async () => {
  const ctl = (method, body) => fetch(`${fast.url}/__mock/clock`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  let r = await ctl('GET');
  assert.equal(r.status, 200);
  assert.equal((await r.json()).offsetMs, 20 * MIN);

  r = await ctl('PUT', { offsetMs: -20 * MIN });
  assert.equal(r.status, 200);
  const state = await r.json();
  assert.equal(state.offsetMs, -20 * MIN);
  assert.ok(Math.abs(Date.parse(state.now) - (Date.now() - 20 * MIN)) < 5000);
  assert.equal(fast.clockOffset(), -20 * MIN);
  const slow = await signedGet(fast, new Date());
  assert.equal(slow.status, 401, 'the real time is now 20 minutes ahead of the mock');
  assert.ok(dateGap(slow, Date.now() - 20 * MIN) < 5000);
  assert.equal((await signedGet(fast, new Date(Date.now() - 20 * MIN))).status, 200);

  for (const bad of [{ offsetMs: '5' }, { offsetMs: 1.5 }, {}, 'nope']) {
    assert.equal((await ctl('PUT', bad)).status, 400, JSON.stringify(bad));
  }
  assert.equal(fast.clockOffset(), -20 * MIN, 'a bad PUT changes nothing');

  r = await ctl('DELETE');
  assert.equal((await r.json()).offsetMs, 20 * MIN, 'DELETE: back to the start-up value');

  fast.setClockOffset(0);
  assert.equal((await signedGet(fast, new Date())).status, 200);
  assert.equal((await fetch(`${fast.url}/__mock/reset`, { method: 'POST' })).status, 204);
  assert.equal(fast.clockOffset(), 20 * MIN, 'reset: back to the start-up value');
  assert.throws(() => fast.setClockOffset(0.5));
});

test('an unshifted mock sends the real time in Date', async (t) => {
  const m = await mockFor(t);
  const r = await fetch(`${m.url}/v2/${PROJECT_ID}/cloudsnapshots/${SNAPSHOTS[0].id}`);
  assert.equal(r.status, 200);
  assert.ok(dateGap(r, Date.now()) < 5000);
});

test('the command line: --clock-offset-ms', async () => {
  const server = fileURLToPath(new URL('./server.mjs', import.meta.url));
  const child = spawn(process.execPath, [server, '--port', '0', '--clock-offset-ms', String(-20 * MIN)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
  try {
    const [line] = await once(child.stdout, 'data');
    const url = /listening on (http:\/\/\S+)/.exec(String(line))[1];
    const r = await fetch(`${url}/__mock/clock`);
    assert.equal((await r.json()).offsetMs, -20 * MIN);
    assert.ok(dateGap(r, Date.now() - 20 * MIN) < 5000);
  } finally {
    clearTimeout(timer);
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});
