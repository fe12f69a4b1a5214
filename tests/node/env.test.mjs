// configFromEnv (issue 13 §1): Huawei's five variables into a ClientConfig,
// the pair checks as invalid_input naming the variable and never a value,
// one EvsError class for import and require, and a config that really
// signs against the checking mock.
import { test, after } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromEnv, listSnapshots, EvsError } from 'evs-snapshots';
import { useMock } from '../helpers/mock.mjs';
import { SNAPSHOTS, PROJECT_ID } from '../mock-evs/data.mjs';
import { sortWire, normalizeSnapshot } from '../helpers/reference.mjs';

const cjs = createRequire(import.meta.url)('evs-snapshots');

const AK = 'AKENVTEST00000000001';
const SK = 'sk-env-Secret-b7c1e9';
const ST = 'st-env-temporary-4a02';
const FULL = {
  HUAWEICLOUD_SDK_AK: AK,
  HUAWEICLOUD_SDK_SK: SK,
  HUAWEICLOUD_SDK_SECURITY_TOKEN: ST,
  HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID,
  HUAWEICLOUD_SDK_REGION: 'ap-southeast-1',
  PATH: '/usr/bin',
};

const TOKEN = 'MIIenvTestToken-7d2f0c';

const mock = useMock({ ak: AK, sk: SK, securityToken: ST });
const tokenMock = useMock({ token: TOKEN });
let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'evs-env-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The error configFromEnv throws for `env`, checked to be an invalid_input EvsError of both entries. */
function failure(fn, env) {
  let err;
  try {
    fn(env);
  } catch (e) {
    err = e;
  }
  assert.ok(err, `no error for ${Object.keys(env ?? {}).join(',')}`);
  assert.ok(err instanceof EvsError, 'an EvsError (import)');
  assert.ok(err instanceof cjs.EvsError, 'an EvsError (require)');
  assert.equal(err.name, 'EvsError');
  assert.equal(err.kind, 'invalid_input');
  assert.equal(err.retryable, false);
  for (const secret of [AK, SK, ST, 'value-that-must-not-show']) {
    assert.ok(!err.message.includes(secret), `no value in "${err.message}"`);
    assert.ok(!String(err).includes(secret));
    assert.ok(!JSON.stringify(err).includes(secret));
  }
  return err;
}

test('import and require export the same configFromEnv behaviour', () => {
  assert.equal(typeof configFromEnv, 'function');
  assert.equal(typeof cjs.configFromEnv, 'function');
  assert.deepEqual(cjs.configFromEnv(FULL), configFromEnv(FULL));
});

test('all five variables: project ID, region and temporary AK/SK credentials', () => {
  assert.deepEqual(configFromEnv(FULL), {
    projectId: PROJECT_ID,
    region: 'ap-southeast-1',
    auth: { accessKey: AK, secretKey: SK, securityToken: ST },
  });
});

test('only what is set: no auth without keys, no region without one, "" project ID when unset', () => {
  assert.deepEqual(configFromEnv({}), { projectId: '' });
  assert.deepEqual(configFromEnv({ HUAWEICLOUD_SDK_PROJECT_ID: 'p1' }), { projectId: 'p1' });
  assert.deepEqual(configFromEnv({ HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK }), { projectId: '', auth: { accessKey: AK, secretKey: SK } });
  // Empty variables count as unset (`export HUAWEICLOUD_SDK_SECURITY_TOKEN=`).
  assert.deepEqual(configFromEnv({ ...FULL, HUAWEICLOUD_SDK_SECURITY_TOKEN: '', HUAWEICLOUD_SDK_REGION: '' }), {
    projectId: PROJECT_ID,
    auth: { accessKey: AK, secretKey: SK },
  });
  assert.deepEqual(configFromEnv({ HUAWEICLOUD_SDK_AK: '', HUAWEICLOUD_SDK_SK: '' }), { projectId: '' });
  // Other variables are ignored; values are taken as given.
  assert.deepEqual(configFromEnv({ HW_AK: 'x', HUAWEICLOUD_SDK_PROJECT_ID: ' p ' }), { projectId: ' p ' });
});

test('an access key without a secret key (and the other way round) names the missing variable', () => {
  for (const fn of [configFromEnv, cjs.configFromEnv]) {
    let e = failure(fn, { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID });
    assert.match(e.message, /HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not/);
    e = failure(fn, { HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_SECURITY_TOKEN: ST });
    assert.match(e.message, /HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not/);
    e = failure(fn, { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: '' });
    assert.match(e.message, /HUAWEICLOUD_SDK_SK is not/, 'an empty secret key is a missing one');
  }
});

