// No token is readable at rest: people sign in through the emulator with the real msal-node, then the
// raw bytes of every file the app wrote (SQLite and its write-ahead log) and every Redis key it wrote
// are searched for anything token-like (a JWT, msal-node's cache sections) and for every secret the
// emulator handed out. Then the keys
// are rotated (people stay signed in, the next write is sealed with the new key), the old key is
// removed (whoever still had blobs sealed with it signs in again), and a stored blob is tampered with.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuedSecret } from '../../src/emulator/index.ts';
import { createSealer } from '../../src/storage/sealing.ts';
import { offlineCacheContext } from '../../src/storage/offline-token-caches.ts';
import { createIntoVault, turnOnAutomation } from '../support/vault-tokens.ts';
import type { TestBrowser } from '../support/browser.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { startRedis, type TestRedis } from '../support/redis-server.ts';
import { ADA, GRACE, pickPerson, signIn, signInForAudit } from '../support/sign-in.ts';
import { followGathering } from '../support/audit-page.ts';

const KEY_OLD = randomBytes(32);
const KEY_NEW = randomBytes(32);
const base64 = (key: Buffer) => key.toString('base64');

/**
 * A JWT's header and payload (`eyJ...` twice around a dot). "eyJ" alone is no sign: three letters turn
 * up by chance in kilobytes of sealed (random) base64.
 */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ/;

/** Ada turns automatic rotation on for a token in her vault: her offline token cache is written. */
async function turnOnAutomationFor(h: Harness, browser: TestBrowser): Promise<void> {
  const adaVault = h.emulator.control.keyVault.vaultUrl('ada-pats');
  const named = (name: string) =>
    h.emulator.control.devops.tokens(ADA.objectId).filter((token) => token.displayName === name);
  const token = await createIntoVault({ h, browser, adaVault, named }, 'sealed-automation');
  const on = await turnOnAutomation({ h, browser }, token.authorizationId, {
    whenDaysLeft: '7',
    lifetimeDays: '30',
    keepOldDays: '0',
  });
  expect(on.url).toMatch(/\/automation$/);
}

/** Everything that would give a token away: JWTs, msal-node's cache sections, and each issued secret. */
function tokensIn(bytes: Buffer, issued: IssuedSecret[]): string[] {
  // `"secret":` is the field of msal-node's serialized cache that holds a token (vault links and the
  // activity log name secrets, `secretName`, which is no token).
  const found = ['RefreshToken', 'refresh_token', 'AccessToken', 'IdToken', '"secret":'].filter((marker) =>
    bytes.includes(marker),
  );
  if (JWT.test(bytes.toString('latin1'))) found.push('a JWT (eyJ...eyJ)');
  for (const secret of issued) if (bytes.includes(secret.value)) found.push(`${secret.kind} issued by the emulator`);
  return found;
}

/** Every file in the run's folder that the app wrote (sessions and activity, with their WAL and SHM). */
function appFiles(h: Harness): string[] {
  return readdirSync(h.dataDir)
    .filter((name) => name.endsWith('.sqlite') || name.endsWith('.sqlite-wal') || name.endsWith('.sqlite-shm'))
    .map((name) => join(h.dataDir, name));
}

interface StoredSession {
  id: string;
  person: string;
  accessToken: string | undefined;
  tokenCache: string | undefined;
}

/** The sessions table and the token caches beside it, as a person with the file would read them. */
function storedSessions(h: Harness): StoredSession[] {
  const database = new DatabaseSync(join(h.dataDir, 'sessions.sqlite'), { readOnly: true });
  try {
    const rows = database
      .prepare('SELECT s.id, s.data, t.sealed FROM sessions s LEFT JOIN token_caches t ON t.session_id = s.id')
      .all() as Array<{ id: string; data: string; sealed: string | null }>;
    return rows.map((row) => {
      const data = JSON.parse(row.data) as { account?: { name: string }; accessToken?: { sealed: string } };
      return {
        id: row.id,
        person: data.account?.name ?? '',
        accessToken: data.accessToken?.sealed,
        tokenCache: row.sealed ?? undefined,
      };
    });
  } finally {
    database.close();
  }
}

function sessionOf(h: Harness, person: string): StoredSession {
  const found = storedSessions(h).filter((row) => row.person === person);
  expect(found).toHaveLength(1);
  return found[0]!;
}

function opensWith(keys: Buffer[], sealed: string | undefined, context: string): boolean {
  return sealed !== undefined && createSealer(keys).open(sealed, context).ok;
}

async function listPage(browser: TestBrowser, h: Harness) {
  return browser.get(`${h.appUrl}/`);
}

