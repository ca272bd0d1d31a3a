// Each person's msal-node token cache under its own Redis key, partitioned by session id, so any
// instance can get their token silently. Nothing is kept in the process: every operation's
// ConfidentialClientApplication reads the key before and writes it after (msal's
// DistributedCachePlugin). The key expires after the session's idle time, and the session store
// keeps it in step with the session and deletes it with the session (redis-session-store.ts).
import { DistributedCachePlugin, type ICacheClient, type IPartitionManager } from '@azure/msal-node';
import type { TokenCacheStore } from '../auth/token-cache-store.ts';
import type { RedisConnection } from './redis-connection.ts';
import type { RedisKeys } from './redis-keys.ts';

export function redisTokenCache(connection: RedisConnection, keys: RedisKeys, ttlSeconds: number): TokenCacheStore {
  const { client, run } = connection;
  const cacheClient: ICacheClient = {
    get: (key) => run('token cache read', async () => (await client.get(key)) ?? ''),
    set: (key, value) => run('token cache write', async () => {
      await client.set(key, value, { expiration: { type: 'EX', value: ttlSeconds } });
      return value;
    }),
  };

  return {
    pluginFor(session) {
      // The session id at this moment: after sign-in regenerates it, the new one.
      const key = keys.tokenCache(session.id);
      const partitions: IPartitionManager = { getKey: async () => key, extractKey: async () => key };
      return new DistributedCachePlugin(cacheClient, partitions);
    },
  };
}
