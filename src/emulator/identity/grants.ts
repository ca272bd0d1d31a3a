// The grants for a person: redeeming an authorization code (checked against the authorize request:
// client, redirect URI, PKCE verifier, tenant), a refresh token, or a device code once the person
// has signed in on /devicelogin.
import { createHash } from 'node:crypto';
import type { AuthorizationCodes, CodeGrant } from './authorization-codes.ts';
import type { AuthenticatedClient } from './client-authentication.ts';
import type { DeviceCodes } from './device-codes.ts';
import {
  accountDisabled,
  authorizationDeclined,
  authorizationPending,
  badVerificationCode,
  codeForOtherTenant,
  codeRedirectUriMismatch,
  codeVerifierMismatch,
  deviceCodeExpired,
  grantNotForThisClient,
  missingParameter,
} from './errors.ts';
import type { RefreshTokens } from './refresh-tokens.ts';
import type { Directory } from '../directory.ts';
import type { TenantSegment } from './tenants.ts';
import type { TokenRequest } from './token-response.ts';

export type TokenForm = Record<string, string | undefined>;

export function redeemAuthorizationCode(
  codes: AuthorizationCodes,
  form: TokenForm,
  caller: AuthenticatedClient,
  tenant: TenantSegment,
): TokenRequest {
  if (!form.code) throw missingParameter('code');
  if (!form.redirect_uri) throw missingParameter('redirect_uri');
  const grant = codes.redeem(form.code);
  if (grant.clientId.toLowerCase() !== caller.client.clientId.toLowerCase()) throw grantNotForThisClient();
  // A code from a tenant-specific authority must be redeemed there; one from organizations/common anywhere.
  if (!grant.tenantSegment.match(/^(organizations|common)$/) && grant.tenantSegment !== tenant.segment)
    throw codeForOtherTenant();
  if (form.redirect_uri !== grant.redirectUri) throw codeRedirectUriMismatch(form.redirect_uri, grant.redirectUri);
  checkCodeVerifier(grant, form.code_verifier);
  return {
    signIn: grant,
    scope: form.scope ?? grant.scope,
    singleResource: true,
    clientAuth: caller.method,
    nonce: grant.nonce,
    wantsClientInfo: form.client_info === '1',
  };
}

/** PKCE (RFC 7636): S256 compares the verifier's SHA-256, plain the verifier itself. */
function checkCodeVerifier(grant: CodeGrant, verifier: string | undefined): void {
  if (!grant.codeChallenge) return;
  if (!verifier) throw missingParameter('code_verifier');
  const derived =
    grant.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  if (derived !== grant.codeChallenge) throw codeVerifierMismatch();
}

export async function redeemRefreshToken(
  refreshTokens: RefreshTokens,
  form: TokenForm,
  caller: AuthenticatedClient,
  directory: Pick<Directory, 'people'>,
): Promise<TokenRequest> {
  if (!form.refresh_token) throw missingParameter('refresh_token');
  const signIn = await refreshTokens.redeem(form.refresh_token, caller.client.clientId);
  // A refresh token outlives nothing: a disabled account's is refused as its sign-in would be.
  if (directory.people.find((person) => person.objectId === signIn.objectId)?.accountEnabled === false)
    throw accountDisabled();
  return {
    signIn,
    scope: form.scope ?? signIn.scope,
    singleResource: false,
    clientAuth: caller.method,
    // The nonce belongs to the sign-in; refreshed ID tokens carry none.
    nonce: undefined,
    wantsClientInfo: form.client_info === '1',
  };
}

/** Polling with a device code: pending until the person acts, then tokens once, or why not. */
export function redeemDeviceCode(deviceCodes: DeviceCodes, form: TokenForm, caller: AuthenticatedClient): TokenRequest {
  const deviceCode = form.device_code ?? form.code;
  if (!deviceCode) throw missingParameter('device_code');
  const grant = deviceCodes.byDeviceCode(deviceCode);
  if (!grant || grant.clientId.toLowerCase() !== caller.client.clientId.toLowerCase()) throw badVerificationCode();
  if (grant.state.status === 'declined') {
    deviceCodes.forget(deviceCode);
    throw authorizationDeclined();
  }
  if (grant.state.status === 'pending') {
    if (grant.expiresAt <= Date.now()) throw deviceCodeExpired();
    throw authorizationPending();
  }
  deviceCodes.forget(deviceCode);
  return {
    signIn: grant.state.signIn,
    scope: form.scope ?? grant.scope,
    singleResource: true,
    clientAuth: caller.method,
    nonce: undefined,
    wantsClientInfo: form.client_info === '1',
  };
}
