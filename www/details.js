// The details panel (#details): one snapshot as getSnapshot returns it —
// status and progress, every field (those the package does not document
// too), the metadata and the raw JSON — or why it could not be loaded. The
// app keeps which snapshot is open and fetches it; this module shows it.

import { EvsError } from 'evs-snapshots';
import { h, fill, $, icon } from './dom.js';
import { escapeUnsafe, escapeUnsafeInJson } from 'evs-snapshots/rules';
import { BACKUP_KEY, statusInfo, isBackupSnapshot, shortId, formatSize } from './format.js';
import { badge, backupMarker, timeEl, fact, copyButton } from './parts.js';
import { errorFacts } from './banner.js';
import { t, onLocaleChange } from './i18n.js';

const KNOWN_FIELDS = new Set([
  'id', 'name', 'description', 'status', 'size', 'volumeId', 'createdAt', 'updatedAt', 'metadata', 'projectId', 'progress',
]);

/**
 * deps: `view()` → the view (its volume filter), `live()` → whether live
 * progress is on, `retry()` → fetches the snapshot again, `close()`,
 * `filterByVolume(volumeId)`, `toast(text)`. Returns `show(d)`, `render(d)`
 * and `hide()`.
 */
export function mountDetails(deps) {
  const el = {
    body: document.body,
    panel: $('#details'),
    title: $('#details-title'),
    content: $('#details-body'),
    close: $('#details-close'),
  };

  function progressBar(s) {
    const known = typeof s.progress === 'number';
    const pct = known ? Math.max(0, Math.min(100, s.progress)) : null;
    // The width through CSSOM: a style attribute would be inline style, which the page's CSP refuses.
    const bar = h('div', { class: 'progress-fill' });
    if (known) bar.style.width = `${pct}%`;
    return h(
      'div',
      { class: 'progress-block' },
      h(
        'div',
        {
          class: `progress${known ? '' : ' indeterminate'}`,
          role: 'progressbar',
          'aria-label': t('details.progressLabel'),
          'aria-valuemin': 0,
          'aria-valuemax': 100,
          'aria-valuenow': known ? pct : null,
          'data-testid': 'details-progress',
          'data-progress': known ? pct : null,
        },
        bar,
      ),
      h(
        'p',
        { class: 'progress-label' },
        known ? t('details.created', { pct: Math.round(pct) }) : t('details.creating'),
        deps.live() ? t('details.live') : t('details.liveOff'),
      ),
    );
  }

  /** Shows `d`, the app's details state: { id, snapshot, full, loading, error }. */
  function render(d) {
    if (!d) return;
    const s = d.snapshot;
    el.panel.dataset.state = d.error ? 'error' : d.loading || !d.full ? 'loading' : 'ready';
    el.panel.dataset.id = d.id;
    current = d;
    fill(el.title, s ? s.name || t('details.noName') : shortId(d.id));
    el.title.title = escapeUnsafe(s ? s.name : d.id);

    const parts = [];
    if (d.error) {
      const e = d.error;
      parts.push(
        h(
          'div',
          { class: 'inline-error', role: 'alert', 'data-testid': 'details-error' },
          h('p', { class: 'banner-title' }, icon('alert'), t('details.loadFailed')),
          h('p', { class: 'banner-message', 'data-testid': 'details-error-message' }, e && e.message ? e.message : String(e)),
          e instanceof EvsError ? errorFacts(e, 'details-error', deps.toast) : null,
          h('button', { type: 'button', class: 'btn', 'data-testid': 'details-retry', onclick: () => deps.retry() }, icon('refresh'), t('details.retry')),
        ),
      );
    }
    if (!s) {
      if (!d.error) parts.push(h('div', { class: 'details-skeleton', 'aria-label': t('details.loadingLabel') }, Array.from({ length: 8 }, () => h('span', { class: 'bone' }))));
      fill(el.content, parts);
      return;
    }
    if (d.loading && !d.error) {
      parts.push(h('p', { class: 'loading-note', 'data-testid': 'details-loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('details.loadingFull')));
    }

    const head = h(
      'div',
      { class: 'details-status' },
      badge(s),
      isBackupSnapshot(s) ? backupMarker() : null,
    );
    parts.push(head);
    if (s.status === 'creating') parts.push(progressBar(s));

    const extra = Object.keys(s).filter((k) => !KNOWN_FIELDS.has(k));
    parts.push(
      h(
        'dl',
        { class: 'kv', 'data-testid': 'details-fields' },
        fact(t('details.name'), s.name, 'details-name'),
        fact(t('details.id'), h('code', { class: 'wrap' }, s.id), 'details-id', copyButton(s.id, t('what.snapshotId'), 'details-copy-id', deps.toast)),
        fact(t('details.status'), h('span', null, statusInfo(s.status).label, h('code', { class: 'raw' }, s.status || '""')), 'details-status'),
        fact(t('details.progress'), typeof s.progress === 'number' ? `${s.progress}%` : null, 'details-progress-value'),
        fact(t('details.size'), formatSize(s.size), 'details-size'),
        fact(
          t('details.volumeId'),
          s.volumeId ? h('code', { class: 'wrap' }, s.volumeId) : null,
          'details-volume',
          s.volumeId ? copyButton(s.volumeId, t('what.volumeId'), 'details-copy-volume', deps.toast) : null,
        ),
        fact(t('details.description'), s.description, 'details-description'),
        fact(t('details.createdAt'), timeEl(s.createdAt, 'details-created', { utcLine: true }), 'details-created-row'),
        fact(t('details.updatedAt'), timeEl(s.updatedAt, 'details-updated', { utcLine: true }), 'details-updated-row'),
        fact(t('details.projectId'), s.projectId ? h('code', { class: 'wrap' }, s.projectId) : null, 'details-project'),
        fact(t('details.byBackup'), isBackupSnapshot(s) ? t('details.yes', { key: BACKUP_KEY }) : t('details.no'), 'details-backup'),
        extra.map((k) => fact(k, typeof s[k] === 'string' ? s[k] : JSON.stringify(s[k]), `details-extra-${k}`)),
      ),
    );

    const md = Object.entries(s.metadata ?? {});
    parts.push(
      h('h3', { class: 'section-title' }, t('details.metadata'), h('span', { class: 'count' }, String(md.length))),
      md.length
        ? h(
            'dl',
            { class: 'kv metadata', 'data-testid': 'details-metadata' },
            md.map(([k, v]) => [
              h('dt', { 'data-testid': 'metadata-key' }, h('code', null, k)),
              h('dd', { 'data-testid': 'metadata-value' }, h('code', { class: 'wrap' }, v)),
            ]),
          )
        : h('p', { class: 'muted', 'data-testid': 'details-metadata-empty' }, t('details.noMetadata')),
    );

    const json = h('pre', { class: 'json', 'data-testid': 'details-json' });
    json.textContent = escapeUnsafeInJson(JSON.stringify(s, null, 2));
    parts.push(h('details', { class: 'raw-json' }, h('summary', null, t('details.rawJson')), json));

    if (s.volumeId && s.volumeId !== deps.view().volumeId) {
      parts.push(
        h(
          'p',
          { class: 'details-actions' },
          h('button', {
            type: 'button',
            class: 'btn',
            'data-testid': 'details-filter-volume',
            onclick: () => deps.filterByVolume(s.volumeId),
          }, icon('filter'), t('details.allOfVolume')),
        ),
      );
    }
    fill(el.content, parts);
  }

  /** Opens the panel on `d` and puts the focus on its close button. */
  function show(d) {
    el.panel.hidden = false;
    el.body.classList.add('details-open');
    render(d);
    el.close.focus({ preventScroll: true });
  }

  function hide() {
    current = null;
    el.panel.hidden = true;
    el.panel.dataset.state = 'closed';
    el.body.classList.remove('details-open');
  }

  el.close.addEventListener('click', () => deps.close());
  /** The state last drawn, to draw it again in a new language. */
  let current = null;
  onLocaleChange(() => {
    if (current && !el.panel.hidden) render(current);
  });

  return { show, render, hide };
}
