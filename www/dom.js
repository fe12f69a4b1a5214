// A tiny element builder. Every string becomes a text node or an attribute
// value, so text from the service can never become markup: this file (and
// the whole dashboard) never assigns innerHTML.
//
// And no string can reorder or break what is around it: control characters,
// bidirectional marks and controls, and line separators (UNSAFE_CHARS of the
// package's rules, lib/rules.js, the command's too) are shown escaped,
// `\u202e` or `\x0a`, in text (each in a <span class="esc">) and in the
// attributes people read (title, aria-label, ...).

import { UNSAFE_CHARS, hasUnsafe, escapeChar, escapeUnsafe } from 'evs-snapshots/rules';

/** Attributes shown to people (tooltips, screen readers): written through the display rule. */
const READ_ATTRS = new Set(['title', 'aria-label', 'aria-valuetext', 'aria-description', 'alt', 'placeholder']);

/**
 * h('td', { class: 'x', dataset: { id }, title, onclick }, 'text', child, ...)
 * Attributes: `class`, `dataset` (object), `on<event>` (function), `hidden`
 * and other booleans (true → present, false/null/undefined → absent), and any
 * other name → setAttribute(name, String(value)).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) setAttrs(el, attrs);
  append(el, children);
  return el;
}

export function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, READ_ATTRS.has(k) ? escapeUnsafe(v) : String(v));
  }
}

/**
 * `text` as nodes: text nodes, and each hidden character as a
 * `<span class="esc">` holding its escape (plain escaped text inside SVG and
 * form controls, which show no markup).
 */
function textNodes(el, text) {
  if (!hasUnsafe(text)) return [document.createTextNode(text)];
  if (el.namespaceURI !== 'http://www.w3.org/1999/xhtml' || /^(OPTION|TEXTAREA|TITLE)$/.test(el.tagName)) {
    return [document.createTextNode(escapeUnsafe(text))];
  }
  const out = [];
  let at = 0;
  for (const m of text.matchAll(UNSAFE_CHARS)) {
    if (m.index > at) out.push(document.createTextNode(text.slice(at, m.index)));
    const esc = document.createElement('span');
    esc.className = 'esc';
    esc.title = `U+${m[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}, shown escaped`;
    esc.textContent = escapeChar(m[0]);
    out.push(esc);
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push(document.createTextNode(text.slice(at)));
  return out;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    if (c instanceof Node) el.append(c);
    else el.append(...textNodes(el, String(c)));
  }
}

/** Replaces an element's children (strings through the display rule, as in h()). */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Small static line icons (24×24 viewBox paths). */
const ICONS = {
  copy: ['M9 9h10v10H9z', 'M5 15V5h10'],
  check: ['M5 12.5l4.5 4.5L19 7.5'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
  refresh: ['M20 11a8 8 0 1 0-2.3 5.7', 'M20 4v7h-7'],
  settings: [
    'M12 15.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7z',
    'M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z',
  ],
  prev: ['M15 6l-6 6 6 6'],
  next: ['M9 6l6 6-6 6'],
  filter: ['M4 5h16l-6 7.5V19l-4-2v-4.5z'],
  alert: ['M12 3l10 18H2z', 'M12 10v5', 'M12 18v.01'],
  backup: ['M4 7h16v12H4z', 'M4 7l2-3h12l2 3', 'M10 12h4'],
  chart: ['M4 20V11', 'M10 20V5', 'M16 20v-6', 'M2 20h20'],
  download: ['M12 4v11', 'M7 10.5l5 5 5-5', 'M5 20h14'],
};

/** s('rect', { x: 0, class: 'bar' }, child, 'text', ...): an SVG element; every attribute through setAttribute. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v !== undefined && v !== null && v !== false) el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function icon(name, cls = 'icon') {
  const paths = (ICONS[name] ?? []).map((d) => s('path', { d }));
  return s('svg', { viewBox: '0 0 24 24', class: cls, 'aria-hidden': 'true', focusable: 'false' }, paths);
}
