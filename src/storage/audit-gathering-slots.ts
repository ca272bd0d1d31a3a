// Where the organization audit's gatherings are kept, so that every instance reads the same one and
// a restart loses none: a row of the jobs file (embedded engine), or a Redis hash (instances sharing
// Redis). Each holds a sealed blob (progress, then the result) and its generation, a new one for
// every gathering started: a gathering writes only while it is the current one, so one that a newer
// gathering replaced can never overwrite it. Kept for `keepMs` from the gathering's start.
import type { DatabaseSync } from 'node:sqlite';
import type { RedisConnection } from './redis-connection.ts';

interface KeptGathering {
  generation: string;
  sealed: string;
}

export interface AuditGatheringSlots {
  read(key: string): Promise<KeptGathering | undefined>;
  /** Starts a new generation, replacing whatever was kept under `key`. */
  replace(key: string, kept: KeptGathering, keepMs: number): Promise<void>;
  /** Writes only while `generation` is still the kept one; false when a newer gathering replaced it. */
  update(key: string, generation: string, sealed: string): Promise<boolean>;
  remove(key: string): Promise<void>;
}

export function sqliteAuditGatheringSlots(database: DatabaseSync): AuditGatheringSlots {
  database.exec(`CREATE TABLE IF NOT EXISTS audit_gatherings (
    key TEXT PRIMARY KEY, generation TEXT NOT NULL, sealed TEXT NOT NULL, expires_at INTEGER NOT NULL)`);
  const read = database.prepare('SELECT generation, sealed FROM audit_gatherings WHERE key = ? AND expires_at > ?');
  const prune = database.prepare('DELETE FROM audit_gatherings WHERE expires_at <= ?');
  const replace =
    database.prepare(`INSERT INTO audit_gatherings (key, generation, sealed, expires_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET generation = excluded.generation, sealed = excluded.sealed, expires_at = excluded.expires_at`);
  const update = database.prepare(
    'UPDATE audit_gatherings SET sealed = ? WHERE key = ? AND generation = ? AND expires_at > ?',
  );
  const remove = database.prepare('DELETE FROM audit_gatherings WHERE key = ?');
  return {
    read: async (key) => read.get(key, Date.now()) as KeptGathering | undefined,
    async replace(key, { generation, sealed }, keepMs) {
      prune.run(Date.now());
      replace.run(key, generation, sealed, Date.now() + keepMs);
    },
    update: async (key, generation, sealed) => update.run(sealed, key, generation, Date.now()).changes === 1,
    remove: async (key) => void remove.run(key),
  };
}

// HSET only while the hash's generation is the caller's (an expired hash has none).
const UPDATE_IF_CURRENT = `if redis.call('HGET', KEYS[1], 'generation') == ARGV[1] then redis.call('HSET', KEYS[1], 'sealed', ARGV[2]) return 1 end return 0`;

export function redisAuditGatheringSlots(
  connection: RedisConnection,
  keyOf: (key: string) => string,
): AuditGatheringSlots {
  const { client, run } = connection;
  return {
    read: (key) =>
      run('audit read', async () => {
        const [generation, sealed] = await client.hmGet(keyOf(key), ['generation', 'sealed']);
        return generation && sealed ? { generation, sealed } : undefined;
      }),
    replace: (key, { generation, sealed }, keepMs) =>
      run('audit write', async () => {
        await client
          .multi()
          .del(keyOf(key))
          .hSet(keyOf(key), { generation, sealed })
          .pExpire(keyOf(key), keepMs)
          .exec();
      }),
    update: (key, generation, sealed) =>
      run(
        'audit update',
        async () =>
          (await client.eval(UPDATE_IF_CURRENT, { keys: [keyOf(key)], arguments: [generation, sealed] })) === 1,
      ),
    remove: (key) => run('audit delete', async () => void (await client.del(keyOf(key)))),
  };
}
