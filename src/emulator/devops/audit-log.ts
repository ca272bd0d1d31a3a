// The organization audit log's token events (Auditing API, audit 7.2), kept in memory on the
// emulator's clock. What happens to the emulator's tokens is recorded here as it happens: created,
// updated, revoked (by the owner or an administrator), found in public, revoked by the system.
// Expiry is not an act anyone performs, so Token.PatExpiredEvent is derived when the log is read:
// one at the validTo of each token that reached it unrevoked.
//
// From Microsoft's documents: the action ids, their categories and details ("Personal Access Token
// "{DisplayName}" associated with user "{OwnerName}" was discovered in a public repository."), the
// area `Token`, events kept 90 days, and the service's own actor (id 00000002-0000-8888-8000-…,
// "Azure DevOps Service", the query example). Guesses (README, "What the emulator guesses"): the data
// keys beyond DisplayName and OwnerName (AuthorizationId, OwnerId, Scope, ValidTo, and RepositoryUrl
// for a discovery), that a token's events go to every organization it works in (a global token's to
// the organization whose URL the call named), and the id's first part (reverse .NET ticks, so ids
// sort newest first, as the example's do).

import { randomUUID } from 'node:crypto';
import { addDays, formatServiceTime } from './service-time.ts';
import type { PatRecord } from './token-store.ts';

export const AUDIT_RETENTION_DAYS = 90;

export const TOKEN_ACTIONS = {
  'Token.PatCreateEvent': { category: 'create', details: 'Personal Access Token "{DisplayName}" was created.' },
  'Token.PatUpdateEvent': { category: 'modify', details: 'Personal Access Token "{DisplayName}" was updated.' },
  'Token.PatRevokeEvent': { category: 'remove', details: 'Personal Access Token "{DisplayName}" was revoked.' },
  'Token.PatExpiredEvent': { category: 'modify', details: 'Personal Access Token "{DisplayName}" expired.' },
  'Token.PatSystemRevokeEvent': {
    category: 'remove',
    details: 'Personal Access Token "{DisplayName}" associated with user "{OwnerName}" was revoked by the system.',
  },
  'Token.PatPublicDiscoveryEvent': {
    category: 'access',
    details:
      'Personal Access Token "{DisplayName}" associated with user "{OwnerName}" was discovered in a public repository.',
  },
} as const;

export type TokenAction = keyof typeof TOKEN_ACTIONS;

/** Who did it: a person (as Graph knows them), or the service itself. */
export interface AuditActor {
  userId: string;
  displayName: string;
  upn: string | null;
}

export const SERVICE_ACTOR: AuditActor = {
  userId: '00000002-0000-8888-8000-000000000000',
  displayName: 'Azure DevOps Service',
  upn: null,
};

export function actorOf(person: { objectId: string; displayName: string; username: string }): AuditActor {
  return { userId: person.objectId, displayName: person.displayName, upn: person.username };
}

export interface TokenOwner {
  objectId: string;
  displayName: string;
}

export interface AuditEvent {
  id: string;
  timestamp: Date;
  accountId: string;
  actionId: TokenAction;
  actor: AuditActor;
  correlationId: string;
  data: Record<string, string | null>;
  /** Where the call came from, for an act a person did through the API; null for the service's own. */
  ipAddress: string | null;
  userAgent: string;
}

export interface AuditLog {
  /** Records one event about a token in each organization named. */
  record(
    accountIds: readonly string[],
    event: {
      actionId: TokenAction;
      actor: AuditActor;
      token: PatRecord;
      owner: TokenOwner;
      at: Date;
      extra?: Record<string, string>;
      client?: { ipAddress: string | null; userAgent: string };
    },
  ): void;
  /** The organization's recorded events still kept, newest first. */
  recorded(accountId: string, now: Date): AuditEvent[];
  /** The administrators (objectIds) of an organization who lack "View audit log". */
  denyReading(accountId: string, objectIds: readonly string[]): void;
  mayRead(accountId: string, objectId: string): boolean;
  clearAll(): void;
}

/** .NET ticks of DateTime.MaxValue minus the time's, 19 digits: ids sort newest first. */
const MAX_TICKS = 3_155_378_975_999_999_999n;
const EPOCH_TICKS = 621_355_968_000_000_000n;

export function eventId(at: Date, actorUserId: string, correlationId: string): string {
  const ticks = EPOCH_TICKS + BigInt(at.getTime()) * 10_000n;
  return `${(MAX_TICKS - ticks).toString().padStart(19, '0')};${actorUserId};${correlationId}`;
}

export function tokenData(token: PatRecord, owner: TokenOwner): Record<string, string | null> {
  return {
    DisplayName: token.displayName,
    OwnerName: owner.displayName,
    OwnerId: owner.objectId,
    AuthorizationId: token.authorizationId,
    Scope: token.scope,
    ValidTo: formatServiceTime(token.validTo),
  };
}

export function createAuditLog(): AuditLog {
  const events = new Map<string, AuditEvent[]>();
  const denied = new Set<string>();
  const oldestKept = (now: Date) => addDays(now, -AUDIT_RETENTION_DAYS).getTime();

  return {
    record(accountIds, { actionId, actor, token, owner, at, extra, client }) {
      const correlationId = randomUUID();
      for (const accountId of new Set(accountIds)) {
        const event: AuditEvent = {
          id: eventId(at, actor.userId, correlationId),
          timestamp: at,
          accountId,
          actionId,
          actor,
          correlationId,
          data: { ...tokenData(token, owner), ...extra },
          ipAddress: client?.ipAddress ?? null,
          userAgent: client?.userAgent ?? '',
        };
        events.set(accountId, [...(events.get(accountId) ?? []), event]);
      }
    },
    recorded(accountId, now) {
      // Older than 90 days: deleted, as the service does.
      const kept = (events.get(accountId) ?? []).filter((event) => event.timestamp.getTime() >= oldestKept(now));
      events.set(accountId, kept);
      return [...kept].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    denyReading(accountId, objectIds) {
      for (const key of denied) if (key.startsWith(`${accountId}|`)) denied.delete(key);
      for (const objectId of objectIds) denied.add(`${accountId}|${objectId}`);
    },
    mayRead: (accountId, objectId) => !denied.has(`${accountId}|${objectId}`),
    clearAll() {
      events.clear();
      denied.clear();
    },
  };
}

/** Where a token's events are logged: the organizations it works in, or the URL's for a global token. */
export function organizationsOfToken(token: PatRecord, urlAccountId: string): string[] {
  return token.targetAccounts === null ? [urlAccountId] : [...token.targetAccounts];
}
