// The job engine when instances share Redis: BullMQ. When a job is due is kept by the app's clock
// in a sorted set; a BullMQ job scheduler sweeps it every JOBS_POLL_SECONDS (on one instance per
// tick, whichever takes the tick) and hands each due job to BullMQ under an id made of the job, its
// schedule's generation and its time, so a job added twice is one job and runs once across every
// instance. BullMQ does the rest: one worker at a time per job, retries with exponential backoff
// (never sooner than a Retry-After), stalled jobs taken over when an instance dies.
import { createRequire } from 'node:module';
import type { Job, Queue, QueueEvents, Worker } from 'bullmq';
import type { createClient as CreateClient } from 'redis';
import type { Clock } from '../clock.ts';
import type { RedisSettings } from '../config/config.ts';
import type { Logger } from '../logging.ts';
import type { RedisConnection } from '../storage/redis-connection.ts';
import {
  MAX_ATTEMPTS,
  retryDelayMs,
  type DueJob,
  type JobData,
  type JobEngine,
  type JobHandler,
} from './job-engine.ts';

const QUEUE = 'jobs';
const SWEEP = 'sweep';
const SWEEP_BATCH = 500;
const CONCURRENCY = 8;
/** Finished jobs are kept a day, so a late duplicate add of the same id is still recognised. */
const KEEP_FINISHED_SECONDS = 24 * 3600;

/** Carries the least wait (Retry-After) to the backoff strategy. */
class RetryLater extends Error {
  override name = 'RetryLater';
  readonly afterMs: number;
  constructor(reason: string, afterMs: number) {
    super(reason);
    this.afterMs = afterMs;
  }
}

interface QueuedJob {
  id: string;
  data: JobData;
  generation: number;
}

// ZREM only if the job's time is still the one the sweep read: a schedule made meanwhile stays.
const TAKE_IF_UNCHANGED = `if redis.call('ZSCORE', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('ZREM', KEYS[1], ARGV[1]) end return 0`;

const requireAtFirstUse = createRequire(import.meta.url);

/** One run of a job's schedule: added twice (two sweeps, two instances), it is one BullMQ job. */
function bullmqJob(queued: QueuedJob, when: string) {
  return {
    name: 'run',
    data: queued,
    opts: {
      // BullMQ refuses ":" in an id (it separates its own key parts).
      jobId: `${queued.id.replaceAll(':', '_')}_${queued.generation}_${when}`,
      attempts: MAX_ATTEMPTS,
      backoff: { type: 'retryAfter' },
      removeOnComplete: { age: KEEP_FINISHED_SECONDS },
      removeOnFail: { age: 7 * KEEP_FINISHED_SECONDS },
    },
  };
}

