// Can the app keep sessions where its settings say: the SQLite files' folder writable (the app
// creates it), or Redis reachable and answering PING within REDIS_TIMEOUT_MS.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { AppConfig } from '../config/config.ts';
import { createLogger } from '../logging.ts';
import { createRedisConnection } from '../storage/redis-connection.ts';
import type { CheckResult } from './doctor-checks.ts';

/** A first connection may take this long before Redis counts as unreachable. */
const REDIS_CONNECT_WAIT_MS = 5000;

export async function checkSessionStore(config: AppConfig): Promise<CheckResult> {
  switch (config.session.store) {
    case 'memory':
      return { status: 'pass', detail: 'memory (sessions end when the app restarts)' };
    case 'sqlite': {
      for (const [setting, file] of [
        ['SESSION_SQLITE_FILE', config.session.sqliteFile],
        ['ACTIVITY_SQLITE_FILE', config.activityFile],
        ['VAULT_LINKS_SQLITE_FILE', config.vaultLinksFile],
      ] as const) {
        const problem = sqliteProblem(file);
        if (problem)
          return {
            status: 'fail',
            detail: `${setting}: cannot write ${resolve(file)} (${problem})`,
            fix: `Point ${setting} at a file in a folder the app may write, or make ${dirname(resolve(file))} writable.`,
          };
      }
      return { status: 'pass', detail: `SQLite, writable: ${resolve(config.session.sqliteFile)}` };
    }
    case 'redis':
      return checkRedis(config);
  }
}

function sqliteProblem(file: string): string | undefined {
  try {
    mkdirSync(dirname(resolve(file)), { recursive: true });
    const database = new DatabaseSync(file);
    try {
      database.exec('CREATE TABLE IF NOT EXISTS pat_manager_doctor (checked INTEGER); DROP TABLE pat_manager_doctor;');
    } finally {
      database.close();
    }
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
}

async function checkRedis(config: AppConfig): Promise<CheckResult> {
  const settings = config.session.redis!;
  const connection = createRedisConnection(settings, createLogger('silent'));
  // The URL may carry a password: the result names the host only.
  const where = new URL(settings.url).host;
  try {
    const connected = await new Promise<string | undefined>((done) => {
      if (connection.client.isReady) return done(undefined);
      const timer = setTimeout(() => done(`no connection within ${REDIS_CONNECT_WAIT_MS} ms`), REDIS_CONNECT_WAIT_MS);
      connection.client.once('ready', () => (clearTimeout(timer), done(undefined)));
      connection.client.once(
        'error',
        (error: Error & { code?: string }) => (clearTimeout(timer), done(error.code ?? error.message)),
      );
    });
    if (connected)
      return {
        status: 'fail',
        detail: `REDIS_URL: Redis at ${where} is not reachable (${connected})`,
        fix: 'Start Redis or correct REDIS_URL (host, port, password, rediss:// for TLS).',
      };
    await connection.ping();
    return { status: 'pass', detail: `Redis at ${where} answers PING within ${settings.timeoutMs} ms` };
  } catch (error) {
    return {
      status: 'fail',
      detail: `REDIS_URL: Redis at ${where} did not answer PING within REDIS_TIMEOUT_MS (${(error as Error).message})`,
      fix: 'Check that Redis is up and not overloaded, or raise REDIS_TIMEOUT_MS.',
    };
  } finally {
    await connection.close().catch(() => {});
  }
}
