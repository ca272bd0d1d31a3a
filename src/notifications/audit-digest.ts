// For administrators who ask for it: a weekly digest of an organization's audit, sent through the
// same channels as reminders (Mondays at REMINDERS_AT). It counts what an incident would start
// from: tokens Azure DevOps found in public that still work (first, as on the audit page), global
// tokens (they work nowhere, but are still held), full-access tokens, tokens made to last over 90
// days, and people no longer in the directory who still hold a valid token; each against last
// week's count. Administrator rights are asked again before every digest. The audit it gathers
// tells the owners of leaked tokens, as one gathered on the page does (`onGathered`).
import type { AuditLogClient } from '../admin/audit-log-client.ts';
import type { TokenAdminClient } from '../admin/token-admin-client.ts';
import type { AuditLimits, AuditResult } from '../admin/gather.ts';
import { gatherAudit } from '../admin/gather.ts';
import { assess } from '../admin/risk-flags.ts';
import { leakedTokens } from '../admin/token-history.ts';
import type { Limiter } from '../admin/bounded.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { AUDIT_SCOPES } from '../auth/devops-permissions.ts';
import type { Clock } from '../clock.ts';
import { DAY_MS, isoDay } from '../days.ts';
import { isDevOpsError } from '../devops/errors.ts';
import type { DevOpsClient } from '../devops/types.ts';
import type { JobEngine, JobHandler, JobResult } from '../jobs/job-engine.ts';
import type { PersonRecords } from '../storage/person-records.ts';
import type { Sealer } from '../storage/sealing.ts';
import { sendThrough } from './channels.ts';
import { markNotDelivered, type Channel, type Deliveries } from './deliveries.ts';
import type { NotificationSettingsStore } from './notification-settings.ts';
import { composeMessage } from './reminder-message.ts';
import type { Senders } from './senders.ts';

export interface DigestCounts {
  /** Null when the audit log could not be read (no permission, auditing off, unavailable). */
  leaked: number | null;
  global: number;
  fullAccess: number;
  longLived: number;
  peopleGone: number;
}

const WORDS: Record<keyof DigestCounts, (count: number) => string> = {
  leaked: (n) =>
    `${n} token${n === 1 ? ' found in public that still works' : 's found in public that still work'}${n === 0 ? '' : ' (revoke them)'}`,
  global: (n) => `${n} global token${n === 1 ? '' : 's'} (they stopped working on 1 December 2026; revoke them)`,
  fullAccess: (n) => `${n} full-access token${n === 1 ? '' : 's'}`,
  longLived: (n) => `${n} token${n === 1 ? '' : 's'} made to last over 90 days`,
  peopleGone: (n) => `${n} ${n === 1 ? 'person' : 'people'} no longer in the directory still holding a valid token`,
};

/** Each count in words, with last week's beside it when last week had one (older digests lack `leaked`). */
function describe(counts: DigestCounts, last: Partial<DigestCounts> | undefined): string {
  return (Object.keys(WORDS) as Array<keyof DigestCounts>)
    .map((name) => {
      const count = counts[name];
      const words =
        count === null ? 'tokens found in public: unknown (the audit log could not be read)' : WORDS[name](count);
      const before = last?.[name];
      return typeof before === 'number' ? `${words} (last week ${before})` : words;
    })
    .join('; ');
}

const MONDAY = 1;
const COUNTS_KIND = 'digest-counts';