export function createBullmqJobEngine(options: {
  connection: RedisConnection;
  settings: RedisSettings;
  clock: Clock;
  pollSeconds: number;
  logger: Logger;
}): JobEngine {
  const { connection, settings, clock, logger } = options;
  const { client, run } = connection;
  const dueKey = `${settings.keyPrefix}jobs:due`;
  const dataKey = `${settings.keyPrefix}jobs:data`;
  const generationKey = `${settings.keyPrefix}jobs:generation`;

  let handler: JobHandler | undefined;
  let parts: { queue: Queue; worker: Worker | undefined; events: QueueEvents; raw: { destroy(): void } } | undefined;

  /** BullMQ's own connection (blocking commands want no socket timeout), created on first use. */
  function bullmq() {
    if (parts) return parts;
    const { Queue, QueueEvents, createNodeRedisClient } = requireAtFirstUse('bullmq') as typeof import('bullmq');
    const { createClient } = requireAtFirstUse('redis') as { createClient: typeof CreateClient };
    const raw = createClient({
      url: settings.url,
      socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
    });
    raw.on('error', (error: Error) => logger.warn({ errorName: error.name }, 'bullmq: redis connection error'));
    const redis = createNodeRedisClient(raw as never);
    const common = { connection: redis, prefix: `${settings.keyPrefix}bull` };
    const events = new QueueEvents(QUEUE, common);
    const queue = new Queue(QUEUE, common);
    // runDue waits on every job of a sweep at once, one listener each on both (BullMQ removes each when its job ends).
    for (const emitter of [events, queue]) emitter.setMaxListeners(2 * SWEEP_BATCH + 10);
    parts = { queue, worker: undefined, events, raw };
    return parts;
  }

  async function sweep(): Promise<Job[]> {
    const now = clock.now();
    const due = await run('due jobs', () =>
      client.zRangeWithScores(dueKey, 0, now, { BY: 'SCORE', LIMIT: { offset: 0, count: SWEEP_BATCH } } as never),
    );
    if (due.length === 0) return [];
    const stored = await run('job data', () =>
      client.hmGet(
        dataKey,
        due.map((item) => item.value),
      ),
    );
    const generations = await run('job generations', () =>
      client.hmGet(
        generationKey,
        due.map((item) => item.value),
      ),
    );
    const jobs = due.flatMap((item, index) => {
      const data = stored[index];
      if (!data) return [];
      const queued: QueuedJob = {
        id: item.value,
        data: JSON.parse(data) as JobData,
        generation: Number(generations[index] ?? 0),
      };
      return [bullmqJob(queued, String(item.score))];
    });
    const added = await bullmq().queue.addBulk(jobs);
    for (const item of due)
      await run('take due job', () =>
        client.eval(TAKE_IF_UNCHANGED, { keys: [dueKey], arguments: [item.value, String(item.score)] }),
      );
    return added;
  }

  /** A run's next time applies only if no new schedule was made for the job while it ran. */
  async function rescheduleIfCurrent(job: QueuedJob, runAt: number | undefined): Promise<void> {
    const current = Number((await run('job generation', () => client.hGet(generationKey, job.id))) ?? 0);
    if (current !== job.generation) return;
    if (runAt === undefined) await run('finish job', () => client.hDel(dataKey, job.id));
    else await run('reschedule job', () => client.zAdd(dueKey, { score: runAt, value: job.id }));
  }

  async function process(job: Job<QueuedJob>): Promise<void> {
    if (job.name === SWEEP) {
      await sweep();
      return;
    }
    const queued = job.data;
    const due: DueJob = { id: queued.id, data: queued.data, attempt: job.attemptsMade + 1 };
    const result = await handler!.run(due);
    if (result.next === 'retry') throw new RetryLater(result.reason, result.afterMs);
    await rescheduleIfCurrent(queued, result.next === 'at' ? result.runAt : undefined);
  }

  const engine: JobEngine = {
    async schedule(id, data, runAt) {
      await run('schedule job', async () => {
        await client.hIncrBy(generationKey, id, 1);
        await client.hSet(dataKey, id, JSON.stringify(data));
        await client.zAdd(dueKey, { score: runAt, value: id });
      });
    },
    async cancel(id) {
      await run('cancel job', async () => {
        await client.hIncrBy(generationKey, id, 1);
        await client.zRem(dueKey, id);
        await client.hDel(dataKey, id);
      });
    },
    async runNow(id, data) {
      const generation = await run('run job now', async () => {
        const next = await client.hIncrBy(generationKey, id, 1);
        await client.zRem(dueKey, id);
        await client.hSet(dataKey, id, JSON.stringify(data));
        return next;
      });
      const { queue, events } = bullmq();
      await events.waitUntilReady();
      const job = await queue.add('run', { id, data, generation }, bullmqJob({ id, data, generation }, 'now').opts);
      await job.waitUntilFinished(events).catch(() => undefined);
    },
    async runDue() {
      if (!handler) return 0;
      const added = await sweep();
      const { events } = bullmq();
      await events.waitUntilReady();
      await Promise.all(added.map((job) => job.waitUntilFinished(events).catch(() => undefined)));
      return added.length;
    },
    start(jobHandler) {
      handler = jobHandler;
      const { Worker } = requireAtFirstUse('bullmq') as typeof import('bullmq');
      const { queue } = bullmq();
      const worker = new Worker<QueuedJob>(QUEUE, process, {
        connection: (queue.opts as { connection: never }).connection,
        prefix: `${settings.keyPrefix}bull`,
        concurrency: CONCURRENCY,
        settings: {
          backoffStrategy: (attemptsMade, _type, error) =>
            retryDelayMs(attemptsMade, error instanceof RetryLater ? error.afterMs : 0),
        },
      });
      worker.on('failed', (job, error) => {
        if (!job || job.name === SWEEP || job.attemptsMade < MAX_ATTEMPTS) return;
        const due: DueJob = { id: job.data.id, data: job.data.data, attempt: job.attemptsMade };
        rescheduleIfCurrent(job.data, undefined)
          .then(() => handler!.gaveUp(due, error.message))
          .catch((failure: unknown) => logger.error({ err: failure }, 'a job given up could not be recorded'));
      });
      worker.on('error', (error) => logger.warn({ errorName: error.name }, 'bullmq worker error'));
      parts!.worker = worker;
      // One sweep per tick across every instance: BullMQ's job scheduler makes one job per interval.
      queue
        .upsertJobScheduler(SWEEP, { every: options.pollSeconds * 1000 }, { name: SWEEP })
        .catch((error: unknown) => logger.error({ err: error }, 'the job scheduler could not be set up'));
    },
    async close() {
      if (!parts) return;
      await parts.worker?.close();
      await parts.events.close();
      await parts.queue.close();
      // Passed in, so BullMQ leaves it open: it is ours to close.
      parts.raw.destroy();
      parts = undefined;
    },
  };
  return engine;
}
