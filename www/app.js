// The EVS snapshot dashboard: a table of snapshots with filters, paging,
// details, connection settings and live progress, built on `evs-snapshots`.
//
// This file keeps the state (the settings, the view in the URL, the page,
// the open snapshot, live progress) and the wiring: loading, paging,
// filters. What the page shows is drawn by the parts it mounts, each given
// what it may ask of the page as functions (the table is handed the state
// it draws, tableState()): table.js (rows, summary, pager), details.js
// (the details panel), settings-dialog.js (the connection dialog),
// banner.js (errors and notices), overview.js (overview and export),
// requests.js (the last attempts, from each config's `onAttempt`).
//
// Served by `evs-snapshots serve` (a `<meta name="evs-serve">` in the page),
// the connection is the server's: its proxy at /evs signs each call, the
// page holds no credential, stores no settings, and its connection dialog
// only says so (settings.js, settings-dialog.js).
//
// The language (i18n.js) is picked before any part is mounted. The top bar's
// switch changes it in place: this file redraws the static markup
// (`data-i18n`), the filter options, the connection line, the live note and
// the title; every part redraws its own texts from its own listener.
//
// Everything the service sends reaches the DOM through dom.js's `h()`/`fill()`
// (text nodes and attribute values), never as markup, and with its control
// characters and bidirectional overrides shown escaped (the package's rules,
// `evs-snapshots/rules`), so it cannot reorder the rest of a row or a banner.

import { getSnapshot, listSnapshots } from 'evs-snapshots';
import { h, fill, $, $$, icon } from './dom.js';
import { STATUSES, statusInfo, localZoneName } from './format.js';
import { t, initLocale, applyStatic, onLocaleChange, setLocale, locale, keepLang, LOCALES, LOCALE_NAMES } from './i18n.js';
import {
  loadSettings,
  saveSettings,
  servedConnection,
  servedSettings,
  missingSecret,
  toClientConfig,
  describeConnection,
  projectFromIam,
} from './settings.js';
import {
  PAGE_SIZES,
  readState,
  writeState,
  listOptions,
  hasFilters,
  nextPage,
  previousPage,
} from './view-state.js';
import { mountWalks } from './overview.js';
import { mountBanner } from './banner.js';
import { mountSettings } from './settings-dialog.js';
import { mountDetails } from './details.js';
import { mountTable } from './table.js';
import { mountRequests } from './requests.js';

const LIVE_MS = 3000;
const LIVE_KEY = 'evs-dashboard:live';

// ---------------------------------------------------------------- elements

const el = {
  body: document.body,
  filters: $('#filters'),
  fStatus: $('#f-status'),
  fName: $('#f-name'),
  fVolume: $('#f-volume'),
  fLimit: $('#f-limit'),
  clearFilters: $('#clear-filters'),
  refresh: $('#refresh-btn'),
  live: $('#live-toggle'),
  liveNote: $('#live-note'),
  liveNoteText: $('#live-note-text'),
  toast: $('#toast'),
};

// ------------------------------------------------------------------- state

/** Set when `evs-snapshots serve` serves the page: the connection it serves (settings.js), fixed for the page's life. */
const served = servedConnection();
let settings = served ? servedSettings(served) : loadSettings();
let view = readState(location.search);
/** The current page: { snapshots, nextMarker }, or null before the first answer. */
let page = null;
let pageError = null;
let loading = false;
let listCtrl = null;
let listSeq = 0;
let loads = 0;
let liveTimer = null;
let live = readLive();
/** The details panel: which snapshot, its data, its error. */
let detail = null;
let detailSeq = 0;
let toastTimer = null;
/** With the project ID left to IAM: the one the package found, as onAttempt's info names it for an EVS call. */
let iamProject = null;

// ------------------------------------------------------------ the language

// Before any part is mounted (a part may draw at once), and the static
// markup's listener first, so the parts redraw on top of it.
initLocale();
applyStatic(document);
onLocaleChange(redrawTexts);

// ------------------------------------------------------- the parts, mounted

const requests = mountRequests({ toast });
const connection = mountSettings({ settings: () => settings, save: saveConnection, served });
const banner = mountBanner({ retry: () => load(), openSettings: connection.open, toast });
const table = mountTable({
  open: (id, row) => openDetails(id, { opener: row }),
  turnPage,
  filterByVolume,
  clearFilters,
  toast,
});
const details = mountDetails({
  view: () => view,
  live: () => live,
  retry: () => fetchDetails(),
  close: () => closeDetails(),
  filterByVolume,
  toast,
});
const walks = mountWalks({
  scope: () => ({ filters: view, projectId: settings.projectId.trim() || iamProject || '', missing: missingSecret(settings) }),
  config: (signal) => clientConfig(signal, 'overview'),
  banner,
  toast,
});

