// Gathers an organization's audit: every person Graph lists (page after page), and each person's
// PATs (all their pages), through a limiter of Azure DevOps calls in flight (the process-wide one,
// shared by every gathering). People are read as soon as their page of the people list arrives. A
// person whose tokens cannot be read (throttled, failing, timing out) is kept in the result with the
// reason, never silently dropped. Bounded: at most `limits.people` people and `limits.tokens`
// tokens are kept (the result says when a limit was reached), and an aborted gathering starts no
// further call. Beside them, through the same limiter, the token events of the organization's audit
// log for the last 90 days (page after page); when that cannot be read (no permission, throttled,
// failing), the audit says why and is otherwise whole.
import { isDevOpsError } from '../devops/errors.ts';
import type { AccessTokenSource } from '../devops/types.ts';
import { AUDIT_LOG_PERMISSION } from '../auth/devops-permissions.ts';
import type { AuditLogClient, TokenEvent } from './audit-log-client.ts';
import type { TokenAdminClient } from './token-admin-client.ts';
import { boundedConcurrency, type Limiter } from './bounded.ts';
import type { AdminToken, OrgPerson } from './types.ts';

/** No organization's list is followed further than this many pages of people or of one person's tokens. */
const MAX_PAGES = 1000;
/** How far back the audit log goes (Azure DevOps keeps 90 days). */
const HISTORY_DAYS = 90;

/** The token events of the audit log, or why there are none. */
type AuditHistory =
  | { state: 'read'; since: Date; events: TokenEvent[]; limitReached: boolean }
  /** The access token lacks the audit log's delegated permission. */
  | { state: 'missingPermission'; permission: string }
  /** Azure DevOps refused the person (no "View audit log" in the organization). */
  | { state: 'forbidden'; reason: string }
  | { state: 'unavailable'; reason: string }
  | { state: 'notAsked' };

export interface AuditProgress {
  /** People listed so far (the total once the people list is complete). */
  peopleKnown: number;
  peopleRead: number;
  peopleListComplete: boolean;
}

interface PersonTokens {
  person: OrgPerson;
  tokens: AdminToken[];
}

interface PersonFailure {
  person: OrgPerson;
  /** What went wrong, in words a person can act on. */
  reason: string;
}

export interface AuditResult {
  organization: string;
  gatheredAt: Date;
  people: PersonTokens[];
  failures: PersonFailure[];
  /** Azure DevOps calls made (attempts the transport repeated count once). */
  upstreamCalls: number;
  /** The last 90 days of the organization's token events (found in public, revoked by the system...). */
  history: AuditHistory;
  /** The limits this audit reached, if any: it then holds that many people or tokens and no more. */
  limitsReached: { people?: number; tokens?: number };
}

export interface AuditLimits {
  people: number;
  tokens: number;
}

export interface GatherOptions {
  client: TokenAdminClient;
  /** The audit log; without one the audit has no history. */
  auditLog?: AuditLogClient | undefined;
  /** The app's clock (ms), for the history's window. */
  now?: () => number;
  accessToken: AccessTokenSource;
  organization: string;
  /** The process-wide limiter of audit calls; without one, at most `concurrency` for this gathering alone. */
  limiter?: Limiter;
  concurrency?: number;
  limits?: AuditLimits;
  /** Aborted when a newer gathering replaces this one: no further call is started. */
  signal?: AbortSignal;
  onProgress?: (progress: AuditProgress) => void;
}

const UNLIMITED: AuditLimits = { people: Number.POSITIVE_INFINITY, tokens: Number.POSITIVE_INFINITY };

