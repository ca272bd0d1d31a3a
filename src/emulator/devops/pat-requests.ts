// Turns "Pats - Create" and "Pats - Update" bodies into token records, with the service's rules.
//
// The rules follow Azure DevOps Server 2022's token service (PersonalAccessTokensController,
// PlatformDelegatedAuthorizationService, SessionTokenLifetimePolicy), decompiled copies of which are
// public: on Create a missing name becomes a GUID, a blank one is `displayNameRequired`, one over 256
// characters or with control characters is `invalidDisplayName`, a missing scope means full access
// (`app_token`), an unknown scope is `invalidScope`, and a `validTo` beyond the maximum lifetime (one
// year) is cut back to it rather than refused. Create reports these as a `patTokenError` in a 200
// answer; Update throws ArgumentException (400) for a bad name or scope. Refusing a `validTo` in the
// past (`invalidValidTo`) is this emulator's reading: the enum has the value, the sources do not show
// where it is raised.
//
// Today's service (tokens 7.2-preview): a create asking for all organizations is
// `globalPATCreationBlocked` (global PATs are retired), and so is an update that would make or keep a
// token global (a guess: the documents only name the value); any change to an expired token is
// `expiredPatCannotBeExtended`; the organization's "Restrict personal access token (PAT) creation"
// policy refuses a create by someone off its allowlist (`disablePatCreationPolicyViolation`), unless
// its packaging exception covers every scope asked; the maximum-lifespan policy shortens `validTo`.

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { invalidArgument, unreadableBody, DevOpsApiError } from './devops-errors.ts';
import { isGuid, newAuthorizationId } from './identifiers.ts';
import { latestAllowed, mayCreate, policyViolation, type OrganizationPolicies } from './organization-policies.ts';
import type { PatTokenError } from './pat-token-error.ts';
import { FULL_ACCESS_SCOPE, SCOPE_CATALOG } from './scope-catalog.ts';
import { addDays, toServiceTime } from './service-time.ts';
import type { PatRecord } from './token-store.ts';

/** Lifetime of a token created without `validTo` (the "New token" page's default of 30 days). */
const DEFAULT_LIFETIME_DAYS = 30;
/** Azure DevOps Services' maximum PAT lifetime. */
const MAX_LIFETIME_DAYS = 365;
const MAX_DISPLAY_NAME_LENGTH = 256;

export interface RequestContext {
  /** The organization in the URL. */
  accountId: string;
  /** Who is calling (the restrict-creation policy's allowlist holds object ids). */
  callerObjectId: string;
  policies: OrganizationPolicies;
  now: Date;
}

export type Outcome = { record: PatRecord; error?: undefined } | { error: PatTokenError; record?: undefined };

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
// An ISO 8601 date or date-time; Json.NET reads these into DateTime.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

const dateTimeField = z
  .string()
  .regex(DATE_TIME)
  .transform((text) => new Date(asUtcIso(text)))
  .refine((date) => !Number.isNaN(date.getTime()));

/** In the form JavaScript parses; a time without an offset is UTC, as for the service (Unspecified → Utc). */
function asUtcIso(text: string): string {
  const upper = text.toUpperCase();
  if (!upper.includes('T')) return upper;
  if (/(?:Z|[+-]\d{2}:\d{2})$/.test(upper)) return upper;
  if (/[+-]\d{4}$/.test(upper)) return `${upper.slice(0, -2)}:${upper.slice(-2)}`;
  return `${upper}Z`;
}

const createBody = z.object({
  displayName: z.string().nullish(),
  scope: z.string().nullish(),
  validTo: dateTimeField.nullish(),
  allOrgs: z.boolean().nullish(),
});

const updateBody = createBody.extend({
  authorizationId: z.string().refine(isGuid).nullish(),
});

export type CreateRequest = z.infer<typeof createBody>;
export type UpdateRequest = z.infer<typeof updateBody>;

export function readCreateRequest(body: unknown): CreateRequest {
  return readBody(createBody, body, 'patTokenCreateRequest');
}

export function readUpdateRequest(body: unknown): UpdateRequest {
  return readBody(updateBody, body, 'patTokenUpdateRequest');
}

