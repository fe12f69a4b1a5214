// The snapshot table (#rows) and what goes with it: the summary above it and
// the pager below it. Skeleton rows of the page's height while a page
// loads, a message row when there is nothing to show; a row opens the
// details on a click, Enter or Space, and the arrows, Home and End move
// between rows. The app keeps the page and the view; this module shows them.

import { h, fill, $, $$, icon } from './dom.js';
import { statusInfo, isBackupSnapshot, shortId, formatSize } from './format.js';
import { pageNumber, hasFilters, describeFilters } from './view-state.js';
import { badge, backupMarker, timeEl, copyButton } from './parts.js';
import { t, onLocaleChange } from './i18n.js';

const COLUMNS = 7;

/**
 * deps: `view()`, `page()` → { snapshots, nextMarker } or null,
 * `pageError()`, `loading()`, `selected()` → the ID of the open snapshot or
 * null; `open(id, row)`, `turnPage(forward)`, `filterByVolume(volumeId)`,
 * `clearFilters()`, `toast(text)`.
 */
export function mountTable(deps) {
  const el = {
    wrap: $('#table-wrap'),
    table: $('#snapshot-table'),
    rows: $('#rows'),
    summary: $('#summary'),
    prev: $('#prev-btn'),
    next: $('#next-btn'),
    pageNo: $('#page-no'),
  };

  function skeletonRows() {
    const n = Math.min(deps.view().limit, 10);
    return Array.from({ length: n }, () =>
      h(
        'tr',
        { class: 'row skeleton', 'aria-hidden': 'true' },
        Array.from({ length: COLUMNS }, () => h('td', null, h('span', { class: 'bone' }))),
      ),
    );
  }

  function messageRow(kind, title, text, action) {
    return h(
      'tr',
      { class: `message-row message-${kind}` },
      h(
        'td',
        { colspan: COLUMNS },
        h(
          'div',
          { class: 'message', 'data-testid': kind === 'empty' ? 'empty-state' : 'table-message' },
          h('p', { class: 'message-title' }, title),
          text ? h('p', { class: 'message-text' }, text) : null,
          action,
        ),
      ),
    );
  }

  function snapshotRow(s) {
    const openId = deps.selected();
    const selected = !!openId && openId === s.id;
    const tr = h(
      'tr',
      {
        class: `row${selected ? ' selected' : ''}`,
        tabindex: 0,
        'aria-current': selected ? 'true' : null,
        'aria-label': t('table.rowLabel', { name: s.name || t('table.unnamed'), status: statusInfo(s.status).label, size: formatSize(s.size) }),
        'data-testid': 'snapshot-row',
        'data-id': s.id,
        'data-status': s.status,
      },
      h(
        'td',
        { class: 'c-name', 'data-label': t('page.col.name') },
        h('div', { class: 'name-cell' },
          h('span', { class: s.name ? 'name' : 'name unnamed', title: s.name || t('table.unnamed'), 'data-testid': 'cell-name' }, s.name || t('details.noName')),
          isBackupSnapshot(s) ? backupMarker() : null,
        ),
      ),
      h(
        'td',
        { class: 'c-id', 'data-label': t('page.col.id') },
        h('div', { class: 'id-cell' },
          h('code', { title: s.id, 'data-testid': 'cell-id', 'data-full': s.id }, shortId(s.id)),
          copyButton(s.id, t('what.snapshotId'), 'copy-id', deps.toast),
        ),
      ),
      h('td', { class: 'c-status', 'data-label': t('page.col.status') }, badge(s)),
      h('td', { class: 'c-size', 'data-label': t('page.col.size'), 'data-testid': 'cell-size' }, formatSize(s.size)),
      h(
        'td',
        { class: 'c-volume', 'data-label': t('page.col.volume') },
        s.volumeId
          ? h('div', { class: 'id-cell' },
              h('code', { title: s.volumeId, 'data-testid': 'cell-volume', 'data-full': s.volumeId }, shortId(s.volumeId)),
              volumeFilterButton(s.volumeId),
            )
          : h('span', { class: 'muted', 'data-testid': 'cell-volume' }, '—'),
      ),
      h('td', { class: 'c-time', 'data-label': t('page.col.created') }, timeEl(s.createdAt, 'cell-created')),
      h('td', { class: 'c-time', 'data-label': t('page.col.updated') }, timeEl(s.updatedAt, 'cell-updated')),
    );
    tr.addEventListener('click', (e) => {
      if (e.target.closest('button, a')) return;
      if (String(window.getSelection?.() ?? '').length > 0) return; // selecting text, not opening
      deps.open(s.id, tr);
    });
    tr.addEventListener('keydown', (e) => onRowKey(e, tr, s));
    return tr;
  }

  function volumeFilterButton(volumeId) {
    const btn = h(
      'button',
      {
        type: 'button',
        class: 'icon-btn',
        title: t('table.volumeTitle'),
        'aria-label': t('table.volumeLabel', { volumeId }),
        'data-testid': 'filter-by-volume',
      },
      icon('filter'),
    );
    btn.addEventListener('click', (e) => {
      e.stopPropagation();
      deps.filterByVolume(volumeId);
    });
    return btn;
  }

  function onRowKey(e, tr, s) {
    if (e.target !== tr) return; // keys on the buttons inside the row are theirs
    const rows = $$('tr.row[data-id]', el.rows);
    const i = rows.indexOf(tr);
    let to = null;
    switch (e.key) {
      case 'Enter':
      case ' ':
        e.preventDefault();
        deps.open(s.id, tr);
        return;
      case 'ArrowDown':
        to = rows[i + 1];
        break;
      case 'ArrowUp':
        to = rows[i - 1];
        break;
      case 'Home':
        to = rows[0];
        break;
      case 'End':
        to = rows[rows.length - 1];
        break;
      default:
        return;
    }
    e.preventDefault();
    to?.focus();
  }

  /** The rows of the page (or skeleton rows, or why there are none), the summary and the pager. */
  function render() {
    const view = deps.view();
    const page = deps.page();
    const pageError = deps.pageError();
    const focusedId = document.activeElement?.closest?.('tr.row[data-id]')?.dataset.id ?? null;
    const focusWasRow = document.activeElement?.matches?.('tr.row[data-id]') ?? false;
    notice = null;
    let rows;
    if (pageError) {
      rows = [messageRow('error', t('table.loadFailed'), t('table.loadFailedHint'))];
    } else if (!page) {
      rows = skeletonRows();
    } else if (page.snapshots.length === 0) {
      const n = pageNumber(view);
      rows = [
        messageRow(
          'empty',
          t('table.noMatch'),
          n > 1
            ? t('table.emptyPage')
            : hasFilters(view)
              ? t('table.noFilterMatch')
              : t('table.noSnapshots'),
          n > 1
            ? h('button', { type: 'button', class: 'btn', onclick: () => deps.turnPage(false) }, t('table.previousPage'))
            : hasFilters(view)
              ? h('button', { type: 'button', class: 'btn', 'data-testid': 'empty-clear-filters', onclick: () => deps.clearFilters() }, t('table.clearFilters'))
              : null,
        ),
      ];
    } else {
      rows = page.snapshots.map(snapshotRow);
    }
    fill(el.rows, rows);
    if (focusedId && focusWasRow) {
      const again = el.rows.querySelector(`tr.row[data-id="${CSS.escape(focusedId)}"]`);
      again?.focus({ preventScroll: true });
    }
    renderSummary();
    renderPager();
  }

  function renderSummary() {
    const view = deps.view();
    const page = deps.page();
    const pageError = deps.pageError();
    const parts = [];
    if (page && !pageError && page.snapshots.length > 0) {
      const from = (pageNumber(view) - 1) * view.limit + 1;
      const to = from + page.snapshots.length - 1;
      parts.push(`${t('table.showing', { from, to })}${page.nextMarker ? '' : t('table.lastPage')}`);
    } else if (page && !pageError) {
      parts.push(t('table.nothing'));
    } else if (!pageError) {
      parts.push(t('table.loading'));
    }
    const f = describeFilters(view);
    if (f) parts.push(t('table.filteredBy', { filters: f }));
    fill(el.summary, parts.join(' · '));
  }

  function renderPager() {
    const view = deps.view();
    const page = deps.page();
    const loading = deps.loading();
    el.prev.disabled = loading || !view.marker;
    el.next.disabled = loading || !!deps.pageError() || !page || !page.nextMarker;
    el.pageNo.textContent = t('table.page', { n: pageNumber(view) });
  }

  /** What the rows show instead of a page, to draw again in a new language: the notConnected text, or null. */
  let notice = null;

  /** Instead of rows: "Not connected." and what the settings lack (a text, or a function giving it in the language in use). */
  function notConnected(text) {
    notice = text;
    fill(el.rows, messageRow('notice', t('table.notConnected'), typeof text === 'function' ? text() : text));
    renderSummary();
    renderPager();
  }

  /** The table dimmed and busy while a page loads, and the pager disabled. */
  function setBusy(on) {
    el.wrap.classList.toggle('is-loading', on);
    el.wrap.setAttribute('aria-busy', on ? 'true' : 'false');
    renderPager();
  }

  /** Marks the row of snapshot `id` as the open one (null: none). */
  function select(id) {
    for (const tr of $$('tr.row[data-id]', el.rows)) {
      const sel = tr.dataset.id === id;
      tr.classList.toggle('selected', sel);
      if (sel) tr.setAttribute('aria-current', 'true');
      else tr.removeAttribute('aria-current');
    }
  }

  /** The focus back on `row` if it is still there, else on the row of `id`, else on the table. */
  function focusRow(id, row) {
    const target =
      (row && row.isConnected && row) ||
      el.rows.querySelector(`tr.row[data-id="${CSS.escape(id)}"]`);
    (target || el.table).focus({ preventScroll: false });
  }

  el.prev.addEventListener('click', () => deps.turnPage(false));
  el.next.addEventListener('click', () => deps.turnPage(true));
  // A new language: the same rows, summary and pager (or notice) drawn again.
  onLocaleChange(() => (notice ? notConnected(notice) : render()));

  return {
    render,
    notConnected,
    setBusy,
    select,
    focusRow,
    focus: () => el.table.focus({ preventScroll: true }),
    scrollIntoView: () => el.table.scrollIntoView({ block: 'nearest' }),
  };
}
