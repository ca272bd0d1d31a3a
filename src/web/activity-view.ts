// How an activity entry reads on the activity page. The log keeps what happened precisely (scope
// ids, token ids, ISO days), as it was written then; the page says it in words: scopes as the token
// list names them, days in the one date format, and another token as a link to it, not its id.
import { formatDate } from '../days.ts';
import { describeScopes, splitScopes } from '../devops/scopes.ts';
import type { ActivityAction, ActivityEntry } from '../storage/activity-log.ts';

/** A piece of a line: text, or a link to a token's details page. */
type LinePart = { text: string; href?: string };

export interface ActivityEntryView extends ActivityEntry {
  /** When, as `2026-12-02 21:25` (UTC, as the column header says). */
  when: string;
  /** What was done, in words. */
  what: string;
  lines: LinePart[][];
}

const WHAT: Record<ActivityAction, string> = {
  create: 'Created',
  edit: 'Changed',
  regenerate: 'Regenerated',
  revoke: 'Revoked',
  revokeOnBehalf: 'Revoked on behalf of its holder',
  revocationRule: 'Revoked by scope and date (a revocation rule)',
  remind: 'Reminded you',
};

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const ISO_DAY = /\b(\d{4}-\d{2}-\d{2})\b/g;
const SCOPES_LINE = /^scopes: (.*)$/;

/** `scopes: vso.code vso.build → app_token` as `scopes: Code: Read; Build: Read → Full access`. */
function scopesInWords(line: string): string {
  const match = SCOPES_LINE.exec(line);
  if (!match) return line;
  return `scopes: ${match[1]!
    .split(' → ')
    .map((side) => describeScopes(splitScopes(side)).summary)
    .join(' → ')}`;
}

function daysInWords(line: string): string {
  return line.replace(ISO_DAY, (day) => {
    const date = new Date(`${day}T00:00:00Z`);
    return Number.isNaN(date.getTime()) ? day : formatDate(date);
  });
}

/**
 * Another token named by its id becomes a link to it: "the earlier token" where a regenerate or
 * rotation replaced it, else "its token" after the organization it was made in ("fabrikam: …").
 */
function withTokenLinks(line: string, organization: string): LinePart[] {
  const parts: LinePart[] = [];
  let from = 0;
  for (const match of line.matchAll(UUID)) {
    const before = line.slice(from, match.index);
    const madeIn = /([A-Za-z0-9][A-Za-z0-9_.-]*): $/.exec(before)?.[1];
    if (match.index > from) parts.push({ text: before });
    parts.push({
      text: madeIn ? 'its token' : 'the earlier token',
      href: `/tokens/${match[0].toLowerCase()}?organization=${encodeURIComponent(madeIn ?? organization)}`,
    });
    from = match.index + match[0].length;
  }
  if (from < line.length) parts.push({ text: line.slice(from) });
  return parts;
}

/**
 * `reader`: the person whose entry it is (their activity page), or an administrator reading a token's
 * history in the audit, for whom the owner's other tokens are named without a link (their pages are
 * the owner's).
 */
export function activityEntryView(entry: ActivityEntry, reader: 'self' | 'administrator' = 'self'): ActivityEntryView {
  const lines = entry.changes.map((line) => withTokenLinks(daysInWords(scopesInWords(line)), entry.organization));
  return {
    ...entry,
    when: entry.at.toISOString().slice(0, 16).replace('T', ' '),
    what: reader === 'administrator' && entry.action === 'remind' ? 'Reminded its holder' : WHAT[entry.action],
    lines: reader === 'self' ? lines : lines.map((parts) => parts.map(({ text }) => ({ text }))),
  };
}
