// The activity log's entries about one token (what a token's history in the audit shows beside the
// audit log's events), the same in both stores: the embedded SQLite file and a real redis-server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.ts';
import { createSqliteActivityLog, type ActivityLog } from '../../src/storage/activity-log.ts';
import { redisActivityLog } from '../../src/storage/redis-activity-log.ts';
import { createRedisConnection, type RedisConnection } from '../../src/storage/redis-connection.ts';
import { redisKeys } from '../../src/storage/redis-keys.ts';
import { eventually } from '../support/processes.ts';
import { startRedis, type TestRedis } from '../support/redis-server.ts';

const logger = createLogger('silent');
const TOKEN = '00000000-0000-4000-8000-00000000000a';
const OTHER = '00000000-0000-4000-8000-00000000000b';

let redis: TestRedis;
let connection: RedisConnection;
beforeAll(async () => {
  redis = await startRedis();
  connection = createRedisConnection({ url: redis.url, keyPrefix: 'test:', timeoutMs: 1000 }, logger);
  await eventually('Redis answers', () => connection.ping().then(() => true), 5000);
});
afterAll(async () => {
  await connection?.close();
  await redis?.close();
});

const stores: [string, () => ActivityLog][] = [
  ['SQLite', () => createSqliteActivityLog(':memory:', logger)],
  ['Redis', () => redisActivityLog(connection, redisKeys(`test:${Math.random()}:`), logger)],
];

describe.each(stores)('the activity log in %s', (_name, open) => {
  it("gives one person's entries about one token, newest first, at most the number asked", async () => {
    const activity = open();
    const entry = (tokenId: string, n: number) => ({
      action: 'edit' as const,
      organization: 'contoso',
      tokenId,
      tokenName: `token ${tokenId.slice(-1)}`,
      changes: [`change ${n}`],
    });
    for (let n = 1; n <= 60; n++) {
      await activity.record('ada', entry(TOKEN, n));
      await activity.record('ada', entry(OTHER, n));
    }
    await activity.record('grace', { ...entry(TOKEN, 0), action: 'revokeOnBehalf', changes: ['reason: left'] });

    const ada = await activity.forToken('ada', TOKEN, 50);
    expect(ada).toHaveLength(50);
    expect(ada.every((item) => item.tokenId === TOKEN)).toBe(true);
    expect(ada.map((item) => item.changes[0])).toEqual(
      Array.from({ length: 50 }, (_, index) => `change ${60 - index}`),
    );
    expect(ada[0]!.at).toBeInstanceOf(Date);
    expect(await activity.forToken('grace', TOKEN, 50)).toMatchObject([
      { action: 'revokeOnBehalf', changes: ['reason: left'] },
    ]);
    expect(await activity.forToken('alan', TOKEN, 50)).toEqual([]);
    activity.close();
  });
});
