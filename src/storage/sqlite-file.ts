// Opening one of the app's SQLite files: its folder is made if need be, and the file is readable by
// the app's own user only (its -wal and -shm files, which SQLite makes later, take the same mode).
// What they hold is sealed or harmless, but account names and activity are nobody else's business.
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export function openSqliteFile(file: string): DatabaseSync {
  if (file === ':memory:') return new DatabaseSync(file);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const database = new DatabaseSync(file);
  chmodSync(file, 0o600);
  return database;
}
