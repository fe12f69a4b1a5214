// The `evs-snapshots` command's pure helpers: what it does to text before it
// writes it (sanitising, JSON, terminal widths, tables, CSV), its output
// formats (OUTPUTS) and how it reads the values of its options. No I/O, no
// process state; its one import is the package's rules shared with the
// dashboard (../lib/rules.js: which characters to escape, the CSV formula
// rule), pure as well. The command (evs-snapshots.mjs) passes in what depends
// on its streams (the bold style of a header, whether stdout is a terminal).
// Tested directly by tests/cli/format.test.mjs, and through the command by
// the other tests there.
import { escapeUnsafe, escapeUnsafeInJson, neutralizeFormula } from '../lib/rules.js';

/** A mistake in the command line: the command exits 2, with a pointer to --help. */
class UsageError extends Error {}

// --- text from the service: made harmless for a terminal ---------------------

/**
 * Text for a terminal: each character of the shared rule's UNSAFE_CHARS
 * (lib/rules.js: C0 and C1 controls and DEL, such as line breaks, ESC, BEL,
 * CSI; the bidirectional marks, embeddings, overrides and isolates; the line
 * and paragraph separators) written out, `\xNN` up to U+00FF, else
 * `\uNNNN`. Every table cell and every stderr line goes through it, so
 * service text can neither move the cursor, set the window title, clear the
 * screen nor reorder a line; a table row stays one line.
 */
const visible = escapeUnsafe;
const oneLine = (s) => String(s).replace(/\s+/g, ' ').trim();
/** One stderr line's text: white space runs made one space, then `visible`. */
const safeLine = (s) => visible(oneLine(s));

/**
 * JSON text that a terminal cannot act on, with the same values:
 * JSON.stringify escapes C0 controls but leaves DEL, C1 controls, the
 * bidirectional controls and U+2028/U+2029 raw; they become `\uNNNN`
 * escapes here (lib/rules.js `escapeUnsafeInJson`: they can only stand
 * inside strings, so the text stays valid JSON of the same value).
 */
const json = (v, space) => escapeUnsafeInJson(JSON.stringify(v, null, space));

// --- terminal columns ----------------------------------------------------------

/** East Asian wide and full-width code points (UAX #11 W and F, in ranges), and the emoji blocks: two columns. */
function wideCodePoint(c) {
  return (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf && c !== 0x303f) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x1f300 && c <= 0x1faff) ||
    (c >= 0x20000 && c <= 0x3fffd)
  );
}

/** What is shown as one character (UAX #29 extended grapheme clusters): a base with its combining marks, an emoji ZWJ sequence, a flag. */
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** Nonspacing and enclosing marks and format characters (zero-width joiner, variation selectors are Mn): no column of their own, as wcwidth gives them 0. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]+$/u;

/**
 * Terminal columns of one grapheme cluster, as wcwidth-style tools count
 * them: 0 for marks or format characters standing alone, 2 when a code
 * point in it is wide or it asks for emoji presentation (U+FE0F; UTS #51),
 * else 1. So `e` + U+0301 is one column, `👩‍💻` two.
 */
function clusterWidth(g) {
  if (ZERO_WIDTH.test(g)) return 0;
  for (const ch of g) if (wideCodePoint(ch.codePointAt(0))) return 2;
  return g.includes('\ufe0f') ? 2 : 1;
}

/** Terminal columns of a string, by grapheme cluster (`clusterWidth`): a combining mark adds none, a wide character takes two. */
function width(s) {
  let w = 0;
  for (const { segment } of graphemes.segment(s)) w += clusterWidth(segment);
  return w;
}

/** Cut to `w` columns, marking the cut with "…"; a grapheme cluster is kept whole or left out whole (a mark never loses its base). */
function clip(s, w) {
  if (width(s) <= w) return s;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(s)) {
    const cw = clusterWidth(segment);
    if (used + cw > w - 1) break;
    out += segment;
    used += cw;
  }
  return `${out}…`;
}

