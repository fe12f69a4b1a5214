// The command's pure helpers (pkg/bin/format.mjs, as the package ships it),
// called directly: the other tests in this folder see them only through the
// command's output. Needs `make build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { STATUSES } from 'evs-snapshots';
import { PKG_DIR, run } from '../helpers/child.mjs';

const f = await import(pathToFileURL(join(PKG_DIR, 'bin', 'format.mjs')).href);
// The duration grammar the command's options and configFromEnv share (lib/env.cjs, from pkg-template/src/env.js).
const { durationMs } = createRequire(import.meta.url)(join(PKG_DIR, 'lib', 'env.cjs'));
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every character a terminal could act on: C0, DEL, C1, and the bidirectional controls. */
const DANGEROUS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

test('visible: C0, DEL and C1 controls as \\xNN, bidirectional controls as \\uNNNN; everything else as it is', () => {
  assert.equal(f.visible('a\nb\r\tc'), 'a\\x0ab\\x0d\\x09c');
  assert.equal(f.visible('\u001b]0;title\u0007'), '\\x1b]0;title\\x07');
  assert.equal(f.visible('\u001b[2J'), '\\x1b[2J');
  assert.equal(f.visible('del\u007f c1\u0085\u009b'), 'del\\x7f c1\\x85\\x9b');
  assert.equal(f.visible('abc\u202edef\u2066x\u2069\u202a'), 'abc\\u202edef\\u2066x\\u2069\\u202a');
  // Ordinary text, wide characters, emoji, the zero-width joiner and U+2067..8 edges stay.
  for (const s of ['快照, "备份"', 'release 2.4 — pre', '👩‍💻 ok', '\u200d', 'a\\x41']) assert.equal(f.visible(s), s);
  assert.equal(f.visible(42), '42');
  assert.equal(f.visible(null), 'null');
  // What it returns holds nothing a terminal acts on, whatever it was given.
  let all = '';
  for (let c = 0; c < 0x3000; c++) all += String.fromCharCode(c);
  assert.doesNotMatch(f.visible(all), DANGEROUS);
});

test('safeLine: white space runs become one space and the ends are trimmed, then visible', () => {
  assert.equal(f.oneLine('  a \n\t b\r\n'), 'a b');
  assert.equal(f.safeLine('  Snapshot\nnot\r\nfound \u001b[31m!'), 'Snapshot not found \\x1b[31m!');
  // A line break cannot start a second stderr line; a bidi override cannot reorder this one.
  assert.equal(f.safeLine('x\u2028y\u202ez'), 'x y\\u202ez');
  // U+0085 is no white space to a JavaScript pattern: it stays, escaped.
  assert.equal(f.safeLine(' \u0085 '), '\\x85');
});

test('json: the same values as JSON.stringify, with DEL, C1 and bidirectional controls escaped too', () => {
  const v = { name: 'a\u001b[2J\u007f\u009b\u202e\u2066b', n: 1, nested: ['\u0085', null], 备注: '快照' };
  const text = f.json(v);
  assert.doesNotMatch(text, DANGEROUS);
  assert.deepEqual(JSON.parse(text), v);
  assert.equal(f.json({ a: '\u202e' }), '{"a":"\\u202e"}');
  assert.equal(f.json({ a: '\u007f' }), '{"a":"\\u007f"}');
  assert.equal(f.json({ a: 1 }, 2), '{\n  "a": 1\n}');
  assert.equal(f.json([]), '[]');
});

// Issue 29: one rule with the dashboard's (the stricter copy): the directional
// marks U+061C, U+200E, U+200F and the separators U+2028, U+2029 too.
test('visible and json: directional marks and line and paragraph separators as \\uNNNN', () => {
  assert.equal(f.visible('a\u200eb\u200fc\u061cd\u2028e\u2029f'), 'a\\u200eb\\u200fc\\u061cd\\u2028e\\u2029f');
  assert.equal(f.json({ a: '\u200e\u200f\u061c\u2028\u2029' }), '{"a":"\\u200e\\u200f\\u061c\\u2028\\u2029"}');
  assert.deepEqual(JSON.parse(f.json({ a: '\u200e\u2028' }, 2)), { a: '\u200e\u2028' });
  // The zero-width joiner and non-joiner and the word joiner are no such marks: they stay.
  for (const s of ['\u200d', '\u200c', '\u2060']) assert.equal(f.visible(s), s);
});

