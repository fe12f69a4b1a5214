// The view's state — filters, page size, paging position, open snapshot — and
// its home in the URL's query string, so a view can be shared and reloaded.
//
//   ?status=available&name=db-daily&volume_id=…&limit=25
//    &marker=<id>            marker of the current page (absent on page 1)
//    &back=<id>&back=<id>    markers of the pages before it (page 1 has none)
//    &snapshot=<id>          the snapshot whose details are open
//
// The URL's `lang=` (i18n.js) is not part of the view: readState ignores it
// and writeState leaves it out (app.js keeps it with i18n.js's keepLang).

import { STATUSES, shortId } from './format.js';
import { t } from './i18n.js';

export const PAGE_SIZES = [10, 25, 50, 100];
export const DEFAULT_PAGE_SIZE = 10;

export function emptyState() {
  return {
    status: '',
    name: '',
    volumeId: '',
    limit: DEFAULT_PAGE_SIZE,
    marker: null,
    back: [],
    snapshot: null,
  };
}

export function readState(search) {
  const q = new URLSearchParams(search);
  const s = emptyState();
  const status = q.get('status') ?? '';
  s.status = STATUSES.includes(status) ? status : '';
  s.name = q.get('name') ?? '';
  s.volumeId = q.get('volume_id') ?? '';
  const limit = Number(q.get('limit'));
  s.limit = PAGE_SIZES.includes(limit) ? limit : DEFAULT_PAGE_SIZE;
  s.marker = q.get('marker') || null;
  s.back = s.marker ? q.getAll('back').filter(Boolean) : [];
  s.snapshot = q.get('snapshot') || null;
  return s;
}

export function writeState(s) {
  const q = new URLSearchParams();
  if (s.status) q.set('status', s.status);
  if (s.name) q.set('name', s.name);
  if (s.volumeId) q.set('volume_id', s.volumeId);
  if (s.limit !== DEFAULT_PAGE_SIZE) q.set('limit', String(s.limit));
  if (s.marker) {
    q.set('marker', s.marker);
    for (const m of s.back) q.append('back', m);
  }
  if (s.snapshot) q.set('snapshot', s.snapshot);
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** The ListOptions for the current page. */
export function listOptions(s) {
  const o = { limit: s.limit };
  if (s.marker) o.marker = s.marker;
  if (s.status) o.status = s.status;
  if (s.name) o.name = s.name;
  if (s.volumeId) o.volumeId = s.volumeId;
  return o;
}

/** 1-based number of the current page. */
export function pageNumber(s) {
  return s.marker ? s.back.length + 2 : 1;
}

export function hasFilters(s) {
  return !!(s.status || s.name || s.volumeId);
}

/** The filters in words (`status available, name “x”`), or '' when there are none; in the language in use. */
export function describeFilters(s) {
  const f = [];
  if (s.status) f.push(t('page.filter.status', { status: t(`status.${s.status}`).toLowerCase() }));
  if (s.name) f.push(t('page.filter.name', { name: s.name }));
  if (s.volumeId) f.push(t('page.filter.volume', { id: shortId(s.volumeId) }));
  return f.join(t('page.filter.sep'));
}

export function nextPage(s, nextMarker) {
  return { ...s, back: s.marker ? [...s.back, s.marker] : [], marker: nextMarker, snapshot: null };
}

export function previousPage(s) {
  if (!s.marker) return s;
  const back = [...s.back];
  const marker = back.pop() ?? null;
  return { ...s, marker, back, snapshot: null };
}
