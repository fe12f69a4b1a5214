// Text from the service that would act on a terminal: OSC (set the window
// title), CSI (clear the screen, colours, cursor moves), 8-bit C1 controls,
// DEL and bidirectional overrides (Trojan Source) in names, descriptions,
// volume IDs, metadata, the next-page marker, error messages, error codes and
// request IDs. On a pipe and on a terminal (`script`) none of them reaches
// the output raw: tables and stderr show them as \xNN / \uNNNN, JSON and
// NDJSON carry them as JSON \u escapes (the same values when parsed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useMock } from '../helpers/mock.mjs';
import { PROJECT_ID } from '../mock-evs/data.mjs';
import { normalizeSnapshot } from '../helpers/reference.mjs';
import { run, inTerminal, cli, shq, ndjson, pythonCsv } from '../helpers/child.mjs';

/** One attack per snapshot, so that each fits a table cell (60 columns) once escaped. */
const PAYLOADS = {
  title: '\u001b]0;pwned\u0007', // OSC 0: sets the window title, ended by BEL
  clear: '\u001b[2J\u001b[H', // clears the screen, cursor home
  csi: '\u001b[31;1mred\u001b[0m', // colours
  cursor: 'ok\u001b[1A\u001b[2K', // up a line and erase it: hides the line before
  c1: '\u009b2J\u009d0;t\u009c', // 8-bit CSI, OSC and ST
  nel: 'a\u0085b\u008dc', // NEL, RI
  bidi: 'abc\u202edcb\u202c', // right-to-left override … pop
  isolates: '\u2066x\u2069\u2067y\u2069\u2068z\u2069', // LRI, RLI, FSI … PDI
  embeddings: '\u202aL\u202bR\u202c\u202dO\u202c', // LRE, RLE, LRO
  del: 'x\u007fy\u0008z', // DEL, backspace
};
const KEYS = Object.keys(PAYLOADS);

