// The overview's figures, added up snapshot by snapshot as a walk goes:
// counts and GB per status, GB per volume, snapshots created per week.
// Pure: no DOM, no package.

import { STATUSES } from './format.js';

const DAY_MS = 86_400_000;

export function newSummary() {
  return { count: 0, gb: 0, statuses: new Map(), volumes: new Map(), weeks: new Map(), undated: 0 };
}

function bump(map, key, gb) {
  const row = map.get(key);
  if (row) {
    row.count += 1;
    row.gb += gb;
  } else {
    map.set(key, { count: 1, gb });
  }
}

/** Start (Monday 00:00 UTC, in ms) of the ISO week of a timestamp; null when it is not one. */
export function weekStart(value) {
  if (typeof value !== 'string') return null;
  const t = Date.parse(value);
  if (Number.isNaN(t)) return null;
  const day = Math.floor(t / DAY_MS); // 1970-01-01 was a Thursday
  return (day - ((day + 3) % 7)) * DAY_MS;
}

export function addSnapshots(sum, snapshots) {
  for (const s of snapshots) {
    const gb = typeof s.size === 'number' && Number.isFinite(s.size) ? s.size : 0;
    sum.count += 1;
    sum.gb += gb;
    bump(sum.statuses, s.status, gb);
    bump(sum.volumes, s.volumeId, gb);
    const week = weekStart(s.createdAt);
    if (week === null) sum.undated += 1;
    else bump(sum.weeks, week, gb);
  }
  return sum;
}

/** Per status: the documented ones in the filter's order, then any others by name. */
export function statusRows(sum) {
  const known = STATUSES.filter((s) => sum.statuses.has(s));
  const other = [...sum.statuses.keys()].filter((s) => !STATUSES.includes(s)).sort();
  return [...known, ...other].map((status) => ({ status, ...sum.statuses.get(status) }));
}

/** The `n` volumes holding the most snapshot GB (ties: more snapshots, then ID). */
export function topVolumes(sum, n = 10) {
  return [...sum.volumes]
    .map(([volumeId, v]) => ({ volumeId, ...v }))
    .sort((a, b) => b.gb - a.gb || b.count - a.count || (a.volumeId < b.volumeId ? -1 : a.volumeId > b.volumeId ? 1 : 0))
    .slice(0, n);
}

/** Every week from the first to the last with a snapshot, empty weeks included. */
export function weekRows(sum) {
  if (sum.weeks.size === 0) return [];
  const keys = [...sum.weeks.keys()];
  const first = Math.min(...keys);
  const last = Math.max(...keys);
  const rows = [];
  for (let w = first; w <= last; w += 7 * DAY_MS) {
    rows.push({ week: w, count: sum.weeks.get(w)?.count ?? 0 });
  }
  return rows;
}

/** `2025-03-03` for a week start. */
export function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}
