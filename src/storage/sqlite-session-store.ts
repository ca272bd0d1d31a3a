// An express-session store on Node's built-in SQLite: sessions survive a restart with no server to
// run and no native module to build. One row per session, and beside it, in a table of its own, the
// session's sealed msal-node token cache, read only when msal-node needs it and kept in step with the
// session (same expiry, deleted with it). Expired rows are ignored on read and swept in the
// background. A page that changes nothing writes nothing: the expiry is moved at most once a minute.
// The file is this process's alone (claimSqliteFile), so the rows it reads are remembered: most
// pages read their session without asking SQLite.
import { existsSync } from 'node:fs';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { RecentlyUsed } from './recently-used.ts';
import { claimSqliteFile, openSqliteFile, type Claim } from './sqlite-file.ts';
import session from 'express-session';
import type { TokenCacheSlot } from './sealed-token-cache.ts';

const SWEEP_INTERVAL_MS = 10 * 60 * 1000;
/** A touch moves the stored expiry only when it would move by more than this (or a tenth of the idle time). */
const TOUCH_AFTER_MS = 60 * 1000;
/** How many sessions' rows are remembered (about 3 KB each). */
const ROWS_REMEMBERED = 2000;
type Callback<T = void> = (error?: unknown, value?: T) => void;

export class SqliteSessionStore extends session.Store {
  private readonly claim: Claim;
  private readonly database: DatabaseSync;
  private readonly statements: Record<
    | 'get'
    | 'set'
    | 'touch'
    | 'destroy'
    | 'sweep'
    | 'count'
    | 'ping'
    | 'getTokenCache'
    | 'setTokenCache'
    | 'extendTokenCache'
    | 'destroyTokenCache'
    | 'sweepTokenCaches',
    StatementSync
  >;
  private readonly sweeper: NodeJS.Timeout;
  private readonly defaultTtlMs: number;
  private readonly touchAfterMs: number;
  /**
   * Each session's row as stored, once it has been read here: reading it from SQLite was a fifth of
   * the session's cost per page (npm run bench), and knowing its expiry lets most touches run no
   * statement. Exact, because no other process writes the file.
   */
  private readonly rows = new RecentlyUsed<string, { data: string; expiresAt: number }>(ROWS_REMEMBERED);

