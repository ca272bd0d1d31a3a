// `.data/` (sessions, activity, vault links, the demo's keys, V8's compile cache) is the app's own
// user's business alone. Every command (the app, doctor, register) calls this first, before
// anything can write a file: the process's umask then makes whatever it creates later 0600 (files)
// and 0700 (folders), including files it does not create itself (SQLite's -wal and -shm, the compile
// cache, which Node writes with the default mode and used to make `.data/` 0755 before the app
// could), and what an older version left more open is tightened.
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const DATA_DIR = '.data';
const OWNER_ONLY = 0o077;

/** `create: false` for a command that writes nothing there itself (register): it tightens what is there. */
export function keepDataPrivate(dir: string = DATA_DIR, options: { create?: boolean } = {}): void {
  process.umask(OWNER_ONLY);
  if (options.create === false && !existsSync(dir)) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir);
}

function tighten(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) tighten(path);
    else if (entry.isFile() && (lstatSync(path).mode & OWNER_ONLY) !== 0) chmodSync(path, 0o600);
  }
}