test('width, clip, pad: East Asian wide and full-width characters take two columns', () => {
  assert.equal(f.width('abc'), 3);
  assert.equal(f.width('快照'), 4);
  assert.equal(f.width('한국'), 4);
  assert.equal(f.width('ＡＢ'), 4);
  assert.equal(f.width('🙂'), 2);
  assert.equal(f.width(''), 0);
  assert.equal(f.clip('abcdef', 6), 'abcdef');
  assert.equal(f.clip('abcdefg', 6), 'abcde…');
  assert.equal(f.clip('快照备份', 5), '快照…');
  assert.equal(f.clip('快照备份', 6), '快照…'); // a wide character does not fit in the one column left
  for (let w = 1; w <= 12; w++) assert.ok(f.width(f.clip('快a照b备c份d', w)) <= w, `clip to ${w}`);
  assert.equal(f.pad('快', 4), '快  ');
  assert.equal(f.pad('12', 5, true), '   12');
});

test('width, clip, pad count grapheme clusters: a combining mark takes no column, as wcwidth gives it none', () => {
  // Expected columns counted by hand: what a terminal shows, one column per letter.
  const cafe = 'cafe\u0301'; // c a f é: 4 columns, 5 code units
  const zoe = 'Zoe\u0308 und Mu\u0308ller'; // Z o ë _ u n d _ M ü l l e r: 14 columns, 16 code units
  assert.equal(f.width(cafe), 4);
  assert.equal(f.width(zoe), 14);
  // The same as the composed (NFC) forms, one code unit per letter.
  assert.equal(f.width(cafe.normalize('NFC')), cafe.normalize('NFC').length);
  assert.equal(f.width(zoe.normalize('NFC')), 14);
  assert.equal(f.width('e\u0301\u0323'), 1); // two marks on one base
  assert.equal(f.width('\u0301'), 0); // a mark with no base
  assert.equal(f.width('快\u0301'), 2);
  // Hangul in NFD (as macOS file names are): 한 is U+1112 U+1161 U+11AB, one syllable of two columns.
  assert.equal('한국'.normalize('NFD').length, 6);
  assert.equal(f.width('한국'.normalize('NFD')), 4);
  // An emoji ZWJ sequence is one wide character (👩 + ZWJ + 💻); an emoji presentation selector makes a symbol wide.
  assert.equal(f.width('👩\u200d💻'), 2);
  assert.equal(f.width('\u2764\ufe0f'), 2);
  // clip keeps a mark with its base, and counts it as nothing.
  assert.equal(f.clip(cafe, 4), cafe);
  assert.equal(f.clip(`${cafe} au lait`, 5), `${cafe}…`);
  assert.equal(f.clip(zoe, 4), 'Zoe\u0308…');
  assert.equal(f.clip(zoe, 3), 'Zo…');
  assert.equal(f.clip(zoe, 14), zoe);
  assert.equal(f.pad(cafe, 6), `${cafe}  `);
  assert.equal(f.pad(zoe, 15, true), ` ${zoe}`);
  // A table with names in NFD: the next column starts at the same terminal column on every line.
  const rows = [cafe, zoe, 'plain'].map((name) => ({ name, status: 'available' }));
  assert.equal(
    written('table', rows, { columns: ['name', 'status'] }),
    `NAME${' '.repeat(12)}STATUS\n${cafe}${' '.repeat(12)}available\n${zoe}  available\nplain${' '.repeat(11)}available\n`,
  );
});

test('fields: --columns takes the API names of the Snapshot objects; CSV has what a list returns', () => {
  assert.deepEqual(f.FIELDS, ['id', 'name', 'description', 'status', 'size', 'volumeId', 'createdAt', 'updatedAt', 'metadata', 'projectId', 'progress']);
  assert.deepEqual(f.CSV_COLUMNS, ['id', 'name', 'description', 'status', 'size', 'volumeId', 'createdAt', 'updatedAt', 'metadata']);
  assert.deepEqual(f.TABLE_COLUMNS, ['id', 'name', 'status', 'size', 'volumeId', 'createdAt']);
  for (const c of f.FIELDS) assert.equal(typeof f.LABELS[c], 'string', c);
  assert.equal(f.text(null), '');
  assert.equal(f.text(undefined), '');
  assert.equal(f.text(0), '0');
  assert.equal(f.text({ k: '\u202e' }), '{"k":"\\u202e"}');
});

test('CSV: RFC 4180 quoting, CRLF records, and the formula rule', () => {
  assert.equal(f.csvField('plain'), 'plain');
  assert.equal(f.csvField('a,b'), '"a,b"');
  assert.equal(f.csvField('say "hi"'), '"say ""hi"""');
  assert.equal(f.csvField('one\ntwo'), '"one\ntwo"');
  assert.equal(f.csvField('cr\rend'), '"cr\rend"');
  assert.equal(f.csvField(''), '');
  assert.equal(f.csvLine(['a', 'b,c', '']), 'a,"b,c",\r\n');
  for (const c of ['=', '+', '-', '@', '\t', '\r']) assert.equal(f.neutral(`${c}1+2`), `'${c}1+2`, JSON.stringify(c));
  for (const s of ['1+2', "'=1", ' =1', 'a=b', '', '{"a":"=1"}']) assert.equal(f.neutral(s), s);
});