  constructor(file: string, defaultTtlMs: number) {
    super();

    this.defaultTtlMs = defaultTtlMs;
    this.touchAfterMs = Math.min(TOUCH_AFTER_MS, defaultTtlMs / 10);
    this.claim = claimSqliteFile(file);
    this.database = openSqliteFile(file);
    // WAL keeps readers and the writer from blocking each other; NORMAL sync is safe with WAL.
    // secure_delete overwrites what a row held when it is deleted or rewritten.
    this.database.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA secure_delete = ON;
      CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, data TEXT NOT NULL, expires_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS sessions_expires_at ON sessions (expires_at);
      CREATE TABLE IF NOT EXISTS token_caches (session_id TEXT PRIMARY KEY, sealed TEXT NOT NULL, expires_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS token_caches_expires_at ON token_caches (expires_at);
    `);
    this.forgetUnsealedTokens();
    this.statements = {
      get: this.database.prepare('SELECT data, expires_at FROM sessions WHERE id = ? AND expires_at > ?'),
      set: this.database.prepare(
        'INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at',
      ),
      touch: this.database.prepare(
        'UPDATE sessions SET expires_at = $expires WHERE id = $id AND expires_at < $expires - $touchAfter',
      ),
      destroy: this.database.prepare('DELETE FROM sessions WHERE id = ?'),
      sweep: this.database.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
      count: this.database.prepare('SELECT COUNT(*) AS n FROM sessions WHERE expires_at > ?'),
      ping: this.database.prepare('SELECT 1 FROM sessions LIMIT 1'),
      getTokenCache: this.database.prepare('SELECT sealed FROM token_caches WHERE session_id = ? AND expires_at > ?'),
      setTokenCache: this.database.prepare(
        'INSERT INTO token_caches (session_id, sealed, expires_at) VALUES (?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET sealed = excluded.sealed, expires_at = excluded.expires_at',
      ),
      extendTokenCache: this.database.prepare('UPDATE token_caches SET expires_at = ? WHERE session_id = ?'),
      destroyTokenCache: this.database.prepare('DELETE FROM token_caches WHERE session_id = ?'),
      sweepTokenCaches: this.database.prepare('DELETE FROM token_caches WHERE expires_at <= ?'),
    };
    this.sweeper = setInterval(() => this.sweepExpired(), SWEEP_INTERVAL_MS).unref();
  }

  /** The session's sealed token cache, in a row of its own (see sealed-token-cache.ts). */
  readonly tokenCacheSlot: TokenCacheSlot = {
    read: async (session) =>
      (this.statements.getTokenCache.get(session.id, Date.now()) as { sealed: string } | undefined)?.sealed,
    write: async (session, sealed) => {
      this.statements.setTokenCache.run(session.id, sealed, this.expiryOf(session));
    },
  };

  override get(id: string, callback: Callback<session.SessionData | null>): void {
    this.run(callback, () => {
      const now = Date.now();
      let row = this.rows.get(id);
      if (row && row.expiresAt <= now) {
        this.rows.delete(id);
        return null;
      }
      if (!row) {
        const stored = this.statements.get.get(id, now) as { data: string; expires_at: number } | undefined;
        if (!stored) return null;
        row = { data: stored.data, expiresAt: stored.expires_at };
        this.rows.set(id, row);
      }
      // Parsed afresh each time: express-session and the routes change the object they are given.
      return JSON.parse(row.data) as session.SessionData;
    });
  }

  override set(id: string, data: session.SessionData, callback?: Callback): void {
    this.run(callback, () => {
      const expires = this.expiryOf(data);
      const text = JSON.stringify(data);
      this.inTransaction(() => {
        this.statements.set.run(id, text, expires);
        this.statements.extendTokenCache.run(expires, id);
      });
      // Only for sessions already read here: a sign-in that never comes back costs no entry.
      if (this.rows.has(id)) this.rows.set(id, { data: text, expiresAt: expires });
    });
  }

  /**
   * Throttled: nothing is written unless the stored expiry is more than `touchAfterMs` behind. No
   * transaction: most touches change nothing, and the token cache's expiry only follows the session's.
   *
   * It answers at once, not on a later tick: express-session sends a page whose touch is still
   * pending in two writes (all but its last byte, then the last byte once the store answers).
   */
  override touch(id: string, data: session.SessionData, callback?: Callback): void {
    const expires = this.expiryOf(data);
    const row = this.rows.get(id);
    if (row && expires - row.expiresAt <= this.touchAfterMs) return callback?.();
    try {
      const moved = this.statements.touch.run({ expires, id, touchAfter: this.touchAfterMs }).changes;
      if (Number(moved) > 0) {
        this.statements.extendTokenCache.run(expires, id);
        if (row) row.expiresAt = expires;
      }
    } catch (error) {
      return callback?.(error);
    }
    callback?.();
  }

  override destroy(id: string, callback?: Callback): void {
    this.run(callback, () => {
      this.inTransaction(() => {
        this.statements.destroy.run(id);
        this.statements.destroyTokenCache.run(id);
      });
      this.rows.delete(id);
    });
  }

  override length(callback: Callback<number>): void {
    this.run(callback, () => Number((this.statements.count.get(Date.now()) as { n: number }).n));
  }

  /** Readiness: the database is open and its table can be read (throws otherwise). */
  ping(): void {
    this.statements.ping.get();
  }

  sweepExpired(): number {
    const now = Date.now();
    this.rows.deleteWhere((row) => row.expiresAt <= now);
    this.statements.sweepTokenCaches.run(now);
    return Number(this.statements.sweep.run(now).changes);
  }

  close(): void {
    clearInterval(this.sweeper);
    if (this.database.isOpen) this.database.close();
    this.claim.release();
  }

  private expiryOf(data: Pick<session.SessionData, 'cookie'>): number {
    const expires = data.cookie?.expires;
    return expires ? new Date(expires).getTime() : Date.now() + this.defaultTtlMs;
  }

  private inTransaction(work: () => void): void {
    this.database.exec('BEGIN IMMEDIATE');
    try {
      work();
      this.database.exec('COMMIT');
    } catch (error) {
      this.database.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * Sessions written before tokens were sealed held the token cache and access token in the clear:
   * drop both (those people sign in again), and with secure_delete and a checkpoint, the old bytes
   * leave the file and its write-ahead log.
   */
  private forgetUnsealedTokens(): void {
    const changed = this.database
      .prepare(
        `UPDATE sessions SET data = json_remove(data, '$.tokenCache', '$.accessToken')
                WHERE json_valid(data) AND (json_type(data, '$.tokenCache') IS NOT NULL OR json_type(data, '$.accessToken.value') IS NOT NULL)`,
      )
      .run().changes;
    if (Number(changed) > 0) this.database.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }

  /** express-session expects callbacks, called asynchronously; SQLite here answers synchronously. */
  private run<T>(callback: Callback<T> | undefined, work: () => T): void {
    let result: T;
    try {
      result = work();
    } catch (error) {
      queueMicrotask(() => callback?.(error));
      return;
    }
    queueMicrotask(() => callback?.(undefined, result));
  }
}

/** Up to `limit` unexpired token caches in `file`, read only (for the doctor; the app never reads them whole). */
export function sampleSqliteTokenCaches(file: string, limit: number): Array<{ sessionId: string; sealed: string }> {
  if (!existsSync(file)) return [];
  const database = new DatabaseSync(file, { readOnly: true });
  try {
    const table = database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'token_caches'").get();
    if (!table) return [];
    return (
      database
        .prepare('SELECT session_id, sealed FROM token_caches WHERE expires_at > ? LIMIT ?')
        .all(Date.now(), limit) as Array<{ session_id: string; sealed: string }>
    ).map((row) => ({ sessionId: row.session_id, sealed: row.sealed }));
  } finally {
    database.close();
  }
}
