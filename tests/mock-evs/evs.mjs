// The mock's EVS snapshot API (docs/evs-api.md): the data set (the seed, or
// `count` deterministic snapshots; with live progress, creating ones
// advance), `GET /v2/{project_id}/cloudsnapshots/{id}` and
// `GET /v2/{project_id}/snapshots` with its filters and OpenStack paging.
import { seedState } from './data.mjs';
import { send, evsError, formQuery } from './http.mjs';

/** Instant of a wire timestamp (UTC without a zone, `t` or `T`). */
function instant(s) {
  if (typeof s !== 'string') return 0;
  const t = Date.parse(`${s.replace('t', 'T').slice(0, 23)}Z`);
  return Number.isNaN(t) ? 0 : t;
}

function wireTimestamp(ms) {
  return new Date(ms).toISOString().replace('Z', '000');
}

/** The list's filters: query parameter and the snapshot field it matches exactly. */
const FILTERS = [
  ['name', 'name'],
  ['status', 'status'],
  ['volume_id', 'volume_id'],
];

/**
 * The snapshot API over a data set of `count` snapshots (the seed when
 * undefined). `liveProgress`: `creating` snapshots advance 1 %/s from start
 * (or the last `reset()`) and become `available`. `linkBase`: the host of
 * `next` links.
 */
export function createEvs({ count, liveProgress, linkBase }) {
  let data = seedState(count);
  let clock = Date.now(); // when progress started

  /** The data set now: with live progress, creating snapshots advance 1 %/s. */
  function current() {
    if (!liveProgress) return data;
    const elapsed = (Date.now() - clock) / 1000;
    return data.map((s) => {
      if (s.status !== 'creating') return s;
      const p = Math.min(100, Math.floor(s.progress + elapsed));
      if (p < 100) return { ...s, progress: p };
      const done = { ...s, status: 'available', progress: 100 };
      const at = wireTimestamp(clock + (100 - s.progress) * 1000);
      if ('update_at' in done) done.update_at = at;
      else done.updated_at = at;
      return done;
    });
  }

  let cache = null; // [source list, its sorted copy]: the data only changes with live progress
  /** `created_at` descending, then `id` descending: the list's order. */
  function sorted(list) {
    if (cache && cache[0] === list) return cache[1];
    const keyed = list.map((s) => [instant(s.created_at), s]);
    keyed.sort((a, b) => b[0] - a[0] || (a[1].id < b[1].id ? 1 : a[1].id > b[1].id ? -1 : 0));
    cache = [list, keyed.map((k) => k[1])];
    return cache[1];
  }

  function wire(s, projectId, extended) {
    const { progress, ...w } = s;
    if (!extended) return w;
    return {
      ...w,
      'os-extended-snapshot-attributes:project_id': projectId,
      'os-extended-snapshot-attributes:progress': `${s.status === 'creating' ? (progress ?? 0) : 100}%`,
    };
  }

  /** `GET /v2/{project_id}/snapshots`. */
  function list(res, url, projectId) {
    const q = formQuery(url.search);
    const bad = (m) => send(res, 400, evsError('badRequest', m, 'EVS.0002'));
    let limit = 1000;
    if (q.has('limit')) {
      const l = q.get('limit');
      if (!/^\d+$/.test(l) || +l < 1 || +l > 1000) return bad(`Invalid input for field/attribute limit. Value: ${l}. limit must be an integer from 1 to 1000`);
      limit = +l;
    }
    let offset = 0;
    if (q.has('offset')) {
      const o = q.get('offset');
      if (!/^\d+$/.test(o)) return bad(`Invalid input for field/attribute offset. Value: ${o}.`);
      offset = +o;
    }
    let found = sorted(current()).slice();
    for (const [param, field] of FILTERS) {
      if (q.has(param)) found = found.filter((s) => s[field] === q.get(param));
    }
    if (q.has('marker')) {
      const i = found.findIndex((s) => s.id === q.get('marker'));
      if (i < 0) return bad(`Marker ${q.get('marker')} could not be found.`);
      found = found.slice(i + 1);
    }
    const page = found.slice(offset, offset + limit);
    const body = { snapshots: page.map((s) => wire(s, projectId, false)) };
    if (page.length === limit) {
      const next = new URLSearchParams();
      next.set('limit', String(limit));
      next.set('marker', page[page.length - 1].id);
      for (const [p] of FILTERS) if (q.has(p)) next.set(p, q.get(p));
      body.snapshots_links = [{ href: `${linkBase}/v2/${projectId}/snapshots?${next}`, rel: 'next' }];
    } else {
      // The other documented shapes of "no more pages", in turn.
      const h = [...url.search].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7) % 3;
      if (h === 1) body.snapshots_links = null;
      else if (h === 2) body.snapshots_links = [];
    }
    send(res, 200, body);
  }

  /** `GET /v2/{project_id}/cloudsnapshots/{id}`. */
  function show(res, projectId, id) {
    const s = current().find((x) => x.id === id);
    if (!s) return send(res, 404, evsError('itemNotFound', `Snapshot ${id} could not be found.`, 'EVS.0004'));
    send(res, 200, { snapshot: wire(s, projectId, true) });
  }

  return {
    list,
    show,
    /** The data set now, in the list's order and shape (`GET /__mock/snapshots`). */
    snapshots: () => sorted(current()).map((s) => wire(s, 'p', false)),
    /** A real list answer's bytes (its first 50 snapshots), for a fault that sends part of one. */
    firstPage: () => Buffer.from(JSON.stringify({ snapshots: sorted(current()).slice(0, 50).map((s) => wire(s, 'p', false)) })),
    /** The seed again, and progress from now. */
    reset() {
      clock = Date.now();
      data = seedState(count);
    },
  };
}