describe('tokens sealed at rest, SQLite', () => {
  let h: Harness;
  let ada: TestBrowser;
  let grace: TestBrowser;

  beforeAll(async () => {
    h = await startHarness({ env: { TOKEN_CACHE_KEYS: base64(KEY_OLD) } });
    ada = h.browser();
    grace = h.browser();
    await signIn(ada, h.appUrl, ADA);
    await signIn(grace, h.appUrl, GRACE);
    expect((await listPage(ada, h)).status).toBe(200);
  });
  afterAll(async () => h?.close());

  it('leaves no token in any byte of the files the app wrote', () => {
    const files = appFiles(h);
    expect(files.map((file) => file.slice(h.dataDir.length + 1)).sort()).toEqual(
      expect.arrayContaining(['sessions.sqlite', 'sessions.sqlite-wal']),
    );
    const issued = h.emulator.control.issuedSecrets();
    expect(issued.filter((secret) => secret.kind === 'refresh_token').length).toBeGreaterThanOrEqual(2);
    for (const file of files)
      expect({ file, found: tokensIn(readFileSync(file), issued) }).toEqual({ file, found: [] });
  });

  it('seals the offline token cache of automatic rotation for its person: no token in the jobs file, and it opens for nobody else', async () => {
    await turnOnAutomationFor(h, ada);
    const jobs = new DatabaseSync(join(h.dataDir, 'jobs.sqlite'), { readOnly: true });
    const rows = jobs.prepare('SELECT person, sealed FROM offline_token_caches').all() as Array<{
      person: string;
      sealed: string;
    }>;
    jobs.close();
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row!.person).toContain(ADA.objectId);
    expect(opensWith([KEY_OLD], row!.sealed, offlineCacheContext(row!.person))).toBe(true);
    expect(opensWith([KEY_OLD], row!.sealed, offlineCacheContext(`${GRACE.objectId}.${h.emulator.tenantId}`))).toBe(
      false,
    );
    expect(opensWith([KEY_OLD], row!.sealed, `token-cache:${sessionOf(h, ADA.displayName).id}`)).toBe(false);
    const issued = h.emulator.control.issuedSecrets();
    expect(appFiles(h).some((file) => file.endsWith('jobs.sqlite'))).toBe(true);
    for (const file of appFiles(h))
      expect({ file, found: tokensIn(readFileSync(file), issued) }).toEqual({ file, found: [] });
  });

  it('keeps the token cache in a row of its own and the session row small, both sealed for that session', () => {
    const row = sessionOf(h, 'Ada Lovelace');
    expect(row.tokenCache).toMatch(/^v1\./);
    expect(opensWith([KEY_OLD], row.tokenCache, `token-cache:${row.id}`)).toBe(true);
    expect(opensWith([KEY_OLD], row.accessToken, `access-token:${row.id}`)).toBe(true);
    // Bound to the session: Ada's blobs do not open as Grace's.
    const graceRow = sessionOf(h, 'Grace Hopper');
    expect(opensWith([KEY_OLD], row.tokenCache, `token-cache:${graceRow.id}`)).toBe(false);
  });

  it('after rotation (new key first, old second) keeps people signed in, and seals the next write with the new key', async () => {
    await h.restartApp({ TOKEN_CACHE_KEYS: `${base64(KEY_NEW)},${base64(KEY_OLD)}` });
    const page = await listPage(ada, h);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Ada Lovelace');
    // Azure DevOps refuses the access token: the app renews it through msal-node, which writes the cache.
    h.emulator.control.expireAccessTokens(ADA.objectId);
    expect((await listPage(ada, h)).status).toBe(200);
    const row = sessionOf(h, 'Ada Lovelace');
    expect(opensWith([KEY_NEW], row.tokenCache, `token-cache:${row.id}`)).toBe(true);
    expect(opensWith([KEY_NEW], row.accessToken, `access-token:${row.id}`)).toBe(true);
    // Grace did nothing since: her blobs are still sealed with the old key only.
    const graceRow = sessionOf(h, 'Grace Hopper');
    expect(opensWith([KEY_NEW], graceRow.tokenCache, `token-cache:${graceRow.id}`)).toBe(false);
    expect(opensWith([KEY_OLD], graceRow.tokenCache, `token-cache:${graceRow.id}`)).toBe(true);
  });

  it('with the old key removed, signs in again whoever still had blobs sealed with it, and only them', async () => {
    await h.restartApp({ TOKEN_CACHE_KEYS: base64(KEY_NEW) });
    const logStart = h.logLines.length;
    const adaPage = await listPage(ada, h);
    expect(adaPage.status).toBe(200);
    expect(adaPage.body).toContain('Ada Lovelace');

    const gracePage = await listPage(grace, h);
    expect(gracePage.trail).toContain(`${h.appUrl}/login?returnTo=%2F`);
    expect(gracePage.url).toContain('/oauth2/v2.0/authorize');
    const said = h.logLines.slice(logStart).join('\n');
    expect(said).toContain('sealed with a key that TOKEN_CACHE_KEYS no longer holds');
    const back = await pickPerson(grace, gracePage, GRACE);
    expect(back.status).toBe(200);
    expect(back.body).toContain('Grace Hopper');
  });

  it('treats a token cache with one flipped byte as none: the person signs in again, and nothing crashes', async () => {
    const row = sessionOf(h, 'Ada Lovelace');
    const sealed = row.tokenCache!;
    const tampered = `${sealed.slice(0, -2)}${sealed.at(-2) === 'A' ? 'B' : 'A'}${sealed.at(-1)}`;
    const database = new DatabaseSync(join(h.dataDir, 'sessions.sqlite'));
    database.prepare('UPDATE token_caches SET sealed = ? WHERE session_id = ?').run(tampered, row.id);
    database.close();
    const logStart = h.logLines.length;
    h.emulator.control.expireAccessTokens(ADA.objectId);

    const page = await listPage(ada, h);
    expect(page.trail).toContain(`${h.appUrl}/login?returnTo=%2F`);
    const said = h.logLines.slice(logStart).join('\n');
    expect(said).toContain('failed authentication');
    expect(said).not.toContain(sealed.slice(20, 60));
    expect((await pickPerson(ada, page, ADA)).status).toBe(200);
  });

  it('still leaves no token in the files after all of that', () => {
    const issued = h.emulator.control.issuedSecrets();
    for (const file of appFiles(h))
      expect({ file, found: tokensIn(readFileSync(file), issued) }).toEqual({ file, found: [] });
  });
  it('seals the organization audit kept for every instance, and the access token its gathering runs with: no token in the jobs file, and it opens for no other administrator or organization', async () => {
    const admin = h.browser();
    await signInForAudit(admin, h.appUrl, GRACE);
    h.emulator.control.injectFault({ path: '/vssps/*/_apis/graph/users', method: 'GET', delayMs: 1500, times: 1 });
    const gathering = await admin.get(`${h.appUrl}/audit`);
    expect(gathering.headers.refresh).toBeDefined();
    const checkFiles = () => {
      const issued = h.emulator.control.issuedSecrets();
      for (const file of appFiles(h))
        expect({ file, found: tokensIn(readFileSync(file), issued) }).toEqual({ file, found: [] });
    };
    checkFiles(); // while the gathering runs, with its access token
    await followGathering(admin, h.appUrl);
    checkFiles();
    const jobs = new DatabaseSync(join(h.dataDir, 'jobs.sqlite'), { readOnly: true });
    const rows = jobs.prepare('SELECT key, sealed FROM audit_gatherings').all() as Array<{
      key: string;
      sealed: string;
    }>;
    jobs.close();
    const grace = `${GRACE.objectId}.${h.emulator.tenantId}`;
    expect(rows.map((row) => row.key)).toEqual([`${grace}:contoso`]);
    expect(opensWith([...h.config.tokenCacheKeys], rows[0]!.sealed, `audit-gathering:${grace}:contoso`)).toBe(true);
    expect(opensWith([...h.config.tokenCacheKeys], rows[0]!.sealed, `audit-gathering:${grace}:fabrikam`)).toBe(false);
    expect(
      opensWith(
        [...h.config.tokenCacheKeys],
        rows[0]!.sealed,
        `audit-gathering:${ADA.objectId}.${h.emulator.tenantId}:contoso`,
      ),
    ).toBe(false);
  });
});

