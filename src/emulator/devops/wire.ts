// Token records as the service writes them: property order, null for the secret outside Create and
// for all-organization tokens, and .NET-style times (see the examples in Microsoft's OpenAPI files).

import type { PatTokenError } from './pat-token-error.ts';
import { formatServiceTime } from './service-time.ts';
import { statusOf, type PatRecord, type PatStatus } from './token-store.ts';

export interface WirePatToken {
  displayName: string;
  validTo: string;
  scope: string;
  targetAccounts: string[] | null;
  validFrom: string;
  authorizationId: string;
  token: string | null;
}

export function wirePatToken(record: PatRecord, secret: string | null = null): WirePatToken {
  return {
    displayName: record.displayName,
    validTo: formatServiceTime(record.validTo),
    scope: record.scope,
    targetAccounts: record.targetAccounts === null ? null : [...record.targetAccounts],
    validFrom: formatServiceTime(record.validFrom),
    authorizationId: record.authorizationId,
    token: secret,
  };
}

export function patTokenResult(record: PatRecord, secret: string | null = null) {
  return { patToken: wirePatToken(record, secret), patTokenError: 'none' satisfies PatTokenError };
}

/** A refusal: no token, only the reason (HTTP 200, as the controller returns it). */
export function patTokenFailure(error: PatTokenError) {
  return { patToken: null, patTokenError: error };
}

/** Full state of one token for tests and the control API: the wire record plus what the wire hides. */
export interface TokenState extends Omit<WirePatToken, 'token'> {
  status: PatStatus;
  revoked: boolean;
}

export function tokenState(record: PatRecord, now: Date = new Date()): TokenState {
  const { token: _secret, ...visible } = wirePatToken(record);
  return { ...visible, status: statusOf(record, now), revoked: record.revoked };
}
