// The rules the `evs-snapshots` command (bin/format.mjs) and the dashboard
// (dashboard/, www/ in the repository) share, each written once: which
// characters of service text must not reach a screen raw and how each is
// written out, and the CSV formula rule. Each output decides how to show an
// escape (the command: inline in a table cell or a stderr line; the page: a
// marked <span>), not which characters need one.
//
// No library entry imports it (a plain library import or bundle has none of
// it): the build ships it as lib/rules.js, which the command imports as
// ../lib/rules.js and the page through its import map
// (`evs-snapshots/rules` → /pkg/lib/rules.js, beside /pkg/index.js). The
// status list is the library's own (statuses.js, `STATUSES` of the
// entries), which the command and the page take from the entry.
//
// Pure: no import, no I/O, no global state.

/**
 * Characters of service text that would act on a terminal, or reorder or
 * break what is around them on a screen:
 * - C0 controls, DEL and C1 controls (U+0000–U+001F, U+007F–U+009F: line
 *   breaks, ESC, BEL, CSI; a terminal acts on them);
 * - the implicit directional marks U+061C (ALM), U+200E (LRM), U+200F (RLM)
 *   and the explicit embeddings, overrides (U+202A–U+202E) and isolates
 *   (U+2066–U+2069) of Unicode's bidirectional algorithm (UAX #9): they
 *   reorder the text around them ("Trojan Source", CVE-2021-42574);
 * - the line and paragraph separators U+2028, U+2029: a line break to
 *   Unicode, kept raw by JSON.stringify.
 * Global (`g`): for `replace` and `matchAll`; `hasUnsafe` tests a string.
 */
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Whether `text` holds any of UNSAFE_CHARS. */
const hasUnsafe = (text) => new RegExp(UNSAFE_CHARS.source).test(String(text));

const hex = (n, digits) => n.toString(16).padStart(digits, '0');

/** One of UNSAFE_CHARS as text shows it: `\xNN` up to U+00FF (`\x1b`, `\x0a`), else `\uNNNN` (`\u202e`). */
const escapeChar = (c) => {
  const n = c.codePointAt(0);
  return n <= 0xff ? `\\x${hex(n, 2)}` : `\\u${hex(n, 4)}`;
};

/** `text` (made a string) with each of UNSAFE_CHARS written out by `escapeChar`: `abc\u202edef`, `a\x1b[2J`. */
const escapeUnsafe = (text) => String(text).replace(UNSAFE_CHARS, escapeChar);

/**
 * JSON text (JSON.stringify's) with each of UNSAFE_CHARS but C0 written as
 * a JSON `\uNNNN` escape: the same JSON value. JSON.stringify escapes the C0
 * characters inside strings already, and leaves DEL, C1, the directional
 * marks and controls, and U+2028/U+2029 raw; the C0 characters left in its
 * text are its own line breaks (with `space`).
 */
const escapeUnsafeInJson = (json) => json.replace(UNSAFE_CHARS, (c) => (c < ' ' ? c : `\\u${hex(c.codePointAt(0), 4)}`));

/**
 * The first characters that make a spreadsheet run a cell as a formula
 * (OWASP, "CSV Injection"): `=`, `+`, `-`, `@`, TAB and CR.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A CSV cell's text made inert to a spreadsheet (OWASP's advice): a `'`
 * before a value that begins with one of FORMULA_START's characters
 * (`=HYPERLINK(…)`, `=cmd|…`, `-2+3`, `@SUM(…)`), which the spreadsheet then
 * shows as text; any other value as it is. RFC 4180 quoting comes after.
 */
const neutralizeFormula = (text) => (FORMULA_START.test(text) ? `'${text}` : text);

export { UNSAFE_CHARS, hasUnsafe, escapeChar, escapeUnsafe, escapeUnsafeInJson, FORMULA_START, neutralizeFormula };
