// The Auditing API's query of the audit log, under auditservice.dev.azure.com (audit 7.2):
// `GET /{organization}/_apis/audit/auditlog`, answering an AuditLogQueryResult
// `{ decoratedAuditLogEntries, continuationToken, hasMore }`, newest first.
//
// - Permission: `vso.auditlog` (the operation's `security` section; `user_impersonation` too, as for
//   the other APIs here). The caller must hold "View audit log" in the organization: its Project
//   Collection Administrators do, unless the control takes it from them. Anyone else gets 403
//   AccessCheckException (a guess: the file documents only 200).
// - startTime and endTime (ISO 8601; both inclusive; default the last 90 days), batchSize (default
//   and largest accepted are guesses: 200 and 1000), continuationToken (the id of the last entry of
//   the page before; a guess at its content, the example shows the last id there), skipAggregation
//   (accepted; only AuditLog.AccessLog is aggregated and this emulator logs no access to the log).
// - Only token events are kept (see audit-log.ts); events older than 90 days are gone.

import express, { type Request, type RequestHandler, type Router } from 'express';
import {
  authenticate,
  callerOf,
  organizationOf,
  requireMembership,
  requirePermission,
  resolveOrganization,
  type AccessOptions,
} from './access.ts';
import { requireApiVersion } from './api-version.ts';
import {
  AUDIT_RETENTION_DAYS,
  eventId,
  SERVICE_ACTOR,
  TOKEN_ACTIONS,
  tokenData,
  type AuditEvent,
  type AuditLog,
} from './audit-log.ts';
import { answerDevOpsErrors, DevOpsApiError, invalidArgument } from './devops-errors.ts';
import { stableUuid } from './identifiers.ts';
import type { MemberStore } from './org-members.ts';
import { descriptorOf } from './org-members.ts';
import { queryValue } from './query.ts';
import { addDays } from './service-time.ts';
import { worksIn, type TokenStore } from './token-store.ts';
import type { Organization } from '../directory.ts';

const DEFAULT_BATCH_SIZE = 200;
const MAX_BATCH_SIZE = 1000;
const NO_GUID = '00000000-0000-0000-0000-000000000000';
const CONTINUATION = /^\d{19};[0-9a-f-]{36};[0-9a-f-]{36}$/i;

export interface AuditRouterDependencies {
  access: AccessOptions;
  log: AuditLog;
  members: MemberStore;
  tokens: TokenStore;
  now: () => Date;
}

export function createAuditRouter({ access, log, members, tokens, now }: AuditRouterDependencies): Router {
  const router = express.Router();

  /** Token.PatExpiredEvent at the validTo of every token of the organization that reached it unrevoked. */
  const expiries = (organization: Organization, recorded: readonly AuditEvent[], at: Date): AuditEvent[] => {
    const oldest = addDays(at, -AUDIT_RETENTION_DAYS).getTime();
    const revokedAt = new Map<string, number>();
    for (const event of recorded)
      if (event.actionId === 'Token.PatRevokeEvent' || event.actionId === 'Token.PatSystemRevokeEvent')
        revokedAt.set(event.data.AuthorizationId ?? '', event.timestamp.getTime());
    return members.membersOf(organization).flatMap((member) =>
      tokens.tokensOf(member.objectId).flatMap((token): AuditEvent[] => {
        const expired = token.validTo.getTime();
        if (!worksIn(token, organization.accountId) || expired > at.getTime() || expired < oldest) return [];
        if (token.revoked && !((revokedAt.get(token.authorizationId) ?? 0) > expired)) return [];
        const correlationId = stableUuid(`expired:${token.authorizationId}`);
        return [
          {
            id: eventId(token.validTo, SERVICE_ACTOR.userId, correlationId),
            timestamp: token.validTo,
            accountId: organization.accountId,
            actionId: 'Token.PatExpiredEvent',
            actor: SERVICE_ACTOR,
            correlationId,
            data: tokenData(token, member),
            ipAddress: null,
            userAgent: '',
          },
        ];
      }),
    );
  };

  router.get(
    '/:organization/_apis/audit/auditlog',
    resolveOrganization(access.directory),
    authenticate(access),
    requireMembership(access),
    requirePermission(() => ['vso.auditlog', 'user_impersonation']),
    requireAuditReader(log),
    requireApiVersion({ minimum: '5.0', latest: '7.2', previewOnly: true, resourceVersion: 1 }),
    (req, res) => {
      const organization = organizationOf(res);
      const at = now();
      const startTime = timeOf(req, 'startTime') ?? addDays(at, -AUDIT_RETENTION_DAYS);
      const endTime = timeOf(req, 'endTime') ?? at;
      const batchSize = batchSizeOf(req);
      const after = continuationOf(req);
      const recorded = log.recorded(organization.accountId, at);
      const all = [...recorded, ...expiries(organization, recorded, at)]
        .filter((event) => event.timestamp >= startTime && event.timestamp <= endTime)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const remaining = after === undefined ? all : all.filter((event) => event.id > after);
      const page = remaining.slice(0, batchSize);
      res.json({
        decoratedAuditLogEntries: page.map((event) => decorated(event, organization, members)),
        continuationToken: page.at(-1)?.id ?? after ?? null,
        hasMore: remaining.length > page.length,
      });
    },
  );

  router.use(answerDevOpsErrors);
  return router;
}

