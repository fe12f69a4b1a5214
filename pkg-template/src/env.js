// configFromEnv: a ClientConfig from the variables Huawei Cloud's official
// SDKs read (their EnvCredentialProvider: HUAWEICLOUD_SDK_AK, _SK,
// _SECURITY_TOKEN, _PROJECT_ID), plus HUAWEICLOUD_SDK_REGION and
// HUAWEICLOUD_SDK_IAM_ENDPOINT. Plain JavaScript, no wasm: it runs before any
// module is loaded, in every runtime (without `process`, the default
// environment is empty).
//
// The build turns this file into an ES module and a CommonJS module; it must
// keep its single `export { ... }` line at the end and import nothing. The
// entries pass in the package's EvsError class, so that every failure is one
// (kind "invalid_input"), the same class for `import` and `require`.
//
// No message ever carries a value: only variable names.

const AK = 'HUAWEICLOUD_SDK_AK';
const SK = 'HUAWEICLOUD_SDK_SK';
const SECURITY_TOKEN = 'HUAWEICLOUD_SDK_SECURITY_TOKEN';
const PROJECT_ID = 'HUAWEICLOUD_SDK_PROJECT_ID';
const REGION = 'HUAWEICLOUD_SDK_REGION';
// Where the SDKs ask IAM for a region's project ID (their IamHelper).
const IAM_ENDPOINT = 'HUAWEICLOUD_SDK_IAM_ENDPOINT';

function configFromEnv(env, ErrorClass) {
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
  const region = read(REGION);
  if (region !== undefined) config.region = region;
  const iamEndpoint = read(IAM_ENDPOINT);
  if (iamEndpoint !== undefined) config.iamEndpoint = iamEndpoint;
  if (ak !== undefined) {
    config.auth = { accessKey: ak, secretKey: sk };
    if (securityToken !== undefined) config.auth.securityToken = securityToken;
  }
  return config;
}

export { configFromEnv };
