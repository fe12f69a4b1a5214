// What every route of the mock shares: the JSON answer, the EVS error body
// and the reading of a query string as the service reads one.
import { percentDecode } from './signature.mjs';

export const JSON_TYPE = 'application/json;charset=UTF-8';

/** Answers `status` with `body` (a string as is, anything else as JSON) and `headers` over the JSON type. */
export function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** EVS's error body: `{"<kind>": {"message", "code"}}` (docs/evs-api.md). */
export const evsError = (kind, message, code) => ({ [kind]: { message, code } });

/** A query string read as the service reads it (application/x-www-form-urlencoded): `+` is a space, then percent-decoding. */
export function formDecode(s) {
  return percentDecode(s.replaceAll('+', ' '));
}

/** The parameters of `search` (`?a=1&b=2`, or empty), form-decoded; a name given twice keeps its last value. */
export function formQuery(search) {
  const q = new Map();
  for (const part of search.slice(1).split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    q.set(formDecode(i < 0 ? part : part.slice(0, i)), formDecode(i < 0 ? '' : part.slice(i + 1)));
  }
  return q;
}
