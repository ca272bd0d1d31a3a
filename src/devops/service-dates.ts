// Azure DevOps writes .NET date-times: ISO 8601 with up to 7 fractional digits
// (`2020-11-23T04:04:38.5233333Z`) and sometimes an offset (`+00:00`). JavaScript's Date only
// promises to read 3 digits, so the extra precision is cut here, explicitly, before parsing.

const SERVICE_DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}:\d{2})$/;

export function parseServiceDate(text: string): Date | null {
  const match = SERVICE_DATE_TIME.exec(text);
  if (!match) return null;
  const [, dateTime, fraction = '', zone] = match;
  const milliseconds = fraction.slice(0, 3).padEnd(3, '0');
  const date = new Date(`${dateTime}.${milliseconds}${zone}`);
  return Number.isNaN(date.getTime()) ? null : date;
}