// --------------------------------------------------------------- utilities

/** What the table shows (table.js's TableState): the view, the page or its error, whether one loads, the open snapshot. */
function tableState() {
  return { view, page, pageError, loading, selected: detail?.id ?? null };
}

function readLive() {
  try {
    return localStorage.getItem(LIVE_KEY) !== 'off';
  } catch {
    return true;
  }
}

function writeLive(on) {
  try {
    if (on) localStorage.removeItem(LIVE_KEY);
    else localStorage.setItem(LIVE_KEY, 'off');
  } catch {
    // storage disabled: the toggle still works for this tab
  }
}

/**
 * The package's config for the settings in use, `signal`, and an
 * `onAttempt` that shows each attempt in the Requests panel as made by
 * `source` (the table, the details, the overview).
 */
function clientConfig(signal, source) {
  return {
    ...toClientConfig(settings),
    signal,
    onAttempt: (info) => {
      requests.record(info, source);
      if (projectFromIam(settings)) learnProject(info);
    },
  };
}

/** The project ID IAM gave: the `projectId` of an EVS call that was answered (onAttempt's info). */
function learnProject(info) {
  if (info.operation === 'projectId' || info.status === undefined) return;
  const id = info.projectId;
  if (typeof id !== 'string' || id === '' || id === iamProject) return;
  iamProject = id;
  renderConnection();
}

function isAbort(e, ctrl) {
  return ctrl.signal.aborted || (e && e.kind === 'aborted');
}

function toast(text) {
  fill(el.toast, text);
  el.toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.toast.hidden = true;
  }, 2200);
}

// ----------------------------------------------------------------- the URL

