// The `.env` file as `npm run register` changes it: the named settings are set in place (or added
// at the end), every other line (comments, blank lines, other settings) stays as it was, and the
// file is replaced in one step with mode 0600, since it holds the client secret.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import dotenv from 'dotenv';

export interface EnvFile {
  path: string;
  /** The file's text; empty when it does not exist yet. */
  text: string;
  /** Its settings, as dotenv reads them. */
  values: Record<string, string>;
}

export function readEnvFile(path: string): EnvFile {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  return { path, text, values: dotenv.parse(text) };
}

/** The text with each setting in `changes` set (in place where it was, else appended). */
export function withSettings(text: string, changes: Record<string, string>): string {
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const pending = new Map(Object.entries(changes));
  const updated = lines.map((line) => {
    const name = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (!name || !pending.has(name)) return line;
    const value = pending.get(name)!;
    pending.delete(name);
    return `${name}=${quoted(value)}`;
  });
  const added = [...pending].map(([name, value]) => `${name}=${quoted(value)}`);
  return `${[...updated, ...(added.length && updated.length ? [''] : []), ...added].join('\n')}\n`;
}

export function writeEnvFile(file: EnvFile, changes: Record<string, string>): void {
  const next = join(dirname(file.path), `.${basename(file.path)}.${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(next, withSettings(file.text, changes), { mode: 0o600, flag: 'wx' });
  chmodSync(next, 0o600);
  renameSync(next, file.path);
}

/** Values dotenv reads back unchanged: plain ones as they are, others in single quotes (no escapes there). */
function quoted(value: string): string {
  if (/^[A-Za-z0-9_.~:/+=@,-]*$/.test(value)) return value;
  if (value.includes("'") || /[\r\n]/.test(value))
    throw new Error('a setting with a quote or a line break cannot be written to .env');
  return `'${value}'`;
}
