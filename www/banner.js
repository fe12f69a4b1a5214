// The banners. The page's (#banner) shows why the list could not be loaded,
// or that credentials are needed; any other target (the overview's) can get
// an error banner too. An error banner has the EvsError's message and facts
// (request ID included, with a copy button), a hint and Retry.

import { EvsError } from 'evs-snapshots';
import { h, fill, $, icon } from './dom.js';
import { fact, copyButton } from './parts.js';

function errorHint(e) {
  if (!e || typeof e !== 'object') return null;
  switch (e.kind) {
    case 'invalid_input':
      return 'The request was not sent: check the connection settings and filters.';
    case 'network':
      return 'The service could not be reached. Check the endpoint; another origin must allow this page (CORS).';
    case 'timeout':
      return 'The service did not answer in time.';
    case 'invalid_response':
      return 'The service answered with something that is not an EVS snapshot response.';
    case 'http':
      if (e.status === 401 || e.status === 403) return 'The service refused the credentials: check them in Connection.';
      if (e.status === 404) return 'Not found: check the project ID and the endpoint.';
      if (e.status === 429) return 'Too many requests: wait a moment, then retry.';
      return e.retryable ? 'This may be temporary: the client already retried it.' : null;
    default:
      return null;
  }
}

/** An EvsError's facts: kind, status, code, error type, request ID (test IDs `${prefix}-…`). */
export function errorFacts(e, prefix, toast) {
  const requestId = e && e.requestId;
  return h(
    'dl',
    { class: 'facts' },
    fact('Kind', e && e.kind, `${prefix}-kind`),
    fact('HTTP status', e && e.status, `${prefix}-status`),
    fact('Code', e && e.code, `${prefix}-code`),
    e && e.errorType ? fact('Error type', e.errorType, `${prefix}-error-type`) : null,
    h('dt', null, 'Request ID'),
    h(
      'dd',
      { class: requestId ? 'with-copy' : 'muted' },
      h('code', { 'data-testid': `${prefix}-request-id` }, requestId || '—'),
      requestId ? copyButton(requestId, 'request ID', `${prefix}-copy-request-id`, toast) : null,
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

  /**
   * Fills `target` with an error banner: the message, the EvsError's facts
   * (request ID included, test IDs `${prefix}-…`), a hint, Retry and `actions`.
   */
  function fillError(target, e, { title, retry, prefix = 'error', retryTestId = 'retry', hint = errorHint(e), actions = [] }) {
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
        h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': retryTestId, onclick: retry }, icon('refresh'), 'Retry'),
        actions,
      ),
    );
    target.hidden = false;
  }

  function showError(e) {
    fillError(banner, e, {
      title: e instanceof EvsError ? 'Could not load snapshots' : 'Something went wrong',
      retry: () => deps.retry(),
      actions:
        e && (e.kind === 'invalid_input' || e.kind === 'network' || e.status === 401 || e.status === 403)
          ? h('button', { type: 'button', class: 'btn', onclick: deps.openSettings }, 'Connection settings')
          : null,
    });
  }

  function showNotice(text) {
    banner.className = 'banner banner-info';
    fill(
      banner,
      h('div', { class: 'banner-icon' }, icon('settings')),
      h(
        'div',
        { class: 'banner-body' },
        h('p', { class: 'banner-title' }, 'Credentials needed'),
        h('p', { class: 'banner-message', 'data-testid': 'notice-message' }, text, ' Secrets are not remembered on this device unless you ask for it.'),
      ),
      h(
        'div',
        { class: 'banner-actions' },
        h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'notice-settings', onclick: deps.openSettings }, 'Connection settings'),
      ),
    );
    banner.hidden = false;
  }

  function hide() {
    banner.hidden = true;
    banner.replaceChildren();
  }

  return { showError, showNotice, hide, fillError };
}
