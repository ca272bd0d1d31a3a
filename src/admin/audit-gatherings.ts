// The organization audit, gathered as a job on the job engine and kept where every instance reads
// it (see storage/audit-gathering-slots.ts), so that a page that lands on another instance shows
// it and a restart does not lose it. One per administrator and organization: starting another (from
// any of their sessions) replaces it, and the one it replaced stops (at once in this process,
// through its AbortSignal; on another instance at its next write, which is refused). It is shown to
// the session that asked for it; another session of theirs (a new sign-in) gathers afresh.
// What is kept is sealed (AES-256-GCM, TOKEN_CACHE_KEYS) with the administrator and organization
// as associated data: everyone's token metadata, and while the gathering runs, the administrator's
// access token for the audit's permissions (a job has no session to get one from), removed when it
// ends. That token is short-lived: a gathering it outlives fails with "sign in again".
import { createHash, randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { SignInRequiredError } from '../auth/auth-service.ts';
import { isDevOpsError } from '../devops/errors.ts';
import type { AccessTokenSource } from '../devops/types.ts';
import { AppError, type ServiceName } from '../errors.ts';
import type { JobEngine, JobHandler } from '../jobs/job-engine.ts';
import type { Logger } from '../logging.ts';
import type { AuditGatheringSlots } from '../storage/audit-gathering-slots.ts';
import type { Sealer } from '../storage/sealing.ts';
import type { AuditProgress, AuditResult } from './gather.ts';

/** Why a gathering failed, as its error page says it (the error itself does not cross instances). */
type GatheringFailure =
  | { signInAgain: true }
  | {
      signInAgain: false;
      service: ServiceName;
      pageStatus: number;
      title: string;
      userMessage: string;
      retryAfterSeconds?: number | undefined;
      serviceMessage?: string | undefined;
    };

export interface Gathering {
  state: 'gathering' | 'done' | 'failed';
  startedAt: number;
  /** When its progress was last written: a gathering silent for long was interrupted (see `stalled`). */
  updatedAt: number;
  progress: AuditProgress;
  result?: AuditResult;
  failure?: GatheringFailure;
}

/** What is sealed: the gathering, for which session, and while it runs the access token it gathers with. */
interface Kept extends Gathering {
  /** A hash of the session id that asked for it. */
  session: string;
  accessToken?: string;
}

export interface AuditGatherings {
  /** The administrator's gathering of this organization for this session, if one is kept (15 minutes from its start). */
  get(person: string, organization: string, session: string): Promise<Gathering | undefined>;
  /**
   * Starts gathering (replacing what was kept) with this access token for the audit's permissions;
   * resolves when it has finished, or after `waitMs` with its progress so far.
   */
  start(
    person: string,
    organization: string,
    session: string,
    accessToken: string,
    options: { waitMs: number },
  ): Promise<Gathering>;
  /** Keeps this result in place of the finished one (after revocations), unless a newer gathering began. */
  replaceResult(person: string, organization: string, result: AuditResult): Promise<void>;
  forget(person: string, organization: string): Promise<void>;
  /** Whether a gathering still running was interrupted (its instance stopped): it is started again. */
  stalled(gathering: Gathering): boolean;
  /** The engine's handler for `audit` jobs. */
  handler: JobHandler;
}

/** A gathering writes its progress at least this often while people are being read; silent longer, it died. */
const STALLED_MS = 2 * 60_000;
/** Progress is written at most this often (every instance's "gathering" page reads it). */
const PROGRESS_EVERY_MS = 250;

/** A failure kept from a gathering, thrown again by the page that shows it. */
class GatheringFailedError extends AppError {
  override name = 'GatheringFailedError';
  readonly service: ServiceName;
  constructor(failure: Extract<GatheringFailure, { signInAgain: false }>) {
    super({ ...failure, message: `audit gathering failed: ${failure.pageStatus} ${failure.title}` });
    this.service = failure.service;
  }
}

/** The error a failed gathering's page throws: a sign-in again, or the failure as it was. */
export function errorOf(failure: GatheringFailure): AppError {
  return failure.signInAgain
    ? new SignInRequiredError('the access token the audit was gathered with was refused or has expired')
    : new GatheringFailedError(failure);
}

function failureOf(error: unknown, logger: Logger): GatheringFailure {
  if (error instanceof SignInRequiredError || (isDevOpsError(error) && error.kind === 'unauthorized'))
    return { signInAgain: true };
  if (error instanceof AppError)
    return {
      signInAgain: false,
      service: error.service,
      pageStatus: error.pageStatus,
      title: error.title,
      userMessage: error.userMessage,
      retryAfterSeconds: error.retryAfterSeconds,
      serviceMessage: error.serviceMessage,
    };
  logger.error({ err: error }, 'an audit gathering failed unexpectedly');
  return {
    signInAgain: false,
    service: 'PAT Manager',
    pageStatus: 500,
    title: 'Something went wrong',
    userMessage:
      'PAT Manager met an unexpected problem while gathering the audit, and nothing was changed. Gather it again; if it keeps happening, tell your administrator.',
  };
}

export interface AuditGatheringDependencies {
  slots: AuditGatheringSlots;
  sealer: Sealer;
  engine: JobEngine;
  logger: Logger;
  gather(options: {
    accessToken: AccessTokenSource;
    organization: string;
    signal: AbortSignal;
    onProgress: (progress: AuditProgress) => void;
  }): Promise<AuditResult>;
  /** Told of every audit gathered, once it is kept (e.g. to tell owners of leaked tokens). */
  onGathered?: (person: string, result: AuditResult) => Promise<void>;
  keepMs?: number;
}

export function createAuditGatherings(deps: AuditGatheringDependencies): AuditGatherings {
  const { slots, sealer, engine, logger } = deps;
  const keepMs = deps.keepMs ?? 15 * 60_000;
  /** Gatherings running in this process, to stop at once when replaced or forgotten. */
  const running = new Map<string, { generation: string; controller: AbortController }>();

  const keyOf = (person: string, organization: string) => `${person}:${organization}`;
  const jobIdOf = (key: string) => `audit:${key}`;
  const contextOf = (key: string) => `audit-gathering:${key}`;
  const seal = (key: string, kept: Kept) => sealer.seal(serialize(kept).toString('base64'), contextOf(key));

  async function read(key: string): Promise<{ generation: string; kept: Kept } | undefined> {
    const stored = await slots.read(key);
    if (!stored) return undefined;
    const opened = sealer.open(stored.sealed, contextOf(key));
    if (!opened.ok) return undefined;
    try {
      return { generation: stored.generation, kept: deserialize(Buffer.from(opened.plaintext, 'base64')) as Kept };
    } catch {
      return undefined; // written by another Node version's serializer: gathered again
    }
  }

  const shown = ({ accessToken: _token, session: _session, ...gathering }: Kept): Gathering => gathering;
  const sessionTag = (session: string) => createHash('sha256').update(session).digest('base64url');

  function stop(key: string): void {
    running.get(key)?.controller.abort();
    running.delete(key);
  }

  async function run(person: string, organization: string): Promise<void> {
    const key = keyOf(person, organization);
    const current = await read(key);
    if (!current || current.kept.state !== 'gathering') return;
    const { generation } = current;
    let kept = current.kept;
    stop(key);
    const controller = new AbortController();
    running.set(key, { generation, controller });
    const write = async (next: Kept): Promise<boolean> => {
      const written = await slots.update(key, generation, seal(key, next));
      if (!written) controller.abort(); // replaced or forgotten, here or on another instance
      return written;
    };
    const token = kept.accessToken;
    const accessToken: AccessTokenSource = async ({ forceRefresh }) => {
      if (forceRefresh || !token) throw new SignInRequiredError('the audit gathering has no usable access token');
      return token;
    };
    let lastWrite = 0;
    let progressWritten: Promise<unknown> = Promise.resolve();
    const ended = (): Kept => {
      const { accessToken: _token, ...rest } = kept;
      return { ...rest, updatedAt: Date.now() };
    };
    try {
      const result = await deps.gather({
        accessToken,
        organization,
        signal: controller.signal,
        onProgress: (progress) => {
          kept = { ...kept, progress };
          if (Date.now() - lastWrite < PROGRESS_EVERY_MS && !progress.peopleListComplete) return;
          lastWrite = Date.now();
          const next = { ...kept, updatedAt: lastWrite };
          progressWritten = progressWritten.then(() => write(next));
          progressWritten.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
        },
      });
      await progressWritten;
      if (await write({ ...ended(), state: 'done', result })) await deps.onGathered?.(person, result);
    } catch (error) {
      await progressWritten.catch(() => undefined);
      if (controller.signal.aborted) return;
      await write({ ...ended(), state: 'failed', failure: failureOf(error, logger) });
    } finally {
      if (running.get(key)?.controller === controller) running.delete(key);
    }
  }

  return {
    async get(person, organization, session) {
      const current = await read(keyOf(person, organization));
      return current?.kept.session === sessionTag(session) ? shown(current.kept) : undefined;
    },

    async start(person, organization, session, accessToken, { waitMs }) {
      const key = keyOf(person, organization);
      stop(key);
      const now = Date.now();
      const kept: Kept = {
        state: 'gathering',
        session: sessionTag(session),
        startedAt: now,
        updatedAt: now,
        progress: { peopleKnown: 0, peopleRead: 0, peopleListComplete: false },
        accessToken,
      };
      await slots.replace(key, { generation: randomUUID(), sealed: seal(key, kept) }, keepMs);
      const ran = engine.runNow(jobIdOf(key), { kind: 'audit', person, id: organization });
      ran.catch((error: unknown) => logger.error({ err: error }, 'an audit gathering could not be started'));
      await Promise.race([ran, new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
      const current = await read(key);
      return current ? shown(current.kept) : shown(kept);
    },

    async replaceResult(person, organization, result) {
      const key = keyOf(person, organization);
      const current = await read(key);
      if (current?.kept.state === 'done')
        await slots.update(key, current.generation, seal(key, { ...current.kept, result }));
    },

    async forget(person, organization) {
      const key = keyOf(person, organization);
      stop(key);
      await slots.remove(key);
      await engine.cancel(jobIdOf(key));
    },

    stalled: (gathering) => gathering.state === 'gathering' && Date.now() - gathering.updatedAt > STALLED_MS,

    handler: {
      async run(job) {
        await run(job.data.person, job.data.id);
        return { next: 'done' };
      },
      // Never retried (a failure is kept for the page to show), so never given up.
      async gaveUp() {},
    },
  };
}
