// Gathers an organization's audit: every person Graph lists (page after page), and each person's
// PATs (all their pages), with at most `concurrency` Azure DevOps calls in flight. People are read as
// soon as their page of the people list arrives. A person whose tokens cannot be read (throttled,
// failing, timing out) is kept in the result with the reason, never silently dropped.
import { isDevOpsError } from '../devops/errors.ts';
import type { AccessTokenSource } from '../devops/types.ts';
import type { TokenAdminClient } from './token-admin-client.ts';
import { boundedConcurrency } from './bounded.ts';
import type { AdminToken, OrgPerson } from './types.ts';

/** No organization's list is followed further than this many pages of people or of one person's tokens. */
const MAX_PAGES = 1000;

export interface AuditProgress {
  /** People listed so far (the total once the people list is complete). */
  peopleKnown: number;
  peopleRead: number;
  peopleListComplete: boolean;
}

export interface PersonTokens {
  person: OrgPerson;
  tokens: AdminToken[];
}

export interface PersonFailure {
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
}

export interface GatherOptions {
  client: TokenAdminClient;
  accessToken: AccessTokenSource;
  organization: string;
  concurrency: number;
  onProgress?: (progress: AuditProgress) => void;
}

export async function gatherAudit({ client, accessToken, organization, concurrency, onProgress }: GatherOptions): Promise<AuditResult> {
  const limited = boundedConcurrency(concurrency);
  const progress: AuditProgress = { peopleKnown: 0, peopleRead: 0, peopleListComplete: false };
  const report = () => onProgress?.({ ...progress });
  let upstreamCalls = 0;
  const call = <T>(task: () => Promise<T>) => limited(() => ((upstreamCalls += 1), task()));

  const readPerson = async (person: OrgPerson): Promise<PersonTokens | PersonFailure> => {
    const tokens: AdminToken[] = [];
    let continuationToken: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await call(() => client.listTokensOf(accessToken, organization, person.descriptor, continuationToken));
        tokens.push(...result.items);
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

  const reads: Promise<PersonTokens | PersonFailure>[] = [];
  let continuationToken: string | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await call(() => client.listPeople(accessToken, organization, continuationToken));
      progress.peopleKnown += result.items.length;
      report();
      reads.push(...result.items.map(readPerson));
      if (!result.continuationToken) break;
      continuationToken = result.continuationToken;
    }
  } catch (error) {
    // Without the whole list of people the audit would be incomplete: it fails, once the reads started settle.
    await Promise.allSettled(reads);
    throw error;
  }
  progress.peopleListComplete = true;
  report();

  const outcomes = await Promise.all(reads);
  return {
    organization,
    gatheredAt: new Date(),
    people: outcomes.filter((outcome): outcome is PersonTokens => 'tokens' in outcome),
    failures: outcomes.filter((outcome): outcome is PersonFailure => 'reason' in outcome),
    upstreamCalls,
  };
}