test('a security token without the key pair, a non-string value, a non-object env', () => {
  let e = failure(configFromEnv, { HUAWEICLOUD_SDK_SECURITY_TOKEN: ST });
  assert.match(e.message, /HUAWEICLOUD_SDK_SECURITY_TOKEN is set but HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not/);
  e = failure(configFromEnv, { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: { toString: () => 'value-that-must-not-show' } });
  assert.match(e.message, /HUAWEICLOUD_SDK_SK must be a string/);
  e = failure(configFromEnv, { HUAWEICLOUD_SDK_PROJECT_ID: 7 });
  assert.match(e.message, /HUAWEICLOUD_SDK_PROJECT_ID must be a string/);
  for (const bad of ['value-that-must-not-show', 42, true]) {
    e = failure(configFromEnv, bad);
    assert.match(e.message, /env must be an object/);
  }
  // A throwing getter reads as absent, like every other input of the package.
  const tricky = { HUAWEICLOUD_SDK_PROJECT_ID: 'p' };
  Object.defineProperty(tricky, 'HUAWEICLOUD_SDK_REGION', { get: () => { throw new Error('nope'); }, enumerable: true });
  assert.deepEqual(configFromEnv(tricky), { projectId: 'p' });
});

test('without an argument (or null) it reads process.env', () => {
  const names = [
    ...Object.keys(FULL).filter((k) => k.startsWith('HUAWEICLOUD_SDK_')),
    'HUAWEICLOUD_SDK_IAM_ENDPOINT',
    'EVS_SNAPSHOTS_ENDPOINT',
    'EVS_SNAPSHOTS_TOKEN',
    'EVS_SNAPSHOTS_TOKEN_FILE',
    'EVS_SNAPSHOTS_ATTEMPT_TIMEOUT',
    'EVS_SNAPSHOTS_MAX_ATTEMPTS',
  ];
  const saved = Object.fromEntries(names.map((k) => [k, process.env[k]]));
  try {
    for (const k of names) {
      if (FULL[k] === undefined) delete process.env[k];
      else process.env[k] = FULL[k];
    }
    const want = { projectId: PROJECT_ID, region: 'ap-southeast-1', auth: { accessKey: AK, secretKey: SK, securityToken: ST } };
    assert.deepEqual(configFromEnv(), want);
    assert.deepEqual(configFromEnv(null), want);
    assert.deepEqual(cjs.configFromEnv(), want);
    delete process.env.HUAWEICLOUD_SDK_SK;
    assert.match(failure(configFromEnv).message, /HUAWEICLOUD_SDK_SK/);
  } finally {
    for (const k of names) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
});

test('a fresh object each time: changing one result does not change the next', () => {
  const a = configFromEnv(FULL);
  a.auth.secretKey = 'changed';
  a.projectId = 'changed';
  assert.equal(configFromEnv(FULL).auth.secretKey, SK);
  assert.equal(configFromEnv(FULL).projectId, PROJECT_ID);
});

test('the config signs: a list against the AK/SK-checking mock with temporary credentials', async () => {
  mock.clearRequests();
  const config = { ...configFromEnv(FULL), endpoint: mock.url };
  const page = await listSnapshots(config, { limit: 3 });
  assert.deepEqual(page.snapshots, sortWire(SNAPSHOTS).slice(0, 3).map(normalizeSnapshot));
  const [req] = mock.requests().filter((r) => r.kind === 'api');
  assert.match(req.headers.authorization, new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, `));
  assert.equal(req.headers['x-security-token'], ST);
  // An unset project ID, with the key pair and a region, is asked of IAM
  // (docs/contract.md "Project ID from IAM"): HUAWEICLOUD_SDK_IAM_ENDPOINT points
  // at the mock, which serves IAM too, so nothing leaves this machine.
  mock.clearRequests();
  const fromIam = configFromEnv({ ...FULL, HUAWEICLOUD_SDK_PROJECT_ID: '', HUAWEICLOUD_SDK_IAM_ENDPOINT: mock.url });
  assert.equal(fromIam.iamEndpoint, mock.url);
  const viaIam = await listSnapshots({ ...fromIam, endpoint: mock.url }, { limit: 3 });
  assert.equal(viaIam.snapshots.length, 3);
  assert.deepEqual(mock.requests().map((r) => r.kind), ['iam', 'api']);
  assert.equal(mock.requests()[0].headers['x-security-token'], ST);
  // Without a region there is nothing to ask: the call's invalid_input,
  // before any request.
  mock.clearRequests();
  const err = await listSnapshots({ ...configFromEnv({ ...FULL, HUAWEICLOUD_SDK_PROJECT_ID: '', HUAWEICLOUD_SDK_REGION: '' }), endpoint: mock.url }).catch((e) => e);
  assert.equal(err.kind, 'invalid_input');
  assert.match(err.message, /^projectId is empty: set HUAWEICLOUD_SDK_PROJECT_ID, or HUAWEICLOUD_SDK_REGION to ask IAM for it with the key pair$/);
  assert.equal(mock.requests().length, 0);
});

test('the package\'s own variables (issue 27 §4): EVS_SNAPSHOTS_ENDPOINT, the IAM token from a file or a variable, the time limit and attempts', () => {
  const file = join(dir, 'token');
  writeFileSync(file, `  ${TOKEN}\n`);
  assert.deepEqual(configFromEnv({ EVS_SNAPSHOTS_ENDPOINT: 'http://127.0.0.1:9999/evs', HUAWEICLOUD_SDK_PROJECT_ID: 'p' }), { projectId: 'p', endpoint: 'http://127.0.0.1:9999/evs' });
  // Endpoint and region both: both are kept (the endpoint wins in the call; the region still names IAM's project).
  assert.deepEqual(configFromEnv({ EVS_SNAPSHOTS_ENDPOINT: 'https://e', HUAWEICLOUD_SDK_REGION: 'ap-southeast-1' }), { projectId: '', endpoint: 'https://e', region: 'ap-southeast-1' });
  assert.deepEqual(configFromEnv({ EVS_SNAPSHOTS_TOKEN: TOKEN }), { projectId: '', auth: { token: TOKEN } });
  for (const fn of [configFromEnv, cjs.configFromEnv]) {
    assert.deepEqual(fn({ EVS_SNAPSHOTS_TOKEN_FILE: file }), { projectId: '', auth: { token: TOKEN } }, 'the file, white space around it removed');
  }
  // The file wins over the variable, and a token over a key pair (whose halves are still checked).
  assert.deepEqual(configFromEnv({ EVS_SNAPSHOTS_TOKEN_FILE: file, EVS_SNAPSHOTS_TOKEN: 'other', HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK }).auth, { token: TOKEN });
  assert.match(failure(configFromEnv, { EVS_SNAPSHOTS_TOKEN: TOKEN, HUAWEICLOUD_SDK_AK: AK }).message, /HUAWEICLOUD_SDK_SK is not/);
  assert.deepEqual(configFromEnv({ EVS_SNAPSHOTS_ATTEMPT_TIMEOUT: '3m30s', EVS_SNAPSHOTS_MAX_ATTEMPTS: '5' }), { projectId: '', timeoutMs: 210_000, maxAttempts: 5 });
  assert.equal(configFromEnv({ EVS_SNAPSHOTS_ATTEMPT_TIMEOUT: '10' }).timeoutMs, 10_000, 'a bare number is seconds');
  assert.equal(configFromEnv({ EVS_SNAPSHOTS_ATTEMPT_TIMEOUT: '500ms' }).timeoutMs, 500);
  // Empty is unset, as for every variable.
  assert.deepEqual(configFromEnv({ EVS_SNAPSHOTS_ENDPOINT: '', EVS_SNAPSHOTS_TOKEN_FILE: ' ', EVS_SNAPSHOTS_TOKEN: '', EVS_SNAPSHOTS_ATTEMPT_TIMEOUT: '', EVS_SNAPSHOTS_MAX_ATTEMPTS: '' }), { projectId: '' });
});

test('the package\'s own variables: mistakes are invalid_input naming the variable, never its value', () => {
  writeFileSync(join(dir, 'empty'), ' \n');
  for (const [env, re] of [
    [{ EVS_SNAPSHOTS_TOKEN_FILE: join(dir, 'value-that-must-not-show') }, /^configFromEnv: EVS_SNAPSHOTS_TOKEN_FILE: the file cannot be read \(ENOENT\)$/],
    [{ EVS_SNAPSHOTS_TOKEN_FILE: dir }, /^configFromEnv: EVS_SNAPSHOTS_TOKEN_FILE: the file cannot be read \(EISDIR\)$/],
    [{ EVS_SNAPSHOTS_TOKEN_FILE: join(dir, 'empty') }, /^configFromEnv: EVS_SNAPSHOTS_TOKEN_FILE: the file is empty$/],
    [{ EVS_SNAPSHOTS_ATTEMPT_TIMEOUT: 'value-that-must-not-show' }, /^configFromEnv: EVS_SNAPSHOTS_ATTEMPT_TIMEOUT must be a duration of at least 1 ms, such as 30s, 3m30s, 1h or 500ms \(a bare number is seconds\)$/],
    [{ EVS_SNAPSHOTS_ATTEMPT_TIMEOUT: '0s' }, /EVS_SNAPSHOTS_ATTEMPT_TIMEOUT must be a duration/],
    [{ EVS_SNAPSHOTS_MAX_ATTEMPTS: '0' }, /^configFromEnv: EVS_SNAPSHOTS_MAX_ATTEMPTS must be a whole number from 1$/],
    [{ EVS_SNAPSHOTS_MAX_ATTEMPTS: '2.5' }, /EVS_SNAPSHOTS_MAX_ATTEMPTS must be a whole number from 1/],
    [{ EVS_SNAPSHOTS_ENDPOINT: 5 }, /^configFromEnv: EVS_SNAPSHOTS_ENDPOINT must be a string$/],
  ]) {
    for (const fn of [configFromEnv, cjs.configFromEnv]) assert.match(failure(fn, env).message, re, JSON.stringify(env));
  }
});

test('one environment, one destination: a script\'s config goes where the command goes (the endpoint and the token file)', async () => {
  const file = join(dir, 'token');
  writeFileSync(file, TOKEN);
  tokenMock.clearRequests();
  // HUAWEICLOUD_SDK_REGION is set too: the endpoint wins, as in the command.
  const env = { EVS_SNAPSHOTS_ENDPOINT: tokenMock.url, EVS_SNAPSHOTS_TOKEN_FILE: file, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID, HUAWEICLOUD_SDK_REGION: 'ap-southeast-1' };
  const page = await listSnapshots(configFromEnv(env), { limit: 2 });
  assert.deepEqual(page.snapshots, sortWire(SNAPSHOTS).slice(0, 2).map(normalizeSnapshot));
  const [req] = tokenMock.requests();
  assert.equal(req.headers['x-auth-token'], TOKEN);
});

test('an empty environment: the call\'s error names the variables to set, and nothing is sent', async () => {
  mock.clearRequests();
  for (const [env, re] of [
    [{}, /^projectId is empty: set HUAWEICLOUD_SDK_PROJECT_ID, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK with HUAWEICLOUD_SDK_REGION to ask IAM for it$/],
    [{ EVS_SNAPSHOTS_TOKEN: TOKEN }, /^projectId is empty: set HUAWEICLOUD_SDK_PROJECT_ID, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK/],
    [{ HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID }, /^either endpoint or region is required \(from the environment: EVS_SNAPSHOTS_ENDPOINT or HUAWEICLOUD_SDK_REGION\)$/],
  ]) {
    const err = await listSnapshots(configFromEnv(env)).catch((e) => e);
    assert.ok(err instanceof EvsError, JSON.stringify(env));
    assert.equal(err.kind, 'invalid_input');
    assert.match(err.message, re);
  }
  assert.equal(mock.requests().length, 0);
});

test('an array is not an environment; null is the default one; white space is unset', () => {
  assert.throws(() => configFromEnv([]), (e) => e instanceof EvsError && e.kind === 'invalid_input' && /env must be an object/.test(e.message));
  const saved = process.env.HUAWEICLOUD_SDK_PROJECT_ID;
  process.env.HUAWEICLOUD_SDK_PROJECT_ID = 'p-from-process';
  try {
    assert.equal(configFromEnv(null).projectId, 'p-from-process');
  } finally {
    if (saved === undefined) delete process.env.HUAWEICLOUD_SDK_PROJECT_ID;
    else process.env.HUAWEICLOUD_SDK_PROJECT_ID = saved;
  }
  assert.deepEqual(configFromEnv({ HUAWEICLOUD_SDK_PROJECT_ID: 'p', HUAWEICLOUD_SDK_AK: '  ', HUAWEICLOUD_SDK_SK: '\t' }), { projectId: 'p' });
});
