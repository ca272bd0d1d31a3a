// An express-session store on Node's built-in SQLite: sessions survive a restart with no server to
// run and no native module to build. One row per session; expired rows are ignored on read and
// swept in the background.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import session from 'express-session';

const SWEEP_INTERVAL_MS = 10 * 60 * 1000;
type Callback<T = void> = (error?: unknown, value?: T) => void;

export class SqliteSessionStore extends session.Store {
  private readonly database: DatabaseSync;
  private readonly statements: Record<'get' | 'set' | 'touch' | 'destroy' | 'sweep' | 'count' | 'ping', StatementSync>;
  private readonly sweeper: NodeJS.Timeout;
  private readonly defaultTtlMs: number;

  constructor(file: string, defaultTtlMs: number) {
    super();
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.defaultTtlMs = defaultTtlMs;
    this.database = new DatabaseSync(file);
    // WAL keeps readers and the writer from blocking each other; NORMAL sync is safe with WAL.
    this.database.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, data TEXT NOT NULL, expires_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS sessions_expires_at ON sessions (expires_at);
    `);
    this.statements = {
      get: this.database.prepare('SELECT data FROM sessions WHERE id = ? AND expires_at > ?'),
      set: this.database.prepare('INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at'),
      touch: this.database.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?'),
      destroy: this.database.prepare('DELETE FROM sessions WHERE id = ?'),
      sweep: this.database.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
      count: this.database.prepare('SELECT COUNT(*) AS n FROM sessions WHERE expires_at > ?'),
      ping: this.database.prepare('SELECT 1 FROM sessions LIMIT 1'),
    };
    this.sweeper = setInterval(() => this.sweepExpired(), SWEEP_INTERVAL_MS).unref();
  }

  override get(id: string, callback: Callback<session.SessionData | null>): void {
    this.run(callback, () => {
      const row = this.statements.get.get(id, Date.now()) as { data: string } | undefined;
      return row ? (JSON.parse(row.data) as session.SessionData) : null;
    });
  }

  override set(id: string, data: session.SessionData, callback?: Callback): void {
    this.run(callback, () => {
      this.statements.set.run(id, JSON.stringify(data), this.expiryOf(data));
    });
  }

  override touch(id: string, data: session.SessionData, callback?: Callback): void {
    this.run(callback, () => {
      this.statements.touch.run(this.expiryOf(data), id);
    });
  }

  override destroy(id: string, callback?: Callback): void {
    this.run(callback, () => {
      this.statements.destroy.run(id);
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
    return Number(this.statements.sweep.run(Date.now()).changes);
  }

  close(): void {
    clearInterval(this.sweeper);
    if (this.database.isOpen) this.database.close();
  }

  private expiryOf(data: session.SessionData): number {
    const expires = data.cookie?.expires;
    return expires ? new Date(expires).getTime() : Date.now() + this.defaultTtlMs;
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
