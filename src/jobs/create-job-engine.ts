// The job engine the store calls for: embedded (SQLite, this process) or BullMQ (the shared Redis).
import type { Clock } from '../clock.ts';
import type { Logger } from '../logging.ts';
import type { Storage } from '../storage/storage.ts';
import type { JobEngine } from './job-engine.ts';
import { createSqliteJobEngine } from './sqlite-job-engine.ts';
import { createBullmqJobEngine } from './bullmq-job-engine.ts';

export function createJobEngine(
  where: Storage['jobs'],
  options: { clock: Clock; pollSeconds: number; logger: Logger },
): JobEngine {
  return where.kind === 'sqlite'
    ? createSqliteJobEngine({ database: where.database, ...options })
    : createBullmqJobEngine({ connection: where.connection, settings: where.settings, ...options });
}