/** A rowWriter's output for these snapshots. */
function written(format, snapshots, { columns, next, ...opts } = {}) {
  let out = '';
  const w = f.rowWriter(format, columns, (s) => (out += s), opts);
  for (const s of snapshots) w.row(s);
  w.end(next);
  return out;
}

const S1 = { id: 'snap-1', name: '=HYPERLINK("x")', description: null, status: 'available', size: 10, volumeId: '-v1', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: null, metadata: { k: 'v' } };
const S2 = { id: 'snap-2', name: '快照\u001b[2J', description: 'a,b', status: 'error', size: 200, volumeId: 'v2', createdAt: '2026-01-02T00:00:00.000Z', updatedAt: '2026-01-03T00:00:00.000Z', metadata: {} };

test('rowWriter: NDJSON and JSON, whole and with --columns', () => {
  assert.equal(written('ndjson', []), '');
  assert.deepEqual(written('ndjson', [S1, S2]).split('\n').filter(Boolean).map((l) => JSON.parse(l)), [S1, S2]);
  assert.equal(written('json', []), '[]\n');
  assert.deepEqual(JSON.parse(written('json', [S1, S2])), [S1, S2]);
  assert.ok(written('json', [S1, S2]).startsWith('[\n{'));
  assert.deepEqual(JSON.parse(written('json', [S1, S2], { columns: ['status', 'id', 'progress'] })), [
    { status: 'available', id: 'snap-1' },
    { status: 'error', id: 'snap-2' },
  ]);
  // Line breaks between the rows aside, the text holds nothing a terminal acts on.
  assert.doesNotMatch(written('json', [S2]).replace(/\n/g, ''), DANGEROUS);
  assert.doesNotMatch(written('ndjson', [S2]).replace(/\n/g, ''), DANGEROUS);
});

test('rowWriter: JSON in an envelope (list --max-items): the rows as `snapshots`, the marker to go on from as `nextMarker`', () => {
  assert.deepEqual(JSON.parse(written('json', [S1, S2], { envelope: true, next: 'snap-2' })), { snapshots: [S1, S2], nextMarker: 'snap-2' });
  assert.deepEqual(JSON.parse(written('json', [S1], { envelope: true })), { snapshots: [S1], nextMarker: null });
  assert.equal(written('json', [], { envelope: true }), '{"snapshots":[],"nextMarker":null}\n');
  assert.ok(written('json', [S1, S2], { envelope: true, next: 'snap-2' }).startsWith('{"snapshots":[\n{'), 'a row a line, as in the array');
  // The marker is the service's text: escaped the JSON way, the same value.
  const odd = 'm\u001b]0;x\u0007\u202e';
  const text = written('json', [S1], { envelope: true, next: odd });
  assert.doesNotMatch(text.replace(/\n/g, ''), DANGEROUS);
  assert.equal(JSON.parse(text).nextMarker, odd);
  // Without the envelope a next marker changes nothing.
  assert.deepEqual(JSON.parse(written('json', [S1], { next: 'snap-1' })), [S1]);
});

test('rowWriter: CSV header, formula rule, --csv-raw, and escaping on a terminal only', () => {
  const header = 'id,name,description,status,size,volumeId,createdAt,updatedAt,metadata\r\n';
  assert.equal(written('csv', []), header);
  const lines = written('csv', [S1, S2]).split('\r\n');
  assert.equal(`${lines[0]}\r\n`, header);
  assert.equal(lines[1], `snap-1,"'=HYPERLINK(""x"")",,available,10,'-v1,2026-01-01T00:00:00.000Z,,"{""k"":""v""}"`);
  assert.equal(lines[2], `snap-2,快照\u001b[2J,"a,b",error,200,v2,2026-01-02T00:00:00.000Z,2026-01-03T00:00:00.000Z,{}`);
  const raw = written('csv', [S1], { csvRaw: true }).split('\r\n')[1];
  assert.equal(raw, `snap-1,"=HYPERLINK(""x"")",,available,10,-v1,2026-01-01T00:00:00.000Z,,"{""k"":""v""}"`);
  const onTerminal = written('csv', [S2], { terminal: true }).split('\r\n')[1];
  assert.equal(onTerminal.split(',')[1], '快照\\x1b[2J');
  assert.equal(written('csv', [S1], { columns: ['volumeId', 'id'] }), "volumeId,id\r\n'-v1,snap-1\r\n");
});

