// Reminders: once a day per person (at REMINDERS_AT, UTC) a job looks at their tokens in every
// organization, through their offline access, and sends one message per channel listing each
// token that has crossed one of their thresholds, and each automatic rotation that needs them.
// Each (token, threshold) goes once per channel: its delivery is claimed before the message is
// sent. Tokens that rotate themselves are left out unless their rotation failed.
import { OfflineAccessRefusedError, type AuthService } from '../auth/auth-service.ts';
import type { Automations } from '../automation/automations.ts';
import type { Clock } from '../clock.ts';
import { DAY_MS } from '../days.ts';
import type { DevOpsClient, PatToken } from '../devops/types.ts';
import type { JobEngine, JobHandler, JobResult } from '../jobs/job-engine.ts';
import type { AppSession, SignedInAccount } from '../session/session-types.ts';
import type { Sealer } from '../storage/sealing.ts';
import { markNotDelivered, type Channel, type Deliveries } from './deliveries.ts';
import { webhookContext, type NotificationSettings, type NotificationSettingsStore } from './notification-settings.ts';
import { reminderMessage, type ReminderItem } from './reminder-message.ts';
import { NotDeliveredError, type Senders } from './senders.ts';
import { MAIL_SEND_SCOPE, sendThrough } from './channels.ts';

const MAX_PAGES_PER_ORGANIZATION = 10;

export interface ReminderServiceDependencies {
  settings: NotificationSettingsStore;
  deliveries: Deliveries;
  engine: JobEngine;
  auth: AuthService;
  devops: DevOpsClient;
  automations: Automations;
  senders: Senders;
  sealer: Sealer;
  clock: Clock;
  baseUrl: URL;
  at: { hour: number; minute: number };
  record(
    person: string,
    entry: { organization: string; tokenId: string; tokenName: string; changes: string[] },
  ): Promise<void>;
}

interface Candidate {
  item: ReminderItem;
  keys: string[];
  tokenId: string;
  why: string;
}

