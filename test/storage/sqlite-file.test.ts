// The app's SQLite files belong to one process: the stores remember rows between requests, so a
// second process (or a second store in this one) on the same file is refused with one clear line.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.ts';
import { createSqlitePersonRecords, type PersonRecords } from '../../src/storage/person-records.ts';
import { claimSqliteFile, type Claim } from '../../src/storage/sqlite-file.ts';
import { SqliteSessionStore } from '../../src/storage/sqlite-session-store.ts';

const held: Array<Claim | { close(): void }> = [];
afterEach(() => held.splice(0).forEach((item) => ('release' in item ? item.release() : item.close())));

const freshFile = (name: string) => join(mkdtempSync(join(tmpdir(), 'sqlite-file-')), name);

function claim(file: string): Claim {
  const taken = claimSqliteFile(file);
  held.push(taken);
  return taken;
}

/** Tries to claim `file` from another Node process; resolves to what it printed. */
async function claimFromAnotherProcess(file: string): Promise<string> {
  const module = new URL('../../src/storage/sqlite-file.ts', import.meta.url).href;
  const script = `import { claimSqliteFile } from ${JSON.stringify(module)};
    try { claimSqliteFile(${JSON.stringify(file)}); console.log('claimed'); } catch (error) { console.log(error.name + ': ' + error.message); }`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
  return stdout.trim();
}

describe('claimSqliteFile', () => {
  it('refuses a second claim on the same file, naming the file and what to do instead', () => {
    const file = freshFile('sessions.sqlite');
    claim(file);
    expect(() => claim(file)).toThrow(ConfigError);
    expect(() => claim(file)).toThrow(`${file} is in use by another PAT Manager process`);
    expect(() => claim(file)).toThrow('SESSION_STORE=redis');
  });

  it('refuses another process while held, and lets it claim the file once released', async () => {
    const file = freshFile('activity.sqlite');
    const taken = claim(file);
    expect(await claimFromAnotherProcess(file)).toMatch(/^ConfigError: .* is in use by another PAT Manager process/);
    taken.release();
    expect(await claimFromAnotherProcess(file)).toBe('claimed');
  });

  it('claims nothing for an in-memory database', () => {
    claim(':memory:');
    expect(() => claim(':memory:')).not.toThrow();
  });
});

describe('the stores that remember rows', () => {
  it('a second session store on the same file is refused until the first is closed', () => {
    const file = freshFile('sessions.sqlite');
    const first = new SqliteSessionStore(file, 60_000);
    held.push(first);
    expect(() => new SqliteSessionStore(file, 60_000)).toThrow(ConfigError);
    first.close();
    const second = new SqliteSessionStore(file, 60_000);
    held.push(second);
  });

  it('person records: a list is remembered, and forgotten when a record of it is put or removed', async () => {
    const file = freshFile('activity.sqlite');
    const records: PersonRecords = createSqlitePersonRecords(file);
    held.push(records);
    expect(() => createSqlitePersonRecords(file)).toThrow(ConfigError);
    expect(await records.list('ada', 'vault-link')).toEqual([]);
    await records.put('ada', 'vault-link', 'a', { name: 'first' });
    expect(await records.list('ada', 'vault-link')).toEqual([{ name: 'first' }]);
    await records.put('ada', 'vault-link', 'a', { name: 'renamed' });
    await records.put('ada', 'retirement', 'r', { name: 'other kind' });
    expect(await records.list('ada', 'vault-link')).toEqual([{ name: 'renamed' }]);
    expect(await records.list('grace', 'vault-link')).toEqual([]);
    // Callers get their own copies: changing one changes nothing remembered.
    (await records.list<{ name: string }>('ada', 'vault-link'))[0]!.name = 'changed by a caller';
    expect(await records.list('ada', 'vault-link')).toEqual([{ name: 'renamed' }]);
    await records.remove('ada', 'vault-link', 'a');
    expect(await records.list('ada', 'vault-link')).toEqual([]);
    expect(await records.list('ada', 'retirement')).toEqual([{ name: 'other kind' }]);
  });
});
