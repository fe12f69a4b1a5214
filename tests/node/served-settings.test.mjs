// The dashboard served by `evs-snapshots serve` (www/settings.js, issue 26 §2),
// in Node: what the page reads from the server's <meta name="evs-serve">, and
// that the config it calls with holds no auth of its own (the server signs)
// and goes to the server's /evs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servedConnection, servedSettings, toClientConfig, describeConnection, missingSecret, SERVED_ENDPOINT } from '../../www/settings.js';
import { useLocale } from '../../www/i18n.js';

/** A document with one <meta name="evs-serve"> whose content is `content` (or none). */
const doc = (content) => ({
  querySelector: (sel) => (sel === 'meta[name="evs-serve"]' && content !== undefined ? { getAttribute: (n) => (n === 'content' ? content : null) } : null),
});

test('servedConnection: the project, region and upstream from the meta; null without one, or with one naming no project', () => {
  const meta = JSON.stringify({ projectId: 'p1', region: 'cn-north-4', upstream: 'https://evs.cn-north-4.myhuaweicloud.com' });
  assert.deepEqual(servedConnection(doc(meta)), { projectId: 'p1', region: 'cn-north-4', upstream: 'https://evs.cn-north-4.myhuaweicloud.com' });
  assert.deepEqual(servedConnection(doc('{"projectId":"p1"}')), { projectId: 'p1', region: '', upstream: '' });
  for (const bad of [undefined, '', 'not json', 'null', '[]', '{"projectId":""}', '{"projectId":7}', '{"region":"x"}']) {
    assert.equal(servedConnection(doc(bad)), null, String(bad));
  }
  assert.equal(servedConnection(undefined), null, 'no document (Node)');
  assert.equal(servedConnection({ querySelector: () => { throw new Error('x'); } }), null);
});

test("a served page calls the server's /evs for its project with no auth, whatever the meta holds; nothing is missing; the line names the server", () => {
  const served = servedConnection(doc(JSON.stringify({ projectId: 'p1', region: 'ap-southeast-1', upstream: 'https://evs.ap-southeast-1.myhuaweicloud.com', auth: { token: 'x' }, accessKey: 'AK' })));
  const s = servedSettings(served);
  assert.equal(SERVED_ENDPOINT, '/evs');
  assert.deepEqual(toClientConfig(s), { projectId: 'p1', endpoint: '/evs' });
  assert.equal(missingSecret(s), null);
  useLocale('en');
  assert.deepEqual(describeConnection(s), { where: 'https://evs.ap-southeast-1.myhuaweicloud.com', project: 'p1', auth: 'signed by evs-snapshots serve' });
  try {
    useLocale('zh-CN');
    assert.equal(describeConnection(s).auth, '由 evs-snapshots serve 签名');
  } finally {
    useLocale('en');
  }
});
