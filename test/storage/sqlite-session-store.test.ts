import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SessionData } from 'express-session';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteSessionStore } from '../../src/storage/sqlite-session-store.ts';

const stores: SqliteSessionStore[] = [];
afterEach(() => stores.splice(0).forEach((store) => store.close()));

function open(file: string): SqliteSessionStore {
  const store = new SqliteSessionStore(file, 60_000);
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
});
