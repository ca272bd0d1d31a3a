// Per-person records in Redis, for instances that share one: a hash per person and kind, field = id.
import type { PersonRecords } from './person-records.ts';
import type { RedisConnection } from './redis-connection.ts';
import type { RedisKeys } from './redis-keys.ts';

export function redisPersonRecords(connection: RedisConnection, keys: RedisKeys): PersonRecords {
  return {
    async list<T>(person: string, kind: string) {
      const all = await connection.run('records read', () => connection.client.hGetAll(keys.records(person, kind)));
      return Object.keys(all)
        .sort()
        .map((id) => JSON.parse(all[id]!) as T);
    },
    async get<T>(person: string, kind: string, id: string) {
      const value = await connection.run('record read', () => connection.client.hGet(keys.records(person, kind), id));
      return value ? (JSON.parse(value) as T) : undefined;
    },
    put: (person, kind, id, record) =>
      connection.run(
        'record write',
        async () => void (await connection.client.hSet(keys.records(person, kind), id, JSON.stringify(record))),
      ),
    remove: (person, kind, id) =>
      connection.run('record delete', async () => void (await connection.client.hDel(keys.records(person, kind), id))),
    close() {},
  };
}