function navigate(next, { push = true } = {}) {
  view = next;
  const url = `${location.pathname}${keepLang(writeState(view))}${location.hash}`;
  if (url === `${location.pathname}${location.search}${location.hash}`) return;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

// ----------------------------------------------------------------- filters

function syncFilterForm() {
  el.fStatus.value = view.status;
  el.fName.value = view.name;
  el.fVolume.value = view.volumeId;
  el.fLimit.value = String(view.limit);
  el.clearFilters.disabled = !hasFilters(view);
}

function applyFilters(patch) {
  const next = {
    ...view,
    status: el.fStatus.value,
    name: el.fName.value,
    volumeId: el.fVolume.value.trim(),
    limit: Number(el.fLimit.value),
    ...patch,
    marker: null,
    back: [],
  };
  if (detail) closeDetails({ restoreFocus: false, updateUrl: false });
  next.snapshot = null;
  navigate(next);
  syncFilterForm();
  load();
}

// ------------------------------------------------------------ the page

/** The table with its summary and pager, the overview's scope, the live note. */
function renderPage() {
  table.render(tableState());
  walks.renderScope();
  renderLiveNote();
}

function setLoading(on) {
  loading = on;
  table.setBusy(tableState());
  el.refresh.disabled = on;
}

function setPageState() {
  el.body.dataset.state = loading ? 'loading' : pageError ? 'error' : page && page.snapshots.length === 0 ? 'empty' : 'ready';
}

// -------------------------------------------------------------- loading

/**
 * Loads the page `view` describes. `silent` (live refresh) keeps the table
 * as it is while the request runs instead of showing the loading state.
 */
async function load({ silent = false } = {}) {
  clearTimeout(liveTimer);
  liveTimer = null;
  listCtrl?.abort();
  const ctrl = new AbortController();
  listCtrl = ctrl;
  const seq = ++listSeq;

  const missing = missingSecret(settings);
  if (missing) {
    page = null;
    pageError = null;
    setLoading(false);
    // Functions, so that a change of language draws them again in it.
    banner.showNotice(() => missingSecret(settings));
    table.notConnected(() => missingSecret(settings), tableState());
    walks.renderScope();
    el.body.dataset.state = 'needs-settings';
    el.body.dataset.loads = String(++loads);
    return;
  }

  if (!silent) {
    setLoading(true);
    setPageState();
    if (!page || pageError) {
      pageError = null;
      page = null;
      renderPage(); // skeleton rows of the page's height
    }
  }
  let result = null;
  let error = null;
  try {
    result = await listSnapshots(clientConfig(ctrl.signal, 'table'), listOptions(view));
  } catch (e) {
    error = e;
  }
  if (seq !== listSeq) return; // a newer load took over
  if (error && isAbort(error, ctrl)) return;
  listCtrl = null;
  if (error) {
    pageError = error;
    page = null;
    banner.showError(error);
  } else {
    pageError = null;
    page = result;
    banner.hide();
  }
  setLoading(false);
  renderPage();
  setPageState();
  el.body.dataset.loads = String(++loads);
  scheduleLive();
}

/** To the next page (`forward`) or the one before, if there is one and no load is running. */
function turnPage(forward) {
  if (loading || !(forward ? page?.nextMarker : view.marker)) return;
  if (detail) closeDetails({ restoreFocus: false, updateUrl: false });
  navigate(forward ? nextPage(view, page.nextMarker) : previousPage(view));
  load().then(() => table.focus());
  table.scrollIntoView();
}

function filterByVolume(volumeId) {
  el.fVolume.value = volumeId;
  applyFilters({ volumeId });
}

function clearFilters() {
  el.fStatus.value = '';
  el.fName.value = '';
  el.fVolume.value = '';
  applyFilters({ status: '', name: '', volumeId: '' });
}

// ----------------------------------------------------------- live progress

function creatingCount() {
  let n = page && !pageError ? page.snapshots.filter((s) => s.status === 'creating').length : 0;
  if (detail && detail.snapshot && detail.snapshot.status === 'creating' && !page?.snapshots.some((s) => s.id === detail.id)) n += 1;
  return n;
}

function renderLiveNote() {
  const n = creatingCount();
  el.body.dataset.live = live ? 'on' : 'off';
  if (n === 0) {
    el.liveNote.hidden = true;
    el.body.dataset.liveActive = 'no';
    return;
  }
  el.liveNote.hidden = false;
  el.liveNote.classList.toggle('paused', !live);
  el.liveNoteText.textContent = live ? t('page.live.refreshing', { n, s: LIVE_MS / 1000 }) : t('page.live.paused', { n });
  el.body.dataset.liveActive = live ? 'yes' : 'no';
}

function scheduleLive() {
  clearTimeout(liveTimer);
  liveTimer = null;
  renderLiveNote();
  if (!live || document.hidden || pageError || loading) return;
  if (creatingCount() === 0) return;
  liveTimer = setTimeout(liveTick, LIVE_MS);
}

function liveTick() {
  liveTimer = null;
  const jobs = [load({ silent: true })];
  if (detail && !detail.loading && detail.snapshot?.status === 'creating') jobs.push(fetchDetails({ silent: true }));
  return Promise.all(jobs);
}

// --------------------------------------------------------------- details

function openDetails(id, { opener = null } = {}) {
  if (!id) return;
  const fromList = page?.snapshots.find((s) => s.id === id) ?? null;
  const same = detail && detail.id === id;
  detail = {
    id,
    opener: opener ?? (same ? detail.opener : null),
    snapshot: same ? detail.snapshot : fromList,
    full: same ? detail.full : false,
    error: null,
    loading: true,
    ctrl: null,
  };
  if (view.snapshot !== id) navigate({ ...view, snapshot: id }, { push: false });
  table.select(id);
  details.show(detail);
  fetchDetails();
}

function closeDetails({ restoreFocus = true, updateUrl = true } = {}) {
  if (!detail) return;
  detail.ctrl?.abort();
  const { id, opener } = detail;
  detail = null;
  detailSeq++;
  details.hide();
  table.select(null);
  if (updateUrl && view.snapshot) navigate({ ...view, snapshot: null }, { push: false });
  if (restoreFocus) table.focusRow(id, opener);
  scheduleLive();
}

async function fetchDetails({ silent = false } = {}) {
  const d = detail;
  if (!d) return;
  d.ctrl?.abort();
  const ctrl = new AbortController();
  d.ctrl = ctrl;
  const seq = ++detailSeq;
  if (!silent) {
    d.loading = true;
    details.render(d);
  }
  let snap = null;
  let error = null;
  const missing = missingSecret(settings);
  try {
    if (missing) throw new Error(missing);
    snap = await getSnapshot(clientConfig(ctrl.signal, 'details'), d.id);
  } catch (e) {
    error = e;
  }
  if (seq !== detailSeq || detail !== d) return;
  if (error && isAbort(error, ctrl)) return;
  d.loading = false;
  if (error) {
    d.error = error;
  } else {
    d.error = null;
    d.snapshot = snap;
    d.full = true;
  }
  details.render(d);
  scheduleLive();
}

// ------------------------------------------------------------ connection

/** Remembers the settings saved in the dialog and reloads what the page shows with them. */
function saveConnection(next) {
  const changedTarget =
    next.target !== settings.target ||
    next.endpoint !== settings.endpoint ||
    next.region !== settings.region ||
    next.projectId !== settings.projectId ||
    next.iamEndpoint !== settings.iamEndpoint ||
    projectFromIam(next) !== projectFromIam(settings) ||
    (projectFromIam(next) && next.accessKey !== settings.accessKey);
  if (changedTarget) iamProject = null;
  settings = saveSettings(next);
  renderConnection();
  toast(
    settings.auth !== 'none' && !settings.rememberSecrets ? t('page.saved.tabOnly') : t('page.saved'),
  );
  if (changedTarget && (view.marker || view.snapshot)) {
    if (detail) closeDetails({ restoreFocus: false, updateUrl: false });
    navigate({ ...view, marker: null, back: [], snapshot: null });
  }
  load();
  if (detail) fetchDetails();
}

function renderConnection() {
  const c = describeConnection(settings);
  fill($('[data-testid="connection-where"]'), c.where);
  fill($('[data-testid="connection-project"]'), projectFromIam(settings) && iamProject ? t('page.fromIam', { id: iamProject }) : c.project || t('page.none'));
  fill($('[data-testid="connection-auth"]'), c.auth);
}

// ------------------------------------------------------------------ wiring

/** The filters' status and page-size options in the language in use, the chosen values kept. */
function fillFilterOptions() {
  const status = el.fStatus.value;
  const limit = el.fLimit.value;
  fill(
    el.fStatus,
    h('option', { value: '' }, t('page.f.allStatuses')),
    STATUSES.map((s) => h('option', { value: s }, statusInfo(s).label)),
  );
  fill(el.fLimit, PAGE_SIZES.map((n) => h('option', { value: n }, t('page.f.perPage', { n }))));
  el.fStatus.value = status;
  if (limit) el.fLimit.value = limit;
}

/** The time zone in the footer and the table's Created header (its short name as the language writes it). */
function renderZone() {
  const zone = localZoneName();
  $('#tz-footer').textContent = zone;
  let short;
  try {
    short = new Intl.DateTimeFormat(locale(), { timeZoneName: 'short' })
      .formatToParts(new Date())
      .find((p) => p.type === 'timeZoneName')?.value;
  } catch {
    short = undefined;
  }
  const tz = $('[data-testid="tz-name"]');
  tz.textContent = short ? `(${short})` : '';
  tz.title = t('page.tz.title', { zone });
}

/** The language switch in the top bar: each language by its own name. */
function mountLangSwitch() {
  const sel = $('#lang-switch');
  fill(sel, LOCALES.map((l) => h('option', { value: l, lang: l }, LOCALE_NAMES[l])));
  sel.value = locale();
  sel.addEventListener('change', () => setLocale(sel.value));
}

/** After a change of language: what this file drew (the parts redraw theirs). */
function redrawTexts() {
  applyStatic(document);
  document.title = t('page.title');
  const sel = $('#lang-switch');
  if (sel) sel.value = locale();
  fillFilterOptions();
  renderZone();
  renderConnection();
  renderLiveNote();
}

function init() {
  for (const span of $$('[data-icon]')) span.replaceWith(icon(span.dataset.icon));

  document.title = t('page.title');
  mountLangSwitch();
  fillFilterOptions();
  syncFilterForm();
  renderZone();

  renderConnection();
  el.live.checked = live;

  el.filters.addEventListener('submit', (e) => {
    e.preventDefault();
    applyFilters({});
  });
  el.fStatus.addEventListener('change', () => applyFilters({}));
  el.fLimit.addEventListener('change', () => applyFilters({}));
  el.clearFilters.addEventListener('click', clearFilters);
  el.refresh.addEventListener('click', () => {
    load();
    if (detail) fetchDetails();
  });
  el.live.addEventListener('change', () => {
    live = el.live.checked;
    writeLive(live);
    toast(live ? t('page.live.on') : t('page.live.off'));
    scheduleLive();
    if (detail) details.render(detail);
  });

  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    if (connection.isOpen()) return; // the dialog closes itself
    if (detail) {
      e.preventDefault();
      closeDetails();
    }
  });
  window.addEventListener('popstate', () => {
    view = readState(location.search);
    syncFilterForm();
    if (view.snapshot && (!detail || detail.id !== view.snapshot)) openDetails(view.snapshot);
    else if (!view.snapshot && detail) closeDetails({ restoreFocus: false, updateUrl: false });
    load();
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && liveTimer === null && !loading) scheduleLive();
    else if (document.hidden) {
      clearTimeout(liveTimer);
      liveTimer = null;
    }
  });

  load();
  if (view.snapshot) openDetails(view.snapshot);
}

init();
