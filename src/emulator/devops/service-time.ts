// How Azure DevOps stores and prints the times of a token. The service keeps them in SQL Server
// `datetime` columns (1/300 s steps) and prints them the .NET way, with up to seven fractional digits
// and trailing zeros dropped: a requested `...23.319Z` comes back as `...23.32Z`, and creation times
// look like `...52.1033333Z` (both in the CreatePat example of Microsoft's OpenAPI files).

const TICKS_PER_SECOND = 300;

/** Rounds to the nearest 1/300 s, keeping the millisecond a client would read back from the printed form. */
export function toServiceTime(date: Date): Date {
  const wholeSecond = Math.floor(date.getTime() / 1000) * 1000;
  const steps = Math.round(((date.getTime() - wholeSecond) * TICKS_PER_SECOND) / 1000);
  return new Date(wholeSecond + Math.floor((steps * 1000) / TICKS_PER_SECOND));
}

/** `2020-11-23T04:04:38.5233333Z` style, for a time already passed through {@link toServiceTime}. */
export function formatServiceTime(date: Date): string {
  const wholeSecond = Math.floor(date.getTime() / 1000) * 1000;
  const steps = Math.round(((date.getTime() - wholeSecond) * TICKS_PER_SECOND) / 1000);
  const fraction = String(Math.round((steps * 10_000_000) / TICKS_PER_SECOND))
    .padStart(7, '0')
    .replace(/0+$/, '');
  const seconds = new Date(wholeSecond).toISOString().slice(0, 19);
  return fraction === '' ? `${seconds}Z` : `${seconds}.${fraction}Z`;
}

/** The profile service prints offsets instead of `Z`: `2014-05-12T22:23:07.727+00:00` (its example). */
export function formatProfileTime(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}