const pad = (s, w, right) => (right ? ' '.repeat(w - width(s)) + s : s + ' '.repeat(w - width(s)));

// --- fields and output formats ---------------------------------------------

/** The fields of the package's Snapshot objects, by their API names (what --columns takes). */
const FIELDS = ['id', 'name', 'description', 'status', 'size', 'volumeId', 'createdAt', 'updatedAt', 'metadata', 'projectId', 'progress'];
const LABELS = {
  id: 'ID',
  name: 'NAME',
  description: 'DESCRIPTION',
  status: 'STATUS',
  size: 'SIZE (GB)',
  volumeId: 'VOLUME ID',
  createdAt: 'CREATED',
  updatedAt: 'UPDATED',
  metadata: 'METADATA',
  projectId: 'PROJECT ID',
  progress: 'PROGRESS',
};
const NUMERIC = new Set(['size', 'progress']);
const TABLE_COLUMNS = ['id', 'name', 'status', 'size', 'volumeId', 'createdAt'];
const CSV_COLUMNS = FIELDS.slice(0, 9); // what a list returns: no projectId, no progress
const MAX_CELL = 60;

/** A field as text: empty for null and absent, metadata as JSON. */
function text(v) {
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? json(v) : String(v);
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
const csvField = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csvLine = (cells) => `${cells.map(csvField).join(',')}\r\n`;
/**
 * CSV injection (OWASP): a cell whose first character is = + - @ TAB or CR
 * would be run as a formula by a spreadsheet (=HYPERLINK(…), =cmd|…), so it
 * gets a leading '; then the RFC 4180 quoting. The rule is lib/rules.js's
 * `neutralizeFormula`, which the dashboard's CSV export takes too, so that
 * the two agree. --csv-raw turns it off.
 */
const neutral = neutralizeFormula;

function pick(s, columns) {
  if (!columns) return s;
  const out = {};
  for (const c of columns) if (s[c] !== undefined) out[c] = s[c];
  return out;
}

const plain = (s) => s;

// --- output formats: list's rows, get's and wait's one snapshot ---------------
//
// Each of list's writers writes snapshots one by one; every row is one write
// of whole lines, so output stopped at any point (Ctrl-C) is line-complete.
// `end(nextMarker)` closes a JSON array or flushes a table's buffered rows.

/** NDJSON: one JSON object a line. */
function ndjsonRows(columns, emit) {
  return { row: (s) => emit(`${json(pick(s, columns))}\n`), end() {} };
}

/**
 * A JSON array, a row a line. `envelope`: the array is the `snapshots` of an
 * object whose `nextMarker` is what `end` is given (`null`: none),
 * `{"snapshots":[…],"nextMarker":"…"}`, as a page of listSnapshots is.
 */
function jsonRows(columns, emit, { envelope = false } = {}) {
  let n = 0;
  const open = envelope ? '{"snapshots":[' : '[';
  const close = (next) => (envelope ? `],"nextMarker":${json(next ?? null)}}` : ']');
  return {
    row: (s) => emit(`${n++ === 0 ? `${open}\n` : ',\n'}${json(pick(s, columns))}`),
    end: (next) => emit(n === 0 ? `${open}${close(next)}\n` : `\n${close(next)}\n`),
  };
}

/** CSV (RFC 4180) with the formula rule unless `csvRaw`; `terminal`: stdout is a terminal, where cells are escaped as a table's. */
function csvRows(columns, emit, { csvRaw = false, terminal = false } = {}) {
  const cols = columns ?? CSV_COLUMNS;
  // On a terminal a person reads the cells: escaped as a table's are. To a
  // file or a pipe they are the data, as they are (after the formula rule).
  const cell = (v) => {
    const t = csvRaw ? v : neutral(v);
    return terminal ? visible(t) : t;
  };
  let header = false;
  const head = () => {
    if (!header) emit(csvLine(cols));
    header = true;
  };
  return {
    row: (s) => {
      head();
      emit(csvLine(cols.map((c) => cell(text(s[c])))));
    },
    end: head,
  };
}

/** A table: the widths come from the first rows (up to 100), later rows are clipped to them; `bold` styles the header line. */
function tableRows(columns, emit, { bold = plain } = {}) {
  const cols = columns ?? TABLE_COLUMNS;
  let buffered = [];
  let widths = null;
  const cells = (s) => cols.map((c) => clip(visible(text(s[c])), MAX_CELL));
  const line = (row) => `${row.map((v, i) => pad(clip(v, widths[i]), widths[i], NUMERIC.has(cols[i]))).join('  ').trimEnd()}\n`;
  const flush = () => {
    if (widths) return;
    widths = cols.map((c, i) => Math.max(width(LABELS[c]), ...buffered.map((r) => width(r[i]))));
    const header = line(cols.map((c) => LABELS[c]));
    emit(bold(header.trimEnd()) + '\n' + buffered.map(line).join(''));
    buffered = null;
  };
  return {
    row: (s) => {
      if (widths) return emit(line(cells(s)));
      buffered.push(cells(s));
      if (buffered.length >= 100) flush();
    },
    end: flush,
  };
}

/** `get`: one snapshot as a two-column table of every field it has; `bold` styles the labels. */
function fieldTable(s, { bold = plain } = {}) {
  const names = FIELDS.filter((f) => s[f] !== undefined);
  const w = Math.max(...names.map((f) => LABELS[f].length));
  return names.map((f) => `${bold(LABELS[f].padEnd(w))}  ${visible(text(s[f]))}`.trimEnd() + '\n').join('');
}

/**
 * The command's output formats, by --output's name, in the order its help
 * and messages list them. `rows(columns, emit, options)`: list's writer of
 * rows (`{ row(snapshot), end(nextMarker) }`); `one(snapshot, { bold })`:
 * the text of one snapshot, for get and wait, in the formats that show one;
 * `note`: what the help adds about it. A new format is one entry here:
 * list, get and wait check --output against this map (`outputOf`), name its
 * formats in their messages and help (`outputHelp`) and write with it.
 */
const OUTPUTS = {
  table: { rows: tableRows, one: fieldTable },
  json: { rows: jsonRows, one: (s) => `${json(s, 2)}\n` },
  ndjson: { rows: ndjsonRows },
  csv: { rows: csvRows, note: 'csv is RFC 4180, metadata one JSON column' },
};

/** The names of the formats (what list's --output takes). */
const FORMATS = Object.keys(OUTPUTS);

/**
 * --output's default: `terminal` when stdout is a terminal; otherwise, for
 * list's rows (`rows`) NDJSON, a line a snapshot for a pipe, and for one
 * snapshot (`one`: get, wait) JSON.
 */
const DEFAULT_OUTPUT = { terminal: 'table', rows: 'ndjson', one: 'json' };

/** The formats that serve `use` (`rows`: list; `one`: get and wait), in OUTPUTS' order. */
const outputsFor = (use) => FORMATS.filter((name) => typeof OUTPUTS[name][use] === 'function');

/**
 * The format to write with: --output's `value` for `use` (`rows`: list;
 * `one`: get and wait), else DEFAULT_OUTPUT's (`terminal`: stdout is a
 * terminal). One that does not serve `use` is a UsageError naming those that
 * do: `one of table, json, ndjson, csv`, or `table or json` for two.
 */
function outputOf(use, value, terminal) {
  const format = value ?? (terminal ? DEFAULT_OUTPUT.terminal : DEFAULT_OUTPUT[use]);
  const names = outputsFor(use);
  if (!names.includes(format)) throw new UsageError(`--output must be ${names.length > 2 ? `one of ${names.join(', ')}` : orList(names)}`);
  return format;
}

/** The text of the help's `-o, --output F` option for `use`: the formats, the defaults, the formats' notes; filled after `indent` columns. */
function outputHelp(use, indent) {
  const names = outputsFor(use);
  const notes = names.map((name) => OUTPUTS[name].note).filter(Boolean);
  const defaults = `(default: ${DEFAULT_OUTPUT.terminal} on a terminal, ${DEFAULT_OUTPUT[use]} otherwise)`;
  return fill([`${orList(names)} ${defaults}`, ...notes].join('; '), indent);
}

/**
 * list's writer of rows in `format` (OUTPUTS; any other name: a table).
 * `options`: `terminal`, stdout is a terminal (CSV cells are then escaped
 * as a table's); `csvRaw`, CSV without the formula rule; `bold`, the style
 * of a table's header line; `envelope` (JSON only), the array inside
 * `{"snapshots":[…],"nextMarker":…}`.
 */
function rowWriter(format, columns, emit, options = {}) {
  return (Object.hasOwn(OUTPUTS, format) ? OUTPUTS[format] : OUTPUTS.table).rows(columns, emit, options);
}

// --- option values -------------------------------------------------------------

/** --columns: field names, comma-separated (spaces around them allowed); unknown ones are a UsageError. */
function columnsOf(value) {
  if (value === undefined) return undefined;
  const cols = value.split(',').map((c) => c.trim()).filter(Boolean);
  const bad = cols.filter((c) => !FIELDS.includes(c));
  if (cols.length === 0 || bad.length) throw new UsageError(`--columns: unknown ${bad.join(', ') || '(empty)'}; choose from ${FIELDS.join(',')}`);
  return cols;
}

/** An integer option (--max-items, --page-size, --offset, --max-attempts): the command or the library checks its range. */
function integer(name, v) {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new UsageError(`--${name} must be an integer`);
  return Number(v);
}

/** `sign`'s -H values, 'Name: value' each, as a headers object (name and value trimmed). */
function headersOf(values = []) {
  const headers = {};
  for (const h of values) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError("-H expects 'Name: value' (a header without a name and colon was given)");
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return headers;
}

/** --fail-on's value: statuses, comma-separated (spaces around them allowed); none at all is a UsageError. */
function statusesOf(name, value) {
  if (value === undefined) return undefined;
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new UsageError(`--${name} needs at least one status`);
  return list;
}

/**
 * Whether --debug is on: the flag, else EVS_SNAPSHOTS_DEBUG set to anything
 * but empty, `0`, `false`, `no` or `off`.
 */
const debugOn = (flag, envValue) => Boolean(flag) || (typeof envValue === 'string' && !/^\s*(0|false|no|off)?\s*$/i.test(envValue));

// --- lines on stderr: --debug and wait's progress ----------------------------

/** `ms` as a person reads it: `850 ms`, `12 s`, `3 m 05 s`, `1 h 02 m`. */
function elapsed(ms) {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const two = (n) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)} m ${two(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${two(Math.floor(s / 60) % 60)} m`;
}

/**
 * --debug's line for one attempt (the library's `onAttempt` info): method,
 * URL, status (or the kind of failure when nothing answered), error code,
 * request ID, milliseconds, attempt n of m, the wait before the next, a
 * clock correction. Made one safe line (`safeLine`): the URL, request ID and
 * code may hold service text. The info carries no credential, and no error
 * message is shown (a service can echo a token in one).
 */
function attemptLine(info) {
  const parts = [`${info.operation}: ${info.method} ${info.url}`];
  const e = info.error;
  let outcome = info.status !== undefined ? `status ${info.status}` : 'no answer';
  if (e) outcome += ` (${e.kind} error${e.code !== undefined ? `, code ${e.code}` : ''})`;
  parts.push(outcome);
  if (info.requestId !== undefined) parts.push(`request ID ${info.requestId}`);
  parts.push(`${info.durationMs} ms`, `attempt ${info.attempt} of ${info.maxAttempts}`);
  if (info.retryInMs !== undefined) parts.push(`next in ${info.retryInMs} ms`);
  if (info.clockCorrectedMs !== undefined) {
    parts.push(`clock corrected by ${info.clockCorrectedMs >= 0 ? '+' : ''}${info.clockCorrectedMs} ms`);
  }
  return safeLine(parts.join(', '));
}

/**
 * `wait`'s progress line on a terminal: the snapshot's status and percent
 * (as the last poll gave them; `snapshot` null before the first), the time
 * so far, the status waited for (not once `done`) and the ID, made safe
 * (`safeLine`: the ID and status may be service text) and cut to `columns`
 * so that it never wraps (a wrapped line could not be redrawn in place).
 */
function waitLine(id, snapshot, { target, elapsedMs, columns = 80, done = false }) {
  let now = 'no answer yet';
  if (snapshot) {
    now = snapshot.status === '' ? 'no status' : snapshot.status;
    if (typeof snapshot.progress === 'number') now += ` ${snapshot.progress} %`;
  }
  const waiting = done ? '' : `, waiting for ${target}`;
  // The ID last: on a narrow terminal it is what is cut.
  return clip(safeLine(`${now} after ${elapsed(elapsedMs)}${waiting}: ${id}`), Math.max(10, columns - 1));
}

// --- help --------------------------------------------------------------------

/** `a, b or c`. */
const orList = (words) => (words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`);

/**
 * Text for a help line whose first `indent` columns are taken: words filled
 * into lines of at most `width` columns, the lines after the first indented.
 */
function fill(text, indent, width = 80) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

// --- regions and proxies ---------------------------------------------------

/**
 * The regions the official SDK's endpoint table knows
 * (`huaweicloudsdkcore/auth/endpoint.py`, 3.1.219: src/core/iam.rs
 * IAM_REGIONS, which a test checks this against), sorted: what the hint for
 * a region DNS does not know lists. Any other region is still sent to
 * `evs.{region}.myhuaweicloud.com` (docs/contract.md "Reading snapshots").
 */
const REGIONS = [
  'ae-ad-1', 'af-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'cn-east-2', 'cn-east-3', 'cn-east-4',
  'cn-east-5', 'cn-north-1', 'cn-north-12', 'cn-north-2', 'cn-north-4', 'cn-north-9', 'cn-south-1', 'cn-south-2', 'cn-southwest-2',
  'eu-west-0', 'la-north-2', 'la-south-2', 'me-east-1', 'my-kualalumpur-1', 'na-mexico-1', 'ru-moscow-1', 'sa-brazil-1', 'tr-west-1',
];

/** Node's codes (a fetch failure's `cause.code`) for a host name DNS did not resolve. */
const DNS_FAILURES = ['ENOTFOUND', 'EAI_NONAME', 'EAI_AGAIN', 'EAI_FAIL'];

/** What to say about a region none of REGIONS names. */
const regionHint = (region) =>
  `region ${JSON.stringify(region)} is none of those Huawei Cloud's SDK knows (${REGIONS.join(', ')}); check --region or HUAWEICLOUD_SDK_REGION, or give --endpoint`;

/**
 * A proxy variable's value as a URL: `http://` is put in front when there
 * is no scheme (`proxy.example:3128`, as curl reads it); null unless it is
 * an http: or https: URL with a host.
 */
function proxyUrl(value) {
  const text = String(value).trim();
  let u;
  try {
    u = new URL(/^[a-z][a-z\d+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    return null;
  }
  return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' ? u : null;
}

/**
 * A proxy URL's credentials, in every form a message could carry them: the
 * user and the password as written and percent-decoded, and the Basic
 * token made of them. Runs of fewer than 3 characters are left out: hiding
 * them would hide ordinary text (a user `a`).
 */
function secretsOf(value) {
  const m = /^(?:[a-z][a-z\d+.-]*:\/\/)?([^@/?#]*)@/i.exec(String(value).trim());
  if (!m) return [];
  const [user = '', password = ''] = m[1].split(/:(.*)/s);
  const decode = (t) => {
    try {
      return decodeURIComponent(t);
    } catch {
      return t;
    }
  };
  const forms = [m[1], user, password, decode(user), decode(password), Buffer.from(`${decode(user)}:${decode(password)}`).toString('base64')];
  return [...new Set(forms)].filter((t) => t.length >= 3).sort((a, b) => b.length - a.length);
}

// --- serve ---------------------------------------------------------------------

/** The unspecified addresses, which listen on every address: 0.0.0.0 and IPv6's :: (in any of its spellings). */
const WILDCARD = /^(0+(\.0+){3}|[0:]*::[0:]*|0+(:0+){7})$/;

/**
 * `serve`'s warning for `--host ADDR` (null for 127.0.0.1, the default):
 * another address is reachable by others, who read the account with the
 * printed URL's key. For an address that listens on every address (0.0.0.0,
 * ::), also what a browser on another machine meets: `names` (serve.mjs
 * `hostNames`) are the only Host names the server answers (DNS
 * rebinding), so that browser, which sends the name it used, gets 403
 * unless --host is that name.
 */
function listenWarning(host, names) {
  if (host === '127.0.0.1') return null;
  const risk = "with the printed URL's key reads this account with your credentials";
  if (!WILDCARD.test(host)) return `warning: listening on ${host}, not 127.0.0.1: whoever reaches it there ${risk}`;
  return (
    `warning: listening on every address (${host}), not 127.0.0.1: whoever reaches it ${risk}; a browser on another machine ` +
    `gets 403 all the same, as only a Host of ${orList(names)} is answered (DNS rebinding): to use it from another machine, ` +
    'give --host the address or name that machine will use'
  );
}

// --- shell -------------------------------------------------------------------

/** Quoted for a POSIX shell. */
const shq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/** A `--marker` value to paste: as it is when plain, shell-quoted otherwise (still to pass through `safeLine`). */
const markerArg = (next) => (/^[\w.:@%+=\/-]+$/.test(next) ? next : shq(next));

/** `sign --curl`: a curl command for the signed request; `data` is --data's value as given (text or @file). */
function curlCommand(method, signed, data) {
  const parts = ['curl'];
  if (method !== 'GET' || data !== undefined) parts.push(`-X ${shq(method)}`);
  parts.push(shq(signed.url));
  for (const [k, v] of Object.entries(signed.headers)) parts.push(`-H ${shq(`${k}: ${v}`)}`);
  if (data !== undefined) parts.push(`--data-binary ${shq(data)}`);
  return `${parts.join(' \\\n  ')}\n`;
}

/** `sign`: the request line and the headers to send, one a line. */
const requestText = (method, signed) => `${method} ${signed.url}\n${Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}\n`).join('')}`;

export {
  UsageError,
  visible,
  oneLine,
  safeLine,
  json,
  width,
  clip,
  pad,
  FIELDS,
  LABELS,
  NUMERIC,
  TABLE_COLUMNS,
  CSV_COLUMNS,
  MAX_CELL,
  text,
  csvField,
  csvLine,
  neutral,
  pick,
  rowWriter,
  fieldTable,
  OUTPUTS,
  FORMATS,
  DEFAULT_OUTPUT,
  outputOf,
  outputHelp,
  columnsOf,
  integer,
  statusesOf,
  debugOn,
  elapsed,
  attemptLine,
  waitLine,
  headersOf,
  shq,
  markerArg,
  curlCommand,
  requestText,
  orList,
  fill,
  REGIONS,
  DNS_FAILURES,
  regionHint,
  proxyUrl,
  secretsOf,
  listenWarning,
};
