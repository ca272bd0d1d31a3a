// The embedded job engine: jobs are rows of a SQLite file and this process runs them. A poll claims
// the due ones in one statement (so no row is run twice, even by a second engine on the file) with
// a lease; a run that never finishes (the process died) is claimed again when its lease runs out,
// and its handler resumes from the step it recorded last.
import type { DatabaseSync } from 'node:sqlite';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logging.ts';
import {
  MAX_ATTEMPTS,
  retryDelayMs,
  type DueJob,
  type JobData,
  type JobEngine,
  type JobHandler,
} from './job-engine.ts';

/** A claimed job is someone's for this long; after it, another poll may take it (its run died). */
export const LEASE_MS = 10 * 60_000;
/** Jobs claimed per statement, and run at once. */
const CLAIM_BATCH = 32;
const CONCURRENCY = 8;

interface Claimed extends DueJob {
  generation: number;
}

export function createSqliteJobEngine(options: {
  database: DatabaseSync;
  clock: Clock;
  pollSeconds: number;
  logger: Logger;
}): JobEngine {
  const { database, clock, logger } = options;
  database.exec(`
    CREATE TABLE IF NOT EXISTS jobs (
      id TEXT PRIMARY KEY, data TEXT NOT NULL, run_at INTEGER NOT NULL,
      attempt INTEGER NOT NULL DEFAULT 0, lease_until INTEGER, generation INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS jobs_due ON jobs (run_at);
  `);
  const upsert = database.prepare(`
    INSERT INTO jobs (id, data, run_at) VALUES (?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET data = excluded.data, run_at = excluded.run_at, attempt = 0, lease_until = NULL,
      generation = generation + 1`);
  const remove = database.prepare('DELETE FROM jobs WHERE id = ?');
  // One statement: SQLite runs it as one transaction, so two pollers never claim the same row.
  const claim = database.prepare(`
    UPDATE jobs SET lease_until = :leaseUntil, attempt = attempt + 1
    WHERE id IN (SELECT id FROM jobs WHERE run_at <= :now AND (lease_until IS NULL OR lease_until <= :now)
                 ORDER BY run_at LIMIT :limit)
    RETURNING id, data, attempt, generation`);
  const claimOne = database.prepare(`
    UPDATE jobs SET lease_until = :leaseUntil, attempt = attempt + 1
    WHERE id = :id AND (lease_until IS NULL OR lease_until <= :now)
    RETURNING id, data, attempt, generation`);
  // A run's outcome applies only to the schedule it ran for: "Run now" or "Stop" meanwhile wins.
  const finish = database.prepare('DELETE FROM jobs WHERE id = ? AND generation = ?');
  const reschedule = database.prepare(
    'UPDATE jobs SET run_at = ?, attempt = ?, lease_until = NULL WHERE id = ? AND generation = ?',
  );

  let handler: JobHandler | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  /** Runs started by runNow, outside the polls' sweeps: close waits for them too. */
  const runningNow = new Set<Promise<void>>();

  async function runOne(job: Claimed): Promise<void> {
    if (job.attempt > MAX_ATTEMPTS) {
      finish.run(job.id, job.generation);
      await handler!.gaveUp(job, 'it was interrupted too many times');
      return;
    }
    let result;
    try {
      result = await handler!.run(job);
    } catch (error) {
      // Not an outcome the handler knows: left as a crash leaves it, claimed until the lease ends.
      logger.error({ job: job.id, err: error }, 'a job failed unexpectedly; it is retried when its lease ends');
      return;
    }
    if (result.next === 'done') finish.run(job.id, job.generation);
    else if (result.next === 'at') reschedule.run(result.runAt, 0, job.id, job.generation);
    else if (job.attempt >= MAX_ATTEMPTS) {
      finish.run(job.id, job.generation);
      await handler!.gaveUp(job, result.reason);
    } else {
      reschedule.run(clock.now() + retryDelayMs(job.attempt, result.afterMs), job.attempt, job.id, job.generation);
    }
  }

  type Row = { id: string; data: string; attempt: number; generation: number };
  const claimed = (row: Row): Claimed => ({ ...row, data: JSON.parse(row.data) as JobData });

  async function runAllDue(): Promise<number> {
    let ran = 0;
    for (;;) {
      const now = clock.now();
      const batch = (claim.all({ leaseUntil: now + LEASE_MS, now, limit: CLAIM_BATCH }) as Row[]).map(claimed);
      if (batch.length === 0) return ran;
      const queue = [...batch];
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
          for (let job = queue.shift(); job; job = queue.shift()) await runOne(job);
        }),
      );
      ran += batch.length;
    }
  }

  const engine: JobEngine = {
    async schedule(id, data, runAt) {
      upsert.run(id, JSON.stringify(data), runAt);
    },
    async cancel(id) {
      remove.run(id);
    },
    async runNow(id, data) {
      if (!handler) throw new Error('the job engine has not been started');
      const now = clock.now();
      upsert.run(id, JSON.stringify(data), now);
      // Claimed by id (a poll may have taken it meanwhile: then that poll runs it).
      const row = claimOne.get({ id, leaseUntil: now + LEASE_MS, now }) as Row | undefined;
      if (!row) return;
      const run = runOne(claimed(row));
      runningNow.add(run);
      await run.finally(() => runningNow.delete(run));
    },
    runDue() {
      if (!handler) return Promise.resolve(0);
      // One sweep at a time; a poll that comes during one waits for it.
      running ??= runAllDue().finally(() => (running = undefined));
      return running;
    },
    start(jobHandler) {
      handler = jobHandler;
      const poll = () => {
        engine
          .runDue()
          .catch((error: unknown) => logger.error({ err: error }, 'the job engine could not look for due jobs'))
          .finally(() => {
            if (timer) timer = setTimeout(poll, options.pollSeconds * 1000).unref();
          });
      };
      timer = setTimeout(poll, options.pollSeconds * 1000).unref();
    },
    async close() {
      clearTimeout(timer);
      timer = undefined;
      await Promise.allSettled([running, ...runningNow]);
    },
  };
  return engine;
}
