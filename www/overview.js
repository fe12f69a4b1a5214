// "Overview and export": walks every snapshot matching the current filters
// (walk.js), with a progress bar and Cancel, and then draws the overview
// (summary.js, charts.js) or saves a CSV or JSON file (export.js). A failed
// walk shows the EvsError banner; its Retry goes on from the page after the
// last one read.
//
// An export is kept as a Blob of one part per page of 1,000 snapshots, made
// as each page arrives, and becomes one object URL at the end: no string
// ever holds the whole file, and the page stays responsive in between.

import { h, fill, $ } from './dom.js';
import { statusInfo, plural } from './format.js';
import { describeFilters } from './view-state.js';
import { createWalk } from './walk.js';
import { newSummary, addSnapshots, statusRows, topVolumes, weekRows, isoDay } from './summary.js';
import { FORMATS, exportFileName } from './export.js';
import { statusChart, volumeChart, weekChart, num } from './charts.js';

const WHAT = {
  overview: { doing: 'Building the overview', noun: 'overview' },
  csv: { doing: 'Exporting CSV', noun: 'CSV file' },
  json: { doing: 'Exporting JSON', noun: 'JSON file' },
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

  function scopeText(filters) {
    const f = describeFilters(filters);
    return f ? `the snapshots with ${f}` : 'every snapshot of the project';
  }

  function renderScope() {
    fill(el.scope, `Reads ${scopeText(deps.filters())}, 1,000 a page.`);
  }

  function setState(state, kind = job?.kind) {
    el.section.dataset.state = state;
    el.section.dataset.kind = kind ?? '';
    for (const b of Object.values(el.buttons)) b.disabled = state === 'running';
  }

  function say(text) {
    fill(el.status, text);
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
    const text = `${num(j.walk.received)} snapshots read so far`;
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

  async function run(j) {
    el.banner.hidden = true;
    el.status.hidden = true;
    fill(el.progressLabel, `${WHAT[j.kind].doing}: ${scopeText(j.filters)}`);
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
      deps.errorBanner(el.banner, error, {
        title: `${WHAT[j.kind].doing} stopped after ${n} snapshots`,
        prefix: 'walk-error',
        retryTestId: 'walk-retry',
        retry: () => run(j),
        hint: `Retry goes on from the page after the last one read (${n} snapshots so far); nothing is read twice.`,
        actions: h('button', { type: 'button', class: 'btn', 'data-testid': 'walk-discard', onclick: discard }, 'Discard'),
      });
      $('[data-testid="walk-retry"]', el.banner).focus({ preventScroll: true });
      return;
    }
    job = null;
    if (outcome === 'cancelled') {
      setState('cancelled', j.kind);
      say(`Cancelled after ${n} snapshots: no ${WHAT[j.kind].noun} was made.`);
      el.buttons[j.kind].focus({ preventScroll: true });
      return;
    }
    if (j.kind === 'overview') {
      shown = { sum: j.sink.sum, filters: j.filters, at: new Date() };
      renderOverview();
      setState('done', j.kind);
      say(`Overview of ${n} snapshots built.`);
      el.overview.focus({ preventScroll: true });
      return;
    }
    const name = download(j);
    setState('done', j.kind);
    say(`Exported ${n} snapshots to ${name}.`);
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
    say('Discarded.');
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
      h('details', { class: 'chart-table' }, h('summary', null, 'The figures as a table'), dataTable),
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
      h('h3', { id: 'overview-title' }, 'Overview'),
      h(
        'p',
        { class: 'summary', 'data-testid': 'overview-summary' },
        `${num(sum.count)} snapshots · ${num(sum.gb)} GB · ${f ? `filtered by ${f}` : 'no filters'} · read at ${at.toLocaleTimeString()}`,
      ),
    );
    if (sum.count === 0) {
      fill(el.overview, head, h('p', { class: 'muted', 'data-testid': 'overview-empty' }, 'No snapshot matches these filters.'));
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
          'Snapshots and GB per status',
          null,
          table(
            'Snapshots and GB per status',
            ['Status', 'Snapshots', 'GB'],
            statuses.map((r) =>
              h('tr', { 'data-testid': 'overview-status-row', 'data-status': r.status, 'data-count': r.count, 'data-gb': r.gb },
                cells(statusInfo(r.status).label, num(r.count), num(r.gb))),
            ),
            h('tr', null, cells('All', num(sum.count), num(sum.gb))),
          ),
        ),
        figure(
          'volumes',
          `The ${volumes.length === 10 ? '10 volumes' : plural(volumes.length, 'volume')} with the most snapshot GB`,
          'The table has the full volume IDs.',
          table(
            'Volumes with the most snapshot GB',
            ['Volume ID', 'GB', 'Snapshots'],
            volumes.map((r) =>
              h('tr', { 'data-testid': 'overview-volume-row', 'data-volume': r.volumeId, 'data-count': r.count, 'data-gb': r.gb },
                cells(h('code', null, r.volumeId || '(none)'), num(r.gb), num(r.count))),
            ),
          ),
        ),
        figure(
          'weeks',
          'Snapshots created per week',
          `Weeks start on Monday, UTC.${sum.undated ? ` ${plural(sum.undated, 'snapshot')} without a readable creation time ${sum.undated === 1 ? 'is' : 'are'} left out.` : ''}`,
          table(
            'Snapshots created per week; weeks not listed have none',
            ['Week of', 'Snapshots'],
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

  return { renderScope };
}
