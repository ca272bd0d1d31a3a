// Each person's personal access tokens, in memory. Records are immutable: a change replaces the record.
// Times are kept at the service's own precision (see service-time.ts), so what is stored is what is shown.

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

export interface TokenStore {
  tokensOf(objectId: string): readonly PatRecord[];
  /** Looks across everyone, as the service does, so a token of someone else can be told apart from none. */
  find(authorizationId: string): OwnedPat | undefined;
  add(objectId: string, record: PatRecord): void;
  /** Replaces the record with the same authorizationId. */
  put(record: PatRecord): void;
  setTokens(objectId: string, records: readonly PatRecord[]): void;
  clearAll(): void;
}

export function createTokenStore(): TokenStore {
  const byPerson = new Map<string, PatRecord[]>();

  const find = (authorizationId: string): OwnedPat | undefined => {
    const wanted = authorizationId.toLowerCase();
    for (const [ownerObjectId, records] of byPerson) {
      const record = records.find((candidate) => candidate.authorizationId === wanted);
      if (record) return { ownerObjectId, record };
    }
    return undefined;
  };

  return {
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
    },
  };
}
