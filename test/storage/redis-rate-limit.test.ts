// The sign-in rate limit's counters in a real Redis: instances that share it count the same hits,
// and a store made while Redis is away (an instance starting during an outage) counts once it is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.ts';
import { createRedisConnection, type RedisConnection } from '../../src/storage/redis-connection.ts';
import { redisRateLimitStore } from '../../src/storage/redis-rate-limit-store.ts';
import { eventually } from '../support/processes.ts';
import { startRedis, type TestRedis } from '../support/redis-server.ts';

const WINDOW_MS = 60_000;
let redis: TestRedis;
const connections: RedisConnection[] = [];

const connect = () => {
  const connection = createRedisConnection(
    { url: redis.url, keyPrefix: 'rate-test:', timeoutMs: 500 },
    createLogger('silent'),
  );
  connections.push(connection);
  return connection;
};
/** A store as express-rate-limit sets one up (it calls init with its options). */
async function storeOn(connection: RedisConnection) {
  const store = redisRateLimitStore(connection, 'rate-test:');
  await store.init?.({ windowMs: WINDOW_MS } as never);
  return store;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const connection of connections) await connection.close();
  await redis?.close();
});

describe('sign-in rate limit in Redis', () => {
  it('two instances count the same hits for one address', async () => {
    const [a, b] = [connect(), connect()];
    await eventually('both connected', () => Promise.all([a.ping(), b.ping()]).then(() => true), 5000);
    const first = await storeOn(a);
    const second = await storeOn(b);
    await first.increment('203.0.113.9');
    await first.increment('203.0.113.9');
    const third = await second.increment('203.0.113.9');
    expect(third.totalHits).toBe(3);
    expect(third.resetTime!.getTime()).toBeGreaterThan(Date.now());
    expect((await second.increment('203.0.113.10')).totalHits).toBe(1);
  });

  it('a store set up while Redis is away counts once Redis is back', async () => {
    await redis.stop();
    const connection = connect();
    const store = await storeOn(connection);
    await redis.start();
    await eventually(
      'reconnected',
      () =>
        connection.ping().then(
          () => true,
          () => false,
        ),
      10_000,
    );
    expect((await store.increment('198.51.100.77')).totalHits).toBe(1);
    expect((await store.increment('198.51.100.77')).totalHits).toBe(2);
  });
});
