// "Overview and export": walks every snapshot matching the current filters
// (walk.js), with a progress bar and Cancel, and then draws the overview
// (summary.js, charts.js) or saves a CSV or JSON file (export.js). A failed
// walk shows the EvsError banner; its Retry goes on from the page after the
// last one read.
//
// An export is kept as a Blob of one part per page of 1,000 snapshots, made
// as each page arrives, and becomes one object URL at the end: no string
// ever holds the whole file, and the page stays responsive in between.
//
// Languages: every text is a message of www/messages/overview.js. When the
// language changes, the part redraws from what it already has (the scope,
// the walk under way or its error banner, the last status line, and the
// overview from the summary it was built from): nothing is read again.

import { h, fill, $ } from './dom.js';
import { statusInfo } from './format.js';
import { describeFilters } from './view-state.js';
import { createWalk, WALK_LIMIT } from './walk.js';
import { newSummary, addSnapshots, statusRows, topVolumes, weekRows, isoDay } from './summary.js';
import { FORMATS, exportFileName } from './export.js';
import { statusChart, volumeChart, weekChart, num } from './charts.js';
import { t, locale, onLocaleChange } from './i18n.js';

/** Per kind of walk: what it is doing, and the status line when it is cancelled. */
const WHAT = {
  overview: { doing: 'overview.doing.overview', cancelled: 'overview.cancelled.overview' },
  csv: { doing: 'overview.doing.csv', cancelled: 'export.cancelled.csv' },
  json: { doing: 'overview.doing.json', cancelled: 'export.cancelled.json' },
};

/**
 * deps: `config(signal)` → ClientConfig, `filters()` → { status, name,
 * volumeId }, `projectId()`, `missing()` → what settings lack or null,
 * `errorBanner(target, error, options)`, `toast(text)`.
 */
