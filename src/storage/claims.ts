// Claims: "I am handling this now" markers with an expiry, so that the same one-time form sent twice
// at once (a double click) is handled once. In one process a set is enough; instances behind a load
// balancer share Redis, where SET NX PX makes the claim atomic across them.
import type { RedisConnection } from './redis-connection.ts';
import type { RedisKeys } from './redis-keys.ts';

export interface Claims {
  /** True when this caller got the claim; false when someone holds it. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  release(key: string): Promise<void>;
}

/** Past this many held claims, expired ones are swept (claims of handled forms are left to expire). */
const SWEEP_ABOVE = 1000;

export function inProcessClaims(): Claims {
  const held = new Map<string, number>();
  return {
    async claim(key, ttlMs) {
      const now = Date.now();
      if ((held.get(key) ?? 0) > now) return false;
      if (held.size >= SWEEP_ABOVE) for (const [other, until] of held) if (until <= now) held.delete(other);
      held.set(key, now + ttlMs);
      return true;
    },
    async release(key) {
      held.delete(key);
    },
  };
}

export function redisClaims(connection: RedisConnection, keys: RedisKeys): Claims {
  return {
    claim: (key, ttlMs) =>
      connection.run(
        'claim',
        async () => (await connection.client.set(keys.claim(key), '1', { NX: true, PX: ttlMs })) === 'OK',
      ),
    release: (key) =>
      connection.run('release claim', async () => {
        await connection.client.del(keys.claim(key));
      }),
  };
}
