// The dashboard's languages: Chinese (zh-CN) and English (en).
//
// Which one: `?lang=` in the URL, else the one last picked in the top bar
// (localStorage), else the first of `navigator.languages` that is Chinese
// (any `zh` tag) or English, else English. Picking one in the top bar keeps
// it in the URL and in localStorage, and redraws the page in place (a reload
// would lose secrets that are kept in the tab's memory only).
//
// Messages live in www/messages/*.js, one table per part of the page, each
// `{ en: { key: text }, 'zh-CN': { key: text } }`. A text is a string with
// `{name}` placeholders, or a function of the parameters (plurals). Text
// between backticks is code: `tNodes()` and `data-i18n` show it in <code>.
// Dates, numbers and sizes go through Intl with the chosen language
// (format.js).
//
// Static markup names its message with attributes, applied by applyStatic():
//   data-i18n="key"                       the element's text
//   data-i18n-attr="placeholder:key title:key aria-label:key"

import common from './messages/common.js';
import page from './messages/page.js';
import table from './messages/table.js';
import overview from './messages/overview.js';

/** The languages the dashboard speaks, as BCP 47 tags (what `lang=` takes). */
export const LOCALES = ['zh-CN', 'en'];
export const DEFAULT_LOCALE = 'en';
/** Each language's name in itself, for the switch (the same in both languages). */
export const LOCALE_NAMES = { 'zh-CN': '中文', en: 'English' };
export const LOCALE_KEY = 'evs-dashboard:lang';

const TABLES = [common, page, table, overview];

/** Every message, per language: the tables merged. A key defined twice throws (a test runs this). */
export function mergeMessages(tables = TABLES) {
  const out = { en: {}, 'zh-CN': {} };
  for (const t of tables) {
    for (const lang of LOCALES) {
      for (const [k, v] of Object.entries(t[lang] ?? {})) {
        if (Object.prototype.hasOwnProperty.call(out[lang], k)) throw new Error(`message ${k} defined twice (${lang})`);
        out[lang][k] = v;
      }
    }
  }
  return out;
}

export const MESSAGES = mergeMessages();

/** A language tag → one of LOCALES, or null: any Chinese tag is zh-CN, any English one en. */
export function matchLocale(tag) {
  if (typeof tag !== 'string' || tag === '') return null;
  const l = tag.toLowerCase();
  if (l === 'zh' || l.startsWith('zh-')) return 'zh-CN';
  if (l === 'en' || l.startsWith('en-')) return 'en';
  return null;
}

/**
 * The language to show: `search` (the URL's query), `stored` (localStorage's
 * value) and `languages` (navigator.languages), in that order of precedence.
 */
export function pickLocale({ search = '', stored = null, languages = [] } = {}) {
  let fromUrl = null;
  try {
    fromUrl = new URLSearchParams(search).get('lang');
  } catch {
    // not a query
  }
  for (const tag of [fromUrl, stored, ...(Array.isArray(languages) ? languages : [])]) {
    const m = matchLocale(tag);
    if (m) return m;
  }
  return DEFAULT_LOCALE;
}

let current = DEFAULT_LOCALE;
const listeners = new Set();

/** The language in use. */
export function locale() {
  return current;
}

/** Sets the language without storing it or telling anyone (tests, and initLocale). */
export function useLocale(l) {
  current = LOCALES.includes(l) ? l : DEFAULT_LOCALE;
  if (typeof document !== 'undefined') document.documentElement.lang = current;
  return current;
}

function readStored() {
  try {
    return localStorage.getItem(LOCALE_KEY);
  } catch {
    return null;
  }
}

/** In the page: picks the language from the URL, storage and the browser. */
export function initLocale() {
  return useLocale(
    pickLocale({
      search: location.search,
      stored: readStored(),
      languages: typeof navigator !== 'undefined' ? [...(navigator.languages ?? []), navigator.language] : [],
    }),
  );
}

/** The top bar's choice: kept in localStorage and the URL (`?lang=`), then every part redraws itself. */
export function setLocale(l) {
  if (!LOCALES.includes(l)) return;
  try {
    localStorage.setItem(LOCALE_KEY, l);
  } catch {
    // storage disabled: the URL still carries it
  }
  useLocale(l);
  const q = new URLSearchParams(location.search);
  q.set('lang', l);
  history.replaceState(history.state, '', `${location.pathname}?${q}${location.hash}`);
  for (const fn of listeners) fn(l);
}

/** Calls fn(locale) after each change of language; returns a function that stops it. */
export function onLocaleChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * `search` with the URL's `lang` kept: what a part that rewrites the query
 * (view-state's writeState) passes through, so the language survives paging
 * and filters. `search` is '' or starts with '?'.
 */
export function keepLang(search, from = typeof location !== 'undefined' ? location.search : '') {
  let lang = null;
  try {
    lang = new URLSearchParams(from).get('lang');
  } catch {
    return search;
  }
  if (!lang) return search;
  const q = new URLSearchParams(search);
  q.delete('lang');
  q.set('lang', lang);
  return `?${q}`;
}

/**
 * The message `key` in the language in use (English if that language lacks
 * it; a key in neither is shown as itself, so a missing one is visible).
 * `params` fill `{name}` placeholders, or are passed to a function message.
 */
export function t(key, params = {}) {
  const v = MESSAGES[current][key] ?? MESSAGES.en[key];
  if (v === undefined) return key;
  if (typeof v === 'function') return String(v(params));
  return v.replace(/\{(\w+)\}/g, (m, name) => (Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : m));
}

/** The message as nodes: its `code` spans as <code> elements, the rest as text (never markup). */
export function tNodes(key, params) {
  return splitCode(t(key, params));
}

export function splitCode(text) {
  const parts = text.split('`');
  return parts.map((p, i) => {
    if (i % 2 === 0) return document.createTextNode(p);
    const code = document.createElement('code');
    code.textContent = p;
    return code;
  });
}

/** Fills every element under root that names a message (data-i18n, data-i18n-attr). */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.replaceChildren(...tNodes(el.dataset.i18n));
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.trim().split(/\s+/)) {
      const i = pair.indexOf(':');
      if (i > 0) el.setAttribute(pair.slice(0, i), t(pair.slice(i + 1)).replace(/`/g, ''));
    }
  }
}

/** A number for the language in use (grouping as it writes them). */
export function formatNumber(n, options) {
  return new Intl.NumberFormat(current, options).format(n);
}
