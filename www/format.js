// Pure formatting helpers for the dashboard: no DOM. Texts and Intl formats
// follow the language in use (i18n.js). The status list is the package's
// (`STATUSES`, from its entry); which characters of service text are shown
// escaped, and how, is the package's rules module (`evs-snapshots/rules`,
// lib/rules.js: the command's tables and JSON follow the same rule), which
// dom.js and details.js use.

import { STATUSES } from 'evs-snapshots';
import { t, locale } from './i18n.js';

/**
 * The seven statuses EVS documents (the package's STATUSES, in the order of
 * docs/evs-api.md "Statuses"), in the order the status filter and the
 * overview list them.
 */
export { STATUSES };

/**
 * A status's label in the language in use (messages/common.js: the
 * console's own terms in Chinese) and its badge tone (`unknown` for anything
 * not documented, shown as the service sent it).
 */
export function statusInfo(status) {
  if (STATUSES.includes(status)) {
    return { label: t(`status.${status}`), tone: status };
  }
  return { label: status ? String(status) : t('status.unknown'), tone: 'unknown' };
}

/** The metadata key EVS sets on snapshots made automatically by a cloud-server backup. */
export const BACKUP_KEY = '__system__enableActive';

export function isBackupSnapshot(snapshot) {
  const md = snapshot && snapshot.metadata;
  return !!md && Object.prototype.hasOwnProperty.call(md, BACKUP_KEY);
}

/** A long ID shortened for a table cell: its first 8 characters and an ellipsis. */
export function shortId(id) {
  const s = String(id ?? '');
  return s.length > 12 ? `${s.slice(0, 8)}…` : s;
}

const PARTS = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
};

const localFormats = new Map();

/**
 * The display rule for a timestamp, in the viewer's time zone (or
 * `timeZone`, when given): in English `YYYY-MM-DD HH:mm:ss` (the tests
 * compute the expected text with the same rule and an explicit zone); in
 * Chinese Intl's zh-CN form of the same fields (`2026/04/12 09:30:00`).
 */
export function formatLocal(date, timeZone) {
  const lang = locale();
  const fmt = timeZone
    ? new Intl.DateTimeFormat(lang === 'en' ? 'en-US' : lang, { ...PARTS, timeZone })
    : localFormats.get(lang) ?? localFormats.set(lang, new Intl.DateTimeFormat(lang === 'en' ? 'en-US' : lang, PARTS)).get(lang);
  if (lang !== 'en') return fmt.format(date);
  const p = Object.fromEntries(fmt.formatToParts(date).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/**
 * A timestamp from the package (ISO 8601 UTC, or an unreadable value passed
 * through unchanged, or null) → what a cell shows and what its hover says.
 */
export function describeTime(value) {
  if (value === null || value === undefined || value === '') {
    return { text: '—', title: t('format.notSet'), iso: null };
  }
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) {
    return { text: String(value), title: t('format.notTimestamp'), iso: null };
  }
  const iso = d.toISOString();
  return { text: formatLocal(d), title: `${iso.replace('T', ' ').replace('Z', ' UTC')}`, iso };
}

/** The viewer's time zone name, for the table caption. */
export function localZoneName() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || t('format.localTime');
  } catch {
    return t('format.localTime');
  }
}

/**
 * A size in GB (EVS sizes are whole GB, at most 32,768) through Intl for the
 * language in use, without grouping as the console writes sizes (`1024 GB`);
 * anything else as it came.
 */
export function formatSize(size) {
  return typeof size === 'number' && Number.isFinite(size) ? `${new Intl.NumberFormat(locale(), { useGrouping: false, maximumFractionDigits: 3 }).format(size)} GB` : String(size ?? '—');
}
