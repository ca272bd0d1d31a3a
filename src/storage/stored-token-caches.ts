// What the doctor needs to inspect the token caches people have now, without knowing how a store
// keeps them: a sample of sealed caches, and whether given keys open one. Read only.
import type { AppConfig } from '../config/config.ts';
import { createLogger } from '../logging.ts';
import { createRedisConnection } from './redis-connection.ts';
import { redisKeys } from './redis-keys.ts';
import { tokenCacheContext } from './sealed-token-cache.ts';
import type { Sealer, Unsealed } from './sealing.ts';
import { sampleSqliteTokenCaches } from './sqlite-session-store.ts';

export interface StoredTokenCache {
  sessionId: string;
  sealed: string;
}

/** Opens a stored cache as the app would for its session (the sealing context included). */
export function openStoredTokenCache(sealer: Sealer, cache: StoredTokenCache): Unsealed {
  return sealer.open(cache.sealed, tokenCacheContext({ id: cache.sessionId }));
}

/** Up to `limit` of the token caches stored now (none for the memory store, which keeps them in memory). */
export async function sampleStoredTokenCaches(config: AppConfig, limit: number): Promise<StoredTokenCache[]> {
  switch (config.session.store) {
    case 'memory':
      return [];
    case 'sqlite': {
      return sampleSqliteTokenCaches(config.session.sqliteFile, limit);
    }
    case 'redis': {
      const settings = config.session.redis!;
      const keys = redisKeys(settings.keyPrefix);
      const prefix = keys.tokenCache('');
      const connection = createRedisConnection(settings, createLogger('silent'));
      try {
        return await connection.run('token cache sample', async () => {
          const names: string[] = [];
          for await (const batch of connection.client.scanIterator({ MATCH: `${prefix}*`, COUNT: 200 })) {
            names.push(...batch);
            if (names.length >= limit) break;
          }
          const sampled = names.slice(0, limit);
          const values = sampled.length > 0 ? await connection.client.mGet(sampled) : [];
          return sampled.flatMap((name, index) =>
            values[index] ? [{ sessionId: name.slice(prefix.length), sealed: values[index]! }] : [],
          );
        });
      } finally {
        await connection.close().catch(() => {});
      }
    }
  }
}
