// The snapshot table (#rows) and what goes with it: the summary above it and
// the pager below it. Skeleton rows of the page's height while a page
// loads, a message row when there is nothing to show; a row opens the
// details on a click, Enter or Space, and the arrows, Home and End move
// between rows. The columns are columns.js's list.
//
// The app keeps the page and the view, and hands them to this part each
// time they change, as a TableState:
//   { view, page: { snapshots, nextMarker } or null, pageError, loading,
//     selected: the ID of the open snapshot or null }
// The drawing functions below are that state to DOM; mountTable keeps the
// last state (to draw it again in a new language), the focus and the events.

import { h, fill, $, $$ } from './dom.js';
import { statusInfo, formatSize } from './format.js';
import { pageNumber, hasFilters, describeFilters } from './view-state.js';
import { COLUMNS } from './columns.js';
import { t, onLocaleChange } from './i18n.js';

// ------------------------------------------------------------ drawing

/**
 * The header row, one th a column. Its texts name their messages
 * (`data-i18n`), so a change of language redraws them with the rest of the
 * page's static markup (app.js, i18n.js's applyStatic).
 */
export function headerRow() {
  return h(
    'tr',
    null,
    COLUMNS.map((c) =>
      c.zone
        ? h('th', { scope: 'col', class: c.cls }, h('span', { 'data-i18n': c.label }, t(c.label)), ' ', h('span', { class: 'tz', 'data-testid': 'tz-name' }))
        : h('th', { scope: 'col', class: c.cls, 'data-i18n': c.label }, t(c.label)),
    ),
  );
}

/** Rows of bones as tall as `limit` rows (at most 10), while a page loads. */
function skeletonRows(limit) {
  return Array.from({ length: Math.min(limit, 10) }, () =>
    h(
      'tr',
      { class: 'row skeleton', 'aria-hidden': 'true' },
      COLUMNS.map(() => h('td', null, h('span', { class: 'bone' }))),
    ),
  );
}

