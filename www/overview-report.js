// The overview's report, drawn from what a walk gathered: `reportNodes(shown)`
// gives its heading and summary line and, unless nothing matched, three
// figures (snapshots by status, the largest volumes, snapshots by week),
// each a chart box and the same figures as a table; `drawCharts(root, sum)`
// draws the SVG charts (charts.js) into the boxes at their width. Pure
// drawing: state in, DOM out; overview.js keeps the state and the element.

import { h, fill } from './dom.js';
import { statusInfo } from './format.js';
import { describeFilters } from './view-state.js';
import { statusRows, topVolumes, weekRows, isoDay } from './summary.js';
import { statusChart, volumeChart, weekChart, num } from './charts.js';
import { t, locale } from './i18n.js';

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

/** Each chart box under `root` whose width changed, drawn again at its width from `sum`. */
export function drawCharts(root, sum) {
  for (const box of root.querySelectorAll('.chart-box')) {
    const width = Math.floor(box.clientWidth);
    if (width > 0 && Number(box.dataset.width) !== width) {
      box.dataset.width = String(width);
      fill(box, CHARTS[box.dataset.chart](sum, width));
    }
  }
}

/** The overview of `shown` ({ sum, filters, at }: the summary, the filters it was built with, when) as nodes. */
export function reportNodes({ sum, filters, at }) {
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
  if (sum.count === 0) return [head, h('p', { class: 'muted', 'data-testid': 'overview-empty' }, t('overview.empty'))];
  const statuses = statusRows(sum);
  const volumes = topVolumes(sum);
  const weeks = weekRows(sum).filter((w) => w.count > 0);
  return [
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
  ];
}
