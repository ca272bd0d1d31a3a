// SESSION_STORE=redis against a real redis-server: sessions and their token caches (one key each,
// the same lifetime, gone together), failures that are fast and named, and recovery on its own.
import type { TokenCacheContext } from '@azure/msal-node';
import type { SessionData } from 'express-session';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppSession } from '../../src/session/session-types.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logging.ts';
import { StoreUnavailableError } from '../../src/storage/store-unavailable.ts';
import { createSealer } from '../../src/storage/sealing.ts';
import { createStorage, type Storage } from '../../src/storage/storage.ts';
import { freePort } from '../support/harness.ts';
import { eventually } from '../support/processes.ts';
import { startRedis, type TestRedis } from '../support/redis-server.ts';
import { collectLogLines } from '../support/log-lines.ts';
import { DatabaseSync } from 'node:sqlite';
import { sqliteAuditGatheringSlots } from '../../src/storage/audit-gathering-slots.ts';

const PREFIX = 'test:';
const TIMEOUT_MS = 300;
const IDLE_MINUTES = 30;
const sealer = createSealer([Buffer.alloc(32, 3)]);

let redis: TestRedis;
let storage: Storage;
let inspector: ReturnType<typeof createClient>;
const logLines: string[] = [];

beforeAll(async () => {
  redis = await startRedis();
  const config = loadConfig({
    AZURE_CLIENT_ID: '11111111-2222-4333-8444-555555555555',
    AZURE_CLIENT_SECRET: 'not-used-here',
    SESSION_SECRET: 'x'.repeat(40),
    TOKEN_CACHE_KEYS: Buffer.alloc(32, 3).toString('base64'),
    SESSION_STORE: 'redis',
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: PREFIX,
    REDIS_TIMEOUT_MS: String(TIMEOUT_MS),
    SESSION_IDLE_MINUTES: String(IDLE_MINUTES),
    LOG_LEVEL: 'debug',
  });
  const { sink } = collectLogLines(logLines);
  storage = createStorage(config, createLogger(config.logLevel, sink), sealer);
  await eventually('the store answers', () => storage.ping().then(() => true), 5000);
  inspector = createClient({ url: redis.url });
  inspector.on('error', () => {});
  await inspector.connect();
});

afterAll(async () => {
  inspector?.destroy();
  await storage?.close();
  await redis?.close();
});

/** express-session's callback API as promises. */
function store() {
  const target = storage.sessionStore;
  const call = <T>(run: (callback: (error: unknown, value?: T) => void) => void) =>
    new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value as T))));
  return {
    get: (id: string) => call<SessionData | null>((done) => target.get(id, done)),
    set: (id: string, data: SessionData) => call<void>((done) => target.set(id, data, done)),
    touch: (id: string, data: SessionData) => call<void>((done) => target.touch!(id, data, done as () => void)),
    destroy: (id: string) => call<void>((done) => target.destroy(id, done)),
  };
}

function sessionExpiringIn(ms: number, extra: object = {}): SessionData {
  return { cookie: { originalMaxAge: ms, expires: new Date(Date.now() + ms) }, ...extra } as unknown as SessionData;
}

/** What msal-node hands the cache plugin, reduced to the calls DistributedCachePlugin makes. */
function cacheContext(serialized: string, received: { data?: string } = {}): TokenCacheContext {
  return {
    cacheHasChanged: true,
    tokenCache: {
      getKVStore: () => ({}),
      serialize: () => serialized,
      deserialize: (data: string) => {
        received.data = data;
      },
    },
  } as unknown as TokenCacheContext;
}

async function readTokenCache(sessionId: string): Promise<string | undefined> {
  const received: { data?: string } = {};
  await storage.tokenCache.pluginFor({ id: sessionId } as AppSession).beforeCacheAccess(cacheContext('', received));
  return received.data;
}