test('rowWriter: a table takes its widths from the first 100 rows, right-aligns numbers, escapes and clips cells', () => {
  const bolded = [];
  const bold = (s) => (bolded.push(s), `<b>${s}</b>`);
  const out = written('table', [S1, S2], { bold }).split('\n');
  assert.equal(bolded.length, 1);
  assert.equal(out[0], `<b>${bolded[0]}</b>`);
  assert.match(bolded[0], /^ID {6}NAME {13}STATUS {5}SIZE \(GB\)  VOLUME ID  CREATED$/);
  const sizeEnd = bolded[0].indexOf('SIZE (GB)') + 'SIZE (GB)'.length;
  // Sizes end where their label ends.
  assert.match(out[1].slice(0, sizeEnd), / {7}10$/);
  assert.match(out[2], /  error {12}200  v2 /); // (string indices are no columns here: 快照 is two wide each)
  assert.ok(out[2].includes('快照\\x1b[2J'));
  assert.equal(out.length, 4); // header, two rows, and the final newline
  assert.equal(out[3], '');
  // An empty list: the header alone.
  assert.equal(written('table', []), 'ID  NAME  STATUS  SIZE (GB)  VOLUME ID  CREATED\n');
  // A cell longer than 60 columns is cut; rows after the 100th are cut to the widths the first ones gave.
  const rows = Array.from({ length: 101 }, (_, i) => ({ id: `id-${i}`, name: 'n'.repeat(i === 0 ? 70 : 3), status: 'available', size: 1 }));
  rows.push({ id: 'id-late', name: 'late and much longer than the rest', status: 'available', size: 1 });
  const lines = written('table', rows, { columns: ['name', 'id'] }).trimEnd().split('\n');
  assert.equal(lines[1].indexOf('id-0'), 62);
  assert.equal(lines[1].slice(0, 60), `${'n'.repeat(59)}…`);
  assert.equal(lines.length, 103);
  assert.equal(lines[102], `${'late and much longer than the rest'.padEnd(60)}  id-l…`);
  // The header counts: a column is at least as wide as its label.
  const narrow = [...rows.slice(1, 101), { id: 'id-late', name: 'longer than three', size: 1 }];
  assert.equal(written('table', narrow, { columns: ['name', 'id'] }).trimEnd().split('\n')[101], 'lon…  id-la…');
});

test('fieldTable: the fields a snapshot has, labels padded to the longest and passed to bold', () => {
  const t = f.fieldTable({ id: 'x', status: 'creating', progress: 16, metadata: { a: '\u202e' }, name: '\u001b]0;t\u0007' });
  assert.equal(t, 'ID        x\nNAME      \\x1b]0;t\\x07\nSTATUS    creating\nMETADATA  {"a":"\\u202e"}\nPROGRESS  16\n');
  assert.equal(f.fieldTable({ id: 'x', description: '' }, { bold: (s) => `*${s}*` }), '*ID         *  x\n*DESCRIPTION*\n');
});

// Issue 29: one map of formats serves list, get and wait.
test('OUTPUTS: the formats of list (rows) and of get and wait (one snapshot); outputOf picks the default and names the choices', () => {
  assert.deepEqual(Object.keys(f.OUTPUTS), ['table', 'json', 'ndjson', 'csv']);
  assert.deepEqual(f.FORMATS, Object.keys(f.OUTPUTS));
  // The defaults: a table on a terminal; NDJSON (list) or JSON (get, wait) otherwise.
  assert.equal(f.outputOf('rows', undefined, true), 'table');
  assert.equal(f.outputOf('rows', undefined, false), 'ndjson');
  assert.equal(f.outputOf('one', undefined, true), 'table');
  assert.equal(f.outputOf('one', undefined, false), 'json');
  for (const v of ['table', 'json', 'ndjson', 'csv']) assert.equal(f.outputOf('rows', v, true), v);
  for (const v of ['table', 'json']) assert.equal(f.outputOf('one', v, false), v);
  const usage = (fn, message) => assert.throws(fn, (e) => e instanceof f.UsageError && e.message === message);
  for (const v of ['xml', '', 'TABLE', 'constructor', '__proto__', 'toString']) {
    usage(() => f.outputOf('rows', v, false), '--output must be one of table, json, ndjson, csv');
  }
  for (const v of ['csv', 'ndjson', 'xml', 'constructor']) usage(() => f.outputOf('one', v, true), '--output must be table or json');
  // One snapshot: JSON indented by 2 with a newline, or the field table.
  const s = { id: 'x', name: 'n\u202e', status: 'available' };
  assert.equal(f.OUTPUTS.json.one(s), '{\n  "id": "x",\n  "name": "n\\u202e",\n  "status": "available"\n}\n');
  assert.equal(f.OUTPUTS.table.one(s), 'ID      x\nNAME    n\\u202e\nSTATUS  available\n');
  // The help lines come from the map, filled after the option names.
  assert.equal(f.outputHelp('one', 23), `table or json (default: table on a terminal, json\n${' '.repeat(23)}otherwise)`);
  assert.equal(
    f.outputHelp('rows', 23),
    `table, json, ndjson or csv (default: table on a terminal,\n${' '.repeat(23)}ndjson otherwise); csv is RFC 4180, metadata one JSON\n${' '.repeat(23)}column`,
  );
});

