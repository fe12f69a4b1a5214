// The tests' own statement of OWASP's CSV-injection advice ("CSV Injection",
// owasp.org): a cell that begins with `=`, `+`, `-`, `@`, TAB or CR is run
// as a formula by a spreadsheet, so it is written with a `'` before it.
// Written here from OWASP, not imported from the package (pkg-template/src/
// rules.js), so that the command's and the dashboard's files are checked
// against an independent oracle: one copy for every test that needs it.

/** The characters a formula-like cell begins with. */
export const FORMULA_START = /^[=+\-@\t\r]/;

/** `text` as a CSV file should carry it: `'` before a formula-like value, any other as it is. */
export const owaspCell = (text) => (FORMULA_START.test(text) ? `'${text}` : text);
