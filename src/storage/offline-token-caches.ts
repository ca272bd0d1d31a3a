// Each person's offline token cache: a copy of their msal-node cache (its refresh token above all)
// that only background jobs use, so a rotation can run while nobody is signed in. It is kept per
// person, not per session: signing out leaves it, and "Stop" on the person's last automation
// deletes it. Sealed like the session caches (AES-256-GCM, TOKEN_CACHE_KEYS) with the person's id
// as associated data, so a blob moved to another person does not open.
import { DistributedCachePlugin, type ICachePlugin, type IPartitionManager } from '@azure/msal-node';
import type { DatabaseSync } from 'node:sqlite';
import type { Logger } from '../logging.ts';
import type { RedisConnection } from './redis-connection.ts';
import { UNSEAL_FAILURE_WORDS, type Sealer } from './sealing.ts';

/** Where the sealed blobs live: a row of the jobs file, or a Redis key. */
export interface OfflineCacheSlots {
  read(person: string): Promise<string | undefined>;
  write(person: string, sealed: string): Promise<void>;
  remove(person: string): Promise<void>;
}

export interface OfflineTokenCaches {
  /** msal-node's cache plugin for this person's offline cache. */
  pluginFor(person: string): ICachePlugin;
  /** Replaces the person's offline cache with this serialized msal-node cache. */
  keep(person: string, serializedCache: string): Promise<void>;
  has(person: string): Promise<boolean>;
  forget(person: string): Promise<void>;
}

export function offlineCacheContext(person: string): string {
  return `offline-token-cache:${person}`;
}

const PARTITION = 'person';
const partitions: IPartitionManager = { getKey: async () => PARTITION, extractKey: async () => PARTITION };

export function offlineTokenCaches(slots: OfflineCacheSlots, sealer: Sealer, logger: Logger): OfflineTokenCaches {
  const seal = (person: string, value: string) => sealer.seal(value, offlineCacheContext(person));
  return {
    pluginFor(person) {
      return new DistributedCachePlugin(
        {
          get: async () => {
            const sealed = await slots.read(person);
            if (!sealed) return '';
            const opened = sealer.open(sealed, offlineCacheContext(person));
            if (opened.ok) return opened.plaintext;
            logger.warn({ reason: UNSEAL_FAILURE_WORDS[opened.reason] }, 'an offline token cache could not be opened');
            return '';
          },
          set: async (_key, value) => {
            await slots.write(person, seal(person, value));
            return value;
          },
        },
        partitions,
      );
    },
    keep: (person, serialized) => slots.write(person, seal(person, serialized)),
    has: async (person) => (await slots.read(person)) !== undefined,
    forget: (person) => slots.remove(person),
  };
}

export function sqliteOfflineCacheSlots(database: DatabaseSync): OfflineCacheSlots {
  database.exec('CREATE TABLE IF NOT EXISTS offline_token_caches (person TEXT PRIMARY KEY, sealed TEXT NOT NULL)');
  const read = database.prepare('SELECT sealed FROM offline_token_caches WHERE person = ?');
  const write = database.prepare(
    'INSERT INTO offline_token_caches (person, sealed) VALUES (?, ?) ON CONFLICT (person) DO UPDATE SET sealed = excluded.sealed',
  );
  const remove = database.prepare('DELETE FROM offline_token_caches WHERE person = ?');
  return {
    read: async (person) => (read.get(person) as { sealed: string } | undefined)?.sealed,
    write: async (person, sealed) => void write.run(person, sealed),
    remove: async (person) => void remove.run(person),
  };
}

/** No expiry: the refresh token inside lives 90 days without use, and every run renews it. */
export function redisOfflineCacheSlots(
  connection: RedisConnection,
  keyOf: (person: string) => string,
): OfflineCacheSlots {
  const { client, run } = connection;
  return {
    read: (person) => run('offline cache read', async () => (await client.get(keyOf(person))) ?? undefined),
    write: (person, sealed) => run('offline cache write', async () => void (await client.set(keyOf(person), sealed))),
    remove: (person) => run('offline cache delete', async () => void (await client.del(keyOf(person)))),
  };
}