test('option values: --columns, integers and -H headers; mistakes are UsageErrors', () => {
  assert.equal(f.columnsOf(undefined), undefined);
  assert.deepEqual(f.columnsOf('id, status,,volumeId '), ['id', 'status', 'volumeId']);
  const usage = (fn, re) => assert.throws(fn, (e) => e instanceof f.UsageError && re.test(e.message));
  usage(() => f.columnsOf('id,size_gb,volume_id'), /^--columns: unknown size_gb, volume_id; choose from id,name,/);
  usage(() => f.columnsOf(' , '), /^--columns: unknown \(empty\)/);
  assert.equal(f.integer('limit', undefined), undefined);
  assert.equal(f.integer('limit', '25'), 25);
  assert.equal(f.integer('offset', '-3'), -3);
  for (const v of ['', '1.5', '1e3', ' 2', 'ten', '0x10']) usage(() => f.integer('limit', v), /^--limit must be an integer$/);
  assert.deepEqual(f.headersOf(undefined), {});
  assert.deepEqual(f.headersOf(['Content-Type: application/json', 'X-A:b:c', ' X-Empty :  ']), { 'Content-Type': 'application/json', 'X-A': 'b:c', 'X-Empty': '' });
  for (const h of [': v', 'no colon', '']) usage(() => f.headersOf([h]), /^-H expects 'Name: value'/);
  assert.deepEqual(f.FORMATS, ['table', 'json', 'ndjson', 'csv']);
});

test('durations (the options and EVS_SNAPSHOTS_ATTEMPT_TIMEOUT): 30s, 3m30s, 1h, 500ms; a bare number is seconds; anything else NaN', () => {
  const cases = {
    '500ms': 500,
    '5s': 5000,
    '10m': 600_000,
    '1h': 3_600_000,
    '3m30s': 210_000,
    '1h2m3s4ms': 3_723_004,
    '30': 30_000,
    '1': 1000,
    '0.4': 400,
    '2.5': 2500,
    '1.5s': 1500,
    '0.5m': 30_000,
    '2.4ms': 2,
    '90s': 90_000,
    '007s': 7000,
    '0.001': 1,
  };
  for (const [v, ms] of Object.entries(cases)) assert.equal(durationMs(v), ms, v);
  for (const v of ['', '0', '0s', '0.0001', '-5s', '5 s', ' 5s', '5s ', '5S', '5sec', '1d', 's', 'm5', '1e3', '0x10', '1.s', '.5s', 'Infinity', 'NaN', '99999999999999999999', '1h-1m', '5s,']) {
    assert.ok(Number.isNaN(durationMs(v)), JSON.stringify(v));
  }
});

test('the regions of the hint are those of src/core/iam.rs (the official SDK\'s table), sorted', () => {
  const rust = readFileSync(join(ROOT, 'src', 'core', 'iam.rs'), 'utf8');
  const table = /pub const IAM_REGIONS: \[&str; (\d+)\] = \[([^\]]*)\]/.exec(rust);
  assert.ok(table, 'IAM_REGIONS in iam.rs');
  const regions = [...table[2].matchAll(/"([a-z0-9-]+)"/g)].map((m) => m[1]);
  assert.equal(regions.length, Number(table[1]));
  assert.deepEqual(f.REGIONS, [...regions].sort());
  assert.match(f.regionHint('xx-nowhere-9'), /^region "xx-nowhere-9" is none of those Huawei Cloud's SDK knows \(ae-ad-1, af-south-1, ap-southeast-1, .*tr-west-1\); check --region or HUAWEICLOUD_SDK_REGION, or give --endpoint$/);
});

