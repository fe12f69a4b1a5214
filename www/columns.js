// The snapshot table's columns, in order: one entry a column. table.js draws
// the header, the rows, the skeleton rows and the width of a message row
// from this list, so a new column is an entry here and its message in
// www/messages/page.js (English and Chinese).
//
// An entry:
//   cls      the class of its header and cells (style.css). On a narrow
//            screen each row is a card: the .c-name and .c-status cells on
//            its first line, every other cell a line of its own with the
//            column's label before it (CSS `content: attr(data-label)`).
//   label    the message naming it: the header's text, and each cell's
//            `data-label`, the label a narrow screen shows
//   zone     the header names the time zone too (a `tz-name` span, which
//            app.js fills)
//   testid   the cell's own data-testid, if the cell itself is tested
//   cell(s, act)  what the cell holds for the snapshot `s`: nodes or a
//            string (service text goes through dom.js, escaped). `act` is
//            what a button in a cell may ask of the page: `toast(text)`,
//            `filterByVolume(volumeId)`.
//
// The export's columns (CSV and JSON) are not these: they are the
// snapshot's fields, in www/export.js.

import { h, icon } from './dom.js';
import { isBackupSnapshot, shortId, formatSize } from './format.js';
import { badge, backupMarker, timeEl, copyButton } from './parts.js';
import { t } from './i18n.js';

export const COLUMNS = [
  {
    cls: 'c-name',
    label: 'page.col.name',
    cell: (s) =>
      h('div', { class: 'name-cell' },
        h('span', { class: s.name ? 'name' : 'name unnamed', title: s.name || t('table.unnamed'), 'data-testid': 'cell-name' }, s.name || t('details.noName')),
        isBackupSnapshot(s) ? backupMarker() : null,
      ),
  },
  {
    cls: 'c-id',
    label: 'page.col.id',
    cell: (s, act) =>
      h('div', { class: 'id-cell' },
        h('code', { title: s.id, 'data-testid': 'cell-id', 'data-full': s.id }, shortId(s.id)),
        copyButton(s.id, t('what.snapshotId'), 'copy-id', act.toast),
      ),
  },
  { cls: 'c-status', label: 'page.col.status', cell: (s) => badge(s) },
  { cls: 'c-size', label: 'page.col.size', testid: 'cell-size', cell: (s) => formatSize(s.size) },
  {
    cls: 'c-volume',
    label: 'page.col.volume',
    cell: (s, act) =>
      s.volumeId
        ? h('div', { class: 'id-cell' },
            h('code', { title: s.volumeId, 'data-testid': 'cell-volume', 'data-full': s.volumeId }, shortId(s.volumeId)),
            volumeFilterButton(s.volumeId, act),
          )
        : h('span', { class: 'muted', 'data-testid': 'cell-volume' }, '—'),
  },
  { cls: 'c-time', label: 'page.col.created', zone: true, cell: (s) => timeEl(s.createdAt, 'cell-created') },
  { cls: 'c-time', label: 'page.col.updated', cell: (s) => timeEl(s.updatedAt, 'cell-updated') },
];

/** The volume cell's button: the table filtered by this volume. */
function volumeFilterButton(volumeId, act) {
  return h(
    'button',
    {
      type: 'button',
      class: 'icon-btn',
      title: t('table.volumeTitle'),
      'aria-label': t('table.volumeLabel', { volumeId }),
      'data-testid': 'filter-by-volume',
      onclick: (e) => {
        e.stopPropagation();
        act.filterByVolume(volumeId);
      },
    },
    icon('filter'),
  );
}
