// The activity log in Redis, for instances that share one: a list per person, newest first,
// trimmed to a bounded length so no one's history grows without end.
import { pageOf, restore, type ActivityLog, type StoredEntry } from './activity-log.ts';
import type { Logger } from '../logging.ts';
import type { RedisConnection } from './redis-connection.ts';
import type { RedisKeys } from './redis-keys.ts';

const MAX_ENTRIES_PER_PERSON = 5000;

export function redisActivityLog(connection: RedisConnection, keys: RedisKeys, logger: Logger): ActivityLog {
  return {
    async record(person, entry) {
      const stored: StoredEntry = { at: Date.now(), ...entry };
      try {
        await connection.run('activity write', async () => {
          await connection.client
            .multi()
            .lPush(keys.activity(person), JSON.stringify(stored))
            .lTrim(keys.activity(person), 0, MAX_ENTRIES_PER_PERSON - 1)
            .exec();
        });
      } catch (error) {
        logger.warn(
          { action: entry.action, tokenId: entry.tokenId, reason: (error as Error).message },
          'activity not recorded',
        );
      }
    },
    async list(person, page, pageSize) {
      const start = (page - 1) * pageSize;
      const items = await connection.run('activity read', () =>
        connection.client.lRange(keys.activity(person), start, start + pageSize),
      );
      return pageOf(
        items.map((item) => JSON.parse(item) as StoredEntry),
        page,
        pageSize,
      );
    },
    async forToken(person, tokenId, limit) {
      // No index by token: the person's list (at most MAX_ENTRIES_PER_PERSON) is read and filtered,
      // and only items naming the token are parsed.
      const items = await connection.run('activity read', () =>
        connection.client.lRange(keys.activity(person), 0, MAX_ENTRIES_PER_PERSON - 1),
      );
      return items
        .filter((item) => item.includes(tokenId))
        .map((item) => JSON.parse(item) as StoredEntry)
        .filter((stored) => stored.tokenId === tokenId)
        .slice(0, limit)
        .map(restore);
    },
    close() {},
  };
}
