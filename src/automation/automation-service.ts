// Automatic rotation: what the pages ask for (turn it on for a linked token, stop it, run it now,
// list it) and what the job engine runs. A job acts for its person through their offline access
// (a sealed copy of their token cache, see offline-token-caches.ts), never through a session.
import { randomUUID } from 'node:crypto';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { OfflineAccessRefusedError, SignInFailedError, type AuthService } from '../auth/auth-service.ts';
import type { Clock } from '../clock.ts';
import { formatDate } from '../days.ts';
import { isDevOpsError } from '../devops/errors.ts';
import type { AccessTokenSource, PatToken } from '../devops/types.ts';
import type { JobEngine, JobHandler, JobResult } from '../jobs/job-engine.ts';
import { isVaultError } from '../keyvault/errors.ts';
import { keyVaultScopeFor } from '../keyvault/person-credential.ts';
import type { VaultLink } from '../keyvault/vault-links.ts';
import type { Logger } from '../logging.ts';
import type { AppSession } from '../session/session-types.ts';
import { StoreUnavailableError } from '../storage/store-unavailable.ts';
import type { Actor } from '../tokens/types.ts';
import { dueAt, type Automation, type Automations, type AutomationSettings } from './automations.ts';
import type { rotationRun } from './rotation-run.ts';

export interface AutomationServiceDependencies {
  automations: Automations;
  engine: JobEngine;
  auth: AuthService;
  run: ReturnType<typeof rotationRun>;
  record(person: string, automation: Automation, changes: string[]): Promise<void>;
  /** Whether something else (reminders) still needs the person's offline access when their last rotation stops. */
  offlineAccessNeeded(person: string): Promise<boolean>;
  clock: Clock;
  logger: Logger;
}

const jobIdOf = (automation: Pick<Automation, 'id'>) => `rotation:${automation.id}`;

/** The person's delegated access as a job has it: renewed from their offline cache once per run. */
function offlineActor(auth: AuthService, automation: Automation): Actor {
  let devopsToken: Promise<string> | undefined;
  const accessToken: AccessTokenSource = ({ forceRefresh }) => {
    if (forceRefresh || !devopsToken) devopsToken = auth.acquireOffline(automation.account).then((got) => got.token);
    return devopsToken;
  };
  const vaultCredential: TokenCredential = {
    async getToken(scopes): Promise<AccessToken> {
      const { token, expiresOnMs } = await auth.acquireOffline(automation.account, [keyVaultScopeFor(scopes)]);
      return { token, expiresOnTimestamp: expiresOnMs, tokenType: 'Bearer' };
    },
  };
  return {
    person: automation.account.homeAccountId,
    organization: automation.organization,
    accessToken,
    vaultCredential,
  };
}

/** A failure worth retrying (the service asked to slow down, or did not answer), and how long to wait at least. */
function retryable(error: unknown): { afterMs: number; reason: string } | undefined {
  if ((isDevOpsError(error) || isVaultError(error)) && (error.kind === 'throttled' || error.kind === 'unavailable'))
    return { afterMs: (error.retryAfterSeconds ?? 0) * 1000, reason: error.userMessage };
  if (error instanceof SignInFailedError && error.reason === 'unavailable')
    return { afterMs: 0, reason: 'The Microsoft identity platform could not be reached.' };
  if (error instanceof StoreUnavailableError) return { afterMs: 0, reason: 'PAT Manager’s store did not answer.' };
  return undefined;
}

/** A refusal retrying cannot change: the person must act. */
function refusalOf(error: unknown): string | undefined {
  if (error instanceof OfflineAccessRefusedError) return error.userMessage;
  if (isDevOpsError(error) || isVaultError(error)) return `${error.title}: ${error.userMessage}`;
  return undefined;
}

