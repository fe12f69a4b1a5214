// Small pieces the table, the details panel and the banners share: a status
// badge, the backup marker, a timestamp, a fact (<dt>/<dd>) and a copy
// button. No state: what a piece needs (the toast) comes in its arguments.
// Service text goes through dom.js's h(), so it is shown escaped.

import { h, fill, icon } from './dom.js';
import { BACKUP_KEY, statusInfo, describeTime } from './format.js';
import { t } from './i18n.js';

/** A snapshot's status as a badge, with its progress while creating. */
export function badge(snapshot) {
  const { label, tone } = statusInfo(snapshot.status);
  const pct =
    snapshot.status === 'creating' && typeof snapshot.progress === 'number'
      ? ` ${Math.round(snapshot.progress)}%`
      : '';
  return h(
    'span',
    {
      class: `badge badge-${tone}`,
      'data-testid': 'status-badge',
      'data-status': snapshot.status,
      title: tone === 'unknown' ? t('parts.undocumented', { status: snapshot.status }) : t('parts.statusTitle', { status: snapshot.status }),
    },
    h('span', { class: 'badge-dot', 'aria-hidden': 'true' }),
    label,
    pct,
  );
}

/** The marker of a snapshot made by a backup. */
export function backupMarker() {
  return h(
    'span',
    {
      class: 'tag tag-backup',
      title: t('parts.backupTitle', { key: BACKUP_KEY }),
      'data-testid': 'backup-marker',
    },
    icon('backup'),
    t('parts.backup'),
  );
}

/**
 * A timestamp as a <time>: the local time, the UTC instant on hover and in
 * `data-utc`; with `utcLine`, the UTC instant written under it as well (the
 * details panel).
 */
export function timeEl(value, testid, { utcLine = false } = {}) {
  const t = describeTime(value);
  const time = h('time', { datetime: t.iso, title: t.title, 'data-testid': testid, 'data-utc': t.iso }, t.text);
  if (!utcLine) return time;
  return h('span', { class: 'time-detail' }, time, t.iso ? h('span', { class: 'utc' }, t.title) : null);
}

/**
 * A <dt>/<dd> pair of a list of facts (an error's, a snapshot's): the value
 * as text, or a node as it is, then `extra` (a copy button); a value that is
 * missing shows as a muted "—".
 */
export function fact(label, value, testid, extra = null) {
  const missing = value === undefined || value === null || value === '';
  return [
    h('dt', null, label),
    h(
      'dd',
      { 'data-testid': testid, class: missing ? 'muted' : null },
      missing ? '—' : value instanceof Node ? value : String(value),
      extra,
    ),
  ];
}

function legacyCopy(text) {
  const ta = h('textarea', { class: 'sr-only', readonly: true, 'aria-hidden': 'true' });
  ta.value = text;
  document.body.append(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

async function copyText(text, what, button, toast) {
  let ok = false;
  try {
    if (!navigator.clipboard) throw new Error('no clipboard');
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    ok = legacyCopy(text);
  }
  toast(ok ? t('parts.copied', { what, text }) : t('parts.copyFailed', { what }));
  if (ok && button) {
    button.classList.add('copied');
    fill(button, icon('check'));
    setTimeout(() => {
      button.classList.remove('copied');
      fill(button, icon('copy'));
    }, 1500);
  }
}

/** A button copying `text` (a `what`, such as t('what.snapshotId'), in the language in use) and saying so through `toast(text)`. */
export function copyButton(text, what, testid, toast) {
  const btn = h(
    'button',
    {
      type: 'button',
      class: 'icon-btn copy-btn',
      title: t('parts.copyTitle', { what }),
      'aria-label': t('parts.copyLabel', { what, text }),
      'data-testid': testid,
      'data-copy': text,
    },
    icon('copy'),
  );
  btn.addEventListener('click', (e) => {
    e.stopPropagation();
    copyText(text, what, btn, toast);
  });
  return btn;
}
