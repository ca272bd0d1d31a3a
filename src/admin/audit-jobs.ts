// Audits being gathered or recently gathered, kept in this process so that the "gathering" page can
// show progress and the finished audit can be filtered, sorted, exported and acted on without asking
// Azure DevOps about everyone again. Bounded: at most `maxJobs` audits (the oldest goes first), each
// kept `maxAgeMs`, one per key (a session and an organization). At most one gathering is in flight per
// owner (an administrator and an organization), whichever of their sessions started it: starting
// another cancels the one before through its AbortSignal, and so does forgetting it. Several instances behind a load
// balancer each keep their own: a request that lands on another instance simply gathers again.
import type { AuditProgress, AuditResult } from './gather.ts';

export interface AuditJob {
  organization: string;
  /** Whose gathering it is: the administrator and the organization. */
  owner: string;
  startedAt: number;
  progress: AuditProgress;
  result?: AuditResult;
  /** Why the audit could not be gathered (the error, shown by the error pages). */
  failure?: unknown;
  /** Settles when the job has a result or a failure. */
  settled: Promise<void>;
  /** Cancels the gathering (no further upstream call); its result, if any comes, is not kept. */
  cancel(): void;
}

export interface AuditJobs {
  get(key: string): AuditJob | undefined;
  /** Starts gathering under `key`, replacing whatever was there. */
  start(
    key: string,
    owner: { organization: string; person: string },
    gather: (onProgress: (progress: AuditProgress) => void, signal: AbortSignal) => Promise<AuditResult>,
  ): AuditJob;
  forget(key: string): void;
  size(): number;
}

export function createAuditJobs(options: { maxJobs?: number; maxAgeMs?: number; now?: () => number } = {}): AuditJobs {
  const maxJobs = options.maxJobs ?? 20;
  const maxAgeMs = options.maxAgeMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const jobs = new Map<string, AuditJob>();

  const drop = (key: string) => {
    jobs.get(key)?.cancel();
    jobs.delete(key);
  };
  const prune = () => {
    for (const [key, job] of jobs) if (now() - job.startedAt > maxAgeMs) drop(key);
    while (jobs.size >= maxJobs) drop(jobs.keys().next().value as string);
  };

  return {
    get(key) {
      const job = jobs.get(key);
      if (job && now() - job.startedAt > maxAgeMs) {
        drop(key);
        return undefined;
      }
      return job;
    },
    start(key, { organization, person }, gather) {
      const owner = `${person}:${organization}`;
      drop(key);
      for (const [other, job] of jobs) if (job.owner === owner && !job.result && job.failure === undefined) drop(other);
      prune();
      const controller = new AbortController();
      const job: AuditJob = {
        organization,
        owner,
        startedAt: now(),
        progress: { peopleKnown: 0, peopleRead: 0, peopleListComplete: false },
        settled: Promise.resolve(),
        cancel: () => controller.abort(),
      };
      job.settled = gather((progress) => (job.progress = progress), controller.signal).then(
        (result) => void (job.result = result),
        (error: unknown) => void (job.failure = error),
      );
      jobs.set(key, job);
      return job;
    },
    forget: drop,
    size: () => jobs.size,
  };
}
