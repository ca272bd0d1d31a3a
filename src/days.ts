// Day arithmetic and the way a day reads, in one place: pages, the token lifecycle and the audit
// all count in days of 24 hours (UTC), as Azure DevOps does for a token's lifetime.

export const DAY_MS = 86_400_000;

/** `days` days after `from` (now by default). */
export function daysAfter(days: number, from: Date | number = Date.now()): Date {
  return new Date((typeof from === 'number' ? from : from.getTime()) + days * DAY_MS);
}

/** The UTC day, as `YYYY-MM-DD` (what date inputs and the activity log use). */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
/** Intl formatting is slow next to a lookup and a list shows the same few days again and again. */
const dayTexts = new Map<number, string>();
const MAX_REMEMBERED = 4096;

/** "3 Mar 2027". */
export function formatDate(date: Date): string {
  const day = Math.floor(date.getTime() / DAY_MS);
  let text = dayTexts.get(day);
  if (text === undefined) {
    text = dateFormat.format(date);
    if (dayTexts.size >= MAX_REMEMBERED) dayTexts.clear();
    dayTexts.set(day, text);
  }
  return text;
}
