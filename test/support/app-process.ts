// PAT Manager as a deployment runs it: `node src/main.ts` in a process of its own, configured only
// through its environment (a clean one, plus what the test sets), from an empty working directory
// so that no developer's .env is read. Its JSON log lines are kept for the test to read.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { TEST_CLIENT_ID } from './harness.ts';
import { startChild, type ChildService } from './processes.ts';
import { settingsForEmulator } from '../../src/demo/demo-environment.ts';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'main.ts');
const START_TIMEOUT_MS = 20_000;

export interface AppProcess extends ChildService {
  url: string;
  dataDir: string;
  /** The app's JSON log lines, parsed (other output is skipped). */
  logs(): Array<Record<string, unknown>>;
  /** The instance's request log: which requests it served, by request id. */
  servedRequestIds(): Set<string>;
}

/** The settings every instance of one deployment shares: the emulator's app registration and a session secret. */
export function sharedSettings(
  emulator: RunningEmulator,
  clientSecret: string,
  publicUrl: string,
): Record<string, string> {
  return {
    NODE_ENV: 'test',
    BASE_URL: publicUrl,
    ...settingsForEmulator(emulator, TEST_CLIENT_ID, clientSecret),
    UPSTREAM_TIMEOUT_MS: '5000',
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    TOKEN_CACHE_KEYS: randomBytes(32).toString('base64'),
    // Suites sign in hundreds of times from one address; the security suite tests the limit itself.
    SIGN_IN_RATE_LIMIT: '100000',
    LOG_LEVEL: 'info',
  };
}

export async function startAppProcess(
  name: string,
  port: number,
  settings: Record<string, string>,
): Promise<AppProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), `pat-manager-${name}-`));
  const service = startChild(name, process.execPath, [MAIN], {
    cwd: dataDir,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...settings },
  });
  const logs = () =>
    service.lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  try {
    await service.waitForLine(/PAT Manager at /, START_TIMEOUT_MS);
  } catch (error) {
    await service.stop(1000);
    throw error;
  }
  return Object.assign(service, {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    logs,
    servedRequestIds: () =>
      new Set(
        logs()
          .filter((entry) => entry.msg === 'request')
          .map((entry) => String(entry.requestId)),
      ),
  });
}
