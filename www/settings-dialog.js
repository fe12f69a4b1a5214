// The connection dialog (#settings): its form filled from the settings, only
// the fields the chosen service and authentication use, the endpoint and
// region checked before saving. What is saved goes to the app, which
// remembers it (settings.js) and reconnects.
//
// With AK/SK the project ID may be left empty when a region is given: the
// package asks IAM for it. The region field then shows with an endpoint
// too, and an IAM endpoint field says where IAM is (a same-origin proxy in
// a browser: IAM sends no CORS headers).
//
// Served by `evs-snapshots serve` (`deps.served`), it edits nothing: it
// shows the project and where the server calls, says that the server holds
// the credentials, and has no credential field (those fieldsets disabled
// and hidden, `data-unless-served`); its one button closes it.
//
// Its labels and help are static markup (index.html's `data-i18n`, redrawn
// by app.js on a change of language); the checks' messages come from t().

import { $, $$ } from './dom.js';
import { DEFAULTS } from './settings.js';
import { t, onLocaleChange, applyStatic } from './i18n.js';

/**
 * deps: `settings()` → the settings in use, `save(next)` → remembers `next`
 * and reconnects, `served` → the connection `evs-snapshots serve` serves
 * (settings.js's servedConnection()), or null. Returns `open()` and `isOpen()`.
 */
export function mountSettings(deps) {
  const el = {
    button: $('#settings-btn'),
    dialog: $('#settings'),
    form: $('#settings-form'),
  };

  function setRadio(name, value) {
    for (const r of el.form.elements[name]) r.checked = r.value === value;
  }

  function radioValue(name) {
    return [...el.form.elements[name]].find((r) => r.checked)?.value;
  }

  function fromForm() {
    const f = el.form.elements;
    return {
      target: radioValue('target') ?? 'endpoint',
      endpoint: f.endpoint.value.trim(),
      region: f.region.value.trim(),
      projectId: f.projectId.value.trim(),
      iamEndpoint: f.iamEndpoint.value.trim(),
      auth: radioValue('auth') ?? 'none',
      token: f.token.value,
      accessKey: f.accessKey.value.trim(),
      secretKey: f.secretKey.value,
      securityToken: f.securityToken.value,
      rememberSecrets: f.rememberSecrets.checked,
    };
  }

  function fillForm(s) {
    const f = el.form.elements;
    setRadio('target', s.target);
    setRadio('auth', s.auth);
    f.endpoint.value = s.endpoint;
    f.region.value = s.region;
    f.projectId.value = s.projectId;
    f.iamEndpoint.value = s.iamEndpoint;
    f.token.value = s.token;
    f.accessKey.value = s.accessKey;
    f.secretKey.value = s.secretKey;
    f.securityToken.value = s.securityToken;
    f.rememberSecrets.checked = s.rememberSecrets;
    syncVisibility();
  }

  function syncVisibility() {
    const target = radioValue('target');
    const auth = radioValue('auth');
    for (const node of $$('[data-when-target]', el.form)) node.hidden = node.dataset.whenTarget !== target;
    for (const node of $$('[data-when-auth]', el.form)) node.hidden = !node.dataset.whenAuth.split(' ').includes(auth);
    // The region: what is called, or with AK/SK the project IAM is asked for.
    for (const node of $$('[data-when-region]', el.form)) node.hidden = !(target === 'region' || auth === 'aksk');
    const f = el.form.elements;
    f.endpoint.required = target === 'endpoint';
    f.region.required = target === 'region';
    f.projectId.required = auth !== 'aksk';
    f.token.required = auth === 'token';
    f.accessKey.required = auth === 'aksk';
    f.secretKey.required = auth === 'aksk';
  }

  function validate(s) {
    const f = el.form.elements;
    const url = (v) => /^(https?:\/\/[^\s?#]+|\/[^\s?#]*)$/i.test(v);
    const fromIam = s.auth === 'aksk' && !s.projectId;
    f.endpoint.setCustomValidity(
      s.target === 'endpoint' && s.endpoint && !url(s.endpoint) ? t('settings.invalid.url') : '',
    );
    f.region.setCustomValidity(
      (s.target === 'region' || fromIam) && s.region && !/^[a-z0-9-]+$/.test(s.region)
        ? t('settings.invalid.region')
        : '',
    );
    f.projectId.setCustomValidity(
      fromIam && !s.region ? t('settings.invalid.project') : '',
    );
    f.iamEndpoint.setCustomValidity(
      s.auth === 'aksk' && s.iamEndpoint && !url(s.iamEndpoint)
        ? t('settings.invalid.url')
        : '',
    );
    return el.form.reportValidity();
  }

  function open() {
    if (deps.served) {
      if (!el.dialog.open) el.dialog.showModal();
      $('#settings-cancel').focus();
      return;
    }
    fillForm(deps.settings());
    if (!el.dialog.open) el.dialog.showModal();
    el.form.elements.projectId.focus();
  }

  /** A served page: the server's connection shown, the form's fields and its Save and Reset gone, Cancel a Close. */
  function showServed(served) {
    for (const node of $$('[data-unless-served]', el.dialog)) {
      node.hidden = true;
      if (node instanceof HTMLFieldSetElement || node instanceof HTMLButtonElement) node.disabled = true;
    }
    $('#settings-served').hidden = false;
    $('[data-testid="settings-served-project"]').textContent = served.projectId;
    $('[data-testid="settings-served-upstream"]').textContent = served.upstream || '—';
    $('[data-testid="settings-served-region"]').textContent = served.region || '—';
    const close = $('#settings-cancel');
    close.dataset.i18n = 'settings.done';
    $('#settings-close').dataset.i18nAttr = 'aria-label:settings.done title:page.closeEsc';
    applyStatic(el.dialog);
  }

  function save() {
    const next = fromForm();
    if (!validate(next)) return;
    // Closed first: the focus goes back where it was before the app reloads what it shows.
    el.dialog.close('saved');
    deps.save(next);
  }

  // ----------------------------------------------------------------- wiring

  if (deps.served) showServed(deps.served);
  el.button.addEventListener('click', open);
  $('#settings-close').addEventListener('click', () => el.dialog.close('cancel'));
  $('#settings-cancel').addEventListener('click', () => el.dialog.close('cancel'));
  $('#settings-reset').addEventListener('click', () => fillForm({ ...DEFAULTS }));
  el.form.addEventListener('change', (e) => {
    if (e.target.name === 'target' || e.target.name === 'auth') syncVisibility();
  });
  // Any edit clears every custom message (one field's can depend on another: no
  // project ID is fine once a region is given); Save checks them all again.
  el.form.addEventListener('input', () => {
    for (const f of el.form.elements) f.setCustomValidity?.('');
  });
  el.form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!deps.served) save();
  });
  el.dialog.addEventListener('close', () => el.button.focus({ preventScroll: true }));
  // A check's message is in the language it was made in: a change of language drops them (Save checks again).
  onLocaleChange(() => {
    for (const f of el.form.elements) f.setCustomValidity?.('');
  });

  return { open, isOpen: () => el.dialog.open };
}
