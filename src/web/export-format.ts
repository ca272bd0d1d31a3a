// CSV as spreadsheets read it (RFC 4180 quoting), with cells that a spreadsheet would run as a
// formula (=, +, -, @, tab, carriage return) defused by a leading apostrophe: token names are
// chosen by people, and a download must not become an attack on whoever opens it.
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: ReadonlyArray<Record<string, string>>): string {
  const header = Object.keys(rows[0] ?? { authorizationId: '', displayName: '', status: '', scopes: '', organizations: '', validFrom: '', validTo: '' });
  return [header.join(','), ...rows.map((row) => header.map((key) => cell(row[key] ?? '')).join(','))].join('\r\n') + '\r\n';
}
