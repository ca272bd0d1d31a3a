// What the audit log tells the audit: the tokens Azure DevOps found in public or revoked itself
// (shown first, with when, whose and where), and each token's own history. An event is tied to a
// gathered token by its authorizationId, or, when the event names none, by token name and owner.
// Beside a token's events, PAT Manager's own activity log entries about it.
import type { ActivityEntry, ActivityLog } from '../storage/activity-log.ts';
import type { TokenEvent } from './audit-log-client.ts';
import type { AuditResult } from './gather.ts';
import { personIdOf } from './person-id.ts';
import type { AdminToken, OrgPerson } from './types.ts';

export interface LeakedToken {
  tokenName: string;
  ownerName: string;
  /** The gathered token and its holder, when the audit holds it. */
  holder?: { person: OrgPerson; token: AdminToken };
  /** When Azure DevOps found it in public, and where (if the event says). */
  foundAt: Date | null;
  location: string | null;
  /** When Azure DevOps revoked it. */
  revokedBySystemAt: Date | null;
  /** Whether it still works: found in public yet valid is the worst case. */
  state: 'stillValid' | 'revoked' | 'expired' | 'unknown';
}

const ALARMS = new Set<TokenEvent['kind']>(['foundInPublic', 'revokedBySystem']);

function holderOf(audit: AuditResult, event: TokenEvent): LeakedToken['holder'] {
  for (const { person, tokens } of audit.people) {
    const token = event.authorizationId
      ? tokens.find((candidate) => candidate.authorizationId === event.authorizationId)
      : event.ownerName === person.displayName
        ? tokens.find((candidate) => candidate.displayName === event.tokenName)
        : undefined;
    if (token) return { person, token };
  }
  return undefined;
}

const keyOf = (event: TokenEvent) => event.authorizationId ?? `${event.ownerName ?? ''}\u0000${event.tokenName}`;

/** Found in public or revoked by Azure DevOps, still-valid ones first, then the most recent. */
export function leakedTokens(audit: AuditResult, now: Date): LeakedToken[] {
  if (audit.history.state !== 'read') return [];
  const byToken = new Map<string, LeakedToken>();
  // Oldest first, so that the first discovery is the one kept.
  for (const event of [...audit.history.events].filter((item) => ALARMS.has(item.kind)).reverse()) {
    const key = keyOf(event);
    const holder = holderOf(audit, event);
    const known = byToken.get(key) ?? {
      tokenName: event.tokenName || holder?.token.displayName || '(no name)',
      ownerName: event.ownerName ?? holder?.person.displayName ?? 'someone',
      ...(holder ? { holder } : {}),
      foundAt: null,
      location: null,
      revokedBySystemAt: null,
      state: 'unknown' as const,
    };
    if (event.kind === 'foundInPublic' && known.foundAt === null) {
      known.foundAt = event.at;
      known.location = event.location;
    }
    if (event.kind === 'revokedBySystem') known.revokedBySystemAt = event.at;
    byToken.set(key, known);
  }
  const latest = (leak: LeakedToken) => Math.max(leak.foundAt?.getTime() ?? 0, leak.revokedBySystemAt?.getTime() ?? 0);
  return [...byToken.values()]
    .map((leak) => ({ ...leak, state: stateOf(leak, now) }))
    .sort((a, b) => Number(b.state === 'stillValid') - Number(a.state === 'stillValid') || latest(b) - latest(a));
}

function stateOf(leak: LeakedToken, now: Date): LeakedToken['state'] {
  const token = leak.holder?.token;
  if (!token) return leak.revokedBySystemAt ? 'revoked' : 'unknown';
  if (token.isValid && token.validTo.getTime() > now.getTime()) return 'stillValid';
  return token.validTo.getTime() <= now.getTime() ? 'expired' : 'revoked';
}

/** One token's events in the last 90 days, oldest first. */
function timelineOf(audit: AuditResult, person: OrgPerson, token: AdminToken): TokenEvent[] {
  if (audit.history.state !== 'read') return [];
  return audit.history.events
    .filter((event) =>
      event.authorizationId
        ? event.authorizationId === token.authorizationId
        : event.tokenName === token.displayName && event.ownerName === person.displayName,
    )
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** How many of each person's entries about one token its history shows (the latest). */
const ENTRIES_PER_PERSON = 50;

/**
 * Whose PAT Manager activity can be about a token, by PAT Manager person id, with their names: its
 * owner's, and that of the people its events name as acting on it (an administrator who revoked it
 * on the owner's behalf), found among the audit's people by sign-in name.
 */
function peopleActingOn(
  audit: AuditResult,
  owner: OrgPerson,
  events: readonly TokenEvent[],
  tenantId: string,
): Map<string, string> {
  const people = new Map<string, string>();
  const add = (person: OrgPerson) => {
    const id = personIdOf(person, tenantId);
    if (id) people.set(id, person.displayName);
  };
  add(owner);
  const actors = new Set(events.map((event) => event.actorUpn?.toLowerCase()).filter(Boolean));
  for (const { person } of audit.people) if (actors.has(person.principalName.toLowerCase())) add(person);
  return people;
}

export type TimelineItem =
  | { source: 'auditLog'; at: Date; event: TokenEvent }
  /** `by`: whose entry it is (the owner, or an administrator). */
  | { source: 'patManager'; at: Date; entry: ActivityEntry; by: string };

/**
 * A token's history: the audit log's events (last 90 days) and, beside them, PAT Manager's activity
 * log entries about it, of its owner and of the administrators acting on it (the viewer included,
 * whose own entries stay known when the audit log cannot be read); oldest first, an event before a
 * PAT Manager entry of the same moment.
 */
export async function tokenTimeline(
  activity: Pick<ActivityLog, 'forToken'>,
  audit: AuditResult,
  holder: { person: OrgPerson; token: AdminToken },
  viewer: { id: string; name: string; tenantId: string },
): Promise<TimelineItem[]> {
  const events = timelineOf(audit, holder.person, holder.token);
  const people = peopleActingOn(audit, holder.person, events, viewer.tenantId).set(viewer.id, viewer.name);
  const entries = await Promise.all(
    [...people].map(async ([id, by]) =>
      (await activity.forToken(id, holder.token.authorizationId, ENTRIES_PER_PERSON)).map((entry) => ({
        source: 'patManager' as const,
        at: entry.at,
        entry,
        by,
      })),
    ),
  );
  return [...events.map((event) => ({ source: 'auditLog' as const, at: event.at, event })), ...entries.flat()].sort(
    (a, b) => a.at.getTime() - b.at.getTime() || Number(a.source === 'patManager') - Number(b.source === 'patManager'),
  );
}
