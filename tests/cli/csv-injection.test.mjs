// CSV formula injection (OWASP): `list --output csv` gives a cell whose
// first character is = + - @ TAB or CR a leading ', so that a spreadsheet
// shows =HYPERLINK(…) or =cmd|… as text instead of running it; --csv-raw
// writes the values as they are. Python's csv module reads the files back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useMock } from '../helpers/mock.mjs';
import { PROJECT_ID } from '../mock-evs/data.mjs';
import { normalizeSnapshot } from '../helpers/reference.mjs';
import { run, pythonCsv } from '../helpers/child.mjs';
import { owaspCell } from '../helpers/csv.mjs';

const CSV_COLUMNS = ['id', 'name', 'description', 'status', 'size', 'volumeId', 'createdAt', 'updatedAt', 'metadata'];
const FORMULAS = ['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', '\tTAB', '\rCR', "=cmd|' /C calc'!A0", '=1+2', '-', '@', '+', '\t', '\r\n=2+3'];
// Values that only look close: a formula character later, or white space first.
const ORDINARY = ['plain', 'a=b', 'x-y', 'safe @ home', ' =leading space', '\n=after a line break', "'already quoted", '快照 =1'];

const n = FORMULAS.length;
const WIRE = [
  ...FORMULAS.map((f, i) => ({
    id: i === 0 ? '-id-0' : i === 1 ? '@id-1' : `f-${i}`,
    name: f,
    description: FORMULAS[(i + 1) % n],
    status: 'available',
    size: 10 + i,
    volume_id: FORMULAS[(i + 2) % n],
    created_at: `2026-03-${String(28 - i).padStart(2, '0')}T00:00:00`,
    updated_at: i % 2 ? `2026-03-${String(28 - i).padStart(2, '0')}T01:00:00.5` : null,
    metadata: { formula: f, [f]: 'key' },
  })),
  ...ORDINARY.map((o, i) => ({
    id: `o-${i}`,
    name: o,
    description: ORDINARY[(i + 1) % ORDINARY.length],
    status: 'error',
    size: '20',
    volume_id: `vol ${o}`,
    created_at: `2026-02-${String(20 - i).padStart(2, '0')}T00:00:00`,
    metadata: {},
  })),
];
const WANT = WIRE.map(normalizeSnapshot);

/** The rule, written out independently of the command (tests/helpers/csv.mjs, from OWASP). */
const neutral = owaspCell;
const cellText = (v) => (v === null || v === undefined ? '' : String(v));

const mock = useMock({}, { each: 'reset' });

const env = () => ({ EVS_SNAPSHOTS_ENDPOINT: mock.url, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID });
const crafted = () => mock.setFaults([{ match: { op: 'list' }, times: 0, status: 200, json: { snapshots: WIRE } }]);

/** Every row read back against the mock's data: the formula rule (unless raw) on every text cell, metadata as its JSON. */
function assertRows(rows, { raw, columns = CSV_COLUMNS }) {
  assert.deepEqual(rows[0], columns, 'the header');
  assert.equal(rows.length, WANT.length + 1);
  WANT.forEach((s, r) => {
    columns.forEach((c, i) => {
      const got = rows[r + 1][i];
      if (c === 'metadata') assert.deepEqual(JSON.parse(got), s.metadata, `${s.id} metadata: a JSON object, never prefixed`);
      else assert.equal(got, raw ? cellText(s[c]) : neutral(cellText(s[c])), `${s.id} ${c}`);
    });
  });
}

test('the crafted data: every formula character leads some name, description and volume ID; the library keeps them', () => {
  for (const ch of ['=', '+', '-', '@', '\t', '\r']) {
    for (const f of ['name', 'description', 'volumeId']) assert.ok(WANT.some((s) => s[f].startsWith(ch)), `${f} with ${JSON.stringify(ch)}`);
  }
  WANT.forEach((s, i) => assert.equal(s.name, WIRE[i].name));
});

test("csv: cells that a spreadsheet would run get a leading ', the ordinary columns equal the mock's data", async () => {
  for (const args of [['list', '-o', 'csv'], ['list', '--page-size', '5', '-o', 'csv']]) {
    crafted();
    const r = await run(args, env());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const rows = pythonCsv(r.stdout);
    assertRows(rows, { raw: false });
    // The values the issue names, as a spreadsheet would get them.
    const names = rows.slice(1).map((row) => row[1]);
    for (const v of ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "'\tTAB", "'\rCR", "'=cmd|' /C calc'!A0"]) assert.ok(names.includes(v), v);
    assert.equal(rows[1][0], "'-id-0", 'an ID too');
    assert.equal(rows[2][0], "'@id-1");
    // Then the usual RFC 4180 quoting, on the prefixed text.
    assert.ok(r.stdout.includes(`\r\n'-id-0,"'=HYPERLINK(""http://x"")",'+1,available,10,'-2,`), r.stdout.slice(0, 300));
    assert.ok(r.stdout.includes(`,"'\rCR",`), 'a CR-leading cell: prefixed, then quoted');
    assert.ok(r.stdout.includes(`,'\tTAB,`), 'a TAB-leading cell: prefixed, no quotes needed');
  }
});

test('csv --csv-raw: the original values', async () => {
  crafted();
  const r = await run(['list', '-o', 'csv', '--csv-raw'], env());
  assert.equal(r.code, 0, r.stderr);
  const rows = pythonCsv(r.stdout);
  assertRows(rows, { raw: true });
  assert.equal(rows[1][1], '=HYPERLINK("http://x")');
  assert.equal(rows[1][0], '-id-0');
});

test('csv with --columns: the same rule on the chosen fields; other formats keep the values', async () => {
  const columns = ['volumeId', 'name', 'metadata', 'size'];
  crafted();
  let r = await run(['list', '-o', 'csv', '--columns', columns.join(',')], env());
  assert.equal(r.code, 0, r.stderr);
  assertRows(pythonCsv(r.stdout), { raw: false, columns });
  crafted();
  r = await run(['list', '-o', 'ndjson'], env());
  assert.deepEqual(
    r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l)),
    WANT,
    'NDJSON is no spreadsheet format: no prefix',
  );
});

test('--csv-raw without --output csv is a usage mistake: exit 2, nothing sent', async () => {
  for (const args of [['list', '--csv-raw'], ['list', '--csv-raw', '-o', 'ndjson'], ['list', '--csv-raw', '-o', 'table']]) {
    const r = await run(args, env());
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^evs-snapshots: --csv-raw goes with --output csv \(see evs-snapshots list --help\)\n$/);
  }
  assert.equal(mock.requests().filter((x) => x.kind === 'api').length, 0);
  const help = await run(['list', '--help']);
  assert.match(help.stdout, /--csv-raw {2,}csv: cells as they are; by default a cell starting with\n +=/);
});
