// SDK-HMAC-SHA256 checking for the mock, written from docs/signing.md with
// node:crypto alone: a second implementation that cross-checks the Rust one.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** Percent-decodes to bytes (a `+` stays `+`), then UTF-8 with U+FFFD for bad bytes. */
export function percentDecode(s) {
  const bytes = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '%' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 3986: every UTF-8 byte outside A-Z a-z 0-9 - _ . ~ as %XX, upper-case. */
export function encode(s) {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 128 && UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Compare as Python compares str: by code point (= UTF-8 byte order). */
const byCodePoint = (a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

export function canonicalUri(path) {
  const segments = percentDecode(path).split('/').map(encode);
  const uri = segments.join('/');
  return uri.endsWith('/') ? uri : `${uri}/`;
}

export function canonicalQuery(rawQuery) {
  if (!rawQuery) return '';
  const pairs = rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const i = p.indexOf('=');
      return i < 0 ? [percentDecode(p), ''] : [percentDecode(p.slice(0, i)), percentDecode(p.slice(i + 1))];
    });
  pairs.sort((x, y) => byCodePoint(x[0], y[0]) || byCodePoint(x[1], y[1]));
  return pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/**
 * The canonical request of docs/signing.md step 8. `headers`: lower-case name →
 * value; `signedHeaders`: the names, already sorted.
 */
export function canonicalRequest({ method, path, query, headers, signedHeaders, body = '' }) {
  const block = signedHeaders.map((n) => `${n}:${String(headers[n] ?? '').trim()}\n`).join('');
  const contentSha = headers['x-sdk-content-sha256'];
  const payload = contentSha && body.length > 0 ? contentSha : sha256(body);
  return [method.toUpperCase(), canonicalUri(path), canonicalQuery(query), block, signedHeaders.join(';'), payload].join('\n');
}

export function stringToSign(date, canonical) {
  return `SDK-HMAC-SHA256\n${date}\n${sha256(canonical)}`;
}

export function signature(sk, date, canonical) {
  return createHmac('sha256', Buffer.from(sk, 'utf8')).update(stringToSign(date, canonical)).digest('hex');
}

const AUTH = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

function sdkDateMs(v) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v ?? '');
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

/**
 * Checks a received request. `req`: {method, path, query (raw), headers
 * (lower-case), body}. Returns {ok: true} or {ok: false, reason}.
 */
export function verifySignature(req, { ak, sk, securityToken, now = () => new Date() }) {
  const m = AUTH.exec(req.headers.authorization ?? '');
  if (!m) return { ok: false, reason: 'missing or malformed Authorization header' };
  const [, access, signed, sig] = m;
  if (access !== ak) return { ok: false, reason: 'unknown access key' };
  const names = signed.split(';');
  if (!names.includes('host') || !names.includes('x-sdk-date')) return { ok: false, reason: 'host and x-sdk-date must be signed' };
  const t = sdkDateMs(req.headers['x-sdk-date']);
  if (Number.isNaN(t)) return { ok: false, reason: 'X-Sdk-Date is missing or malformed' };
  const serverTime = now();
  if (Math.abs(serverTime.getTime() - t) > 15 * 60 * 1000) {
    // The gateway's wording, with both times: a client can read the server's time from it.
    const stamp = serverTime.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    return {
      ok: false,
      reason: `signature expired, signature time:${req.headers['x-sdk-date']},server time:${stamp} (the request time X-Sdk-Date is more than 15 minutes from the server time)`,
      skew: true,
    };
  }
  if (securityToken !== undefined) {
    if (req.headers['x-security-token'] !== securityToken) return { ok: false, reason: 'security token missing or wrong' };
    if (!names.includes('x-security-token')) return { ok: false, reason: 'x-security-token must be signed' };
  }
  const canonical = canonicalRequest({ ...req, signedHeaders: names });
  const want = signature(sk, req.headers['x-sdk-date'], canonical);
  const ok = timingSafeEqual(Buffer.from(want), Buffer.from(sig));
  return ok ? { ok: true } : { ok: false, reason: 'verify aksk signature fail' };
}
