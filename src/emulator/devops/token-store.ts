// Each person's personal access tokens, in memory. Records are immutable: a change replaces the record.
// Times are kept at the service's own precision (see service-time.ts), so what is stored is what is shown.
import { createHash } from 'node:crypto';

export type PatStatus = 'active' | 'expired' | 'revoked';

export interface PatRecord {
  readonly authorizationId: string;
  readonly displayName: string;
  /** Space-separated scope names, or `app_token`. */
  readonly scope: string;
  /** accountIds of the organizations it works in; null means all of the person's organizations. */
  readonly targetAccounts: readonly string[] | null;
  readonly validFrom: Date;
  readonly validTo: Date;
  readonly revoked: boolean;
}

export interface OwnedPat {
  ownerObjectId: string;
  record: PatRecord;
}

/** Revocation wins over expiry: a revoked token is listed as revoked whatever its date. */
export function statusOf(record: PatRecord, now: Date = new Date()): PatStatus {
  if (record.revoked) return 'revoked';
  return record.validTo.getTime() <= now.getTime() ? 'expired' : 'active';
}

export function worksIn(record: PatRecord, accountId: string): boolean {
  return record.targetAccounts === null || record.targetAccounts.includes(accountId);
}

/** Why a PAT value would not authenticate now, or null when it would. */
export type RefusedPat = 'unknown' | 'revoked' | 'expired' | 'global' | 'otherOrganization' | 'revocationRule';

export interface TokenStore {
  /** Remembers which token a secret belongs to (by its SHA-256 only), so that a value can be checked later. */
  rememberSecret(authorizationId: string, secret: string): void;
  /** The token a secret was handed out for, if this run handed it out. */
  bySecret(secret: string): OwnedPat | undefined;
  tokensOf(objectId: string): readonly PatRecord[];
  /** Looks across everyone, as the service does, so a token of someone else can be told apart from none. */
  find(authorizationId: string): OwnedPat | undefined;
  add(objectId: string, record: PatRecord): void;
  /** Replaces the record with the same authorizationId. */
  put(record: PatRecord): void;
  setTokens(objectId: string, records: readonly PatRecord[]): void;
  clearAll(): void;
}

/**
 * Whether a PAT value would authenticate in an organization today: revoked and expired ones do not,
 * and neither does a global one (none has since 1 December 2026), nor one for other organizations.
 */
export function refusalOf(owned: OwnedPat | undefined, accountId: string, now: Date): RefusedPat | null {
  if (!owned) return 'unknown';
  const status = statusOf(owned.record, now);
  if (status !== 'active') return status;
  if (owned.record.targetAccounts === null) return 'global';
  return owned.record.targetAccounts.includes(accountId) ? null : 'otherOrganization';
}

export function createTokenStore(): TokenStore {
  const byPerson = new Map<string, PatRecord[]>();
  const secrets = new Map<string, string>();
  const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

  const find = (authorizationId: string): OwnedPat | undefined => {
    const wanted = authorizationId.toLowerCase();
    for (const [ownerObjectId, records] of byPerson) {
      const record = records.find((candidate) => candidate.authorizationId === wanted);
      if (record) return { ownerObjectId, record };
    }
    return undefined;
  };

  return {
    rememberSecret(authorizationId, secret) {
      secrets.set(hashOf(secret), authorizationId);
    },
    bySecret(secret) {
      const id = secrets.get(hashOf(secret));
      return id === undefined ? undefined : find(id);
    },
    tokensOf: (objectId) => [...(byPerson.get(objectId) ?? [])],
    find,
    add(objectId, record) {
      byPerson.set(objectId, [...(byPerson.get(objectId) ?? []), record]);
    },
    put(record) {
      const owned = find(record.authorizationId);
      if (!owned) throw new Error(`No token ${record.authorizationId} to replace`);
      const records = byPerson.get(owned.ownerObjectId) ?? [];
      byPerson.set(
        owned.ownerObjectId,
        records.map((candidate) => (candidate.authorizationId === record.authorizationId ? record : candidate)),
      );
    },
    setTokens(objectId, records) {
      byPerson.set(objectId, [...records]);
    },
    clearAll() {
      byPerson.clear();
      secrets.clear();
    },
  };
}
