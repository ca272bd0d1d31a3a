// Small per-person records the app keeps beside its activity log (which token's secret lives in
// which vault, old tokens waiting to be revoked): JSON documents by person, kind and id. In the
// SQLite file of the activity log, or in Redis when instances share one (redis-person-records.ts).
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

export function createSqlitePersonRecords(file: string): PersonRecords {
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
  const list = database.prepare('SELECT data FROM person_records WHERE person = ? AND kind = ? ORDER BY id');
  const get = database.prepare('SELECT data FROM person_records WHERE person = ? AND kind = ? AND id = ?');
  const put = database.prepare('INSERT INTO person_records (person, kind, id, data) VALUES (?, ?, ?, ?) ON CONFLICT (person, kind, id) DO UPDATE SET data = excluded.data');
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
