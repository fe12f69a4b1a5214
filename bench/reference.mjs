// The hand-written JavaScript client the package is measured against:
// fetch + JSON.parse + a small mapping function into the CONTRACT's objects,
// written from docs/contract.md and docs/evs-api.md independently of the Rust core. Honest:
// it does the same normalisation (camelCase, timestamps, size, progress,
// metadata) and nothing slower than it needs. The tests compare the package's
// output with it on the mock's data and on the benchmark's bodies.

const TS = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const digit = (c) => c >= 48 && c <= 57;
const two = (s, i) => (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);

/**
 * The service's usual form, `YYYY-MM-DDTHH:MM:SS[.ffffff]` in UTC with no
 * zone, by slicing the string (no regular expression, no Date): what a
 * careful developer writes for the hot path. `undefined` when `s` is not
 * in that form, and the general path decides.
 */
function fastIso(s) {
  const n = s.length;
  if (n < 19 || s[4] !== '-' || s[7] !== '-' || s[13] !== ':' || s[16] !== ':') return undefined;
  const t = s[10];
  if (t !== 'T' && t !== 't' && t !== ' ') return undefined;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]) if (!digit(s.charCodeAt(i))) return undefined;
  let frac = '000';
  if (n > 19) {
    if (s[19] !== '.' || n === 20) return undefined;
    for (let i = 20; i < n; i++) if (!digit(s.charCodeAt(i))) return undefined;
    frac = (s.slice(20, 23) + '00').slice(0, 3);
  }
  const year = Number(s.slice(0, 4));
  const month = two(s, 5);
  const day = two(s, 8);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > (month === 2 && leap ? 29 : DAYS[month - 1])) return undefined;
  if (two(s, 11) > 23 || two(s, 14) > 59 || two(s, 17) > 59) return undefined;
  return `${s.slice(0, 10)}T${s.slice(11, 19)}.${frac}Z`;
}

/** Service timestamp → Date.prototype.toISOString() form; unreadable values unchanged. */
export function isoTimestamp(s) {
  if (typeof s !== 'string') return s ?? null;
  const fast = fastIso(s);
  if (fast !== undefined) return fast;
  const m = TS.exec(s);
  if (!m) return s;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  let t = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  // Date.UTC rolls Feb 30 over to March: such a value is not a timestamp.
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (y < 100 || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || sec > 59) return s;
  if (m[9]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return s;
    t -= (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60000;
  }
  const out = new Date(t);
  const year = out.getUTCFullYear();
  return year >= 0 && year <= 9999 ? out.toISOString() : s;
}

function size(v) {
  const n = typeof v === 'string' && /^\s*\d+(\.0*)?\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new Error('unreadable size');
  return n;
}

function progress(v) {
  if (typeof v === 'number') return v >= 0 && v <= 100 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n <= 100 ? n : undefined;
}

/** One wire snapshot → the CONTRACT's Snapshot. */
export function normalizeSnapshot(w) {
  if (typeof w.id !== 'string' || w.id === '') throw new Error('no id');
  const metadata = {};
  const meta = w.metadata;
  if (meta) for (const k in meta) metadata[k] = typeof meta[k] === 'string' ? meta[k] : String(meta[k]);
  const out = {
    id: w.id,
    name: w.name ?? '',
    description: w.description ?? null,
    status: w.status ?? '',
    size: size(w.size),
    volumeId: w.volume_id ?? '',
    createdAt: isoTimestamp(w.created_at ?? null),
    updatedAt: isoTimestamp(w.updated_at ?? w.update_at ?? null),
    metadata,
  };
  const pid = w['os-extended-snapshot-attributes:project_id'];
  if (typeof pid === 'string') out.projectId = pid;
  const p = progress(w['os-extended-snapshot-attributes:progress']);
  if (p !== undefined) out.progress = p;
  return out;
}

/** The marker of a `next` link, or the last id when the link has none. */
function nextMarker(body, snapshots) {
  if (snapshots.length === 0) return null;
  const next = (body.snapshots_links ?? []).find((l) => l && l.rel === 'next');
  if (!next) return null;
  const q = String(next.href ?? '').split('?')[1] ?? '';
  const m = new URLSearchParams(q.split('#')[0]).get('marker');
  return m ? m : snapshots[snapshots.length - 1].id;
}

/** A list body (parsed) → the CONTRACT's SnapshotPage. */
export function normalizePage(body) {
  const snapshots = body.snapshots.map(normalizeSnapshot);
  return { snapshots, nextMarker: nextMarker(body, snapshots) };
}

/** The mock's default order: created_at descending, then id descending. */
export function sortWire(list) {
  const key = (s) => isoTimestamp(s.created_at);
  return [...list].sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/**
 * A minimal hand-written client: what a user would write instead of the
 * package. Like the package (docs/contract.md: every attempt has a timeout,
 * 30 s by default), it bounds each request, with an AbortController and a
 * timer (the cheapest way in Node 20); it does not retry, check input or
 * read error bodies.
 */
export async function bounded(f, url, init, timeoutMs) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const res = await f(url, { ...init, signal: ctrl.signal });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.json();
  } finally {
    clearTimeout(timer);
  }
}

export async function refGetSnapshot({ endpoint, projectId, token, fetch: f = fetch, timeoutMs = 30000 }, id) {
  const url = `${endpoint}/v2/${encodeURIComponent(projectId)}/cloudsnapshots/${encodeURIComponent(id)}`;
  const headers = token ? { 'X-Auth-Token': token, Accept: 'application/json' } : { Accept: 'application/json' };
  return normalizeSnapshot((await bounded(f, url, { headers }, timeoutMs)).snapshot);
}

export async function refListSnapshots({ endpoint, projectId, token, fetch: f = fetch, timeoutMs = 30000 }, options = {}) {
  const q = new URLSearchParams();
  if (options.limit !== undefined) q.set('limit', String(options.limit));
  if (options.marker !== undefined) q.set('marker', options.marker);
  if (options.name !== undefined) q.set('name', options.name);
  if (options.status !== undefined) q.set('status', options.status);
  if (options.volumeId !== undefined) q.set('volume_id', options.volumeId);
  const qs = q.toString().replaceAll('+', '%20');
  const url = `${endpoint}/v2/${encodeURIComponent(projectId)}/snapshots${qs ? `?${qs}` : ''}`;
  const headers = token ? { 'X-Auth-Token': token, Accept: 'application/json' } : { Accept: 'application/json' };
  return normalizePage(await bounded(f, url, { headers }, timeoutMs));
}
