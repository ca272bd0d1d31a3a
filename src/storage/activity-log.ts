// What people did to their tokens through PAT Manager: who, when, which token, what changed. Kept
// in the embedded SQLite store (or, for several instances, in their shared Redis: see
// redis-activity-log.ts beside it) and shown back to the same person only. Never holds a secret: an
// entry is built from names, ids, scopes and dates, not from the token's value.
import type { StatementSync } from 'node:sqlite';
import { openSqliteFile } from './sqlite-file.ts';
import type { Logger } from '../logging.ts';

/**
 * `revokeOnBehalf`: an administrator revoked someone else's token from the organization audit;
 * `revocationRule`: an administrator made a rule revoking the organization's tokens by scope and date.
 */
export type ActivityAction =
  'create' | 'edit' | 'regenerate' | 'revoke' | 'revokeOnBehalf' | 'revocationRule' | 'remind';

export interface ActivityEntry {
  at: Date;
  action: ActivityAction;
  organization: string;
  tokenId: string;
  tokenName: string;
  /** Plain sentences, e.g. "name: old → new"; never a secret. */
  changes: string[];
}

interface ActivityPage {
  entries: ActivityEntry[];
  page: number;
  hasMore: boolean;
}

export interface ActivityLog {
  /** Never fails the request it is part of: a store that cannot write logs a warning instead. */
  record(person: string, entry: Omit<ActivityEntry, 'at'>): Promise<void>;
  list(person: string, page: number, pageSize: number): Promise<ActivityPage>;
  /** The person's entries about one token, newest first, at most `limit` (a token's history shows them). */
  forToken(person: string, tokenId: string, limit: number): Promise<ActivityEntry[]>;
  close(): void;
}

/** The stored form of an entry, the same in SQLite rows and Redis list items. */
interface StoredEntry {
  at: number;
  action: ActivityAction;
  organization: string;
  tokenId: string;
  tokenName: string;
  changes: string[];
}

function restore(stored: StoredEntry): ActivityEntry {
  return { ...stored, at: new Date(stored.at) };
}

/** One row more than a page tells whether there is a next page without counting them all. */
function pageOf(stored: StoredEntry[], page: number, pageSize: number): ActivityPage {
  return { page, hasMore: stored.length > pageSize, entries: stored.slice(0, pageSize).map(restore) };
}

/** An activity row as SQLite gives it (a type, not an interface, so that SQLite's records convert to it). */
type Row = {
  at: number;
  action: ActivityAction;
  organization: string;
  token_id: string;
  token_name: string;
  changes: string;
};

function fromRow(row: Row): StoredEntry {
  return {
    at: row.at,
    action: row.action,
    organization: row.organization,
    tokenId: row.token_id,
    tokenName: row.token_name,
    changes: JSON.parse(row.changes) as string[],
  };
}

export function createSqliteActivityLog(file: string, logger: Logger): ActivityLog {
  const database = openSqliteFile(file);
  database.exec(`
    PRAGMA journal_mode = WAL;
    CREATE TABLE IF NOT EXISTS activity (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      person TEXT NOT NULL, at INTEGER NOT NULL, action TEXT NOT NULL, organization TEXT NOT NULL,
      token_id TEXT NOT NULL, token_name TEXT NOT NULL, changes TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS activity_person_at ON activity (person, at DESC, id DESC);
    CREATE INDEX IF NOT EXISTS activity_person_token ON activity (person, token_id, at DESC, id DESC);
  `);
  const insert: StatementSync = database.prepare(
    'INSERT INTO activity (person, at, action, organization, token_id, token_name, changes) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const select: StatementSync = database.prepare(
    'SELECT at, action, organization, token_id, token_name, changes FROM activity WHERE person = ? ORDER BY at DESC, id DESC LIMIT ? OFFSET ?',
  );
  const selectForToken: StatementSync = database.prepare(
    'SELECT at, action, organization, token_id, token_name, changes FROM activity WHERE person = ? AND token_id = ? ORDER BY at DESC, id DESC LIMIT ?',
  );

  return {
    async record(person, entry) {
      try {
        insert.run(
          person,
          Date.now(),
          entry.action,
          entry.organization,
          entry.tokenId,
          entry.tokenName,
          JSON.stringify(entry.changes),
        );
      } catch (error) {
        logger.warn(
          { action: entry.action, tokenId: entry.tokenId, reason: (error as Error).message },
          'activity not recorded',
        );
      }
    },
    async list(person, page, pageSize) {
      return pageOf((select.all(person, pageSize + 1, (page - 1) * pageSize) as Row[]).map(fromRow), page, pageSize);
    },
    async forToken(person, tokenId, limit) {
      return (selectForToken.all(person, tokenId, limit) as Row[]).map((row) => restore(fromRow(row)));
    },
    close() {
      if (database.isOpen) database.close();
    },
  };
}

export { pageOf, restore, type StoredEntry };