function messageRow(kind, title, text, action) {
  return h(
    'tr',
    { class: `message-row message-${kind}` },
    h(
      'td',
      { colspan: COLUMNS.length },
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

/** The row of snapshot `s`; `selected` is the ID of the open snapshot. */
function snapshotRow(s, selected, act) {
  const isOpen = !!selected && selected === s.id;
  return h(
    'tr',
    {
      class: `row${isOpen ? ' selected' : ''}`,
      tabindex: 0,
      'aria-current': isOpen ? 'true' : null,
      'aria-label': t('table.rowLabel', { name: s.name || t('table.unnamed'), status: statusInfo(s.status).label, size: formatSize(s.size) }),
      'data-testid': 'snapshot-row',
      'data-id': s.id,
      'data-status': s.status,
    },
    COLUMNS.map((c) => h('td', { class: c.cls, 'data-label': t(c.label), 'data-testid': c.testid }, c.cell(s, act))),
  );
}

/** The rows of the page, or skeleton rows, or why there are none. */
function bodyRows(state, act) {
  const { view, page, pageError } = state;
  if (pageError) return [messageRow('error', t('table.loadFailed'), t('table.loadFailedHint'))];
  if (!page) return skeletonRows(view.limit);
  if (page.snapshots.length > 0) return page.snapshots.map((s) => snapshotRow(s, state.selected, act));
  const n = pageNumber(view);
  return [
    messageRow(
      'empty',
      t('table.noMatch'),
      n > 1 ? t('table.emptyPage') : hasFilters(view) ? t('table.noFilterMatch') : t('table.noSnapshots'),
      n > 1
        ? h('button', { type: 'button', class: 'btn', onclick: () => act.turnPage(false) }, t('table.previousPage'))
        : hasFilters(view)
          ? h('button', { type: 'button', class: 'btn', 'data-testid': 'empty-clear-filters', onclick: () => act.clearFilters() }, t('table.clearFilters'))
          : null,
    ),
  ];
}

/** The line above the table: which rows these are, and the filters. */
function summaryText({ view, page, pageError }) {
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
  return parts.join(' · ');
}

/** The pager: Previous and Next disabled or not, and the page number. */
function pager({ view, page, pageError, loading }) {
  return {
    prevDisabled: loading || !view.marker,
    nextDisabled: loading || !!pageError || !page || !page.nextMarker,
    text: t('table.page', { n: pageNumber(view) }),
  };
}

// ------------------------------------------------------------ the part

/**
 * `act`, what the table asks of the page: `open(id, row)`, `turnPage(forward)`,
 * `filterByVolume(volumeId)`, `clearFilters()`, `toast(text)`.
 */
export function mountTable(act) {
  const el = {
    wrap: $('#table-wrap'),
    table: $('#snapshot-table'),
    head: $('#snapshot-head'),
    rows: $('#rows'),
    summary: $('#summary'),
    prev: $('#prev-btn'),
    next: $('#next-btn'),
    pageNo: $('#page-no'),
  };
  /** The TableState last drawn. */
  let state = null;
  /** What the rows show instead of a page, to draw again in a new language: the notConnected text, or null. */
  let notice = null;

  function drawSummaryAndPager() {
    fill(el.summary, summaryText(state));
    drawPager();
  }

  function drawPager() {
    const p = pager(state);
    el.prev.disabled = p.prevDisabled;
    el.next.disabled = p.nextDisabled;
    el.pageNo.textContent = p.text;
  }

  /** The rows of the page (or skeleton rows, or why there are none), the summary and the pager. */
  function render(next) {
    state = next;
    notice = null;
    const focusedId = document.activeElement?.closest?.('tr.row[data-id]')?.dataset.id ?? null;
    const focusWasRow = document.activeElement?.matches?.('tr.row[data-id]') ?? false;
    fill(el.rows, bodyRows(state, act));
    if (focusedId && focusWasRow) {
      const again = el.rows.querySelector(`tr.row[data-id="${CSS.escape(focusedId)}"]`);
      again?.focus({ preventScroll: true });
    }
    drawSummaryAndPager();
  }

  /** Instead of rows: "Not connected." and what the settings lack (a text, or a function giving it in the language in use). */
  function notConnected(text, next) {
    state = next;
    notice = text;
    fill(el.rows, messageRow('notice', t('table.notConnected'), typeof text === 'function' ? text() : text));
    drawSummaryAndPager();
  }

  /** The table dimmed and busy while a page loads (`next.loading`), and the pager disabled. */
  function setBusy(next) {
    state = next;
    el.wrap.classList.toggle('is-loading', state.loading);
    el.wrap.setAttribute('aria-busy', state.loading ? 'true' : 'false');
    drawPager();
  }

  /** Marks the row of snapshot `id` as the open one (null: none). */
  function select(id) {
    if (state) state = { ...state, selected: id };
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

  /** A snapshot row's keys (not those of the buttons inside it, which are theirs). */
  function onRowKey(e) {
    const tr = e.target.closest?.('tr.row[data-id]');
    if (!tr || e.target !== tr) return;
    const rows = $$('tr.row[data-id]', el.rows);
    const i = rows.indexOf(tr);
    let to = null;
    switch (e.key) {
      case 'Enter':
      case ' ':
        e.preventDefault();
        act.open(tr.dataset.id, tr);
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

  fill(el.head, headerRow());
  el.rows.addEventListener('click', (e) => {
    const tr = e.target.closest('tr.row[data-id]');
    if (!tr || e.target.closest('button, a')) return;
    if (String(window.getSelection?.() ?? '').length > 0) return; // selecting text, not opening
    act.open(tr.dataset.id, tr);
  });
  el.rows.addEventListener('keydown', onRowKey);
  el.prev.addEventListener('click', () => act.turnPage(false));
  el.next.addEventListener('click', () => act.turnPage(true));
  // A new language: the same rows, summary and pager (or notice) drawn again.
  onLocaleChange(() => {
    if (state) (notice ? notConnected(notice, state) : render(state));
  });

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
