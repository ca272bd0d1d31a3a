// CSV as spreadsheets read it (RFC 4180 quoting), with cells that a spreadsheet could run as a
// formula defused by a leading apostrophe: token names are chosen by people, and a download must
// not become an attack on whoever opens it. A formula starts with = + - @ or their fullwidth forms
// (＝ ＋ － ＠, which some spreadsheets fold to ASCII), and spreadsheets skip leading whitespace
// (space, tab, CR, LF, no-break and ideographic spaces) before one: so any cell starting with
// whitespace is defused too.
const FORMULA_START = /^[\s\u200b\ufeff=+\-@\uff1d\uff0b\uff0d\uff20]/u;

function cell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows as CSV with one header line: the first row's keys, else `columns`, else a token's. */
export function toCsv(rows: ReadonlyArray<Record<string, string>>, columns?: readonly string[]): string {
  const header = Object.keys(
    rows[0] ??
      (columns ? Object.fromEntries(columns.map((column) => [column, ''])) : undefined) ?? {
        authorizationId: '',
        displayName: '',
        status: '',
        scopes: '',
        organizations: '',
        validFrom: '',
        validTo: '',
      },
  );
  return (
    [header.join(','), ...rows.map((row) => header.map((key) => cell(row[key] ?? '')).join(','))].join('\r\n') + '\r\n'
  );
}
