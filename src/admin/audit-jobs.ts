// Audits being gathered or recently gathered, kept in this process so that the "gathering" page can
// show progress and the finished audit can be filtered, sorted, exported and acted on without asking
// Azure DevOps about everyone again. Bounded: at most `maxJobs` audits (the oldest goes first), each
// kept `maxAgeMs`. Several instances behind a load balancer each keep their own: a request that lands
// on another instance simply gathers again.
import type { AuditProgress, AuditResult } from './gather.ts';

export interface AuditJob {
  organization: string;
  startedAt: number;
  progress: AuditProgress;
  result?: AuditResult;
  /** Why the audit could not be gathered (the error, shown by the error pages). */
  failure?: unknown;
  /** Settles when the job has a result or a failure. */
  settled: Promise<void>;
}

export interface AuditJobs {
  get(key: string): AuditJob | undefined;
  /** Starts gathering under `key`, replacing whatever was there. */
  start(key: string, organization: string, gather: (onProgress: (progress: AuditProgress) => void) => Promise<AuditResult>): AuditJob;
  forget(key: string): void;
  size(): number;
}

export function createAuditJobs(options: { maxJobs?: number; maxAgeMs?: number; now?: () => number } = {}): AuditJobs {
  const maxJobs = options.maxJobs ?? 20;
  const maxAgeMs = options.maxAgeMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const jobs = new Map<string, AuditJob>();

  const prune = () => {
    for (const [key, job] of jobs) if (now() - job.startedAt > maxAgeMs) jobs.delete(key);
    while (jobs.size >= maxJobs) jobs.delete(jobs.keys().next().value as string);
  };

  return {
    get(key) {
      const job = jobs.get(key);
      if (job && now() - job.startedAt > maxAgeMs) {
        jobs.delete(key);
        return undefined;
      }
      return job;
    },
    start(key, organization, gather) {
      jobs.delete(key);
      prune();
      const job: AuditJob = {
        organization,
        startedAt: now(),
        progress: { peopleKnown: 0, peopleRead: 0, peopleListComplete: false },
        settled: Promise.resolve(),
      };
      job.settled = gather((progress) => (job.progress = progress)).then(
        (result) => void (job.result = result),
        (error: unknown) => void (job.failure = error),
      );
      jobs.set(key, job);
      return job;
    },
    forget: (key) => void jobs.delete(key),
    size: () => jobs.size,
  };
}
