// Each person's sealed msal-node token cache under its own Redis key, named by the session id, so
// any instance can get their token silently. The key expires after the session's idle time, and the
// session store keeps it in step with the session and deletes it with the session
// (redis-session-store.ts).
import type { RedisConnection } from './redis-connection.ts';
import type { RedisKeys } from './redis-keys.ts';
import type { TokenCacheSlot } from './sealed-token-cache.ts';

export function redisTokenCacheSlot(connection: RedisConnection, keys: RedisKeys, ttlSeconds: number): TokenCacheSlot {
  const { client, run } = connection;
  return {
    read: (session) =>
      run('token cache read', async () => (await client.get(keys.tokenCache(session.id))) ?? undefined),
    write: (session, sealed) =>
      run('token cache write', async () => {
        await client.set(keys.tokenCache(session.id), sealed, { expiration: { type: 'EX', value: ttlSeconds } });
      }),
  };
}
