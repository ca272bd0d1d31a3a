// What people did to their tokens through PAT Manager: who, when, which token, what changed. Kept
// in the embedded SQLite store and shown back to the same person only. Never holds a secret: an
// entry is built from names, ids, scopes and dates, not from the token's value.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

export type ActivityAction = 'create' | 'edit' | 'regenerate' | 'revoke';

export interface ActivityEntry {
  at: Date;
  action: ActivityAction;
  organization: string;
  tokenId: string;
  tokenName: string;
  /** Plain sentences, e.g. "name: old → new"; never a secret. */
  changes: string[];
}

export interface ActivityPage {
  entries: ActivityEntry[];
  page: number;
  hasMore: boolean;
}

export interface ActivityLog {
  record(person: string, entry: Omit<ActivityEntry, 'at'>): void;
  list(person: string, page: number, pageSize: number): ActivityPage;
  close(): void;
}

export function createSqliteActivityLog(file: string): ActivityLog {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new DatabaseSync(file);
  database.exec(`
    PRAGMA journal_mode = WAL;
    CREATE TABLE IF NOT EXISTS activity (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      person TEXT NOT NULL, at INTEGER NOT NULL, action TEXT NOT NULL, organization TEXT NOT NULL,
      token_id TEXT NOT NULL, token_name TEXT NOT NULL, changes TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS activity_person_at ON activity (person, at DESC, id DESC);
  `);
  const insert: StatementSync = database.prepare('INSERT INTO activity (person, at, action, organization, token_id, token_name, changes) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const select: StatementSync = database.prepare('SELECT at, action, organization, token_id, token_name, changes FROM activity WHERE person = ? ORDER BY at DESC, id DESC LIMIT ? OFFSET ?');

  return {
    record(person, entry) {
      insert.run(person, Date.now(), entry.action, entry.organization, entry.tokenId, entry.tokenName, JSON.stringify(entry.changes));
    },
    list(person, page, pageSize) {
      // One row more than a page tells whether there is a next page without counting them all.
      const rows = select.all(person, pageSize + 1, (page - 1) * pageSize) as Array<{ at: number; action: ActivityAction; organization: string; token_id: string; token_name: string; changes: string }>;
      return {
        page,
        hasMore: rows.length > pageSize,
        entries: rows.slice(0, pageSize).map((row) => ({ at: new Date(row.at), action: row.action, organization: row.organization, tokenId: row.token_id, tokenName: row.token_name, changes: JSON.parse(row.changes) as string[] })),
      };
    },
    close() {
      if (database.isOpen) database.close();
    },
  };
}
