// The mock's seed data: deterministic (a seeded PRNG), in the service's
// wire format, with the quirks docs/evs-api.md documents. Tests compute expected
// results from it.

export const PROJECT_ID = '0c2eba2c5af04d3f9e9d0d410b371fde';

/** The region the mock serves (`--region`) unless told otherwise; IAM has a project of this name. */
export const REGION = 'ap-southeast-1';
/** The account (IAM domain) the seeded project belongs to. */
export const DOMAIN_ID = '9a3f1c6e20d84b7fa5e1c0d2b3a49f86';
/**
 * The second project IAM lists under `--iam-projects two`: a sub-project
 * named like the region (its parent is PROJECT_ID).
 */
export const SECOND_PROJECT_ID = '5e7d2b90c14a4f3e8b6a1d0c9f2e7a34';

export const STATUSES = ['creating', 'available', 'error', 'deleting', 'error_deleting', 'rollbacking', 'backing-up'];

/** mulberry32: a small, fast, seeded PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = prng(20261122);
const pick = (list) => list[Math.floor(rand() * list.length)];
const hex = (n) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
const pad = (n, w = 2) => String(n).padStart(w, '0');

export const VOLUMES = Array.from({ length: 12 }, () => uuid());

const NAMES = [
  'daily-backup',
  'weekly backup',
  'before upgrade',
  '快照 每日备份',
  '数据库快照',
  'db+logs',
  'a&b=c',
  '100% full',
  'path/like/name',
  'snap-001',
  'release 2.4 — pre',
  'nightly',
];

const CSV_NAMES = ['db,prod"nightly"', '第一行\n第二行', 'say"hi",then\r\nleave'];

function timestamp(ms, digits, lowerT) {
  const d = new Date(ms);
  let s = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}${lowerT ? 't' : 'T'}${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (digits > 0) {
    const micro = pad(d.getUTCMilliseconds(), 3) + pad(Math.floor(rand() * 1000), 3);
    s += `.${micro.slice(0, digits)}`;
  }
  return s;
}

function makeSnapshots() {
  const out = [];
  const start = Date.UTC(2025, 0, 1);
  for (let i = 0; i < 264; i++) {
    // Statuses: every one present, mostly available; four creating.
    const status = i < 4 ? 'creating' : i < 4 + 6 ? STATUSES[2 + (i % 5)] : rand() < 0.85 ? 'available' : pick(STATUSES.slice(1));
    // The creating ones are the newest, so the demo's first page shows them.
    const created = status === 'creating' ? Date.UTC(2026, 10, 1 + i, 9, 30) + Math.floor(rand() * 1000) : start + Math.floor(rand() * 600 * 86400) * 1000 + Math.floor(rand() * 1000);
    const digits = i % 17 === 0 ? 0 : i % 13 === 0 ? 3 : 6;
    const s = {
      id: uuid(),
      name: i % 9 === 0 ? `snapshot-${pad(i, 3)}` : pick(NAMES),
      description: rand() < 0.35 ? null : pick(['daily backup', 'made by ops', '迁移前备份', 'keep 30 days']),
      status,
      size: pick([10, 20, 40, 40, 100, 200, 500, 1024]),
      volume_id: VOLUMES[i % VOLUMES.length],
      created_at: timestamp(created, digits, i % 11 === 0),
      metadata: {},
    };
    // A few names a CSV export has to quote: commas, double quotes, line
    // breaks. Set without a PRNG draw, so the rest of the seed is unchanged.
    if (i % 31 === 16) s.name = CSV_NAMES[Math.floor(i / 31) % CSV_NAMES.length];
    const updated = rand() < 0.4 ? null : timestamp(created + Math.floor(rand() * 86400) * 1000, 6, false);
    // A few use the show page's field-table spelling.
    if (i % 23 === 5) s.update_at = updated;
    else s.updated_at = updated;
    if (i % 19 === 3) s.size = String(s.size); // a numeric string
    if (i % 7 === 2) s.metadata = { __system__enableActive: 'true' };
    else if (i % 10 === 4) s.metadata = { owner: 'ops', env: pick(['prod', 'staging']) };
    if (status === 'creating') s.progress = 5 + Math.floor(rand() * 55);
    out.push(s);
  }
  return out;
}

const RAW = makeSnapshots();

/** The seed snapshots in wire format (no extended attributes, no internal fields). */
export const SNAPSHOTS = RAW.map(({ progress, ...wire }) => wire);

/**
 * Internal: the seed with the creating progress, for the server. With a
 * `count` above the seed's size, deterministic copies (new IDs, older
 * timestamps, never `creating`) fill it up: the benchmarks page through
 * 100,000 snapshots.
 */
export function seedState(count = RAW.length) {
  const out = RAW.map((s) => ({ ...s, metadata: { ...s.metadata } }));
  for (let i = RAW.length; i < count; i++) {
    const base = RAW[i % RAW.length];
    const id = `${base.id.slice(0, 24)}${i.toString(16).padStart(12, '0')}`;
    const created = Date.UTC(2024, 0, 1) - i * 60000;
    const copy = { ...base, id, created_at: new Date(created).toISOString().replace('Z', '123'), metadata: { ...base.metadata } };
    if (copy.status === 'creating') copy.status = 'available';
    delete copy.progress;
    out.push(copy);
  }
  return out;
}

/** `n` snapshots in wire format (for benchmark bodies). */
export function wireSnapshots(n) {
  return seedState(Math.max(n, RAW.length)).slice(0, n).map(({ progress, ...w }) => w);
}
export const snapshotsForProject = () => SNAPSHOTS;