function readBody<T>(schema: z.ZodType<T>, body: unknown, parameterName: string): T {
  if (body === undefined || body === null) {
    throw new DevOpsApiError(400, 'ArgumentNullException', `Value cannot be null.\r\nParameter name: ${parameterName}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw unreadableBody();
  return parsed.data;
}

/** The id an Update names, or undefined when it names none (the service's `invalidAuthorizationId`). */
export function namedAuthorizationId(request: UpdateRequest): string | undefined {
  const id = request.authorizationId?.toLowerCase();
  return id === undefined || id === EMPTY_GUID ? undefined : id;
}

export function prepareCreate(request: CreateRequest, context: RequestContext): Outcome {
  const displayName = request.displayName || randomUUID();
  if (displayName.trim() === '') return { error: 'displayNameRequired' };
  if (!isValidDisplayName(displayName)) return { error: 'invalidDisplayName' };

  const scope = request.scope?.trim() ? normalizeScope(request.scope) : FULL_ACCESS_SCOPE;
  if (scope === undefined) return { error: 'invalidScope' };
  if (request.allOrgs) return { error: 'globalPATCreationBlocked' };
  if (!mayCreate(context.policies, context.callerObjectId, scope))
    return { error: 'disablePatCreationPolicyViolation' };

  const asked = request.validTo
    ? acceptedValidTo(request.validTo, context.now)
    : addDays(context.now, DEFAULT_LIFETIME_DAYS);
  if (asked === undefined) return { error: 'invalidValidTo' };
  const validTo = shortenedToPolicy(asked, latestAllowed(context.policies, context.now));

  const record: PatRecord = {
    authorizationId: newAuthorizationId(),
    displayName,
    scope,
    targetAccounts: [context.accountId],
    validFrom: toServiceTime(context.now),
    validTo: toServiceTime(validTo),
    revoked: false,
  };
  return withPolicies(record, context);
}

/** Applies an Update to a valid (not revoked) token; absent or blank fields keep their value. */
export function prepareUpdate(existing: PatRecord, request: UpdateRequest, context: RequestContext): Outcome {
  if (existing.validTo.getTime() <= context.now.getTime()) return { error: 'expiredPatCannotBeExtended' };
  if (existing.targetAccounts === null || request.allOrgs) return { error: 'globalPATCreationBlocked' };
  let displayName = existing.displayName;
  if (request.displayName?.trim()) {
    if (!isValidDisplayName(request.displayName)) throw invalidArgument('DisplayName is not valid.');
    displayName = request.displayName;
  }

  let scope = existing.scope;
  if (request.scope?.trim()) {
    const normalized = normalizeScope(request.scope);
    if (normalized === undefined) throw invalidArgument('Given scope is not valid.');
    scope = normalized;
  }

  let validTo = existing.validTo;
  if (request.validTo) {
    const accepted = acceptedValidTo(request.validTo, context.now);
    if (accepted === undefined) return { error: 'invalidValidTo' };
    validTo = toServiceTime(shortenedToPolicy(accepted, latestAllowed(context.policies, existing.validFrom)));
  }

  const targetAccounts = request.allOrgs === false ? [context.accountId] : existing.targetAccounts;

  return withPolicies({ ...existing, displayName, scope, validTo, targetAccounts }, context);
}

function withPolicies(record: PatRecord, context: RequestContext): Outcome {
  const violation = policyViolation(context.policies, record);
  return violation ? { error: violation } : { record };
}

function shortenedToPolicy(validTo: Date, latest: Date | undefined): Date {
  return latest !== undefined && validTo.getTime() > latest.getTime() ? latest : validTo;
}

/** Past dates are refused; dates beyond the maximum lifetime are cut back to it. */
function acceptedValidTo(requested: Date, now: Date): Date | undefined {
  if (requested.getTime() <= now.getTime()) return undefined;
  const latest = addDays(now, MAX_LIFETIME_DAYS);
  return requested.getTime() > latest.getTime() ? latest : requested;
}

function isValidDisplayName(name: string): boolean {
  // Control characters other than tab are refused (ArgumentUtility.IsInvalidString).
  return name.length <= MAX_DISPLAY_NAME_LENGTH && !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(name);
}

const KNOWN_SCOPES = new Map(
  Object.values(SCOPE_CATALOG)
    .flat()
    .map((name) => [name.toLowerCase(), name]),
);

/** Known names in their catalogue spelling, duplicates dropped; `app_token` only on its own. */
function normalizeScope(scope: string): string | undefined {
  const names = scope.trim().split(/\s+/);
  if (names.length === 1 && names[0]?.toLowerCase() === FULL_ACCESS_SCOPE) return FULL_ACCESS_SCOPE;
  const canonical = names.map((name) => KNOWN_SCOPES.get(name.toLowerCase()));
  if (canonical.some((name) => name === undefined)) return undefined;
  return [...new Set(canonical)].join(' ');
}
