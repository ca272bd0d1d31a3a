// Small per-person records (which token's secret lives in which vault, old tokens waiting to be
// revoked): JSON documents by person, kind and id. In a SQLite file of their own
// (VAULT_LINKS_SQLITE_FILE), or in Redis when instances share one (redis-person-records.ts).
import { existsSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { RecentlyUsed } from './recently-used.ts';
import { claimSqliteFile, openSqliteFile } from './sqlite-file.ts';

/** How many people's lists are remembered. */
const LISTS_REMEMBERED = 2000;

export interface PersonRecords {
  list<T>(person: string, kind: string): Promise<T[]>;
  get<T>(person: string, kind: string, id: string): Promise<T | undefined>;
  put(person: string, kind: string, id: string, record: unknown): Promise<void>;
  remove(person: string, kind: string, id: string): Promise<void>;
  close(): void;
}

/**
 * Until PAT Manager 0.1's vault links had a file of their own they were kept in the activity log's
 * file: their rows are moved from there (once, in one transaction) and the old table dropped.
 */
function moveRecordsFrom(database: DatabaseSync, oldFile: string): void {
  if (oldFile === ':memory:' || !existsSync(oldFile)) return;
  database.prepare('ATTACH DATABASE ? AS old').run(oldFile);
  try {
    const table = database
      .prepare("SELECT 1 FROM old.sqlite_master WHERE type = 'table' AND name = 'person_records'")
      .get();
    if (!table) return;
    database.exec(
      'BEGIN IMMEDIATE; INSERT OR IGNORE INTO main.person_records SELECT person, kind, id, data FROM old.person_records; DROP TABLE old.person_records; COMMIT',
    );
  } catch (error) {
    if (database.isTransaction) database.exec('ROLLBACK');
    throw error;
  } finally {
    database.exec('DETACH DATABASE old');
  }
}

export function createSqlitePersonRecords(file: string, options: { movedFrom?: string } = {}): PersonRecords {
  const claim = claimSqliteFile(file);
  const database = openSqliteFile(file);
  database.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA busy_timeout = 2000;
    CREATE TABLE IF NOT EXISTS person_records (
      person TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,
      PRIMARY KEY (person, kind, id)
    );
  `);
  if (options.movedFrom && options.movedFrom !== file) moveRecordsFrom(database, options.movedFrom);
  const list = database.prepare('SELECT data FROM person_records WHERE person = ? AND kind = ? ORDER BY id');
  const get = database.prepare('SELECT data FROM person_records WHERE person = ? AND kind = ? AND id = ?');
  const put = database.prepare(
    'INSERT INTO person_records (person, kind, id, data) VALUES (?, ?, ?, ?) ON CONFLICT (person, kind, id) DO UPDATE SET data = excluded.data',
  );
  const remove = database.prepare('DELETE FROM person_records WHERE person = ? AND kind = ? AND id = ?');
  // Every signed-in page lists the person's vault links, and most people have none: each list is
  // remembered as stored (the file is this process's alone) and forgotten when that list changes.
  const lists = new RecentlyUsed<string, string[]>(LISTS_REMEMBERED);
  const listKey = (person: string, kind: string) => `${kind}\0${person}`;
  return {
    async list<T>(person: string, kind: string) {
      const key = listKey(person, kind);
      let rows = lists.get(key);
      if (!rows) {
        rows = (list.all(person, kind) as Array<{ data: string }>).map((row) => row.data);
        lists.set(key, rows);
      }
      return rows.map((data) => JSON.parse(data) as T);
    },
    async get<T>(person: string, kind: string, id: string) {
      const row = get.get(person, kind, id) as { data: string } | undefined;
      return row ? (JSON.parse(row.data) as T) : undefined;
    },
    async put(person, kind, id, record) {
      put.run(person, kind, id, JSON.stringify(record));
      lists.delete(listKey(person, kind));
    },
    async remove(person, kind, id) {
      remove.run(person, kind, id);
      lists.delete(listKey(person, kind));
    },
    close() {
      if (database.isOpen) database.close();
      claim.release();
    },
  };
}
