// No view of an error carries a credential, nor 16 consecutive characters
// of one (docs/contract.md "Secrets and redirects"): the service's text is redacted before it is
// cut, so a long IAM token echoed in a 401 or 403 message (a cut first
// showed its first ~460 characters) or a part of it is gone from message,
// String(e), JSON.stringify(e), util.inspect(e) and the stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as util from 'node:util';
import { getSnapshot, listSnapshots } from 'evs-snapshots';
import { useMock } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';

// 3,000 characters, as long as real IAM tokens get, no run of 16 repeated.
const TOKEN = Array.from({ length: 3000 }, (_, i) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[(i * 7 + Math.floor(i / 62)) % 62]).join('');
const SK = `sk-${TOKEN.slice(100, 140)}`;
const ST = TOKEN.slice(500, 2500);
const mock = useMock({}, { each: 'faults' });

/** Every 16-character run of `secret` that stands in `text`. */
function runsOf(secret, text) {
  const found = [];
  for (let i = 0; i + 16 <= secret.length; i++) if (text.includes(secret.slice(i, i + 16))) found.push(i);
  return found;
}

function views(e) {
  return { message: e.message, string: String(e), json: JSON.stringify(e), inspect: util.inspect(e, { depth: 5 }), stack: e.stack };
}

const ECHOES = {
  'the whole token': (t) => `The token ${t} is invalid`,
  'its first half': (t) => `bad token ${t.slice(0, 1500)}`,
  'a piece from its middle': (t) => `token ...${t.slice(1200, 1240)}... rejected`,
};

for (const status of [401, 403]) {
  for (const [what, echo] of Object.entries(ECHOES)) {
    test(`${status} echoing ${what} of a 3,000-character token: no 16 characters of it in any view`, async () => {
      for (const body of [{ error_code: 'APIGW.0301', error_msg: echo(TOKEN) }, { error: { message: echo(TOKEN), code: TOKEN.slice(0, 40) } }]) {
        mock.setFaults([{ match: { op: 'show' }, times: 0, status, json: body }]);
        const e = await getSnapshot({ projectId: PROJECT_ID, endpoint: mock.apiUrl, auth: { token: TOKEN } }, SNAPSHOTS[0].id).then(() => null, (err) => err);
        assert.ok(e, 'resolved');
        assert.equal(e.status, status);
        for (const [view, text] of Object.entries(views(e))) assert.deepEqual(runsOf(TOKEN, text), [], `${view} shows part of the token`);
        assert.match(e.message, /\[redacted\]/);
      }
    });
  }
}

test('a secret key and a security token echoed by the service, or by a fetch that fails, are redacted too', async () => {
  mock.setFaults([{ match: { op: 'list' }, times: 0, status: 403, json: { error_msg: `signed with ${SK} and ${ST}` } }]);
  const cfg = { projectId: PROJECT_ID, endpoint: mock.apiUrl, auth: { accessKey: 'AKSECRETS00000001', secretKey: SK, securityToken: ST }, maxAttempts: 1 };
  const e = await listSnapshots(cfg).then(() => null, (err) => err);
  for (const secret of [SK, ST]) for (const [view, text] of Object.entries(views(e))) assert.deepEqual(runsOf(secret, text), [], `${view} shows part of a secret`);
  const failing = { ...cfg, auth: { token: TOKEN }, fetch: async () => { throw new Error(`proxy refused ${TOKEN}`); } };
  const n = await listSnapshots(failing).then(() => null, (err) => err);
  assert.equal(n.kind, 'network');
  for (const [view, text] of Object.entries(views(n))) assert.deepEqual(runsOf(TOKEN, text), [], `${view} shows part of the token`);
});
