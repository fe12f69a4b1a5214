// The overview's three charts, as plain SVG drawn at the width they are shown
// at (so text stays 12 px on a phone as on a desktop). Every bar carries its
// value as text and the two series of the status chart differ by pattern as
// well as colour, so no chart depends on colour alone. Each SVG is an image
// with a spoken summary; overview.js adds a table of the same figures.
//
// Every text (labels, legends, the spoken summary, each bar's <title>) is a
// message of www/messages/overview.js (`charts.…`) and every number goes
// through formatNumber, both in the language in use: overview.js draws the
// charts again when the language changes.
//
// Plain SVG rather than a charting library: three bar charts are about as
// much code as configuring one would be, and the page stays free of a
// dependency it would have to serve from node_modules.

import { s } from './dom.js';
import { statusInfo, shortId } from './format.js';
import { isoDay } from './summary.js';
import { t, formatNumber } from './i18n.js';

/** A number as the language in use writes it ("1,234" in both). */
export const num = (n) => formatNumber(n);

const CHAR_W = 7; // average width of a 12 px label character, for fitting text
const WIDE_W = 12; // a 12 px CJK (full-width) character

/** The width of a character at 12 px: CJK ideographs, kana, hangul and full-width forms are about twice as wide. */
const charWidth = (c) => (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(c) ? WIDE_W : CHAR_W);

function fit(text, width) {
  const chars = [...text];
  let used = 0;
  for (let i = 0; i < chars.length; i++) {
    used += charWidth(chars[i]);
    if (used > width && chars.length > 3) {
      // keep room for the ellipsis (one narrow character)
      let keep = i;
      while (keep > 2 && chars.slice(0, keep).reduce((a, c) => a + charWidth(c), 0) + CHAR_W > width) keep--;
      return `${chars.slice(0, keep).join('')}…`;
    }
  }
  return text;
}

function frame(width, height, label, cls, ...children) {
  return s(
    'svg',
    { class: `chart ${cls}`, width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label },
    ...children,
  );
}

/** A 45° hatch, for the GB bars of the status chart (told apart without colour). */
function hatch(id) {
  return s(
    'defs',
    null,
    s(
      'pattern',
      { id, patternUnits: 'userSpaceOnUse', width: 6, height: 6, patternTransform: 'rotate(45)' },
      s('rect', { width: 6, height: 6, class: 'hatch-bg' }),
      s('line', { x1: 1.5, y1: 0, x2: 1.5, y2: 6, class: 'hatch-line' }),
    ),
  );
}

function barWidth(value, max, room) {
  return value > 0 ? Math.max(2, (value / max) * room) : 0;
}

/** Counts and GB per status: two labelled bars a status, solid (count) and hatched (GB). */
export function statusChart(rows, width) {
  const labelW = Math.min(120, Math.round(width * 0.34));
  const valueW = 96;
  const room = Math.max(30, width - labelW - valueW);
  const maxCount = Math.max(1, ...rows.map((r) => r.count));
  const maxGb = Math.max(1, ...rows.map((r) => r.gb));
  const top = 28;
  const rowH = 44;
  const height = top + rows.length * rowH;
  const spoken = rows
    .map((r) => t('charts.status.item', { status: statusInfo(r.status).label, count: num(r.count), gb: num(r.gb) }))
    .join(t('charts.sep'));
  return frame(
    width,
    height,
    t('charts.status.label', { spoken }),
    'chart-status',
    hatch('chart-hatch'),
    s(
      'g',
      { class: 'legend', 'aria-hidden': 'true' },
      s('rect', { x: 0, y: 4, width: 14, height: 12, class: 'bar-count' }),
      s('text', { x: 20, y: 14 }, t('charts.legend.snapshots')),
      s('rect', { x: 100, y: 4, width: 14, height: 12, class: 'bar-gb', fill: 'url(#chart-hatch)' }),
      s('text', { x: 120, y: 14 }, 'GB'),
    ),
    rows.map((r, i) => {
      const label = statusInfo(r.status).label;
      const wc = barWidth(r.count, maxCount, room);
      const wg = barWidth(r.gb, maxGb, room);
      return s(
        'g',
        { transform: `translate(0 ${top + i * rowH})`, 'aria-hidden': 'true' },
        s('text', { x: 0, y: 22, class: 'label' }, fit(label, labelW - 8)),
        s('rect', { x: labelW, y: 4, width: wc, height: 15, class: 'bar-count' }),
        s('text', { x: labelW + wc + 6, y: 16, class: 'value' }, num(r.count)),
        s('rect', { x: labelW, y: 22, width: wg, height: 15, class: 'bar-gb', fill: 'url(#chart-hatch)' }),
        s('text', { x: labelW + wg + 6, y: 34, class: 'value' }, `${num(r.gb)} GB`),
      );
    }),
  );
}