export function createReminderService(deps: ReminderServiceDependencies) {
  const { settings, deliveries, engine, auth, devops, clock } = deps;
  const jobId = (person: string) => `reminders:${person}`;

  /** The next REMINDERS_AT after `now`. */
  function nextRun(now: number = clock.now()): number {
    const day = new Date(now);
    const at = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), deps.at.hour, deps.at.minute);
    return at > now ? at : at + DAY_MS;
  }

  async function tokensOf(account: SignedInAccount): Promise<Array<{ organization: string; token: PatToken }>> {
    let token: Promise<string> | undefined;
    const accessToken = ({ forceRefresh }: { forceRefresh: boolean }) =>
      forceRefresh || !token ? (token = auth.acquireOffline(account).then((got) => got.token)) : token;
    const profile = await devops.getMyProfile(accessToken);
    const organizations = await devops.listOrganizations(accessToken, profile.id);
    const found: Array<{ organization: string; token: PatToken }> = [];
    for (const { accountName } of organizations) {
      let continuationToken: string | undefined;
      for (let page = 0; page < MAX_PAGES_PER_ORGANIZATION; page++) {
        const listed = await devops.listTokens(accessToken, accountName, {
          filter: 'active',
          sortBy: 'displayDate',
          ascending: true,
          top: 100,
          continuationToken,
        });
        // A global token is listed in every organization, and works in none: it is not reminded of.
        for (const item of listed.tokens)
          if (item.targetAccounts !== null) found.push({ organization: accountName, token: item });
        if (!listed.continuationToken) break;
        continuationToken = listed.continuationToken;
      }
    }
    return found;
  }

  async function candidates(person: string, chosen: NotificationSettings): Promise<Candidate[]> {
    const now = clock.now();
    const rotations = await deps.automations.forPerson(person);
    const byToken = new Map(rotations.map((rotation) => [rotation.authorizationId, rotation]));
    const tokenHref = (id: string, organization: string) =>
      new URL(`/tokens/${id}?organization=${encodeURIComponent(organization)}`, deps.baseUrl).href;
    const found: Candidate[] = [];
    for (const { organization, token } of await tokensOf(chosen.account)) {
      const left = token.validTo.getTime() - now;
      if (left <= 0) continue;
      const crossed = chosen.thresholds.filter((days) => left <= days * DAY_MS);
      if (crossed.length === 0) continue;
      const rotation = byToken.get(token.authorizationId);
      const rotationFailed = rotation?.status === 'needsYou' || rotation?.status === 'failed';
      if (rotation && !rotationFailed) continue;
      found.push({
        item: {
          kind: 'expiring',
          tokenName: token.displayName,
          organization,
          validTo: token.validTo,
          rotationFailed,
          href: tokenHref(token.authorizationId, organization),
        },
        keys: crossed.map((days) => `expiry:${token.authorizationId}:${days}`),
        tokenId: token.authorizationId,
        why: `${Math.min(...crossed)} days before it expires`,
      });
    }
    if (chosen.onAutomationNeedsYou)
      for (const rotation of rotations)
        if ((rotation.status === 'needsYou' || rotation.status === 'failed') && rotation.problem)
          found.push({
            item: {
              kind: 'needsYou',
              tokenName: rotation.tokenName,
              organization: rotation.organization,
              problem: rotation.problem,
              href: new URL('/automation', deps.baseUrl).href,
            },
            keys: [`rotation:${rotation.id}:${rotation.lastRun?.at ?? ''}`],
            tokenId: rotation.authorizationId,
            why: 'its automatic rotation needs you',
          });
    return found;
  }

  /** Sends one channel's message with every candidate not yet sent on it; undefined when nothing was to send. */
  async function deliver(
    person: string,
    chosen: NotificationSettings,
    channel: Channel,
    all: Candidate[],
  ): Promise<NotDeliveredError | undefined> {
    const at = new Date(clock.now()).toISOString();
    const pending = new Set((await deliveries.pending(person, channel)).map((item) => item.key));
    const due: Candidate[] = [];
    for (const candidate of all) {
      let include = false;
      for (const key of candidate.keys) {
        const claimed = await deliveries.claim(person, {
          channel,
          key,
          summary: `"${candidate.item.tokenName}" (${candidate.item.organization}), ${candidate.why}`,
          at,
        });
        if (claimed || pending.has(key)) include = true;
      }
      if (include) due.push(candidate);
    }
    if (due.length === 0) return undefined;
    const message = reminderMessage(
      due.map((candidate) => candidate.item),
      new Date(clock.now()),
      new URL('/notifications', deps.baseUrl).href,
    );
    const keys = due.flatMap((candidate) => candidate.keys);
    const failure = await sendThrough(deps, chosen, channel, message);
    if (failure) return failure;
    await deliveries.settle(person, channel, keys, { state: 'sent' }, new Date(clock.now()).toISOString());
    const to = channel === 'mail' ? `by mail to ${chosen.account.username}` : `by webhook (${chosen.webhook!.host})`;
    for (const candidate of due)
      await deps.record(person, {
        organization: candidate.item.organization,
        tokenId: candidate.tokenId,
        tokenName: candidate.item.tokenName,
        changes: [`reminded ${to}: ${candidate.why}`],
      });
    return undefined;
  }

  const handler: JobHandler = {
    async run(job): Promise<JobResult> {
      const chosen = await settings.get(job.data.person);
      if (!chosen) return { next: 'done' };
      let found: Candidate[];
      try {
        found = await candidates(job.data.person, chosen);
      } catch (error) {
        if (error instanceof OfflineAccessRefusedError) {
          await settings.save({ ...chosen, problem: error.userMessage });
          return { next: 'at', runAt: nextRun(clock.now()) };
        }
        throw error;
      }
      const channels: Channel[] = [
        ...(chosen.mail ? ['mail' as const] : []),
        ...(chosen.webhook ? ['webhook' as const] : []),
      ];
      const failures: NotDeliveredError[] = [];
      for (const channel of channels) {
        const failure = await deliver(job.data.person, chosen, channel, found);
        if (failure) failures.push(failure);
      }
      if (failures.length > 0)
        return {
          next: 'retry',
          afterMs: Math.max(...failures.map((failure) => failure.retryAfterMs)),
          reason: failures.map((failure) => `${failure.service}: ${failure.userMessage}`).join('; '),
        };
      if (chosen.problem) await settings.save({ ...chosen, problem: undefined });
      return { next: 'at', runAt: nextRun(clock.now()) };
    },
    async gaveUp(job, reason) {
      // The digest's deliveries are its own job's to give up.
      await markNotDelivered(
        deliveries,
        job.data.person,
        reason,
        new Date(clock.now()).toISOString(),
        (key) => !key.startsWith('digest:'),
      );
      // Tomorrow is another day: the reminders go on.
      if (await settings.get(job.data.person))
        await engine.schedule(jobId(job.data.person), job.data, nextRun(clock.now()));
    },
  };

  return {
    handler,
    nextRun,
    get: (person: string) => settings.get(person),
    recent: (person: string) => deliveries.recent(person, 20),

    async save(
      session: AppSession,
      chosen: Omit<NotificationSettings, 'updatedAt' | 'webhook'> & {
        webhook?: { url: string; host: string; format: 'teams' | 'slack' } | 'keep' | undefined;
      },
    ) {
      const person = chosen.account.homeAccountId;
      const before = await settings.get(person);
      const webhook =
        chosen.webhook === 'keep'
          ? before?.webhook
          : chosen.webhook && {
              sealedUrl: deps.sealer.seal(chosen.webhook.url, webhookContext(person)),
              host: chosen.webhook.host,
              format: chosen.webhook.format,
            };
      await auth.keepOfflineAccess(session);
      const saved: NotificationSettings = {
        ...chosen,
        webhook,
        digest: before?.digest,
        problem: undefined,
        updatedAt: new Date(clock.now()).toISOString(),
      };
      await settings.save(saved);
      await engine.schedule(jobId(person), { kind: 'reminders', person, id: person }, nextRun(clock.now()));
      return saved;
    },

    /** Stops every reminder; true when nothing else of the person's needs their offline access any more. */
    async turnOff(person: string): Promise<boolean> {
      await settings.remove(person);
      await engine.cancel(jobId(person));
      await engine.cancel(`digest:${person}`);
      return (await deps.automations.forPerson(person)).length === 0;
    },

    /** A test message now, with the signed-in person's own tokens; what happened per channel. */
    async sendTest(
      session: Parameters<AuthService['acquireTokenForScope']>[0],
      chosen: NotificationSettings,
    ): Promise<Array<{ channel: Channel; ok: boolean; words: string }>> {
      const person = chosen.account.homeAccountId;
      const message = reminderMessage(
        [
          {
            kind: 'expiring',
            tokenName: 'example-token',
            organization: 'your organization',
            validTo: new Date(clock.now() + 3 * DAY_MS),
            rotationFailed: false,
            href: new URL('/', deps.baseUrl).href,
          },
        ],
        new Date(clock.now()),
        new URL('/notifications', deps.baseUrl).href,
      );
      const outcomes: Array<{ channel: Channel; ok: boolean; words: string }> = [];
      if (chosen.mail) {
        try {
          const { token } = await auth.acquireTokenForScope(session, MAIL_SEND_SCOPE);
          await deps.senders.mail(token, {
            to: chosen.account.username,
            subject: `${message.subject} (a test)`,
            html: message.html,
          });
          outcomes.push({ channel: 'mail', ok: true, words: `A test mail was sent to ${chosen.account.username}.` });
        } catch (error) {
          if (!(error instanceof NotDeliveredError)) throw error;
          outcomes.push({ channel: 'mail', ok: false, words: `The test mail was not delivered: ${error.userMessage}` });
        }
      }
      if (chosen.webhook) {
        const opened = deps.sealer.open(chosen.webhook.sealedUrl, webhookContext(person));
        try {
          if (!opened.ok)
            throw new NotDeliveredError(
              'Webhook',
              'the webhook address PAT Manager kept could not be opened; give it again',
            );
          await deps.senders.webhook(
            opened.plaintext,
            chosen.webhook.format === 'slack' ? message.slack : message.teams,
          );
          outcomes.push({
            channel: 'webhook',
            ok: true,
            words: `A test message was posted to your webhook (${chosen.webhook.host}).`,
          });
        } catch (error) {
          if (!(error instanceof NotDeliveredError)) throw error;
          outcomes.push({
            channel: 'webhook',
            ok: false,
            words: `The test message was not delivered: ${error.userMessage}`,
          });
        }
      }
      return outcomes;
    },
  };
}

export type ReminderService = ReturnType<typeof createReminderService>;
