// Leak notices: the owner of a token Azure DevOps found in public (or revoked itself) cannot read
// the organization's audit log, so when an administrator's audit is gathered each such owner who
// can sign in to PAT Manager gets a notice, shown on their own token list until they dismiss it.
// Kept in the person's records (kind `leak-notice`, one per token), never a secret.
import type { Logger } from '../logging.ts';
import type { PersonRecords } from '../storage/person-records.ts';
import type { AuditResult } from './gather.ts';
import type { LeakedToken } from './token-history.ts';
import { personIdOf } from './person-id.ts';
import type { AdminToken } from './types.ts';

const KIND = 'leak-notice';

interface LeakNotice {
  /** The token's authorizationId. */
  id: string;
  tokenName: string;
  organization: string;
  /** ISO date-times, as stored. */
  foundAt: string | null;
  location: string | null;
  revokedBySystemAt: string | null;
  /** Set once the owner dismissed it: the notice is kept so that the next gathering does not bring it back. */
  dismissedAt?: string;
}

export interface LeakNotices {
  /** Records a notice for each leak whose owner maps to a PAT Manager person; never fails the gathering (logs instead). */
  record(audit: AuditResult, leaks: readonly LeakedToken[], tenantId: string): Promise<void>;
  /** The person's notices not dismissed yet, the most recent first. */
  of(person: string): Promise<LeakNotice[]>;
  /** The notice dismissed; undefined when the person holds no such notice (or dismissed it already), changing nothing. */
  dismiss(person: string, id: string, now: Date): Promise<LeakNotice | undefined>;
}

function noticeOf(leak: LeakedToken, token: AdminToken, organization: string): LeakNotice {
  return {
    // The same key on every gathering, so that a notice is never made twice.
    id: token.authorizationId,
    tokenName: leak.tokenName,
    organization,
    foundAt: leak.foundAt?.toISOString() ?? null,
    location: leak.location,
    revokedBySystemAt: leak.revokedBySystemAt?.toISOString() ?? null,
  };
}

const latest = (notice: LeakNotice) => notice.foundAt ?? notice.revokedBySystemAt ?? '';

export function createLeakNotices(records: PersonRecords, logger: Logger): LeakNotices {
  return {
    async record(audit, leaks, tenantId) {
      for (const leak of leaks) {
        // Only a leak tied to a gathered token has an owner PAT Manager can name.
        const person = leak.holder && personIdOf(leak.holder.person, tenantId);
        if (!leak.holder || !person) continue;
        const notice = noticeOf(leak, leak.holder.token, audit.organization);
        try {
          const known = await records.get<LeakNotice>(person, KIND, notice.id);
          // What is known now (e.g. revoked since), but a dismissed notice stays dismissed.
          const kept = known?.dismissedAt ? { ...notice, dismissedAt: known.dismissedAt } : notice;
          if (JSON.stringify(kept) !== JSON.stringify(known)) await records.put(person, KIND, notice.id, kept);
        } catch (error) {
          logger.warn(
            { organization: audit.organization, reason: (error as Error).message },
            'leak notice not recorded',
          );
        }
      }
    },
    async of(person) {
      const notices = await records.list<LeakNotice>(person, KIND);
      return notices.filter((notice) => !notice.dismissedAt).sort((a, b) => latest(b).localeCompare(latest(a)));
    },
    async dismiss(person, id, now) {
      const known = await records.get<LeakNotice>(person, KIND, id);
      if (!known || known.dismissedAt) return undefined;
      const dismissed = { ...known, dismissedAt: now.toISOString() };
      await records.put(person, KIND, id, dismissed);
      return dismissed;
    },
  };
}
