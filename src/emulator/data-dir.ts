// The emulator's data directory: key material that must survive a restart (the CA the app trusts,
// the server certificate, the token keys) lives here. Nothing else is written to disk.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function resolveDataDir(dataDir: string | undefined): string {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'pat-manager-emulator-'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export function readDataFile(dataDir: string, name: string): string | undefined {
  const file = join(dataDir, name);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** Private keys are readable by their owner only; certificates are public. */
export function writeDataFile(dataDir: string, name: string, content: string, options: { secret: boolean }): string {
  const file = join(dataDir, name);
  writeFileSync(file, content, { mode: options.secret ? 0o600 : 0o644 });
  return file;
}