export function mountWalks(deps) {
  const el = {
    section: $('#walk'),
    scope: $('#walk-scope'),
    buttons: { overview: $('#overview-btn'), csv: $('#export-csv-btn'), json: $('#export-json-btn') },
    progress: $('#walk-progress'),
    progressLabel: $('#walk-progress-label'),
    bar: $('#walk-bar'),
    count: $('#walk-count'),
    cancel: $('#walk-cancel'),
    banner: $('#walk-banner'),
    status: $('#walk-status'),
    overview: $('#overview'),
  };
  /** The walk under way or failed: { kind, filters, projectId, startedAt, walk, sink }. */
  let job = null;
  /** The overview on screen: { sum, filters, at }. */
  let shown = null;
  let exportUrl = null;
  /** The status line on screen, as a message: { key, params }, or null. */
  let said = null;

  function scopeText(filters) {
    const f = describeFilters(filters);
    return f ? t('overview.scope.filtered', { filters: f }) : t('overview.scope.all');
  }

  function renderScope() {
    fill(el.scope, t('overview.scope', { scope: scopeText(deps.filters()), size: num(WALK_LIMIT) }));
  }

  function setState(state, kind = job?.kind) {
    el.section.dataset.state = state;
    el.section.dataset.kind = kind ?? '';
    for (const b of Object.values(el.buttons)) b.disabled = state === 'running';
  }

  /** Shows the status line: the message `key` with `params` (kept, to redraw it in another language). */
  function say(key, params) {
    said = { key, params };
    fill(el.status, t(key, params));
    el.status.hidden = false;
  }

  function sinkFor(kind) {
    if (kind === 'overview') {
      const sum = newSummary();
      return { sum, add: (batch) => addSnapshots(sum, batch) };
    }
    const format = FORMATS[kind];
    const parts = [format.head];
    return {
      parts,
      add: (batch) => parts.push(new Blob([format.rows(batch, parts.length === 1)])),
    };
  }

  function renderCount(j) {
    const text = t('overview.count', { n: num(j.walk.received) });
    el.count.textContent = text;
    el.section.dataset.received = String(j.walk.received);
    el.bar.setAttribute('aria-valuetext', text);
  }

  function start(kind) {
    if (job && el.section.dataset.state === 'running') return;
    const missing = deps.missing();
    if (missing) {
      deps.toast(missing);
      return;
    }
    const f = deps.filters();
    const filters = { status: f.status || '', name: f.name || '', volumeId: f.volumeId || '' };
    const options = {};
    if (filters.status) options.status = filters.status;
    if (filters.name) options.name = filters.name;
    if (filters.volumeId) options.volumeId = filters.volumeId;
    const j = { kind, filters, projectId: deps.projectId(), startedAt: new Date(), sink: sinkFor(kind) };
    j.walk = createWalk({
      config: deps.config,
      options,
      onBatch(batch) {
        j.sink.add(batch);
        renderCount(j);
      },
    });
    job = j;
    if (kind === 'overview') el.overview.hidden = true;
    run(j);
  }

  function renderProgressLabel(j) {
    fill(el.progressLabel, t('overview.progress', { doing: t(WHAT[j.kind].doing), scope: scopeText(j.filters) }));
  }

  /** The banner of a failed walk (again, in the language in use, when it changes). */
  function renderError(j) {
    const n = num(j.walk.received);
    deps.errorBanner(el.banner, j.error, {
      title: t('overview.error.title', { doing: t(WHAT[j.kind].doing), kind: j.kind, n }),
      prefix: 'walk-error',
      retryTestId: 'walk-retry',
      retry: () => run(j),
      hint: t('overview.error.hint', { n }),
      actions: h('button', { type: 'button', class: 'btn', 'data-testid': 'walk-discard', onclick: discard }, t('overview.discard')),
    });
  }

  async function run(j) {
    el.banner.hidden = true;
    el.status.hidden = true;
    said = null;
    j.error = null;
    renderProgressLabel(j);
    renderCount(j);
    el.progress.hidden = false;
    setState('running');
    el.cancel.focus({ preventScroll: true });
    let outcome = null;
    let error = null;
    try {
      outcome = await j.walk.run();
    } catch (e) {
      error = e;
    }
    if (job !== j) return;
    el.progress.hidden = true;
    const n = num(j.walk.received);
    if (error) {
      setState('error');
      j.error = error;
      renderError(j);
      $('[data-testid="walk-retry"]', el.banner).focus({ preventScroll: true });
      return;
    }
    job = null;
    if (outcome === 'cancelled') {
      setState('cancelled', j.kind);
      say(WHAT[j.kind].cancelled, { n });
      el.buttons[j.kind].focus({ preventScroll: true });
      return;
    }
    if (j.kind === 'overview') {
      shown = { sum: j.sink.sum, filters: j.filters, at: new Date() };
      renderOverview();
      setState('done', j.kind);
      say('overview.built', { n });
      el.overview.focus({ preventScroll: true });
      return;
    }
    const name = download(j);
    setState('done', j.kind);
    say('export.done', { n, file: name });
    el.section.dataset.file = name;
    el.buttons[j.kind].focus({ preventScroll: true });
  }

  function cancel() {
    job?.walk.cancel();
  }

  function discard() {
    const kind = job?.kind;
    job = null;
    el.banner.hidden = true;
    setState('idle', kind);
    say('overview.discarded');
    if (kind) el.buttons[kind].focus({ preventScroll: true });
  }

  function download(j) {
    const format = FORMATS[j.kind];
    const blob = new Blob([...j.sink.parts, format.tail], { type: format.type });
    if (exportUrl) URL.revokeObjectURL(exportUrl);
    exportUrl = URL.createObjectURL(blob);
    const name = exportFileName({ projectId: j.projectId, ...j.filters }, format.ext, j.startedAt);
    const a = h('a', { href: exportUrl, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    return name;
  }

  // ------------------------------------------------------------ the overview

  function table(caption, head, rows, foot) {
    return h(
      'table',
      { class: 'chart-data' },
      h('caption', { class: 'sr-only' }, caption),
      h('thead', null, h('tr', null, head.map((c, i) => h('th', { scope: 'col', class: i ? 'num' : null }, c)))),
      h('tbody', null, rows),
      foot ? h('tfoot', null, foot) : null,
    );
  }

  const cells = (...values) => values.map((v, i) => (i ? h('td', { class: 'num' }, v) : h('th', { scope: 'row' }, v)));

  function figure(name, caption, note, dataTable) {
    return h(
      'figure',
      { class: 'chart-figure', 'data-testid': `overview-${name}` },
      h('figcaption', null, caption),
      note ? h('p', { class: 'chart-note' }, note) : null,
      h('div', { class: 'chart-box', 'data-chart': name }),
      h('details', { class: 'chart-table' }, h('summary', null, t('overview.asTable')), dataTable),
    );
  }

  const CHARTS = {
    status: (sum, width) => statusChart(statusRows(sum), width),
    volumes: (sum, width) => volumeChart(topVolumes(sum), width),
    weeks: (sum, width) => weekChart(weekRows(sum), width),
  };

  function drawCharts() {
    if (!shown || el.overview.hidden) return;
    for (const box of el.overview.querySelectorAll('.chart-box')) {
      const width = Math.floor(box.clientWidth);
      if (width > 0 && Number(box.dataset.width) !== width) {
        box.dataset.width = String(width);
        fill(box, CHARTS[box.dataset.chart](shown.sum, width));
      }
    }
  }

  function renderOverview() {
    const { sum, filters, at } = shown;
    const f = describeFilters(filters);
    const head = h(
      'div',
      { class: 'overview-head' },
      h('h3', { id: 'overview-title' }, t('overview.title')),
      h(
        'p',
        { class: 'summary', 'data-testid': 'overview-summary' },
        t('overview.summary', {
          count: num(sum.count),
          gb: num(sum.gb),
          filters: f ? t('overview.summary.filtered', { filters: f }) : t('overview.summary.none'),
          time: at.toLocaleTimeString(locale()),
        }),
      ),
    );
    if (sum.count === 0) {
      fill(el.overview, head, h('p', { class: 'muted', 'data-testid': 'overview-empty' }, t('overview.empty')));
      el.overview.hidden = false;
      return;
    }
    const statuses = statusRows(sum);
    const volumes = topVolumes(sum);
    const weeks = weekRows(sum).filter((w) => w.count > 0);
    fill(
      el.overview,
      head,
      h(
        'div',
        { class: 'overview-grid' },
        figure(
          'status',
          t('overview.status.caption'),
          null,
          table(
            t('overview.status.caption'),
            [t('overview.col.status'), t('overview.col.snapshots'), 'GB'],
            statuses.map((r) =>
              h('tr', { 'data-testid': 'overview-status-row', 'data-status': r.status, 'data-count': r.count, 'data-gb': r.gb },
                cells(statusInfo(r.status).label, num(r.count), num(r.gb))),
            ),
            h('tr', null, cells(t('overview.all'), num(sum.count), num(sum.gb))),
          ),
        ),
        figure(
          'volumes',
          t('overview.volumes.caption', { n: volumes.length }),
          t('overview.volumes.note'),
          table(
            t('overview.volumes.tableCaption'),
            [t('overview.col.volume'), 'GB', t('overview.col.snapshots')],
            volumes.map((r) =>
              h('tr', { 'data-testid': 'overview-volume-row', 'data-volume': r.volumeId, 'data-count': r.count, 'data-gb': r.gb },
                cells(h('code', null, r.volumeId || t('charts.none')), num(r.gb), num(r.count))),
            ),
          ),
        ),
        figure(
          'weeks',
          t('overview.weeks.caption'),
          t('overview.weeks.note', { n: sum.undated, count: num(sum.undated) }),
          table(
            t('overview.weeks.tableCaption'),
            [t('overview.col.week'), t('overview.col.snapshots')],
            weeks.map((r) =>
              h('tr', { 'data-testid': 'overview-week-row', 'data-week': isoDay(r.week), 'data-count': r.count }, cells(isoDay(r.week), num(r.count))),
            ),
          ),
        ),
      ),
    );
    el.overview.hidden = false;
    drawCharts();
  }

  // ----------------------------------------------------------------- wiring

  for (const [kind, button] of Object.entries(el.buttons)) button.addEventListener('click', () => start(kind));
  el.cancel.addEventListener('click', cancel);
  let frame = 0;
  new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(drawCharts);
  }).observe(el.overview);
  renderScope();
  onLocaleChange(redraw);

  /** Everything this part shows, again in the language in use, from what it has: no walk starts. */
  function redraw() {
    renderScope();
    if (job && el.section.dataset.state === 'running') {
      renderProgressLabel(job);
      renderCount(job);
    }
    if (job && job.error && el.section.dataset.state === 'error') {
      const hadFocus = el.banner.contains(document.activeElement);
      renderError(job);
      if (hadFocus) $('[data-testid="walk-retry"]', el.banner).focus({ preventScroll: true });
    }
    if (said && !el.status.hidden) fill(el.status, t(said.key, said.params));
    if (shown && !el.overview.hidden) {
      // the tables that were open stay open, and the focus stays on the overview
      const open = [...el.overview.querySelectorAll('figure')].filter((f) => f.querySelector('details')?.open).map((f) => f.dataset.testid);
      const hadFocus = el.overview.contains(document.activeElement);
      renderOverview();
      for (const id of open) {
        const d = el.overview.querySelector(`figure[data-testid="${id}"] details`);
        if (d) d.open = true;
      }
      if (hadFocus) el.overview.focus({ preventScroll: true });
    }
  }

  return { renderScope };
}