describe('tokens sealed at rest, Redis', () => {
  const PREFIX = 'sealed-test:';
  let redis: TestRedis;
  let h: Harness;
  let inspector: ReturnType<typeof createClient>;

  beforeAll(async () => {
    redis = await startRedis();
    h = await startHarness({
      env: {
        SESSION_STORE: 'redis',
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: PREFIX,
        TOKEN_CACHE_KEYS: base64(KEY_OLD),
      },
    });
    inspector = createClient({ url: redis.url });
    inspector.on('error', () => {});
    await inspector.connect();
  });
  afterAll(async () => {
    inspector?.destroy();
    await h?.close();
    await redis?.close();
  });

  it('leaves no token in any key the app wrote', async () => {
    const browser = h.browser();
    await signIn(browser, h.appUrl, ADA);
    await signIn(h.browser(), h.appUrl, GRACE);
    expect((await listPage(browser, h)).status).toBe(200);
    await turnOnAutomationFor(h, browser);

    const keys = await inspector.keys('*');
    expect(keys).toContain(`${PREFIX}offline:${ADA.objectId}.${h.emulator.tenantId}`);
    expect(keys.filter((key) => key.startsWith(`${PREFIX}msal:`))).toHaveLength(2);
    expect(keys.filter((key) => !key.startsWith(PREFIX))).toEqual([]);
    const issued = h.emulator.control.issuedSecrets();
    for (const key of keys) {
      const type = await inspector.type(key);
      const readers: Record<string, () => Promise<unknown>> = {
        list: () => inspector.lRange(key, 0, -1),
        string: () => inspector.get(key),
        hash: () => inspector.hGetAll(key),
        zset: () => inspector.zRange(key, 0, -1),
        set: () => inspector.sMembers(key),
        stream: () => inspector.xRange(key, '-', '+'),
      };
      const value = JSON.stringify(await readers[type]!());
      expect({ key, type, found: tokensIn(Buffer.from(value), issued) }).toEqual({ key, type, found: [] });
    }
  });
});
