// The sign-in rate limit's counters in Redis (web/rate-limit.ts), so every instance counts the same hits.
import { createHash } from 'node:crypto';
import type { Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import type { RedisConnection } from './redis-connection.ts';

/**
 * Counts in Redis through the instance's one connection (its time limit and outage handling).
 * SCRIPT LOAD answers with the script's SHA-1 as Redis would when Redis is away at start-up: the
 * store's first EVALSHA then meets NOSCRIPT and loads the script for real once Redis is back.
 */
export function redisRateLimitStore(connection: RedisConnection, keyPrefix: string): Store {
  return new RedisStore({
    prefix: `${keyPrefix}sign-in-rate:`,
    sendCommand: async (...command: string[]) => {
      // Redis's NOSCRIPT answer goes to the store as it is: that is how it knows to load the script.
      const send = () =>
        connection
          .run('rate limit', () => connection.client.sendCommand(command))
          .catch((error: unknown) => {
            const cause = (error as { cause?: unknown }).cause;
            throw cause instanceof Error && cause.message.startsWith('NOSCRIPT') ? cause : error;
          });
      if (command[0] !== 'SCRIPT' || command[1] !== 'LOAD') return send() as Promise<never>;
      return send().catch(() => createHash('sha1').update(command[2]!).digest('hex')) as Promise<never>;
    },
  });
}
