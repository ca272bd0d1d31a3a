// Opening one of the app's SQLite files: its folder is made if need be, and the file is readable by
// the app's own user only (its -wal and -shm files, which SQLite makes later, take the same mode).
// What they hold is sealed or harmless, but account names and activity are nobody else's business.
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ConfigError } from '../config/config.ts';

const SQLITE_BUSY = 5;

export function openSqliteFile(file: string): DatabaseSync {
  if (file === ':memory:') return new DatabaseSync(file);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const database = new DatabaseSync(file);
  chmodSync(file, 0o600);
  return database;
}

/** A file this process has to itself until it releases it (or ends). */
export interface Claim {
  release(): void;
}

/**
 * Claims `file` for this process alone. The stores that remember rows between requests (sessions,
 * vault links) would go on reading a row as it was after another process changed it, so a second
 * process on the same file is refused when it starts; instances that share state share Redis. The
 * claim is an exclusive SQLite lock on a companion file, `<file>.lock`, which the operating system
 * drops when the process ends, however it ends.
 */
export function claimSqliteFile(file: string): Claim {
  if (file === ':memory:') return { release() {} };
  const lock = openSqliteFile(`${file}.lock`);
  try {
    lock.exec('PRAGMA busy_timeout = 0; BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { errcode?: number }).errcode !== SQLITE_BUSY) throw error;
    throw new ConfigError(
      `${file} is in use by another PAT Manager process. Give each instance files of its own, or share sessions through Redis (SESSION_STORE=redis, see "Running several instances" in the README).`,
    );
  }
  return {
    release() {
      if (!lock.isOpen) return;
      lock.exec('ROLLBACK');
      lock.close();
    },
  };
}
