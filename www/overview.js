// "Overview and export": walks every snapshot matching the current filters
// (walk-job.js over walk.js), with a progress bar and Cancel, and then draws
// the overview (overview-report.js: summary.js's figures, charts.js's
// charts) or saves a CSV or JSON file (export.js). A failed walk shows the
// EvsError banner; its Retry goes on from the page after the last one read.
//
// An export is kept as a Blob of one part per page of 1,000 snapshots, made
// as each page arrives, and becomes one object URL at the end: no string
// ever holds the whole file, and the page stays responsive in between.
//
// mountWalks keeps the part's state (the phase, the job under way or failed,
// the overview on screen, the status line) and moves it on; the draw…
// functions above it show it, each from what it is given alone.
//
// Languages: every text is a message of www/messages/overview.js. When the
// language changes, the part redraws from what it already has (the scope,
// the walk under way or its error banner, the last status line, and the
// overview from the summary it was built from): nothing is read again.

import { h, fill, $ } from './dom.js';
import { describeFilters } from './view-state.js';
import { WALK_LIMIT } from './walk.js';
import { KINDS, createJob, runJob, exportFile } from './walk-job.js';
import { reportNodes, drawCharts } from './overview-report.js';
import { num } from './charts.js';
import { t, onLocaleChange } from './i18n.js';

function scopeText(filters) {
  const f = describeFilters(filters);
  return f ? t('overview.scope.filtered', { filters: f }) : t('overview.scope.all');
}

// ------------------------------------------------------------ drawing
// Each from what it is given (the part's elements `el`, and the state) alone.

function drawScope(el, filters) {
  fill(el.scope, t('overview.scope', { scope: scopeText(filters), size: num(WALK_LIMIT) }));
}

/** #walk's data-state and data-kind; the buttons disabled while a walk runs. */
function drawPhase(el, phase, kind) {
  el.section.dataset.state = phase;
  el.section.dataset.kind = kind ?? '';
  for (const b of Object.values(el.buttons)) b.disabled = phase === 'running';
}

function drawProgressLabel(el, job) {
  fill(el.progressLabel, t('overview.progress', { doing: t(KINDS[job.kind].doing), scope: scopeText(job.filters) }));
}

function drawCount(el, job) {
  const text = t('overview.count', { n: num(job.walk.received) });
  el.count.textContent = text;
  el.section.dataset.received = String(job.walk.received);
  el.bar.setAttribute('aria-valuetext', text);
}

/** The status line: `said`, a message { key, params }. */
function drawStatus(el, said) {
  fill(el.status, t(said.key, said.params));
  el.status.hidden = false;
}

/** The banner of a failed walk, through banner.js's `fillError`; `retry()` and `discard()` are its buttons. */
function drawError(el, fillError, job, { retry, discard }) {
  const n = num(job.walk.received);
  fillError(el.banner, job.error, {
    title: t('overview.error.title', { doing: t(KINDS[job.kind].doing), kind: job.kind, n }),
    prefix: 'walk-error',
    retryTestId: 'walk-retry',
    retry,
    hint: t('overview.error.hint', { n }),
    actions: h('button', { type: 'button', class: 'btn', 'data-testid': 'walk-discard', onclick: discard }, t('overview.discard')),
  });
}

/** The overview `shown` ({ sum, filters, at }) in #overview, shown, with its charts. */
function drawReport(el, shown) {
  fill(el.overview, reportNodes(shown));
  el.overview.hidden = false;
  drawCharts(el.overview, shown.sum);
}

// ------------------------------------------------------------ the part

/**
 * `scope()` → { filters: { status, name, volumeId }, projectId, missing:
 * what the settings lack or null }: what a walk started now would cover;
 * `config(signal)` → the package's ClientConfig; `banner`: banner.js's part
 * (its `fillError` draws a failed walk's banner); `toast(text)`.
 */
