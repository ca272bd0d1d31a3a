// The organization's audit log, through the Auditing API (auditservice.dev.azure.com, audit 7.2,
// `vso.auditlog`): one page of entries at a time, of which the app keeps the token events
// (Token.Pat*). Same transport (axios over the shared keep-alive agent, timeouts, retry rules) and
// same errors as the other Azure DevOps clients; upstream JSON is checked with zod.
import type { Agent } from 'node:https';
import { z } from 'zod';
import { ORGANIZATION_NAME, validated, withoutTrailingSlash } from '../devops/client.ts';
import { DevOpsError } from '../devops/errors.ts';
import { MESSAGES } from '../devops/messages.ts';
import { parseServiceDate } from '../devops/service-dates.ts';
import { createTransport } from '../devops/transport.ts';
import type { AccessTokenSource } from '../devops/types.ts';
import { createLogger, type Logger } from '../logging.ts';

const API_VERSION = '7.2-preview.1';
/** Entries a page asks for: the example asks for 2, the documents name no largest; 200 is modest. */
const BATCH_SIZE = 200;

/** What happened to a token, by the audit log's action id. */
const TOKEN_EVENTS = {
  'Token.PatCreateEvent': 'created',
  'Token.PatUpdateEvent': 'updated',
  'Token.PatRevokeEvent': 'revoked',
  'Token.PatExpiredEvent': 'expired',
  'Token.PatSystemRevokeEvent': 'revokedBySystem',
  'Token.PatPublicDiscoveryEvent': 'foundInPublic',
} as const;

type TokenEventKind = (typeof TOKEN_EVENTS)[keyof typeof TOKEN_EVENTS];

export interface TokenEvent {
  id: string;
  kind: TokenEventKind;
  at: Date;
  /** Who did it: a person, or "Azure DevOps Service". */
  actor: string;
  actorUpn: string | null;
  ipAddress: string | null;
  /** The token's id, when the event names it; else the token is known by its name and owner only. */
  authorizationId: string | null;
  tokenName: string;
  ownerName: string | null;
  /** Where a token found in public was found, when the event says. */
  location: string | null;
  /** Azure DevOps's own sentence about it. */
  details: string;
}

interface AuditLogPage {
  events: TokenEvent[];
  continuationToken: string | null;
  hasMore: boolean;
}

export interface AuditLogClient {
  /** One page of the audit log between the two times, newest first, keeping the token events. */
  readPage(
    accessToken: AccessTokenSource,
    organization: string,
    window: { startTime: Date; endTime: Date; continuationToken?: string | undefined },
  ): Promise<AuditLogPage>;
}

export interface AuditLogClientOptions {
  /** https://auditservice.dev.azure.com, or the emulator's. */
  baseUrl: string;
  timeoutMs: number;
  httpsAgent?: Agent | undefined;
  ca?: string | undefined;
  logger?: Logger | undefined;
}

const auditTime = z.string().transform((text, context) => {
  const date = parseServiceDate(text);
  if (date) return date;
  context.issues.push({ code: 'custom', message: 'not an ISO 8601 date-time', input: text });
  return z.NEVER;
});

const wireEntry = z.object({
  id: z.string().min(1),
  actionId: z.string(),
  timestamp: auditTime,
  actorDisplayName: z.string().nullish(),
  actorUPN: z.string().nullish(),
  ipAddress: z.string().nullish(),
  details: z.string().nullish(),
  data: z.record(z.string(), z.unknown()).nullish(),
});

const wireQueryResult = z.object({
  decoratedAuditLogEntries: z.array(wireEntry).nullish(),
  continuationToken: z.string().nullish(),
  hasMore: z.boolean().nullish(),
});

/** The documented AuditLogQueryResult; the 7.2 example writes it inside `value`, so that is read too. */
const wireAnswer = z.union([wireQueryResult, z.object({ value: wireQueryResult })]);

/** The data keys a discovery's place may come under (RepositoryUrl in the emulator; not documented). */
const LOCATION_KEYS = ['RepositoryUrl', 'Url', 'Location', 'SourceUrl'] as const;
const GUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function text(data: Record<string, unknown>, key: string): string | null {
  const value = data[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 2000) : null;
}

function toTokenEvent(entry: z.infer<typeof wireEntry>): TokenEvent | undefined {
  const kind = TOKEN_EVENTS[entry.actionId as keyof typeof TOKEN_EVENTS];
  if (!kind) return undefined;
  const data = entry.data ?? {};
  const authorizationId = text(data, 'AuthorizationId');
  return {
    id: entry.id,
    kind,
    at: entry.timestamp,
    actor: entry.actorDisplayName || entry.actorUPN || 'someone',
    actorUpn: entry.actorUPN ?? null,
    ipAddress: entry.ipAddress ?? null,
    authorizationId: authorizationId && GUID_TEXT.test(authorizationId) ? authorizationId.toLowerCase() : null,
    tokenName: text(data, 'DisplayName') ?? '',
    ownerName: text(data, 'OwnerName'),
    location: LOCATION_KEYS.map((key) => text(data, key)).find((value) => value !== null) ?? null,
    details: entry.details ?? '',
  };
}

export function createAuditLogClient(options: AuditLogClientOptions): AuditLogClient {
  const logger = (options.logger ?? createLogger('silent')).child({ component: 'azure-devops-audit-log' });
  const transport = createTransport({
    timeoutMs: options.timeoutMs,
    ca: options.ca,
    agent: options.httpsAgent,
    logger,
  });
  const base = withoutTrailingSlash(options.baseUrl);

  return {
    async readPage(accessToken, organization, { startTime, endTime, continuationToken }) {
      if (!ORGANIZATION_NAME.test(organization))
        throw new DevOpsError({
          kind: 'notFound',
          userMessage: MESSAGES.organizationNameInvalid,
          message: 'organization name is not a valid Azure DevOps organization name',
        });
      const operation = 'readAuditLog';
      const answer = await transport.send(accessToken, {
        operation,
        method: 'GET',
        url: `${base}/${encodeURIComponent(organization)}/_apis/audit/auditlog`,
        params: {
          startTime: startTime.toISOString(),
          endTime: endTime.toISOString(),
          batchSize: BATCH_SIZE,
          continuationToken: continuationToken || undefined,
          skipAggregation: true,
          'api-version': API_VERSION,
        },
      });
      const wire = validated(operation, answer, wireAnswer);
      const result = 'value' in wire ? wire.value : wire;
      return {
        events: (result.decoratedAuditLogEntries ?? []).flatMap((entry) => toTokenEvent(entry) ?? []),
        continuationToken: result.continuationToken || null,
        hasMore: result.hasMore === true,
      };
    },
  };
}