function requireAuditReader(log: AuditLog): RequestHandler {
  return (_req, res, next) => {
    const person = callerOf(res);
    const organization = organizationOf(res);
    const administrator = (organization.administrators ?? []).includes(person.objectId);
    if (!administrator || !log.mayRead(organization.accountId, person.objectId))
      throw new DevOpsApiError(
        403,
        'AccessCheckException',
        `Access Denied: ${person.username} needs the following permission(s) on the resource AuditLog to perform this action: View audit log`,
      );
    next();
  };
}

function timeOf(req: Request, name: string): Date | undefined {
  const raw = queryValue(req, name);
  if (raw === undefined || raw === '') return undefined;
  const time = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(time.getTime()))
    throw invalidArgument(`The value '${raw}' of ${name} is not a valid date-time.`);
  return time;
}

function batchSizeOf(req: Request): number {
  const raw = queryValue(req, 'batchSize');
  if (raw === undefined || raw === '') return DEFAULT_BATCH_SIZE;
  const size = Number(raw);
  if (!/^\d+$/.test(raw) || size < 1 || size > MAX_BATCH_SIZE)
    throw invalidArgument(`The batch size '${raw}' is not valid: use 1 to ${MAX_BATCH_SIZE}.`);
  return size;
}

function continuationOf(req: Request): string | undefined {
  const raw = queryValue(req, 'continuationToken');
  if (raw === undefined || raw === '') return undefined;
  if (!CONTINUATION.test(raw)) throw invalidArgument('The continuation token is not valid.');
  return raw.toLowerCase();
}

/** `2019-03-05T14:05:02.1460838+00:00`, as the example prints timestamps. */
function auditTime(date: Date): string {
  return `${date.toISOString().slice(0, 23)}0000+00:00`;
}

/** A DecoratedAuditLogEntry with the properties (and their order) of the example. */
function decorated(event: AuditEvent, organization: Organization, members: MemberStore) {
  const action = TOKEN_ACTIONS[event.actionId];
  const actorMember = members.membersOf(organization).find((member) => member.objectId === event.actor.userId);
  const storageKey = actorMember?.storageKey ?? event.actor.userId;
  const details = action.details.replace(/\{(\w+)\}/g, (_whole, key: string) => event.data[key] ?? '');
  return {
    id: event.id,
    correlationId: event.correlationId,
    activityId: stableUuid(`activity:${event.id}`),
    actorCUID: event.actor === SERVICE_ACTOR ? NO_GUID : stableUuid(`cuid:${event.actor.userId}`),
    actorUserId: event.actor === SERVICE_ACTOR ? event.actor.userId : storageKey,
    actorUPN: event.actor.upn,
    authenticationMechanism: event.actor === SERVICE_ACTOR ? '' : 'AAD_Cookie',
    timestamp: auditTime(event.timestamp),
    scopeType: 'organization',
    scopeDisplayName: `${organization.accountName} (Organization)`,
    scopeId: organization.accountId,
    ipAddress: event.ipAddress,
    userAgent: event.userAgent,
    actionId: event.actionId,
    data: event.data,
    details,
    area: 'Token',
    category: action.category,
    categoryDisplayName: action.category.charAt(0).toUpperCase() + action.category.slice(1),
    actorDisplayName: event.actor.displayName,
    actorImageUrl: actorMember
      ? `https://dev.azure.com/${organization.accountName}/_apis/GraphProfile/MemberAvatars/${descriptorOf(actorMember)}`
      : null,
  };
}
