// The "Requests" panel (#requests): the last 50 attempts the package made
// for this page, newest first, from the `onAttempt` hook of every config the
// dashboard builds. Each row: when it was sent, the operation and which part
// of the page asked (the table, the details, the overview), the URL, the
// attempt n/m, the HTTP status, the request ID, the time it took, and what
// went wrong (the EvsError's kind and message), the wait before the retry
// and a clock correction when there was one. So a console developer can
// see why a page is empty without opening the browser's tools.
//
// A <details>: closed, it only counts; its rows are drawn when it is opened,
// then kept up to date one row at a time. Every string goes through dom.js's
// h(), so the service's text (a request ID, an error message) is shown as
// text with its control characters and bidirectional overrides escaped. The
// URL is the package's, which carries no credential; the messages are the
// package's, which has redacted any secret the service echoed.

import { h, fill, $ } from './dom.js';
import { formatLocal } from './format.js';
import { t, onLocaleChange } from './i18n.js';
import { copyButton } from './parts.js';

/** How many attempts the panel keeps. */
export const MAX_ROWS = 50;

const SOURCES = { table: 'table', details: 'details', overview: 'overview' };

/** `ms` as the panel writes a wait or a correction: `800 ms`, `1.5 s`, `20 min`. */
export function formatMs(ms) {
  const a = Math.abs(ms);
  const sign = ms < 0 ? '−' : '';
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 120_000) return `${sign}${(a / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  return `${sign}${(a / 60_000).toFixed(1).replace(/\.0$/, '')} min`;
}

/** The local time of `d` with its milliseconds: `10:15:00.123`. */
function clockTime(d) {
  return `${formatLocal(d).slice(11)}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/**
 * deps: `toast(text)`. Returns `record(info, source)` (an `onAttempt` info,
 * and which part of the page made the call: "table", "details",
 * "overview"), `clear()` and `entries()` (newest first).
 */
