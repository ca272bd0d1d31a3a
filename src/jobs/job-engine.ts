// What every job engine offers the jobs that run on it: the embedded one (SQLite, in this process)
// and BullMQ (Redis, shared by instances). A job is an id, a little data and a time it is due; its
// handler says what comes next. Retries, backoff and "gave up" are the engine's.

/** Whose job it is, what kind (which handler runs it), and the id of what it works on. */
export interface JobData {
  kind: 'rotation' | 'reminders' | 'digest' | 'audit';
  person: string;
  id: string;
}

export interface DueJob {
  id: string;
  data: JobData;
  /** 1 on the first run, counted up by every retry (and by every run a crash interrupted). */
  attempt: number;
}

export type JobResult =
  /** Finished: nothing more to run. */
  | { next: 'done' }
  /** Run again at this time (a new step, or the next rotation). */
  | { next: 'at'; runAt: number }
  /** Could not run now (429, 5xx, a timeout): again later, at least `afterMs` from now. */
  | { next: 'retry'; afterMs: number; reason: string };

export interface JobHandler {
  run(job: DueJob): Promise<JobResult>;
  /** The engine stopped retrying: the handler tells the person. */
  gaveUp(job: DueJob, reason: string): Promise<void>;
}

/** One engine, several kinds of job: each goes to the handler of its kind. */
export function handlerByKind(handlers: Record<JobData['kind'], JobHandler>): JobHandler {
  return {
    run: (job) => handlers[job.data.kind].run(job),
    gaveUp: (job, reason) => handlers[job.data.kind].gaveUp(job, reason),
  };
}

export interface JobEngine {
  /** Makes `id` due at `runAt`, replacing any schedule it had; a run in progress finishes but cannot undo it. */
  schedule(id: string, data: JobData, runAt: number): Promise<void>;
  cancel(id: string): Promise<void>;
  /**
   * Runs `id` at once, on whichever instance's worker takes it, replacing any schedule it had (a run
   * of its older schedule in progress finishes but cannot undo it); resolves when this run ends.
   */
  runNow(id: string, data: JobData): Promise<void>;
  /** Runs every job due now, as each poll does; resolves with how many ran once they have finished. */
  runDue(): Promise<number>;
  /** Starts polling (every JOBS_POLL_SECONDS) with this handler. */
  start(handler: JobHandler): void;
  /** Stops polling and waits for runs in progress. */
  close(): Promise<void>;
}

/** Tries before a job is given up: with backoff from 30 s doubling, about an hour in all. */
export const MAX_ATTEMPTS = 6;
const FIRST_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 60 * 60_000;

/** Exponential backoff, never sooner than the service asked (Retry-After). */
export function retryDelayMs(attempt: number, atLeastMs: number): number {
  return Math.max(atLeastMs, Math.min(FIRST_BACKOFF_MS * 2 ** Math.max(0, attempt - 1), MAX_BACKOFF_MS));
}
