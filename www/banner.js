// The banners. The page's (#banner) shows why the list could not be loaded,
// or that credentials are needed; any other target (the overview's) can get
// an error banner too. An error banner has the EvsError's message and facts
// (request ID included, with a copy button), a hint and Retry.

import { EvsError } from 'evs-snapshots';
import { h, fill, $, icon } from './dom.js';
import { fact, copyButton } from './parts.js';
import { t, locale, onLocaleChange } from './i18n.js';

function errorHint(e) {
  if (!e || typeof e !== 'object') return null;
  switch (e.kind) {
    case 'invalid_input':
    case 'network':
    case 'timeout':
    case 'invalid_response':
    case 'load':
      return t(`hint.${e.kind}`);
    case 'http':
      if (e.status === 401 || e.status === 403) return t('hint.auth');
      if (e.status === 404) return t('hint.notFound');
      if (e.status === 429) return t('hint.tooMany');
      return e.retryable ? t('hint.retryable') : null;
    default:
      return null;
  }
}

/**
 * An EvsError's kind as the facts show it: in Chinese its name with the kind
 * itself beside it (`服务返回错误 (http)`); in English the kind as the
 * package gives it.
 */
function kindText(kind) {
  if (!kind || locale() === 'en') return kind;
  const name = t(`kind.${kind}`);
  return name === `kind.${kind}` ? kind : `${name} (${kind})`;
}

/**
 * An EvsError's facts: kind (kindText), status, code, error type, request ID
 * (test IDs `${prefix}-…`); the service's code and request ID as they came.
 */
export function errorFacts(e, prefix, toast) {
  const requestId = e && e.requestId;
  return h(
    'dl',
    { class: 'facts' },
    fact(t('banner.kind'), e && kindText(e.kind), `${prefix}-kind`),
    fact(t('banner.httpStatus'), e && e.status, `${prefix}-status`),
    fact(t('banner.code'), e && e.code, `${prefix}-code`),
    e && e.errorType ? fact(t('banner.errorType'), e.errorType, `${prefix}-error-type`) : null,
    h('dt', null, t('banner.requestId')),
    h(
      'dd',
      { class: requestId ? 'with-copy' : 'muted' },
      h('code', { 'data-testid': `${prefix}-request-id` }, requestId || '—'),
      requestId ? copyButton(requestId, t('what.requestId'), `${prefix}-copy-request-id`, toast) : null,
    ),
  );
}

/**
 * deps: `retry()` (loads the list again), `openSettings()`, `toast(text)`.
 * Returns `showError(e)` and `showNotice(text)` for the page's banner,
 * `hide()`, and `fillError(target, e, options)` for any other.
 */
export function mountBanner(deps) {
  const banner = $('#banner');
  /** What the page's banner shows, to draw it again in a new language: { error } or { notice }. */
  let shown = null;
  onLocaleChange(() => {
    if (shown?.error !== undefined) showError(shown.error);
    else if (shown?.notice !== undefined) showNotice(shown.notice);
  });

  /**
   * Fills `target` with an error banner: the message, the EvsError's facts
   * (request ID included, test IDs `${prefix}-…`), a hint, Retry and `actions`.
   */
  function fillError(target, e, { title, retry, prefix = 'error', retryTestId = 'retry', hint = errorHint(e), actions = [] }) {
    if (target === banner) shown = { error: e };
    const message = e && e.message ? e.message : String(e);
    target.classList.remove('banner-info');
    target.classList.add('banner', 'banner-error');
    fill(
      target,
      h('div', { class: 'banner-icon' }, icon('alert')),
      h(
        'div',
        { class: 'banner-body' },
        h('p', { class: 'banner-title' }, title),
        h('p', { class: 'banner-message', 'data-testid': `${prefix}-message` }, message),
        errorFacts(e, prefix, deps.toast),
        hint ? h('p', { class: 'banner-hint' }, hint) : null,
      ),
      h(
        'div',
        { class: 'banner-actions' },
        h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': retryTestId, onclick: retry }, icon('refresh'), t('banner.retry')),
        actions,
      ),
    );
    target.hidden = false;
  }

  function showError(e) {
    fillError(banner, e, {
      title: e instanceof EvsError ? t('banner.loadFailed') : t('banner.wentWrong'),
      retry: () => deps.retry(),
      actions:
        e && (e.kind === 'invalid_input' || e.kind === 'network' || e.status === 401 || e.status === 403)
          ? h('button', { type: 'button', class: 'btn', onclick: deps.openSettings }, t('banner.settings'))
          : null,
    });
  }

  function showNotice(text) {
    shown = { notice: text };
    banner.className = 'banner banner-info';
    fill(
      banner,
      h('div', { class: 'banner-icon' }, icon('settings')),
      h(
        'div',
        { class: 'banner-body' },
        h('p', { class: 'banner-title' }, t('banner.credentials')),
        h('p', { class: 'banner-message', 'data-testid': 'notice-message' }, typeof text === 'function' ? text() : text, t('banner.notRemembered')),
      ),
      h(
        'div',
        { class: 'banner-actions' },
        h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'notice-settings', onclick: deps.openSettings }, t('banner.settings')),
      ),
    );
    banner.hidden = false;
  }

  function hide() {
    shown = null;
    banner.hidden = true;
    banner.replaceChildren();
  }

  return { showError, showNotice, hide, fillError };
}
