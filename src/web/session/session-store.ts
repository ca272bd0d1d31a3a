import session from 'express-session';
import type { AppConfig } from '../../config/config.ts';
import { SqliteSessionStore } from './sqlite-session-store.ts';

export interface ClosableStore {
  store: session.Store;
  close(): Promise<void>;
}

/** The configured session store: SQLite (default, survives restarts) or memory (tests, throwaway). */
export function createSessionStore(config: AppConfig): ClosableStore {
  const ttlMs = config.session.idleMinutes * 60 * 1000;
  switch (config.session.store) {
    case 'sqlite': {
      const store = new SqliteSessionStore(config.session.sqliteFile, ttlMs);
      return { store, close: async () => store.close() };
    }
    case 'memory':
      return { store: new session.MemoryStore(), close: async () => {} };
    case 'redis':
      throw new Error('SESSION_STORE=redis is not available in this version');
  }
}
