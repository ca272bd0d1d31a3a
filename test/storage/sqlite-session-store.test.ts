import { mkdtempSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SessionData } from 'express-session';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppSession } from '../../src/session/session-types.ts';
import { SqliteSessionStore } from '../../src/storage/sqlite-session-store.ts';

const stores: SqliteSessionStore[] = [];
afterEach(() => stores.splice(0).forEach((store) => store.close()));

function open(file: string, idleMs = 60_000): SqliteSessionStore {
  const store = new SqliteSessionStore(file, idleMs);
  stores.push(store);
  return store;
}

function sessionExpiringIn(ms: number, extra: object = {}): SessionData {
  return { cookie: { originalMaxAge: ms, expires: new Date(Date.now() + ms) }, ...extra } as unknown as SessionData;
}

function api(store: SqliteSessionStore) {
  return {
    get: promisify(store.get.bind(store)),
    set: promisify(store.set.bind(store)) as (id: string, data: SessionData) => Promise<void>,
    touch: promisify(store.touch.bind(store)) as (id: string, data: SessionData) => Promise<void>,
    destroy: promisify(store.destroy.bind(store)) as (id: string) => Promise<void>,
    length: promisify(store.length.bind(store)),
  };
}

describe('SqliteSessionStore', () => {
  it('keeps sessions across a restart of the process (a new store on the same file)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sessions-')), 'nested', 'sessions.sqlite');
    await api(open(file)).set('abc', sessionExpiringIn(60_000, { organization: 'contoso' }));
    stores.pop()!.close();
    const reopened = api(open(file));
    expect(await reopened.get('abc')).toMatchObject({ organization: 'contoso' });
    expect(await reopened.length()).toBe(1);
  });

  it('forgets expired sessions, on read and in the sweep', async () => {
    const store = open(':memory:');
    const calls = api(store);
    await calls.set('old', sessionExpiringIn(-1));
    await calls.set('new', sessionExpiringIn(60_000));
    expect(await calls.get('old')).toBeNull();
    expect(store.sweepExpired()).toBe(1);
    expect(await calls.length()).toBe(1);
  });

  it('touch extends, destroy removes, unknown ids read as null', async () => {
    const calls = api(open(':memory:'));
    await calls.set('s', sessionExpiringIn(10));
    await calls.touch('s', sessionExpiringIn(60_000));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await calls.get('s')).not.toBeNull();
    await calls.destroy('s');
    expect(await calls.get('s')).toBeNull();
    expect(await calls.get('never-was')).toBeNull();
  });

  it('moves the stored expiry at most once a minute: a touch that would move it less writes nothing', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sessions-')), 'sessions.sqlite');
    // An idle time of an hour: the expiry moves when it would move by more than a minute.
    const calls = api(open(file, 3_600_000));
    await calls.set('s', sessionExpiringIn(600_000));
    const expiry = () =>
      (
        new DatabaseSync(file, { readOnly: true }).prepare('SELECT expires_at FROM sessions').get() as {
          expires_at: number;
        }
      ).expires_at;
    const stored = expiry();
    await calls.touch('s', sessionExpiringIn(630_000));
    expect(expiry()).toBe(stored);
    await calls.touch('s', sessionExpiringIn(700_000));
    expect(expiry()).toBeGreaterThan(stored + 90_000);
  });

  it('keeps the token cache in a row of its own, as long as its session, gone with it', async () => {
    const store = open(':memory:');
    const calls = api(store);
    const session = { id: 's', cookie: { expires: new Date(Date.now() + 60_000) } } as unknown as AppSession;
    await calls.set('s', sessionExpiringIn(60_000, { organization: 'contoso' }));
    await store.tokenCacheSlot.write(session, 'v1.sealed');
    expect(await store.tokenCacheSlot.read(session)).toBe('v1.sealed');
    expect(JSON.stringify(await calls.get('s'))).not.toContain('v1.sealed');
    expect(await store.tokenCacheSlot.read({ ...session, id: 'other' } as AppSession)).toBeUndefined();
    await calls.destroy('s');
    expect(await store.tokenCacheSlot.read(session)).toBeUndefined();
  });

  it('forgets the unsealed tokens that sessions written by an older version held, and keeps the rest', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sessions-')), 'sessions.sqlite');
    const calls = api(open(file));
    await calls.set(
      'old',
      sessionExpiringIn(60_000, {
        organization: 'contoso',
        tokenCache: '{"RefreshToken":{}}',
        accessToken: { value: 'eyJ.plain', expiresOnMs: 1 },
      }),
    );
    stores.pop()!.close();
    const reopened = await api(open(file)).get('old');
    expect(reopened).toMatchObject({ organization: 'contoso' });
    expect(JSON.stringify(reopened)).not.toMatch(/RefreshToken|eyJ/);
  });

  it("keeps its files, and the folder it makes, to the app's own user", async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'sessions-')), 'private');
    const file = join(folder, 'sessions.sqlite');
    await api(open(file)).set('s', sessionExpiringIn(60_000));
    const modeOf = (path: string) => statSync(path).mode & 0o777;
    expect(modeOf(folder)).toBe(0o700);
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(`${file}-wal`)).toBe(0o600);
  });
});
