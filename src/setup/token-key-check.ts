// The doctor's token-cache keys check: TOKEN_CACHE_KEYS has already parsed (32-byte keys), so this
// asks what only the store can answer: do the token caches people have now open with these keys?
// A key removed too early, or instances given different keys, shows here before anyone is signed out.
import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import type { AppConfig } from '../config/config.ts';
import { createLogger } from '../logging.ts';
import { createRedisConnection } from '../storage/redis-connection.ts';
import { redisKeys } from '../storage/redis-keys.ts';
import { createSealer } from '../storage/sealing.ts';
import type { CheckResult } from './doctor-checks.ts';

/** Enough to tell whether the keys fit the store, without reading a large store whole. */
const SAMPLE = 1000;

interface StoredCache {
  sessionId: string;
  sealed: string;
}

export async function checkTokenCacheKeys(config: AppConfig): Promise<CheckResult> {
  const keys = config.tokenCacheKeys;
  const repeated = keys.findIndex((key, index) => keys.findIndex((other) => other.equals(key)) !== index);
  if (repeated >= 0) {
    return { status: 'fail', detail: `TOKEN_CACHE_KEYS: key ${repeated + 1} repeats an earlier one`, fix: 'List each key once, the newest first.' };
  }
  const described = keys.length === 1 ? 'one key' : `${keys.length} keys (the first seals, the others only open)`;
  let stored: StoredCache[];
  try {
    stored = await storedTokenCaches(config);
  } catch (error) {
    return { status: 'skip', detail: `${described}; the stored token caches could not be read (${(error as Error).message})` };
  }
  if (stored.length === 0) return { status: 'pass', detail: `${described}; no token cache stored yet` };

  const sealer = createSealer(keys);
  let withFirst = 0;
  let withOlder = 0;
  for (const cache of stored) {
    const opened = sealer.open(cache.sealed, `token-cache:${cache.sessionId}`);
    if (opened.ok && opened.sealedWithCurrentKey) withFirst += 1;
    else if (opened.ok) withOlder += 1;
  }
  const unopened = stored.length - withFirst - withOlder;
  const counted = `${stored.length}${stored.length === SAMPLE ? ' (a sample)' : ''} stored token caches`;
  if (withFirst + withOlder === 0) {
    return {
      status: 'fail',
      detail: `TOKEN_CACHE_KEYS: none of the ${counted} opens with these keys (everyone signed in would have to sign in again)`,
      fix: 'Use the keys the running instances use; to rotate, put the new key first and keep the old one second.',
    };
  }
  const older = withOlder > 0 ? `; ${withOlder} still sealed with an older key (remove it after SESSION_IDLE_MINUTES)` : '';
  const lost = unopened > 0 ? `; ${unopened} open with no key (those people sign in again)` : '';
  return { status: 'pass', detail: `${described}; ${withFirst + withOlder} of ${counted} open${older}${lost}` };
}

async function storedTokenCaches(config: AppConfig): Promise<StoredCache[]> {
  switch (config.session.store) {
    case 'memory':
      return [];
    case 'sqlite': {
      if (!existsSync(config.session.sqliteFile)) return [];
      const database = new DatabaseSync(config.session.sqliteFile, { readOnly: true });
      try {
        const table = database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'token_caches'").get();
        if (!table) return [];
        return (database.prepare('SELECT session_id, sealed FROM token_caches WHERE expires_at > ? LIMIT ?').all(Date.now(), SAMPLE) as Array<{ session_id: string; sealed: string }>).map((row) => ({ sessionId: row.session_id, sealed: row.sealed }));
      } finally {
        database.close();
      }
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
            if (names.length >= SAMPLE) break;
          }
          const sampled = names.slice(0, SAMPLE);
          const values = sampled.length > 0 ? await connection.client.mGet(sampled) : [];
          return sampled.flatMap((name, index) => (values[index] ? [{ sessionId: name.slice(prefix.length), sealed: values[index]! }] : []));
        });
      } finally {
        await connection.close().catch(() => {});
      }
    }
  }
}