export async function gatherAudit({
  client,
  auditLog,
  now = Date.now,
  accessToken,
  organization,
  limiter,
  concurrency = 8,
  limits = UNLIMITED,
  signal,
  onProgress,
}: GatherOptions): Promise<AuditResult> {
  const limited = limiter ?? boundedConcurrency(concurrency);
  const progress: AuditProgress = { peopleKnown: 0, peopleRead: 0, peopleListComplete: false };
  const report = () => onProgress?.({ ...progress });
  let upstreamCalls = 0;
  const call = <T>(task: () => Promise<T>) =>
    limited(() => {
      signal?.throwIfAborted();
      upstreamCalls += 1;
      return task();
    });
  const limitsReached: AuditResult['limitsReached'] = {};
  let tokensKept = 0;

  const readPerson = async (person: OrgPerson): Promise<PersonTokens | PersonFailure> => {
    const tokens: AdminToken[] = [];
    let continuationToken: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        if (tokensKept >= limits.tokens) {
          limitsReached.tokens = limits.tokens;
          if (page === 0)
            return { person, reason: `not read: this audit stopped at its limit of ${limits.tokens} tokens.` };
          break;
        }
        const result = await call(() =>
          client.listTokensOf(accessToken, organization, person.descriptor, continuationToken),
        );
        const kept = result.items.slice(0, Math.max(0, limits.tokens - tokensKept));
        tokens.push(...kept);
        tokensKept += kept.length;
        if (kept.length < result.items.length) limitsReached.tokens = limits.tokens;
        if (!result.continuationToken) break;
        continuationToken = result.continuationToken;
      }
      return { person, tokens };
    } catch (error) {
      // Anything but an Azure DevOps answer (the sign-in has expired, a bug) stops the whole audit.
      if (!isDevOpsError(error)) throw error;
      return { person, reason: error.userMessage };
    } finally {
      progress.peopleRead += 1;
      report();
    }
  };

  const readHistory = async (): Promise<AuditHistory> => {
    if (!auditLog) return { state: 'notAsked' };
    const endTime = new Date(now());
    const startTime = new Date(endTime.getTime() - HISTORY_DAYS * 86_400_000);
    const events: TokenEvent[] = [];
    let continuationToken: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await call(() =>
          auditLog.readPage(accessToken, organization, { startTime, endTime, continuationToken }),
        );
        events.push(...result.events.slice(0, Math.max(0, limits.tokens - events.length)));
        if (events.length >= limits.tokens && result.hasMore)
          return { state: 'read', since: startTime, events, limitReached: true };
        if (!result.hasMore || !result.continuationToken || result.continuationToken === continuationToken) break;
        continuationToken = result.continuationToken;
      }
      return { state: 'read', since: startTime, events, limitReached: false };
    } catch (error) {
      if (!isDevOpsError(error)) throw error;
      if (error.kind === 'missingPermission')
        return { state: 'missingPermission', permission: error.missingPermission ?? AUDIT_LOG_PERMISSION };
      if (error.kind === 'forbidden') return { state: 'forbidden', reason: error.userMessage };
      return { state: 'unavailable', reason: error.userMessage };
    }
  };
  const history = readHistory();
  // Settled even when the people list fails first, so that no rejection goes unheard.
  history.catch(() => undefined);

  const reads: Promise<PersonTokens | PersonFailure>[] = [];
  let continuationToken: string | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await call(() => client.listPeople(accessToken, organization, continuationToken));
      const kept = result.items.slice(0, Math.max(0, limits.people - progress.peopleKnown));
      progress.peopleKnown += kept.length;
      report();
      reads.push(...kept.map(readPerson));
      if (kept.length < result.items.length || (result.continuationToken && progress.peopleKnown >= limits.people)) {
        limitsReached.people = limits.people;
        break;
      }
      if (!result.continuationToken) break;
      continuationToken = result.continuationToken;
    }
  } catch (error) {
    // Without the whole list of people the audit would be incomplete: it fails, once the reads started settle.
    await Promise.allSettled([...reads, history]);
    throw error;
  }
  progress.peopleListComplete = true;
  report();

  const outcomes = await Promise.all(reads);
  const historyRead = await history;
  return {
    organization,
    gatheredAt: new Date(),
    people: outcomes.filter((outcome): outcome is PersonTokens => 'tokens' in outcome),
    failures: outcomes.filter((outcome): outcome is PersonFailure => 'reason' in outcome),
    upstreamCalls,
    history: historyRead,
    limitsReached,
  };
}