export function createAuditDigest(deps: {
  settings: NotificationSettingsStore;
  deliveries: Deliveries;
  records: PersonRecords;
  engine: JobEngine;
  auth: AuthService;
  devops: DevOpsClient;
  tokenAdmin: TokenAdminClient;
  auditLog: AuditLogClient;
  onGathered: (person: string, audit: AuditResult) => Promise<void>;
  limiter: Limiter;
  limits: AuditLimits;
  senders: Senders;
  sealer: Sealer;
  clock: Clock;
  baseUrl: URL;
  at: { hour: number; minute: number };
}) {
  const { settings, deliveries, clock } = deps;
  const jobId = (person: string) => `digest:${person}`;

  /** The next Monday at REMINDERS_AT after `now`. */
  function nextRun(now: number = clock.now()): number {
    const day = new Date(now);
    let at = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), deps.at.hour, deps.at.minute);
    while (at <= now || new Date(at).getUTCDay() !== MONDAY) at += DAY_MS;
    return at;
  }

  async function countsOf(
    person: string,
    account: Parameters<AuthService['acquireOffline']>[0],
    organization: string,
  ): Promise<DigestCounts | undefined> {
    // Two tokens, as on the pages: sign-in's permissions for the profile, the audit's for the rest.
    const offline = (scopes?: readonly string[]) => {
      let token: Promise<string> | undefined;
      return ({ forceRefresh }: { forceRefresh: boolean }) =>
        forceRefresh || !token ? (token = deps.auth.acquireOffline(account, scopes).then((got) => got.token)) : token;
    };
    const auditToken = offline(AUDIT_SCOPES);
    const profile = await deps.devops.getMyProfile(offline());
    if (!(await deps.tokenAdmin.isAdministrator(auditToken, organization, profile.id))) return undefined;
    const audit = await gatherAudit({
      client: deps.tokenAdmin,
      auditLog: deps.auditLog,
      now: () => clock.now(),
      accessToken: auditToken,
      organization,
      limiter: deps.limiter,
      limits: deps.limits,
    });
    await deps.onGathered(person, audit);
    const now = new Date(clock.now());
    const leaks = audit.history.state === 'read' ? leakedTokens(audit, now) : undefined;
    const counts: DigestCounts = {
      leaked: leaks ? leaks.filter((leak) => leak.state === 'stillValid').length : null,
      global: 0,
      fullAccess: 0,
      longLived: 0,
      peopleGone: 0,
    };
    for (const { person: holder, tokens } of audit.people) {
      let gone = false;
      for (const item of tokens) {
        const assessed = assess(item, holder, { now });
        if (assessed.state === 'global') counts.global += 1;
        if (assessed.state !== 'usable') continue;
        if (assessed.flags.includes('fullAccess')) counts.fullAccess += 1;
        if (assessed.flags.includes('longLived')) counts.longLived += 1;
        if (assessed.flags.includes('personGone')) gone = true;
      }
      if (gone) counts.peopleGone += 1;
    }
    return counts;
  }

  const handler: JobHandler = {
    async run(job): Promise<JobResult> {
      const person = job.data.person;
      const chosen = await settings.get(person);
      const organizations = chosen?.digest?.organizations ?? [];
      if (!chosen || organizations.length === 0) return { next: 'done' };
      const week = isoDay(new Date(clock.now()));
      const entries: Array<{ line: string; href: string; title: string }> = [];
      for (const organization of organizations) {
        let counts: DigestCounts | undefined;
        try {
          counts = await countsOf(person, chosen.account, organization);
        } catch (error) {
          if (!isDevOpsError(error) || error.kind === 'throttled' || error.kind === 'unavailable') throw error;
          counts = undefined;
        }
        const href = new URL('/audit', deps.baseUrl).href;
        if (!counts) {
          entries.push({
            line: `${organization}: you are no longer its administrator, so its audit was not read.`,
            href,
            title: organization,
          });
          continue;
        }
        const last = await deps.records.get<Partial<DigestCounts>>(person, COUNTS_KIND, organization);
        entries.push({ line: `${organization}: ${describe(counts, last)}.`, href, title: organization });
        await deps.records.put(person, COUNTS_KIND, organization, counts);
      }
      const message = composeMessage(
        `the weekly audit of ${organizations.join(', ')}`,
        entries,
        new URL('/notifications', deps.baseUrl).href,
      );
      const channels: Channel[] = [
        ...(chosen.mail ? ['mail' as const] : []),
        ...(chosen.webhook ? ['webhook' as const] : []),
      ];
      for (const channel of channels) {
        const key = `digest:${week}`;
        const claimed = await deliveries.claim(person, {
          channel,
          key,
          summary: `the weekly audit of ${organizations.join(', ')}`,
          at: new Date(clock.now()).toISOString(),
        });
        const pending = (await deliveries.pending(person, channel)).some((item) => item.key === key);
        if (!claimed && !pending) continue;
        const failure = await sendThrough(deps, chosen, channel, message);
        if (failure)
          return { next: 'retry', afterMs: failure.retryAfterMs, reason: `${failure.service}: ${failure.userMessage}` };
        await deliveries.settle(person, channel, [key], { state: 'sent' }, new Date(clock.now()).toISOString());
      }
      return { next: 'at', runAt: nextRun() };
    },
    async gaveUp(job, reason) {
      await markNotDelivered(deliveries, job.data.person, reason, new Date(clock.now()).toISOString(), (key) =>
        key.startsWith('digest:'),
      );
      if ((await settings.get(job.data.person))?.digest?.organizations.length)
        await deps.engine.schedule(jobId(job.data.person), job.data, nextRun());
    },
  };

  return {
    handler,
    nextRun,
    /** Adds or removes one organization from the person's weekly digest; schedules or cancels its job. */
    async choose(person: string, organization: string, wanted: boolean): Promise<void> {
      const chosen = await settings.get(person);
      if (!chosen) return;
      const others = (chosen.digest?.organizations ?? []).filter((name) => name !== organization);
      const organizations = wanted ? [...others, organization] : others;
      await settings.save({ ...chosen, digest: { organizations } });
      if (organizations.length > 0)
        await deps.engine.schedule(jobId(person), { kind: 'digest', person, id: person }, nextRun());
      else await deps.engine.cancel(jobId(person));
    },
  };
}

export type AuditDigest = ReturnType<typeof createAuditDigest>;