test('proxy URLs: http: put in front of a bare host:port, only http: and https:, and the credentials to hide in every form', () => {
  assert.equal(f.proxyUrl('http://proxy.example:3128').href, 'http://proxy.example:3128/');
  assert.equal(f.proxyUrl('proxy.example:3128').href, 'http://proxy.example:3128/', 'as curl reads it');
  assert.equal(f.proxyUrl(' https://u:p@proxy.example ').host, 'proxy.example');
  for (const bad of ['socks5://proxy.example:1080', 'http://', 'http://a b:1', 'ftp://proxy.example', 'http://proxy.example:99999']) assert.equal(f.proxyUrl(bad), null, bad);
  const basic = Buffer.from('jo hn:pa:ss word').toString('base64');
  assert.deepEqual(new Set(f.secretsOf('http://jo%20hn:pa:ss%20word@proxy.example:3128')), new Set(['jo%20hn:pa:ss%20word', 'jo%20hn', 'pa:ss%20word', 'jo hn', 'pa:ss word', basic]));
  assert.deepEqual(f.secretsOf('proxyuser:secret@proxy.example'), ['proxyuser:secret', 'cHJveHl1c2VyOnNlY3JldA==', 'proxyuser', 'secret'].sort((a, b) => b.length - a.length));
  assert.deepEqual(f.secretsOf('http://proxy.example:3128'), []);
  assert.deepEqual(f.secretsOf('http://a:b@proxy.example'), ['YTpi', 'a:b'], 'runs shorter than 3 are not hidden (they would hide ordinary text)');
  assert.deepEqual(f.DNS_FAILURES, ['ENOTFOUND', 'EAI_NONAME', 'EAI_AGAIN', 'EAI_FAIL']);
});

test('statusesOf (--fail-on): comma-separated statuses, spaces around them trimmed; none is a UsageError', () => {
  assert.equal(f.statusesOf('fail-on', undefined), undefined);
  assert.deepEqual(f.statusesOf('fail-on', 'error'), ['error']);
  assert.deepEqual(f.statusesOf('fail-on', 'error, error_deleting,,'), ['error', 'error_deleting']);
  for (const v of ['', ' , ', ',']) assert.throws(() => f.statusesOf('fail-on', v), (e) => e instanceof f.UsageError && e.message === '--fail-on needs at least one status');
});

test('debugOn: the flag, or EVS_SNAPSHOTS_DEBUG set to anything but empty, 0, false, no or off', () => {
  assert.equal(f.debugOn(true, undefined), true);
  assert.equal(f.debugOn(undefined, undefined), false);
  for (const v of ['1', 'true', 'yes', 'on', 'all']) assert.equal(f.debugOn(undefined, v), true, v);
  for (const v of ['', ' ', '0', 'false', 'FALSE', 'no', 'off']) assert.equal(f.debugOn(undefined, v), false, JSON.stringify(v));
  assert.equal(f.debugOn(true, '0'), true, 'the flag wins');
});

test('elapsed: ms below a second, then s, m and h', () => {
  assert.equal(f.elapsed(0), '0 ms');
  assert.equal(f.elapsed(-3), '0 ms');
  assert.equal(f.elapsed(999.6), '1000 ms');
  assert.equal(f.elapsed(1000), '1 s');
  assert.equal(f.elapsed(59_999), '59 s');
  assert.equal(f.elapsed(60_000), '1 m 00 s');
  assert.equal(f.elapsed(185_000), '3 m 05 s');
  assert.equal(f.elapsed(3_600_000), '1 h 00 m');
  assert.equal(f.elapsed(3_725_000), '1 h 02 m');
  assert.equal(f.elapsed(100 * 3_600_000), '100 h 00 m');
});

