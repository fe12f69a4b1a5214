// Connection settings: what the dashboard talks to and how it authenticates.
//
// Kept in localStorage under STORAGE_KEY. The IAM token, the secret key and
// the security token are written there ONLY when the user ticks "remember
// secrets on this device"; otherwise they live in this tab's memory and are
// gone on reload. (The access key ID is an identifier, not a secret.)
//
// With AK/SK and a region the project ID may be left empty: the package then
// asks IAM for the project named after the region (`iamEndpoint`, else
// Huawei's IAM for the region). IAM sends no CORS headers, so in a browser
// the IAM endpoint is a same-origin proxy, such as the demo's `/evs`.
//
// Served by `evs-snapshots serve`, the page holds no settings of its own:
// the server puts its connection in a `<meta name="evs-serve">` (the project
// ID and where its proxy calls, never a credential) and answers the page's
// calls to `/evs`, signing them itself (`servedConnection`,
// `servedSettings`). Nothing is then read from or written to storage.
//
// The sentences and descriptions it returns are in the language in use
// (i18n.js, which needs no DOM: this module still loads in Node).

import { t } from './i18n.js';

export const STORAGE_KEY = 'evs-dashboard:connection';

/** The mock EVS service of the tests on the page's own origin (`/evs`, its project). */
export const DEFAULTS = Object.freeze({
  target: 'endpoint', // 'endpoint' | 'region'
  endpoint: '/evs',
  region: 'ap-southeast-1',
  projectId: '0c2eba2c5af04d3f9e9d0d410b371fde',
  iamEndpoint: '', // with AK/SK and no project ID: where IAM is asked ('' → Huawei's)
  auth: 'none', // 'none' | 'token' | 'aksk'
  token: '',
  accessKey: '',
  secretKey: '',
  securityToken: '',
  rememberSecrets: false,
});

const SECRET_FIELDS = ['token', 'secretKey', 'securityToken'];
const TARGETS = ['endpoint', 'region'];
const AUTHS = ['none', 'token', 'aksk'];

function clean(raw) {
  const s = { ...DEFAULTS };
  if (!raw || typeof raw !== 'object') return s;
  for (const k of Object.keys(DEFAULTS)) {
    if (k === 'rememberSecrets') s[k] = raw[k] === true;
    else if (typeof raw[k] === 'string') s[k] = raw[k];
  }
  if (!TARGETS.includes(s.target)) s.target = DEFAULTS.target;
  if (!AUTHS.includes(s.auth)) s.auth = DEFAULTS.auth;
  return s;
}

function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled by the browser
  }
}

/** The remembered settings, or the defaults. */
export function loadSettings() {
  const st = storage();
  if (!st) return { ...DEFAULTS };
  try {
    return clean(JSON.parse(st.getItem(STORAGE_KEY) ?? 'null'));
  } catch {
    return { ...DEFAULTS };
  }
}

/** Remembers `settings`, leaving the secrets out unless `rememberSecrets`. */
export function saveSettings(settings) {
  const s = clean(settings);
  const stored = { ...s };
  if (!s.rememberSecrets) for (const k of SECRET_FIELDS) delete stored[k];
  // Only the fields the chosen auth uses.
  if (s.auth !== 'token') delete stored.token;
  if (s.auth !== 'aksk') for (const k of ['accessKey', 'secretKey', 'securityToken']) delete stored[k];
  const st = storage();
  if (st) {
    try {
      st.setItem(STORAGE_KEY, JSON.stringify(stored));
    } catch {
      // quota or privacy mode: settings then last for this tab only
    }
  }
  return s;
}

/** The path `evs-snapshots serve` answers the page's calls on (its proxy's basePath). */
export const SERVED_ENDPOINT = '/evs';

const text = (v) => (typeof v === 'string' ? v : '');

/**
 * The connection of a page served by `evs-snapshots serve`, from the
 * `<meta name="evs-serve" content="{json}">` the server writes into it:
 * `{ projectId, region, upstream }` (strings; `region` and `upstream` may be
 * ''; `upstream` is the EVS endpoint the server calls). Null on a page
 * served otherwise, or when the meta is unreadable or names no project.
 */
export function servedConnection(doc = globalThis.document) {
  let meta = null;
  try {
    meta = doc?.querySelector('meta[name="evs-serve"]') ?? null;
  } catch {
    return null;
  }
  if (!meta) return null;
  let raw;
  try {
    raw = JSON.parse(meta.getAttribute('content') ?? '');
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object' || typeof raw.projectId !== 'string' || raw.projectId === '') return null;
  return { projectId: raw.projectId, region: text(raw.region), upstream: text(raw.upstream) };
}

/**
 * The settings of a served page: the server's proxy on this origin
 * (SERVED_ENDPOINT), the project it serves, and no auth of the page's own
 * (the server signs). `served` is kept for the connection line and dialog.
 */
export function servedSettings(served) {
  return { ...DEFAULTS, target: 'endpoint', endpoint: SERVED_ENDPOINT, projectId: served.projectId, region: served.region, auth: 'none', served };
}

/** What is missing before a call can be made, as a sentence; null when nothing is. */
export function missingSecret(s) {
  if (s.auth === 'token' && !s.token) return t('settings.missing.token');
  if (s.auth === 'aksk' && (!s.accessKey || !s.secretKey)) {
    return t('settings.missing.aksk');
  }
  return null;
}

/** Whether the project ID is left to IAM: AK/SK and no project ID. */
export function projectFromIam(s) {
  return s.auth === 'aksk' && !s.projectId.trim();
}

/**
 * The package's ClientConfig for these settings. With the project ID left
 * to IAM, the region goes along with an endpoint too (the project is the
 * one named after it), and the IAM endpoint when one is given.
 */
export function toClientConfig(s) {
  const config = {};
  const fromIam = projectFromIam(s);
  if (!fromIam) config.projectId = s.projectId.trim();
  if (s.target === 'region') config.region = s.region.trim();
  else {
    config.endpoint = s.endpoint.trim();
    if (fromIam) config.region = s.region.trim();
  }
  if (fromIam && s.iamEndpoint.trim()) config.iamEndpoint = s.iamEndpoint.trim();
  if (s.auth === 'token') config.auth = { token: s.token };
  else if (s.auth === 'aksk') {
    config.auth = { accessKey: s.accessKey.trim(), secretKey: s.secretKey };
    if (s.securityToken) config.auth.securityToken = s.securityToken;
  }
  return config;
}

/** A one-line description for the header: where, which project, which auth. */
export function describeConnection(s) {
  if (s.served) {
    return { where: s.served.upstream || s.served.region, project: s.projectId, auth: t('settings.desc.served') };
  }
  const where =
    s.target === 'region'
      ? `evs.${s.region}.myhuaweicloud.com`
      : s.endpoint.startsWith('/')
        ? t('settings.where.sameOrigin', { endpoint: s.endpoint })
        : s.endpoint;
  const auth = t(s.auth === 'token' ? 'settings.desc.token' : s.auth === 'aksk' ? 'settings.desc.aksk' : 'settings.desc.none');
  return { where, project: projectFromIam(s) ? t('settings.desc.fromIam', { region: s.region.trim() }) : s.projectId, auth };
}
