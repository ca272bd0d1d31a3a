// The shapes Azure DevOps sends (Microsoft's OpenAPI files: tokens 7.2, profile and accounts 7.1),
// checked at runtime and turned into the app's types. Anything else counts as an unexpected answer.
import { z } from 'zod';
import { splitScopes } from './scopes.ts';
import { parseServiceDate } from './service-dates.ts';
import type { Organization, PatToken, Profile } from './types.ts';

const serviceDate = z.string().transform((text, context) => {
  const date = parseServiceDate(text);
  if (date) return date;
  context.issues.push({ code: 'custom', message: 'not an ISO 8601 date-time', input: text });
  return z.NEVER;
});

export const wirePatToken = z.object({
  authorizationId: z.guid(),
  displayName: z.string(),
  scope: z.string(),
  targetAccounts: z.array(z.guid()).nullish(),
  validFrom: serviceDate,
  validTo: serviceDate,
  token: z.string().nullish(),
});
export type WirePatToken = z.infer<typeof wirePatToken>;

/** `PatTokenResult`: `patToken` is only checked once `patTokenError` says "none". */
export const wirePatTokenResult = z.object({
  patToken: z.unknown(),
  patTokenError: z.string(),
  /** 7.2-preview: Azure DevOps's own words for the refusal. */
  patTokenErrorMessage: z.unknown().optional(),
});

export const wirePagedPatTokens = z.object({
  continuationToken: z.string().nullish(),
  patTokens: z.array(wirePatToken),
});

export const wireProfile = z.object({
  id: z.guid(),
  displayName: z.string(),
  emailAddress: z.string().nullish(),
});

const wireAccount = z.object({ accountId: z.guid(), accountName: z.string().min(1) });
/**
 * The OpenAPI file says `Account[]`, but Azure DevOps wraps collections as `{ count, value }` (its
 * example shows that), so both are read.
 */
export const wireAccounts = z.union([z.object({ value: z.array(wireAccount) }), z.array(wireAccount)]);

export function toPatToken(wire: WirePatToken): PatToken {
  return {
    authorizationId: wire.authorizationId,
    displayName: wire.displayName,
    scopes: splitScopes(wire.scope),
    targetAccounts: wire.targetAccounts ?? null,
    validFrom: wire.validFrom,
    validTo: wire.validTo,
  };
}

export function toProfile(wire: z.infer<typeof wireProfile>): Profile {
  return { id: wire.id, displayName: wire.displayName, emailAddress: wire.emailAddress ?? null };
}

export function toOrganizations(wire: z.infer<typeof wireAccounts>): Organization[] {
  const accounts = Array.isArray(wire) ? wire : wire.value;
  return accounts.map(({ accountId, accountName }) => ({ accountId, accountName }));
}