export function mountWalks({ scope, config, banner, toast }) {
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
  const st = {
    /** As #walk's data-state: idle, running, error, cancelled or done. */
    phase: 'idle',
    /** The job under way or failed (walk-job.js), or null. */
    job: null,
    /** The overview on screen: { sum, filters, at }, or null. */
    shown: null,
    /** The status line on screen, as a message: { key, params }, or null. */
    said: null,
  };
  let exportUrl = null;

  // ---------------------------------------------------------- the state, moved on

  function setPhase(phase, kind = st.job?.kind) {
    st.phase = phase;
    drawPhase(el, phase, kind);
  }

  /** Shows the status line: the message `key` with `params` (kept, to redraw it in another language). */
  function say(key, params) {
    st.said = { key, params };
    drawStatus(el, st.said);
  }

  function start(kind) {
    if (st.job && st.phase === 'running') return;
    const { filters, projectId, missing } = scope();
    if (missing) {
      toast(missing);
      return;
    }
    st.job = createJob(kind, { filters, projectId, config, onBatch: (job) => drawCount(el, job) });
    if (kind === 'overview') el.overview.hidden = true;
    run(st.job);
  }

  async function run(job) {
    el.banner.hidden = true;
    el.status.hidden = true;
    st.said = null;
    job.error = null;
    drawProgressLabel(el, job);
    drawCount(el, job);
    el.progress.hidden = false;
    setPhase('running');
    el.cancel.focus({ preventScroll: true });
    const outcome = await runJob(job);
    if (st.job !== job) return;
    el.progress.hidden = true;
    const n = num(job.walk.received);
    if (outcome === 'error') {
      setPhase('error');
      showError(job);
      $('[data-testid="walk-retry"]', el.banner).focus({ preventScroll: true });
      return;
    }
    st.job = null;
    if (outcome === 'cancelled') {
      setPhase('cancelled', job.kind);
      say(KINDS[job.kind].cancelled, { n });
      el.buttons[job.kind].focus({ preventScroll: true });
      return;
    }
    if (job.kind === 'overview') {
      st.shown = { sum: job.sink.sum, filters: job.filters, at: new Date() };
      drawReport(el, st.shown);
      setPhase('done', job.kind);
      say('overview.built', { n });
      el.overview.focus({ preventScroll: true });
      return;
    }
    const name = download(job);
    setPhase('done', job.kind);
    say('export.done', { n, file: name });
    el.section.dataset.file = name;
    el.buttons[job.kind].focus({ preventScroll: true });
  }

  function showError(job) {
    drawError(el, banner.fillError, job, { retry: () => run(job), discard });
  }

  function cancel() {
    st.job?.walk.cancel();
  }

  function discard() {
    const kind = st.job?.kind;
    st.job = null;
    el.banner.hidden = true;
    setPhase('idle', kind);
    say('overview.discarded');
    if (kind) el.buttons[kind].focus({ preventScroll: true });
  }

  /** Saves a finished export's file through a link to its object URL (the one before it revoked). */
  function download(job) {
    const { blob, name } = exportFile(job);
    if (exportUrl) URL.revokeObjectURL(exportUrl);
    exportUrl = URL.createObjectURL(blob);
    const a = h('a', { href: exportUrl, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    return name;
  }

  // ----------------------------------------------------------------- wiring

  for (const [kind, button] of Object.entries(el.buttons)) button.addEventListener('click', () => start(kind));
  el.cancel.addEventListener('click', cancel);
  let frame = 0;
  new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      if (st.shown && !el.overview.hidden) drawCharts(el.overview, st.shown.sum);
    });
  }).observe(el.overview);
  drawScope(el, scope().filters);
  onLocaleChange(redraw);

  /** Everything this part shows, again in the language in use, from what it has: no walk starts. */
  function redraw() {
    const { job } = st;
    drawScope(el, scope().filters);
    if (job && st.phase === 'running') {
      drawProgressLabel(el, job);
      drawCount(el, job);
    }
    if (job && job.error && st.phase === 'error') {
      const hadFocus = el.banner.contains(document.activeElement);
      showError(job);
      if (hadFocus) $('[data-testid="walk-retry"]', el.banner).focus({ preventScroll: true });
    }
    if (st.said && !el.status.hidden) drawStatus(el, st.said);
    if (st.shown && !el.overview.hidden) {
      // the tables that were open stay open, and the focus stays on the overview
      const open = [...el.overview.querySelectorAll('figure')].filter((f) => f.querySelector('details')?.open).map((f) => f.dataset.testid);
      const hadFocus = el.overview.contains(document.activeElement);
      drawReport(el, st.shown);
      for (const id of open) {
        const d = el.overview.querySelector(`figure[data-testid="${id}"] details`);
        if (d) d.open = true;
      }
      if (hadFocus) el.overview.focus({ preventScroll: true });
    }
  }

  return {
    /** The scope line again, for the filters in use now. */
    renderScope: () => drawScope(el, scope().filters),
  };
}
