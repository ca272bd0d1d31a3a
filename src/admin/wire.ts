// The shapes Graph users and token administration send (graph-7.1.json, tokenAdmin 7.2 and
// their examples), checked at runtime and turned into the app's types.
import { z } from 'zod';
import { splitScopes } from '../devops/scopes.ts';
import { parseServiceDate } from '../devops/service-dates.ts';
import type { AdminToken, OrgPerson } from './types.ts';

/** The TokenAdmin example prints date-times with no offset (`2018-07-19T00:00:00`): they are UTC. */
const serviceDate = z.string().transform((text, context) => {
  const date = parseServiceDate(/(Z|[+-]\d{2}:\d{2})$/i.test(text) ? text : `${text}Z`);
  if (date) return date;
  context.issues.push({ code: 'custom', message: 'not an ISO 8601 date-time', input: text });
  return z.NEVER;
});

const wireGraphUser = z.object({
  descriptor: z.string().min(1),
  displayName: z.string().nullish(),
  principalName: z.string().nullish(),
  mailAddress: z.string().nullish(),
  origin: z.string(),
  originId: z.string().nullish(),
  isDeletedInOrigin: z.boolean().nullish(),
});

/** Users_List: documented as `GraphUser[]`, sent as `{ count, value }` (its example). */
export const wireGraphUsers = z.union([z.object({ value: z.array(wireGraphUser) }), z.array(wireGraphUser)]);

export const wireDescriptor = z.object({ value: z.string().min(1) });

const wireSessionToken = z.object({
  authorizationId: z.guid(),
  displayName: z.string().nullish(),
  scope: z.string().nullish(),
  targetAccounts: z.array(z.guid()).nullish(),
  validFrom: serviceDate,
  validTo: serviceDate,
  isValid: z.boolean().nullish(),
});

export const wirePagedSessionTokens = z.object({
  continuationToken: z.string().nullish(),
  value: z.array(wireSessionToken),
});

export function toPeople(wire: z.infer<typeof wireGraphUsers>): OrgPerson[] {
  return (Array.isArray(wire) ? wire : wire.value).map((user) => ({
    descriptor: user.descriptor,
    displayName: user.displayName || user.principalName || user.descriptor,
    principalName: user.principalName || user.mailAddress || '',
    origin: user.origin,
    originId: user.originId || null,
    deletedInOrigin: user.isDeletedInOrigin === true,
  }));
}

export function toAdminToken(wire: z.infer<typeof wireSessionToken>): AdminToken {
  return {
    authorizationId: wire.authorizationId.toLowerCase(),
    displayName: wire.displayName ?? '',
    scopes: splitScopes(wire.scope ?? ''),
    targetAccounts:
      wire.targetAccounts && wire.targetAccounts.length > 0 ? wire.targetAccounts.map((id) => id.toLowerCase()) : null,
    validFrom: wire.validFrom,
    validTo: wire.validTo,
    // Documented on every SessionToken; an answer without it is judged by its date alone.
    isValid: wire.isValid ?? wire.validTo.getTime() > Date.now(),
  };
}