describe('SESSION_STORE=redis', () => {
  it('keeps a session under the prefix, for as long as its cookie lives', async () => {
    await store().set('s1', sessionExpiringIn(600_000, { organization: 'contoso' }));
    expect(await store().get('s1')).toMatchObject({ organization: 'contoso' });
    const ttl = await inspector.ttl(`${PREFIX}sess:s1`);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    expect(await store().get('never-was')).toBeNull();
  });

  it('keeps each token cache sealed under its own key, with the idle time as TTL, read by any instance', async () => {
    await storage.tokenCache.pluginFor({ id: 's1' } as AppSession).afterCacheAccess(cacheContext('{"cache":"of s1"}'));
    const stored = await inspector.get(`${PREFIX}msal:s1`);
    expect(stored).toMatch(/^v1\./);
    expect(stored).not.toContain('cache');
    expect(sealer.open(stored!, 'token-cache:s1')).toMatchObject({ ok: true, plaintext: '{"cache":"of s1"}' });
    expect(await inspector.ttl(`${PREFIX}msal:s1`)).toBeGreaterThan(IDLE_MINUTES * 60 - 10);
    expect(await readTokenCache('s1')).toBe('{"cache":"of s1"}');
    // Partitioned by session: another person's session reads nothing, even with s1's blob copied in.
    expect(await readTokenCache('s2')).toBe('');
    await inspector.set(`${PREFIX}msal:s2`, stored!);
    expect(await readTokenCache('s2')).toBe('');
    await inspector.del(`${PREFIX}msal:s2`);
  });

  it('extends the token cache with its session on touch and save, and deletes both on destroy', async () => {
    await store().touch('s1', sessionExpiringIn(900_000));
    for (const key of ['sess', 'msal']) expect(await inspector.ttl(`${PREFIX}${key}:s1`)).toBeGreaterThan(890);
    // A touch that would move the expiry by less than a minute writes nothing.
    await store().touch('s1', sessionExpiringIn(930_000));
    for (const key of ['sess', 'msal']) expect(await inspector.ttl(`${PREFIX}${key}:s1`)).toBeLessThanOrEqual(900);
    await store().set('s1', sessionExpiringIn(1_200_000, { organization: 'contoso' }));
    for (const key of ['sess', 'msal']) expect(await inspector.ttl(`${PREFIX}${key}:s1`)).toBeGreaterThan(1190);
    await store().destroy('s1');
    expect(await inspector.exists([`${PREFIX}sess:s1`, `${PREFIX}msal:s1`])).toBe(0);
  });

  it("keeps a person's records (vault links) in a hash of their own, readable by any instance", async () => {
    const records = storage.records;
    await records.put('person-1', 'vault-link', 'b-id', { secretName: 'b' });
    await records.put('person-1', 'vault-link', 'a-id', { secretName: 'a' });
    await records.put('person-2', 'vault-link', 'a-id', { secretName: 'other' });
    expect(await records.list('person-1', 'vault-link')).toEqual([{ secretName: 'a' }, { secretName: 'b' }]);
    expect(await records.get('person-1', 'vault-link', 'b-id')).toEqual({ secretName: 'b' });
    expect(await inspector.hGet(`${PREFIX}records:vault-link:person-2`, 'a-id')).toBe('{"secretName":"other"}');
    await records.remove('person-1', 'vault-link', 'b-id');
    expect(await records.get('person-1', 'vault-link', 'b-id')).toBeUndefined();
    expect(await records.list('person-1', 'retirement')).toEqual([]);
  });

  it('fails at once with StoreUnavailableError while Redis is down, and recovers by itself', async () => {
    await store().set('kept', sessionExpiringIn(600_000, { organization: 'fabrikam' }));
    await redis.stop();
    const started = performance.now();
    await expect(store().get('kept')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store().set('other', sessionExpiringIn(600_000))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(readTokenCache('kept')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(storage.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS);

    await redis.start();
    const recoveredInMs = await eventually('the store answers again', () => storage.ping().then(() => true), 10_000);
    expect(recoveredInMs).toBeLessThan(5000);
    expect(await store().get('kept')).toMatchObject({ organization: 'fabrikam' });
    expect(logLines.some((line) => line.includes('connection lost'))).toBe(true);
    expect(logLines.some((line) => line.includes('connected again'))).toBe(true);
  });

  it('gives up after REDIS_TIMEOUT_MS when Redis accepts commands but does not answer', async () => {
    const pid = redis.pid()!;
    process.kill(pid, 'SIGSTOP');
    try {
      const started = performance.now();
      await expect(store().get('kept')).rejects.toBeInstanceOf(StoreUnavailableError);
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
      expect(waited).toBeLessThan(TIMEOUT_MS + 500);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // The late answer is discarded, not handed to the next command.
    await eventually('the store answers again', () => storage.ping().then(() => true), 5000);
    expect(await store().get('kept')).toMatchObject({ organization: 'fabrikam' });
  });

  it('drops a connection that stays silent, then fails at once until a new one is up', async () => {
    const pid = redis.pid()!;
    const lostBefore = logLines.filter((line) => line.includes('connection lost')).length;
    process.kill(pid, 'SIGSTOP');
    try {
      // Silent for a keep-alive PING plus the time limit: the client closes it and reconnects.
      await eventually(
        'the silent connection is dropped',
        async () => logLines.filter((line) => line.includes('connection lost')).length > lostBefore,
        6000,
      );
      const started = performance.now();
      await expect(store().get('kept')).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(performance.now() - started).toBeLessThan(50);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await eventually('the store answers again', () => storage.ping().then(() => true), 8000);
    expect(await store().get('kept')).toMatchObject({ organization: 'fabrikam' });
  });

  it('starts without Redis (not ready, failing fast) and closes at once even so', async () => {
    const nowhere = createStorage(
      loadConfig({
        AZURE_CLIENT_ID: '11111111-2222-4333-8444-555555555555',
        AZURE_CLIENT_SECRET: 'unused',
        SESSION_SECRET: 'x'.repeat(40),
        TOKEN_CACHE_KEYS: Buffer.alloc(32, 3).toString('base64'),
        SESSION_STORE: 'redis',
        REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
        REDIS_TIMEOUT_MS: String(TIMEOUT_MS),
      }),
      createLogger('silent'),
      sealer,
    );
    const started = performance.now();
    await expect(nowhere.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await new Promise((resolve) => setTimeout(resolve, 300)); // let it try to reconnect a few times
    await nowhere.close();
    await nowhere.close();
    expect(performance.now() - started).toBeLessThan(300 + TIMEOUT_MS);
  });

  it('never logs the Redis URL (it can carry a password)', () => {
    expect(logLines.join('\n')).not.toContain(redis.url);
  });
});

describe('the organization audits kept for every instance (same contract in Redis and SQLite)', () => {
  const backends = () => [
    { name: 'Redis', slots: storage.auditGatherings },
    { name: 'SQLite', slots: sqliteAuditGatheringSlots(new DatabaseSync(':memory:')) },
  ];

  it('refuses a write from a gathering that a newer one replaced, in both', async () => {
    for (const { name, slots } of backends()) {
      await slots.replace('grace:contoso', { generation: 'first', sealed: 'progress-1' }, 60_000);
      expect(await slots.update('grace:contoso', 'first', 'progress-2'), name).toBe(true);
      await slots.replace('grace:contoso', { generation: 'second', sealed: 'started' }, 60_000);
      expect(await slots.update('grace:contoso', 'first', 'stale result'), name).toBe(false);
      expect(await slots.read('grace:contoso'), name).toEqual({ generation: 'second', sealed: 'started' });
      await slots.remove('grace:contoso');
      expect(await slots.update('grace:contoso', 'second', 'after removal'), name).toBe(false);
      expect(await slots.read('grace:contoso'), name).toBeUndefined();
    }
  });

  it('keeps an audit in Redis under its own key with the time it is kept as TTL', async () => {
    await storage.auditGatherings.replace('grace:contoso', { generation: 'g', sealed: 's' }, 15 * 60_000);
    const ttl = await inspector.pTTL(`${PREFIX}audit:grace:contoso`);
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
    await storage.auditGatherings.remove('grace:contoso');
  });
});