/** Any character a terminal would act on, except the line ends a pty adds (\r\n). */
const RAW = /[\u0000-\u0009\u000b-\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const assertInert = (text, what) => {
  const m = RAW.exec(text);
  assert.equal(m, null, `${what}: a raw U+${m && m[0].codePointAt(0).toString(16).padStart(4, '0')} at ${m && JSON.stringify(text.slice(Math.max(0, m.index - 30), m.index + 30))}`);
};
/** The documented escaped form: controls as \xNN, bidirectional controls as \uNNNN. */
const shown = (s) =>
  s
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const WIRE = KEYS.map((k, i) => ({
  id: `id-${k}`,
  name: `n-${k} ${PAYLOADS[k]}`,
  description: `d-${k} ${PAYLOADS[k]}`,
  status: 'available',
  size: 10 + i,
  volume_id: `v-${k}${PAYLOADS[k]}`,
  created_at: `2026-01-${String(20 - i).padStart(2, '0')}T00:00:00`,
  metadata: { [`k-${k}`]: PAYLOADS[k] },
}));
const WANT = WIRE.map(normalizeSnapshot);
const MARKER = `m-${PAYLOADS.title}${PAYLOADS.bidi}`;
const ALL_PAYLOADS = Object.values(PAYLOADS).join('');
const ONE_WIRE = {
  id: 'id-all',
  name: `name ${ALL_PAYLOADS}`,
  description: `desc ${ALL_PAYLOADS}`,
  status: 'available',
  size: 5,
  volume_id: `vol-${ALL_PAYLOADS}`,
  created_at: '2026-02-01T00:00:00',
  metadata: { note: ALL_PAYLOADS },
  'os-extended-snapshot-attributes:project_id': PROJECT_ID,
  'os-extended-snapshot-attributes:progress': '100%',
};
const ONE = normalizeSnapshot(ONE_WIRE);

const mock = useMock({}, { each: 'reset' });

const env = () => ({ EVS_SNAPSHOTS_ENDPOINT: mock.url, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID });
/**
 * Every list and show answers the crafted data: a walk's first page (with a
 * next link whose marker is crafted too), then an empty page that ends it.
 */
const hostileData = () =>
  mock.setFaults([
    { match: { op: 'list' }, times: 1, status: 200, json: { snapshots: WIRE, snapshots_links: [{ rel: 'next', href: `http://evs-upstream.invalid/v2/p/snapshots?marker=${encodeURIComponent(MARKER)}` }] } },
    { match: { op: 'list' }, times: 0, status: 200, json: { snapshots: [] } },
    { match: { op: 'show' }, times: 0, status: 200, json: { snapshot: ONE_WIRE } },
  ]);
/** A page whose first snapshot's ID is crafted: `--max-items 1` names it as the marker to go on from. */
const hostileMarker = () => mock.setFaults([{ match: { op: 'list' }, times: 0, status: 200, json: { snapshots: [{ ...WIRE[0], id: MARKER }, WIRE[1]] } }]);

test('the harness: the mock serves the crafted text raw, and the pty adds no escape of its own', async () => {
  hostileData();
  const body = await (await fetch(`${mock.url}/v2/${PROJECT_ID}/snapshots`)).text();
  assert.ok(JSON.parse(body).snapshots[0].name.includes('\u001b]0;'), 'the payloads reach the command');
  assert.ok(WANT.every((s, i) => s.name === WIRE[i].name), 'the library keeps them as they are');
  const r = await inTerminal(cli(['--version']));
  assertInert(r.stdout, 'script');
});

test('a table on a pipe (list and get): every payload escaped, none raw', async () => {
  hostileData();
  const r = await run(['list', '-o', 'table', '--columns', 'id,name,description,volumeId,metadata'], env());
  assert.equal(r.code, 0, r.stderr);
  assertInert(r.stdout, 'list table');
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, WANT.length + 1, 'one line per snapshot');
  WANT.forEach((s, i) => {
    for (const f of ['name', 'description', 'volumeId']) assert.ok(lines[i + 1].includes(shown(s[f])), `${s.id} ${f}: ${lines[i + 1]}`);
  });
  assert.ok(r.stdout.includes('\\x1b]0;pwned\\x07') && r.stdout.includes('\\x9b2J') && r.stdout.includes('\\u202e'));

  const g = await run(['get', 'id-all', '-o', 'table'], env());
  assert.equal(g.code, 0, g.stderr);
  assertInert(g.stdout, 'get table');
  const rows = Object.fromEntries(g.stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}(.*)/).slice(0, 2)));
  assert.equal(rows.NAME, shown(ONE.name));
  assert.equal(rows.DESCRIPTION, shown(ONE.description));
  assert.equal(rows['VOLUME ID'], shown(ONE.volumeId));
  assertInert(rows.METADATA, 'metadata');
  assert.deepEqual(JSON.parse(rows.METADATA), ONE.metadata, 'metadata: JSON whose escapes give back the value');
});

test('JSON and NDJSON on a pipe: \\u escapes, nothing raw, the same values when parsed', async () => {
  for (const format of ['json', 'ndjson']) {
    hostileData();
    const r = await run(['list', '-o', format], env());
    assert.equal(r.code, 0, r.stderr);
    assertInert(r.stdout, format);
    assert.deepEqual(format === 'json' ? JSON.parse(r.stdout) : ndjson(r.stdout), WANT, format);
    for (const esc of ['\\u001b]0;pwned\\u0007', '\\u009b2J', '\\u0085', '\\u007f', '\\u202e', '\\u2066']) assert.ok(r.stdout.includes(esc), `${format}: ${esc}`);
  }
  const g = await run(['get', 'id-all'], env());
  assert.equal(g.code, 0, g.stderr);
  assertInert(g.stdout, 'get json');
  assert.deepEqual(JSON.parse(g.stdout), ONE);
});

test('CSV to a pipe or a file is the data: the characters as they are (Python csv reads them back)', async () => {
  hostileData();
  const r = await run(['list', '-o', 'csv', '--columns', 'id,name,description,volumeId,metadata'], env());
  assert.equal(r.code, 0, r.stderr);
  const rows = pythonCsv(r.stdout);
  assert.equal(rows.length, WANT.length + 1);
  WANT.forEach((s, i) => {
    assert.deepEqual(rows[i + 1].slice(0, 4), [s.id, s.name, s.description, s.volumeId]);
    assert.deepEqual(JSON.parse(rows[i + 1][4]), s.metadata);
  });
});

