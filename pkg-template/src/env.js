// configFromEnv: a ClientConfig from the variables Huawei Cloud's official
// SDKs read (their EnvCredentialProvider: HUAWEICLOUD_SDK_AK, _SK,
// _SECURITY_TOKEN, _PROJECT_ID), plus HUAWEICLOUD_SDK_REGION and
// HUAWEICLOUD_SDK_IAM_ENDPOINT, and the package's own EVS_SNAPSHOTS_*
// variables (endpoint, IAM token, time limit, attempts), which the
// `evs-snapshots` command reads through this very function (issue 27 §4):
// one environment means the same call to a script and to the command.
// Plain JavaScript, no wasm: it runs before any module is loaded, in every
// runtime (without `process`, the default environment is empty).
//
// The build turns this file into an ES module and a CommonJS module; it must
// keep its single `export { ... }` line at the end and import nothing. The
// entries pass in the package's EvsError class, so that every failure is one
// (kind "invalid_input"), the same class for `import` and `require`, and
// (Node's CommonJS entry) a way to Node's `fs` for the token file.
//
// No message ever carries a value: only variable names (and, for a file
// that cannot be read, the error's code).

const AK = 'HUAWEICLOUD_SDK_AK';
const SK = 'HUAWEICLOUD_SDK_SK';
const SECURITY_TOKEN = 'HUAWEICLOUD_SDK_SECURITY_TOKEN';
const PROJECT_ID = 'HUAWEICLOUD_SDK_PROJECT_ID';
const REGION = 'HUAWEICLOUD_SDK_REGION';
// Where the SDKs ask IAM for a region's project ID (their IamHelper).
const IAM_ENDPOINT = 'HUAWEICLOUD_SDK_IAM_ENDPOINT';
// This package's own.
const ENDPOINT = 'EVS_SNAPSHOTS_ENDPOINT';
const TOKEN_FILE = 'EVS_SNAPSHOTS_TOKEN_FILE';
const TOKEN = 'EVS_SNAPSHOTS_TOKEN';
const ATTEMPT_TIMEOUT = 'EVS_SNAPSHOTS_ATTEMPT_TIMEOUT';
const MAX_ATTEMPTS = 'EVS_SNAPSHOTS_MAX_ATTEMPTS';

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/**
 * A duration in milliseconds, as the command's options and
 * EVS_SNAPSHOTS_ATTEMPT_TIMEOUT read it: a number of seconds (`30`, `2.5`),
 * as timeout(1) and the AWS CLI read a bare number; or numbers each with a
 * unit, `h`, `m`, `s` or `ms`, one after the other (`1h`, `3m30s`, `1.5s`,
 * `500ms`), as Go's time.ParseDuration writes them. Rounded to the
 * millisecond; NaN for anything else, and for less than 1 ms.
 */
function durationMs(text) {
  const s = String(text);
  let ms = NaN;
  if (/^\d+(?:\.\d+)?$/.test(s)) {
    ms = Number(s) * 1000;
  } else if (/^(?:\d+(?:\.\d+)?(?:h|ms|m|s))+$/.test(s)) {
    ms = 0;
    for (const [, n, unit] of s.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) ms += Number(n) * UNIT_MS[unit];
  }
  ms = Math.round(ms);
  return ms >= 1 && ms <= Number.MAX_SAFE_INTEGER ? ms : NaN;
}

/** Node's `fs` where there is one, through no import a bundler would follow (as load.js finds it). */
function fileSystem(requireFs) {
  try {
    const p = globalThis.process;
    if (p && typeof p.getBuiltinModule === 'function') return p.getBuiltinModule('fs');
    return requireFs ? requireFs() : undefined;
  } catch {
    return undefined;
  }
}

function configFromEnv(env, ErrorClass, requireFs) {
  const fail = (message) => {
    throw new ErrorClass({ kind: 'invalid_input', message, retryable: false });
  };
  if (env === undefined || env === null) {
    const p = globalThis.process;
    env = p && p.env && typeof p.env === 'object' ? p.env : {};
  } else if (typeof env !== 'object' || Array.isArray(env)) {
    fail('configFromEnv: env must be an object of environment variables (default: process.env)');
  }
  /** The variable's value; unset, empty and white space only all read as absent. */
  const read = (name) => {
    let v;
    try {
      v = env[name];
    } catch {
      v = undefined; // a throwing getter reads as absent
    }
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') fail(`configFromEnv: ${name} must be a string`);
    return v.trim() === '' ? undefined : v;
  };
  const ak = read(AK);
  const sk = read(SK);
  const securityToken = read(SECURITY_TOKEN);
  if (ak !== undefined && sk === undefined) fail(`configFromEnv: ${AK} is set but ${SK} is not; set both or neither`);
  if (sk !== undefined && ak === undefined) fail(`configFromEnv: ${SK} is set but ${AK} is not; set both or neither`);
  if (securityToken !== undefined && ak === undefined) {
    fail(`configFromEnv: ${SECURITY_TOKEN} is set but ${AK} and ${SK} are not; temporary credentials need all three`);
  }
  const config = { projectId: read(PROJECT_ID) ?? '' };
  const endpoint = read(ENDPOINT);
  if (endpoint !== undefined) config.endpoint = endpoint;
  const region = read(REGION);
  if (region !== undefined) config.region = region;
  const iamEndpoint = read(IAM_ENDPOINT);
  if (iamEndpoint !== undefined) config.iamEndpoint = iamEndpoint;
  // An IAM token (from its file, else the variable) wins over a key pair.
  const token = tokenFrom(read(TOKEN_FILE), fail, requireFs) ?? read(TOKEN);
  if (token !== undefined) {
    config.auth = { token };
  } else if (ak !== undefined) {
    config.auth = { accessKey: ak, secretKey: sk };
    if (securityToken !== undefined) config.auth.securityToken = securityToken;
  }
  const timeout = read(ATTEMPT_TIMEOUT);
  if (timeout !== undefined) {
    config.timeoutMs = durationMs(timeout);
    if (Number.isNaN(config.timeoutMs)) fail(`configFromEnv: ${ATTEMPT_TIMEOUT} must be a duration of at least 1 ms, such as 30s, 3m30s, 1h or 500ms (a bare number is seconds)`);
  }
  const attempts = read(MAX_ATTEMPTS);
  if (attempts !== undefined) {
    config.maxAttempts = /^\s*\d+\s*$/.test(attempts) ? Number(attempts) : NaN;
    if (!(config.maxAttempts >= 1 && config.maxAttempts <= Number.MAX_SAFE_INTEGER)) fail(`configFromEnv: ${MAX_ATTEMPTS} must be a whole number from 1`);
  }
  return config;
}

/** The token in the file EVS_SNAPSHOTS_TOKEN_FILE names (read at each call: tokens are renewed), white space around it removed. */
function tokenFrom(file, fail, requireFs) {
  if (file === undefined) return undefined;
  const fs = fileSystem(requireFs);
  if (!fs) fail(`configFromEnv: ${TOKEN_FILE} is set, but there is no file system here to read it from; pass the token as auth: { token }`);
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    fail(`configFromEnv: ${TOKEN_FILE}: the file cannot be read (${(e && e.code) || 'error'})`);
  }
  const token = text.trim();
  if (token === '') fail(`configFromEnv: ${TOKEN_FILE}: the file is empty`);
  return token;
}

export { configFromEnv, durationMs };
