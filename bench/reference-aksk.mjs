// The hand-written reference's getSnapshot with AK/SK: what a user would
// write instead of the package when the service wants a key pair. It signs
// by hand with node:crypto (SDK-HMAC-SHA256, written from the signing scheme,
// not from the package's Rust), so that the reference shares nothing with
// the package; the mock checks every signature. A module of its own, so that
// importing node:crypto (about 6 ms) stays out of the reference's cold start.
import { createHash, createHmac } from 'node:crypto';
import { bounded, normalizeSnapshot } from './reference.mjs';

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

/** `20261130T101500Z`, the form X-Sdk-Date takes. */
function sdkDate(d = new Date()) {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
}

/**
 * The headers that sign a GET without a query or a body: the canonical
 * request (method, the path with a trailing slash, no query, `host` and
 * `x-sdk-date` signed, the SHA-256 of the empty body), its SHA-256 in the
 * string to sign, an HMAC-SHA256 of that with the secret key.
 */
export function signGet(url, accessKey, secretKey, date = sdkDate()) {
  const u = new URL(url);
  if (u.search) throw new Error('signGet signs requests without a query only');
  const path = u.pathname.endsWith('/') ? u.pathname : `${u.pathname}/`;
  const canonical = `GET\n${path}\n\nhost:${u.host}\nx-sdk-date:${date}\n\nhost;x-sdk-date\n${EMPTY_SHA256}`;
  const toSign = `SDK-HMAC-SHA256\n${date}\n${createHash('sha256').update(canonical).digest('hex')}`;
  const signature = createHmac('sha256', secretKey).update(toSign).digest('hex');
  return { 'X-Sdk-Date': date, Authorization: `SDK-HMAC-SHA256 Access=${accessKey}, SignedHeaders=host;x-sdk-date, Signature=${signature}` };
}

/** refGetSnapshot signed with `{ accessKey, secretKey }`; a 30 s bound per request, as the package has. */
export async function refSignedGetSnapshot({ endpoint, projectId, accessKey, secretKey, fetch: f = fetch, timeoutMs = 30000 }, id) {
  const url = `${endpoint}/v2/${encodeURIComponent(projectId)}/cloudsnapshots/${encodeURIComponent(id)}`;
  const headers = { ...signGet(url, accessKey, secretKey), Accept: 'application/json' };
  return normalizeSnapshot((await bounded(f, url, { headers }, timeoutMs)).snapshot);
}