test('attemptLine (--debug): method, URL, status, request ID, ms, attempt n of m, the wait before the next, a clock correction', () => {
  const base = { operation: 'getSnapshot', method: 'GET', url: 'https://evs.example/v2/p/cloudsnapshots/s1', attempt: 1, maxAttempts: 3, durationMs: 12 };
  assert.equal(f.attemptLine({ ...base, status: 200, requestId: 'r-1' }), 'getSnapshot: GET https://evs.example/v2/p/cloudsnapshots/s1, status 200, request ID r-1, 12 ms, attempt 1 of 3');
  const busy = { kind: 'http', code: 'EVS.5003', message: 'busy, token MIIsecret' };
  assert.equal(
    f.attemptLine({ ...base, status: 503, requestId: 'r-2', error: busy, retryInMs: 87 }),
    'getSnapshot: GET https://evs.example/v2/p/cloudsnapshots/s1, status 503 (http error, code EVS.5003), request ID r-2, 12 ms, attempt 1 of 3, next in 87 ms',
  );
  // The error's message is never shown: a service may echo a credential in it.
  assert.ok(!f.attemptLine({ ...base, status: 503, error: busy }).includes('MIIsecret'));
  assert.equal(
    f.attemptLine({ ...base, operation: 'listSnapshots', attempt: 2, durationMs: 3001, error: { kind: 'network', message: 'refused' }, retryInMs: 190 }),
    'listSnapshots: GET https://evs.example/v2/p/cloudsnapshots/s1, no answer (network error), 3001 ms, attempt 2 of 3, next in 190 ms',
  );
  assert.equal(
    f.attemptLine({ ...base, operation: 'projectId', url: 'https://iam.example/v3/projects?name=r', status: 401, error: { kind: 'http', code: 'APIGW.0301' }, clockCorrectedMs: 1_200_000 }),
    'projectId: GET https://iam.example/v3/projects?name=r, status 401 (http error, code APIGW.0301), 12 ms, attempt 1 of 3, clock corrected by +1200000 ms',
  );
  assert.match(f.attemptLine({ ...base, status: 401, clockCorrectedMs: -5000 }), /, clock corrected by -5000 ms$/);
  assert.match(f.attemptLine({ ...base, status: 200, retryInMs: 0 }), /, next in 0 ms$/);
  // Service text (a request ID, a code) cannot act on the terminal, nor break the line.
  const hostile = f.attemptLine({ ...base, status: 500, requestId: 'r\u001b]0;t\u0007\nx\u202e', error: { kind: 'http', code: 'C\u009b2J' } });
  assert.doesNotMatch(hostile, DANGEROUS);
  assert.ok(hostile.includes('request ID r\\x1b]0;t\\x07 x\\u202e'), hostile);
  assert.ok(hostile.includes('code C\\x9b2J'), hostile);
});

test('waitLine: status and percent, the time, the status waited for and the ID; escaped and cut to the terminal, the ID cut first', () => {
  const opts = { target: 'available', elapsedMs: 12_400 };
  assert.equal(f.waitLine('s1', null, opts), 'no answer yet after 12 s, waiting for available: s1');
  assert.equal(f.waitLine('s1', { status: 'creating', progress: 60 }, opts), 'creating 60 % after 12 s, waiting for available: s1');
  assert.equal(f.waitLine('s1', { status: 'creating' }, { ...opts, target: 'deleted' }), 'creating after 12 s, waiting for deleted: s1');
  assert.equal(f.waitLine('s1', { status: '', progress: 0 }, opts), 'no status 0 % after 12 s, waiting for available: s1');
  assert.equal(f.waitLine('s1', { status: 'available', progress: 100 }, { ...opts, done: true }), 'available 100 % after 12 s: s1');
  // The status is the service's text: escaped.
  const hostile = f.waitLine('s\u001b[2J', { status: 'creating\u001b]0;pwned\u0007\u202e', progress: 5 }, opts);
  assert.doesNotMatch(hostile, DANGEROUS);
  assert.equal(hostile, 'creating\\x1b]0;pwned\\x07\\u202e 5 % after 12 s, waiting for available: s\\x1b[2J');
  // Never wider than the terminal less one column, so that \r redraws it in place.
  const long = f.waitLine('x'.repeat(200), { status: '快照'.repeat(20), progress: 1 }, { ...opts, columns: 60 });
  assert.ok(f.width(long) <= 59, `${f.width(long)} columns`);
  assert.ok(long.endsWith('…'));
  assert.ok(f.waitLine('0dec35b4-97ec-49bd-b376-801e2e1bebdf', { status: 'creating', progress: 46 }, { ...opts, columns: 60 }).startsWith('creating 46 % after 12 s, waiting for available: 0dec'), 'the ID is what is cut');
  assert.ok(f.width(f.waitLine('s1', null, { ...opts, columns: 3 })) <= 10, 'a tiny terminal: ten columns at most');
});