/** The volumes with the most snapshot GB: one labelled bar each. */
export function volumeChart(rows, width) {
  const labelW = 84;
  const valueW = 164;
  const room = Math.max(30, width - labelW - valueW);
  const max = Math.max(1, ...rows.map((r) => r.gb));
  const rowH = 26;
  const spoken = rows
    .map((r) => t('charts.volumes.item', { id: r.volumeId || t('charts.none'), gb: num(r.gb), count: num(r.count) }))
    .join(t('charts.sep'));
  return frame(
    width,
    rows.length * rowH + 4,
    t('charts.volumes.label', { n: rows.length, spoken }),
    'chart-volumes',
    rows.map((r, i) => {
      const w = barWidth(r.gb, max, room);
      return s(
        'g',
        { transform: `translate(0 ${i * rowH})`, 'aria-hidden': 'true' },
        s('title', null, t('charts.volumes.title', { id: r.volumeId, gb: num(r.gb), count: num(r.count) })),
        s('text', { x: 0, y: 17, class: 'label mono' }, r.volumeId ? shortId(r.volumeId) : t('charts.none')),
        s('rect', { x: labelW, y: 5, width: w, height: 16, class: 'bar-volume' }),
        s('text', { x: labelW + w + 6, y: 17, class: 'value' }, t('charts.volumes.value', { gb: num(r.gb), count: num(r.count) })),
      );
    }),
  );
}

/** A round number at or above `n`, for the top of an axis. */
function niceMax(n) {
  if (n <= 5) return Math.max(1, n);
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

/** Snapshots created per week: columns on a time axis, with labelled axes. */
export function weekChart(rows, width) {
  const padL = 44;
  const padR = 8;
  const padT = 10;
  const padB = 30;
  const plotH = 160;
  const plotW = Math.max(40, width - padL - padR);
  const height = padT + plotH + padB;
  const max = niceMax(Math.max(0, ...rows.map((r) => r.count)));
  const colW = plotW / Math.max(1, rows.length);
  const gap = colW > 4 ? 1 : 0;
  const y = (v) => padT + plotH - (v / max) * plotH;
  const busiest = rows.reduce((b, r) => (r.count > b.count ? r : b), rows[0] ?? { count: 0, week: 0 });
  const total = rows.reduce((a, r) => a + r.count, 0);
  const spoken = rows.length
    ? t('charts.weeks.label', {
        n: rows.length,
        first: isoDay(rows[0].week),
        last: isoDay(rows.at(-1).week),
        total: num(total),
        busiest: isoDay(busiest.week),
        max: num(busiest.count),
      })
    : t('charts.weeks.empty');
  const every = Math.max(1, Math.ceil(rows.length / Math.max(1, Math.floor(plotW / 90))));
  return frame(
    width,
    height,
    spoken,
    'chart-weeks',
    s(
      'g',
      { class: 'axis', 'aria-hidden': 'true' },
      [0, max / 2, max].map((v) =>
        s('g', null,
          s('line', { x1: padL, x2: padL + plotW, y1: y(v), y2: y(v), class: v === 0 ? 'baseline' : 'grid' }),
          s('text', { x: padL - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, num(v)),
        ),
      ),
      rows.map((r, i) =>
        i % every === 0 && padL + i * colW + 72 <= width
          ? s('text', { x: padL + i * colW, y: padT + plotH + 18, class: 'tick' }, isoDay(r.week))
          : null,
      ),
    ),
    s(
      'g',
      { 'aria-hidden': 'true' },
      rows.map((r, i) =>
        r.count > 0
          ? s(
              'rect',
              { x: padL + i * colW, y: y(r.count), width: Math.max(1, colW - gap), height: padT + plotH - y(r.count), class: 'bar-week' },
              s('title', null, t('charts.weeks.title', { week: isoDay(r.week), count: num(r.count) })),
            )
          : null,
      ),
    ),
  );
}
