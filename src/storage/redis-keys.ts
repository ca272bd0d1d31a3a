// Where things live in Redis, in one place: a session and its msal-node token cache share the
// session id, so the session store can keep the two in step (same lifetime, gone together).

export interface RedisKeys {
  /** connect-redis prepends this to the session id. */
  sessionPrefix: string;
  session(sessionId: string): string;
  tokenCache(sessionId: string): string;
  /** A short-lived claim on a one-time form (see claims.ts). */
  claim(name: string): string;
  /** A person's activity log (newest first). */
  activity(person: string): string;
  /** A person's records of one kind (see person-records.ts). */
  records(person: string, kind: string): string;
  /** A person's sealed offline token cache (background jobs only; no expiry). */
  offlineCache(person: string): string;
  /** A person's reminder deliveries (see notifications/deliveries.ts). */
  deliveries(person: string): string;
  /** An administrator's audit of one organization, gathered or being gathered (kept 15 minutes). */
  auditGathering(key: string): string;
}

export function redisKeys(prefix: string): RedisKeys {
  const sessionPrefix = `${prefix}sess:`;
  return {
    sessionPrefix,
    session: (sessionId) => `${sessionPrefix}${sessionId}`,
    tokenCache: (sessionId) => `${prefix}msal:${sessionId}`,
    claim: (name) => `${prefix}claim:${name}`,
    activity: (person) => `${prefix}activity:${person}`,
    records: (person, kind) => `${prefix}records:${kind}:${person}`,
    offlineCache: (person) => `${prefix}offline:${person}`,
    deliveries: (person) => `${prefix}deliveries:${person}`,
    auditGathering: (key) => `${prefix}audit:${key}`,
  };
}