test('shell text: quoting, the --marker hint, sign --curl and the request text', () => {
  assert.equal(f.shq("it's"), `'it'\\''s'`);
  assert.equal(f.shq(''), "''");
  assert.equal(f.markerArg('0dec35b4-97ec-49bd-b376-801e2e1bebdf'), '0dec35b4-97ec-49bd-b376-801e2e1bebdf');
  assert.equal(f.markerArg('a b;rm -rf'), "'a b;rm -rf'");
  assert.equal(f.markerArg("x'y"), `'x'\\''y'`);
  const signed = { url: 'https://evs.example/v2/p/snapshots?limit=2', headers: { 'X-Sdk-Date': '20260101T000000Z', Authorization: "SDK-HMAC-SHA256 Access=AK, it's" } };
  assert.equal(
    f.curlCommand('GET', signed, undefined),
    "curl \\\n  'https://evs.example/v2/p/snapshots?limit=2' \\\n  -H 'X-Sdk-Date: 20260101T000000Z' \\\n  -H 'Authorization: SDK-HMAC-SHA256 Access=AK, it'\\''s'\n",
  );
  assert.equal(
    f.curlCommand('POST', { url: 'https://h/x', headers: {} }, '@body.json'),
    "curl \\\n  -X 'POST' \\\n  'https://h/x' \\\n  --data-binary '@body.json'\n",
  );
  assert.equal(f.curlCommand('GET', { url: 'https://h/x', headers: {} }, ''), "curl \\\n  -X 'GET' \\\n  'https://h/x' \\\n  --data-binary ''\n");
  assert.equal(f.requestText('GET', signed), `GET ${signed.url}\nX-Sdk-Date: 20260101T000000Z\nAuthorization: SDK-HMAC-SHA256 Access=AK, it's\n`);
});

test('help text: the package\'s STATUSES as "a, b or c", filled to 80 columns after the option names', async () => {
  assert.equal(f.orList([]), '');
  assert.equal(f.orList(['a']), 'a');
  assert.equal(f.orList(['a', 'b']), 'a or b');
  assert.equal(f.orList(['a', 'b', 'c']), 'a, b or c');
  const statusHelp = `creating, available, error, deleting, error_deleting,\n${' '.repeat(23)}rollbacking or backing-up`;
  assert.equal(f.fill(f.orList(STATUSES), 23), statusHelp);
  assert.equal(f.fill('one two', 10), 'one two');
  assert.equal(f.fill('aaaa bbbb cccc', 2, 12), `aaaa bbbb\n  cccc`);
  assert.equal(f.fill('averyveryverylongword x', 2, 8), `averyveryverylongword\n  x`); // a word longer than a line stands alone
  const help = await run(['list', '--help']);
  assert.equal(help.code, 0);
  assert.ok(help.stdout.includes(`\n  --status S           ${statusHelp}\n`), help.stdout);
});

test('the module is pure: it imports only the shared rules (which import nothing), and neither touches process nor globals', async () => {
  const { readFileSync } = await import('node:fs');
  const src = readFileSync(join(PKG_DIR, 'bin', 'format.mjs'), 'utf8');
  // Since issue 29 its one import is the package's rules, shared with the dashboard.
  assert.deepEqual([...src.matchAll(/^\s*import\b[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]), ['../lib/rules.js']);
  assert.equal(src.match(/^\s*import\b/gm).length, 1);
  assert.doesNotMatch(src, /\b(process|globalThis|console)\./);
  const rules = readFileSync(join(PKG_DIR, 'lib', 'rules.js'), 'utf8');
  assert.doesNotMatch(rules, /^\s*import\b/m);
  assert.doesNotMatch(rules, /\b(process|globalThis|console|document|window)\./);
});

test('listenWarning (serve --host): none for 127.0.0.1; another address is reachable by others; a wildcard address says which Host names are answered', async () => {
  // The Host names the server answers, as serve.mjs gives them (its Host check is tested over HTTP in serve.test.mjs).
  const { hostNames } = await import(pathToFileURL(join(PKG_DIR, 'bin', 'serve.mjs')).href);
  assert.deepEqual(hostNames('0.0.0.0'), ['127.0.0.1', 'localhost', '0.0.0.0']);
  assert.deepEqual(hostNames('::'), ['127.0.0.1', 'localhost', '[::]']);
  assert.deepEqual(hostNames('LocalHost'), ['127.0.0.1', 'localhost']);
  assert.equal(f.listenWarning('127.0.0.1', hostNames('127.0.0.1')), null);
  for (const host of ['localhost', '192.168.1.5', '::1']) {
    assert.equal(
      f.listenWarning(host, hostNames(host)),
      `warning: listening on ${host}, not 127.0.0.1: whoever reaches it there with the printed URL's key reads this account with your credentials`,
    );
  }
  for (const [host, name] of [['0.0.0.0', '0.0.0.0'], ['::', '[::]'], ['0:0:0:0:0:0:0:0', '[0:0:0:0:0:0:0:0]'], ['::0', '[::0]']]) {
    assert.equal(
      f.listenWarning(host, hostNames(host)),
      `warning: listening on every address (${host}), not 127.0.0.1: whoever reaches it with the printed URL's key reads this account with your credentials; ` +
        `a browser on another machine gets 403 all the same, as only a Host of 127.0.0.1, localhost or ${name} is answered (DNS rebinding): ` +
        'to use it from another machine, give --host the address or name that machine will use',
      host,
    );
  }
});