export function createAutomationService(deps: AutomationServiceDependencies) {
  const { automations, engine, auth, clock, logger } = deps;

  async function needsYou(automation: Automation, problem: string): Promise<void> {
    automation.status = 'needsYou';
    automation.problem = problem;
    automation.nextRunAt = undefined;
    automation.lastRun = { at: new Date(clock.now()).toISOString(), ok: false, words: problem };
    await automations.save(automation);
    await deps.record(automation.account.homeAccountId, automation, [`automatic rotation needs you: ${problem}`]);
  }

  const handler: JobHandler = {
    async run(job): Promise<JobResult> {
      const automation = await automations.get(job.data.person, job.data.id);
      if (!automation || automation.status === 'needsYou' || automation.status === 'failed') return { next: 'done' };
      try {
        const outcome = await deps.run(offlineActor(auth, automation), automation);
        if (outcome.next === 'needsYou') {
          await needsYou(automation, outcome.problem);
          return { next: 'done' };
        }
        return outcome;
      } catch (error) {
        const retry = retryable(error);
        if (retry) return { next: 'retry', ...retry };
        const refusal = refusalOf(error);
        if (refusal === undefined) throw error;
        await needsYou(automation, refusal);
        return { next: 'done' };
      }
    },
    async gaveUp(job, reason) {
      const automation = await automations.get(job.data.person, job.data.id);
      if (!automation) return;
      automation.status = 'failed';
      automation.problem = `Gave up after several tries: ${reason}`;
      automation.nextRunAt = undefined;
      automation.lastRun = { at: new Date(clock.now()).toISOString(), ok: false, words: automation.problem };
      await automations.save(automation);
      await deps.record(job.data.person, automation, [`automatic rotation failed: ${reason}`]);
      logger.warn({ automation: automation.id }, 'an automatic rotation was given up');
    },
  };

  async function schedule(automation: Automation, runAt: number): Promise<void> {
    automation.nextRunAt = new Date(runAt).toISOString();
    await automations.save(automation);
    await engine.schedule(
      jobIdOf(automation),
      { kind: 'rotation', person: automation.account.homeAccountId, id: automation.id },
      runAt,
    );
  }

  return {
    handler,
    list: (person: string) => automations.forPerson(person),
    forToken: (person: string, authorizationId: string) => automations.forToken(person, authorizationId),

    /** Turns automatic rotation on (or changes its settings) for a linked token; keeps the person's offline access. */
    async turnOn(
      session: AppSession,
      token: PatToken,
      link: VaultLink,
      settings: AutomationSettings,
    ): Promise<Automation> {
      const account = session.account!;
      await auth.keepOfflineAccess(session);
      const existing = await automations.forToken(account.homeAccountId, token.authorizationId);
      const automation: Automation = {
        ...(existing ?? { id: randomUUID(), createdAt: new Date(clock.now()).toISOString() }),
        ...settings,
        account,
        organization: link.organization,
        authorizationId: token.authorizationId,
        tokenName: token.displayName,
        tokenValidTo: token.validTo.toISOString(),
        vaultUrl: link.vaultUrl,
        secretName: link.secretName,
        status: existing?.saga ? existing.status : 'scheduled',
        problem: undefined,
        nextRunAt: undefined,
      };
      // A rotation half done keeps going from where it is; otherwise, due `whenDaysLeft` days before expiry.
      await schedule(
        automation,
        existing?.saga ? clock.now() : Math.max(clock.now(), dueAt(token.validTo, settings.whenDaysLeft)),
      );
      await deps.record(account.homeAccountId, automation, [
        `automatic rotation on: when ${settings.whenDaysLeft} days are left, new lifetime ${settings.lifetimeDays} days, old token kept ${settings.keepOldDays} days; next run ${formatDate(new Date(automation.nextRunAt!))}`,
      ]);
      return automation;
    },

    /** Due now (also after "needs you", once the person has fixed the cause and signed in). */
    async runNow(session: AppSession, automation: Automation): Promise<void> {
      await auth.keepOfflineAccess(session);
      if (automation.status === 'needsYou' || automation.status === 'failed') {
        automation.status = automation.saga ? 'rotating' : 'scheduled';
        automation.problem = undefined;
      }
      await schedule(automation, clock.now());
      // Not awaited: the page answers at once and shows the outcome when the person comes back.
      engine.runDue().catch((error: unknown) => logger.error({ err: error }, 'run now: the job engine failed'));
    },

    /** A token rotated by hand (or in bulk): its automatic rotation follows the new token, due from its expiry. */
    async followRotation(person: string, oldId: string, newToken: PatToken): Promise<void> {
      const automation = await automations.forToken(person, oldId);
      if (!automation || automation.saga) return;
      automation.authorizationId = newToken.authorizationId;
      automation.tokenName = newToken.displayName;
      automation.tokenValidTo = newToken.validTo.toISOString();
      await schedule(automation, Math.max(clock.now(), dueAt(newToken.validTo, automation.whenDaysLeft)));
    },

    /** Stops it; the last one stopped deletes the person's offline access. A rotation half done is left as it stands. */
    async stop(automation: Automation): Promise<{ offlineAccessDeleted: boolean }> {
      const person = automation.account.homeAccountId;
      await engine.cancel(jobIdOf(automation));
      await automations.remove(person, automation.id);
      await deps.record(person, automation, ['automatic rotation stopped']);
      const others = await automations.forPerson(person);
      if (others.length > 0 || (await deps.offlineAccessNeeded(person))) return { offlineAccessDeleted: false };
      await auth.forgetOfflineAccess(person);
      return { offlineAccessDeleted: true };
    },
  };
}

export type AutomationService = ReturnType<typeof createAutomationService>;