test('on a terminal: tables, JSON, NDJSON, CSV and the --marker hint, none of it raw', async () => {
  const cases = [
    [['list'], (out) => WANT.every((s) => out.includes(shown(s.name)))],
    [['list', '--columns', 'name,description,volumeId'], (out) => WANT.every((s) => out.includes(shown(s.description)) && out.includes(shown(s.volumeId)))],
    [['list', '-o', 'json'], (out) => out.includes('\\u202e')],
    [['list', '-o', 'ndjson'], (out) => out.includes('\\u009b2J')],
    // CSV on a terminal is for a person: its cells are escaped as a table's are.
    [['list', '-o', 'csv'], (out) => WANT.every((s) => out.includes(shown(s.name)))],
    [['get', 'id-all'], (out) => out.includes(`NAME         ${shown(ONE.name)}\r\n`)],
    [['get', 'id-all', '-o', 'json'], (out) => out.includes('\\u2069')],
    // The marker to go on from is the service's text too; shell-quoted, as it is not a plain ID.
    [['list', '--max-items', '1'], (out) => out.includes(`go on with --marker ${shq(shown(MARKER))}\r\n`), hostileMarker],
  ];
  for (const [args, check, data = hostileData] of cases) {
    data();
    const r = await inTerminal(cli(args), env());
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stdout}`);
    assertInert(r.stdout, args.join(' '));
    assert.ok(check(r.stdout), `${args.join(' ')}: the escaped payloads are shown`);
  }
  assert.ok(execFileSync('script', ['--version'], { encoding: 'utf8' }).includes('util-linux'));
});

// Error answers whose message, code and request ID carry the payloads, in both of the service's shapes.
const errorFaults = (op) => [
  [{ match: { op }, times: 0, status: 400, headers: { 'X-Request-Id': 'req\u009b2J\u009d0;x\u009c' }, json: { badRequest: { message: `bad ${PAYLOADS.title}${PAYLOADS.clear}${PAYLOADS.bidi}`, code: `EVS.${PAYLOADS.csi}` } } }],
  [{ match: { op }, times: 0, status: 403, json: { error_code: `APIGW.${PAYLOADS.c1}${PAYLOADS.isolates}`, error_msg: `denied ${PAYLOADS.cursor}${PAYLOADS.embeddings}${PAYLOADS.del}${PAYLOADS.nel}` } }],
];
const ERROR_CASES = [
  ['list', ['list']],
  ['list', ['list', '--page-size', '10', '-o', 'csv']],
  ['show', ['get', 'id-1']],
];

test('error messages, codes and request IDs on stderr (a pipe): one line, escaped, none raw', async () => {
  for (const [op, args] of ERROR_CASES) {
    for (const faults of errorFaults(op)) {
      mock.setFaults(faults);
      const r = await run(args, env());
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^evs-snapshots: http error, status 40[03], code [^\n]+\n$/, 'one line');
      assertInert(r.stderr, `${args.join(' ')} stderr`);
      const f = faults[0];
      const code = f.json.badRequest?.code ?? f.json.error_code;
      const message = f.json.badRequest?.message ?? f.json.error_msg;
      assert.ok(r.stderr.includes(`code ${shown(code)}`), r.stderr);
      assert.ok(r.stderr.includes(shown(message)), r.stderr);
      if (f.headers) assert.ok(r.stderr.includes('request ID req\\x9b2J\\x9d0;x\\x9c'), r.stderr);
    }
  }
});

test('error lines on a terminal, with and without colours: only the command\'s own colour codes', async () => {
  for (const [op, args] of ERROR_CASES) {
    for (const faults of errorFaults(op)) {
      for (const colours of [false, true]) {
        mock.setFaults(faults);
        const r = await inTerminal(cli(args), { ...env(), ...(colours ? { NO_COLOR: undefined } : {}) });
        assert.equal(r.code, 1, r.stdout);
        // The command's own: red (SGR 31 … 39), a table header's bold (SGR 1 … 22) and
        // the progress line's erase (EL, ESC [K), exactly; anything else is the data's.
        const text = r.stdout.replace(/\u001b\[(?:31|39|1|22)m|\u001b\[K/g, '');
        if (colours) assert.notEqual(text, r.stdout, 'the error was red: a colour terminal');
        assertInert(text, `${args.join(' ')} on a terminal`);
        assert.ok(text.includes(shown(faults[0].json.badRequest?.message ?? faults[0].json.error_msg)), text);
      }
    }
  }
});

test('stderr lines with the user\'s own text are escaped the same way', async () => {
  const typed = `x${PAYLOADS.c1}${PAYLOADS.bidi}`;
  const r = await run(['list', '--status', typed, '--max-items', '1', '-o', 'ndjson'], env());
  assert.equal(r.code, 0, r.stderr);
  assertInert(r.stderr, 'warning');
  assert.match(r.stderr, /^evs-snapshots: warning: --status "x\\x9b2J\\x9d0;t\\x9cabc\\u202edcb\\u202c" is none of /);
  for (const args of [[typed], ['list', '--columns', typed], ['list', `--${typed}`]]) {
    const u = await run(args, env());
    assert.equal(u.code, 2);
    assertInert(u.stderr, args.join(' '));
    assert.ok(u.stderr.includes('\\x9b2J') && u.stderr.includes('\\u202e'), u.stderr);
  }
});

// Issue 25 §4: a plain-text error body is quoted in the message, its control
// characters as the service sent them; the request ID from Cinder's
// X-Openstack-Request-Id. The command escapes both, on a pipe and on a terminal.
test('a plain-text error body and Cinder\'s request ID: quoted, one line, escaped', async () => {
  const body = `oops ${ALL_PAYLOADS}\r\nline two`;
  const fault = () =>
    mock.setFaults([
      { match: { op: 'show' }, times: 0, status: 400, body, headers: { 'Content-Type': 'text/plain', 'X-Request-Id': null, 'X-Openstack-Request-Id': `req-${PAYLOADS.c1}` } },
    ]);
  // The library folds the line break into a space and keeps every other character.
  const quoted = `EVS answered HTTP 400 Bad Request with a plain-text body: oops ${ALL_PAYLOADS} line two`;
  fault();
  const r = await run(['get', 'id-1'], env());
  assert.equal(r.code, 1, r.stderr);
  assertInert(r.stderr, 'stderr');
  assert.equal(r.stderr, `evs-snapshots: http error, status 400, request ID req-${shown(PAYLOADS.c1)}: ${shown(quoted)}\n`);
  for (const colours of [false, true]) {
    fault();
    const t = await inTerminal(cli(['get', 'id-1']), { ...env(), ...(colours ? { NO_COLOR: undefined } : {}) });
    assert.equal(t.code, 1, t.stdout);
    const text = t.stdout.replace(/\u001b\[(?:31|39)m/g, '');
    assertInert(text, 'on a terminal');
    assert.ok(text.includes(shown(quoted)), text);
  }
});

// Issue 29: the command escapes what the dashboard does (one rule, the
// stricter of the two copies): the directional marks U+200E (LRM), U+200F
// (RLM) and U+061C (ALM), which reorder the text around them, and the line
// and paragraph separators U+2028 and U+2029, which JSON.stringify leaves
// raw. Before, the command wrote all five raw in tables and JSON.
const MARKS = 'ab\u200ecd\u200fef\u2028gh\u2029ij\u061ckl';
const MARKS_SHOWN = 'ab\\u200ecd\\u200fef\\u2028gh\\u2029ij\\u061ckl';
const RAW_MARKS = /[\u061c\u200e\u200f\u2028\u2029]/u;
const MARKS_WIRE = {
  id: 'id-marks',
  name: MARKS,
  description: `d ${MARKS}`,
  status: 'available',
  size: 1,
  volume_id: `v-${MARKS}`,
  created_at: '2026-02-02T00:00:00',
  metadata: { [`k${MARKS}`]: MARKS },
  'os-extended-snapshot-attributes:project_id': PROJECT_ID,
  'os-extended-snapshot-attributes:progress': '100%',
};
const marksData = () =>
  mock.setFaults([
    { match: { op: 'list' }, times: 0, status: 200, json: { snapshots: [MARKS_WIRE] } },
    { match: { op: 'show' }, times: 0, status: 200, json: { snapshot: MARKS_WIRE } },
  ]);

test('directional marks (U+200E, U+200F, U+061C) and line separators (U+2028, U+2029): escaped in tables, JSON and NDJSON, as on the dashboard', async () => {
  marksData();
  const t = await run(['list', '-o', 'table', '--columns', 'id,name,description,volumeId'], env());
  assert.equal(t.code, 0, t.stderr);
  assert.doesNotMatch(t.stdout, RAW_MARKS);
  assert.equal(t.stdout.trimEnd().split('\n').length, 2, 'a header and one row');
  assert.ok(t.stdout.includes(`id-marks  ${MARKS_SHOWN}  d ${MARKS_SHOWN}  v-${MARKS_SHOWN}\n`), t.stdout);

  marksData();
  const g = await run(['get', 'id-marks', '-o', 'table'], env());
  assert.equal(g.code, 0, g.stderr);
  assert.doesNotMatch(g.stdout, RAW_MARKS);
  const rows = Object.fromEntries(g.stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}(.*)/).slice(0, 2)));
  assert.equal(rows.NAME, MARKS_SHOWN);
  assert.equal(rows['VOLUME ID'], `v-${MARKS_SHOWN}`);
  assert.equal(rows.METADATA, `{"k${MARKS_SHOWN}":"${MARKS_SHOWN}"}`);

  for (const args of [['list', '-o', 'json'], ['list', '-o', 'ndjson'], ['get', 'id-marks', '-o', 'json']]) {
    marksData();
    const r = await run(args, env());
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, RAW_MARKS, args.join(' '));
    assert.ok(r.stdout.includes(`"name":${args[0] === 'get' ? ' ' : ''}"${MARKS_SHOWN}"`), `${args.join(' ')}: ${r.stdout}`);
    const parsed = args[2] === 'ndjson' ? ndjson(r.stdout)[0] : args[0] === 'get' ? JSON.parse(r.stdout) : JSON.parse(r.stdout)[0];
    assert.equal(parsed.name, MARKS, 'the same value when parsed');
    assert.deepEqual(parsed.metadata, { [`k${MARKS}`]: MARKS });
  }

  // On a terminal: the table and the field table.
  for (const [args, want] of [
    [['list', '--columns', 'id,name'], `id-marks  ${MARKS_SHOWN}\r\n`],
    [['get', 'id-marks'], `NAME         ${MARKS_SHOWN}\r\n`],
  ]) {
    marksData();
    const r = await inTerminal(cli(args), env());
    assert.equal(r.code, 0, r.stdout);
    assert.doesNotMatch(r.stdout, RAW_MARKS, args.join(' '));
    assert.ok(r.stdout.includes(want), `${args.join(' ')}: ${JSON.stringify(r.stdout)}`);
  }
});

test('directional marks in an error message on stderr: escaped; the line separators, white space, one space', async () => {
  mock.setFaults([{ match: { op: 'show' }, times: 0, status: 400, headers: { 'X-Request-Id': 'req-1' }, json: { badRequest: { message: `bad ${MARKS}`, code: 'EVS.\u200f1' } } }]);
  const r = await run(['get', 'id-1'], env());
  assert.equal(r.code, 1, r.stderr);
  assert.doesNotMatch(r.stderr, RAW_MARKS);
  assert.equal(r.stderr, 'evs-snapshots: http error, status 400, code EVS.\\u200f1, request ID req-1: bad ab\\u200ecd\\u200fef gh ij\\u061ckl\n');
});