export function mountRequests(deps) {
  const el = {
    panel: $('#requests'),
    summary: $('#requests-summary'),
    rows: $('#requests-rows'),
    clear: $('#requests-clear'),
  };

  /** Newest first, at most MAX_ROWS: { info, source, at }. */
  let entries = [];
  let total = 0;
  let failed = 0;
  /** Whether the rows on screen are those of `entries` (they are not drawn while the panel is closed). */
  let drawn = false;

  function statusCell(info) {
    const tone =
      info.status === undefined ? 'none' : info.status < 300 ? 'ok' : info.retryInMs !== undefined ? 'retried' : 'failed';
    return h(
      'td',
      { class: 'r-status', 'data-label': t('requests.status') },
      h(
        'span',
        { class: `req-status req-status-${tone}`, 'data-testid': 'request-status' },
        info.status === undefined ? '—' : String(info.status),
      ),
    );
  }

  function notes(info) {
    const out = [];
    const e = info.error;
    if (e) {
      out.push(
        h(
          'p',
          { class: 'req-error', 'data-testid': 'request-error' },
          h('span', { class: 'req-kind', 'data-testid': 'request-error-kind' }, e.kind ?? t('requests.error')),
          e.code ? h('code', { class: 'req-code' }, e.code) : null,
          ' ',
          h('span', { 'data-testid': 'request-error-message' }, e.message ?? String(e)),
        ),
      );
    }
    if (info.retryInMs !== undefined) {
      out.push(h('p', { class: 'req-note', 'data-testid': 'request-retry' }, t('requests.nextAttempt', { ms: formatMs(info.retryInMs) })));
    }
    if (info.clockCorrectedMs !== undefined) {
      const c = info.clockCorrectedMs;
      out.push(
        h(
          'p',
          { class: 'req-note', 'data-testid': 'request-clock', title: t('requests.clockTitle', { ms: c }) },
          t('requests.clock', { ms: `${c > 0 ? '+' : ''}${formatMs(c)}` }),
        ),
      );
    }
    if (out.length === 0) return h('span', { class: 'muted' }, '—');
    return out;
  }

  function row({ info, source, at }) {
    const sent = new Date(at - Math.max(0, info.durationMs || 0));
    const requestId = info.requestId;
    return h(
      'tr',
      {
        class: `req-row${info.error ? ' req-failed' : ''}`,
        'data-testid': 'request-row',
        'data-operation': info.operation,
        'data-status': info.status ?? '',
      },
      h(
        'td',
        { class: 'r-time', 'data-label': t('page.r.time') },
        h(
          'time',
          { datetime: sent.toISOString(), title: `${sent.toISOString().replace('T', ' ').replace('Z', ' UTC')}`, 'data-testid': 'request-time' },
          clockTime(sent),
        ),
      ),
      h(
        'td',
        { class: 'r-op' },
        h('code', { class: 'req-op', 'data-testid': 'request-operation' }, info.operation),
        source ? h('span', { class: 'req-source', 'data-testid': 'request-source' }, SOURCES[source] ? t(`requests.source.${source}`) : source) : null,
        h('span', { class: 'req-url', 'data-testid': 'request-url', title: `${info.method} ${info.url}` }, h('span', { class: 'req-method' }, info.method), ' ', info.url),
      ),
      h('td', { class: 'r-attempt', 'data-label': t('requests.attempt'), 'data-testid': 'request-attempt' }, `${info.attempt}/${info.maxAttempts}`),
      statusCell(info),
      h(
        'td',
        { class: requestId ? 'r-id with-copy' : 'r-id muted', 'data-label': t('requests.requestId') },
        h('code', { 'data-testid': 'request-id' }, requestId || '—'),
        requestId ? copyButton(requestId, t('what.requestId'), 'request-copy-id', deps.toast) : null,
      ),
      h('td', { class: 'r-ms', 'data-label': t('page.r.ms'), 'data-testid': 'request-ms' }, String(Math.round(info.durationMs ?? 0))),
      h('td', { class: info.error || info.retryInMs !== undefined || info.clockCorrectedMs !== undefined ? 'r-notes' : 'r-notes r-none' }, notes(info)),
    );
  }

  function emptyRow() {
    return h(
      'tr',
      { class: 'req-empty' },
      h('td', { colspan: 7, class: 'muted', 'data-testid': 'requests-empty' }, t('requests.empty')),
    );
  }

  function renderSummary() {
    const parts = [total === 0 ? t('requests.noneYet') : t('requests.attempts', { n: total })];
    if (failed) parts.push(t('requests.failed', { n: failed }));
    if (total > MAX_ROWS) parts.push(t('requests.lastShown', { n: MAX_ROWS }));
    el.summary.textContent = parts.join(' · ');
    el.panel.dataset.count = String(entries.length);
  }

  function renderRows() {
    if (entries.length === 0) fill(el.rows, emptyRow());
    else fill(el.rows, entries.map(row));
    drawn = true;
  }

  function record(info, source) {
    if (!info || typeof info !== 'object') return;
    const entry = { info, source, at: Date.now() };
    entries.unshift(entry);
    if (entries.length > MAX_ROWS) entries.length = MAX_ROWS;
    total++;
    if (info.error) failed++;
    renderSummary();
    if (!el.panel.open) {
      drawn = false;
      return;
    }
    if (!drawn) return renderRows();
    el.rows.querySelector('.req-empty')?.remove();
    el.rows.prepend(row(entry));
    while (el.rows.rows.length > MAX_ROWS) el.rows.lastElementChild.remove();
  }

  function clear() {
    entries = [];
    total = 0;
    failed = 0;
    renderSummary();
    renderRows();
  }

  el.panel.addEventListener('toggle', () => {
    if (el.panel.open && !drawn) renderRows();
  });
  el.clear.addEventListener('click', clear);
  // A new language: the summary, and the rows when they are on screen.
  onLocaleChange(() => {
    renderSummary();
    if (el.panel.open) renderRows();
    else drawn = false;
  });
  renderSummary();

  return { record, clear, entries: () => entries.slice() };
}
