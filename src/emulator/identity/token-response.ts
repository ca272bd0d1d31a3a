// The body of a successful token response, shared by both grants: an access token for one resource,
// and, as the scopes ask, a refresh token (offline_access), an ID token (openid) and client_info.
import type { Directory, Person } from '../directory.ts';
import { findPerson } from '../directory.ts';
import type { SigningKey } from '../signing-keys.ts';
import type { AccessTokens, ClientAuthMethod } from './access-tokens.ts';
import type { Consents } from './consents.ts';
import { consentRequired, userNotInDirectory } from './errors.ts';
import { clientInfo, issueIdToken } from './id-tokens.ts';
import type { RefreshTokens } from './refresh-tokens.ts';
import { parseScopes, permissionsNeedingConsent, tokenTarget, withoutWithheld } from './scopes.ts';
import type { SignIn } from './sign-in.ts';

export interface TokenIssuers {
  origin: string;
  directory: Directory;
  signingKey: SigningKey;
  accessTokens: AccessTokens;
  refreshTokens: RefreshTokens;
  consents: Consents;
}

export interface TokenRequest {
  signIn: SignIn;
  /** The token request's `scope`, or the authorize request's when it sent none. */
  scope: string;
  singleResource: boolean;
  clientAuth: ClientAuthMethod;
  nonce: string | undefined;
  wantsClientInfo: boolean;
}

export type TokenResponseBody = Record<string, string | number>;

export async function issueTokens(issuers: TokenIssuers, request: TokenRequest): Promise<TokenResponseBody> {
  const { signIn } = request;
  const person = personStillInDirectory(issuers.directory, signIn);
  const requested = parseScopes(request.scope, signIn.tenantId);
  const asked = tokenTarget(requested, request.scope, { singleResource: request.singleResource });
  let target = withoutWithheld(asked, issuers.consents.withheld(signIn.clientId, asked.resource.appId));
  const unconsented = permissionsNeedingConsent(target).filter(
    (permission) => !issuers.consents.has(person.objectId, signIn.clientId, target.resource.appId, [permission]),
  );
  // `.default` is what has been consented: it leaves out the rest, unless nothing is left.
  const asksDefault = requested.resources.find((entry) => entry.resource === target.resource)?.asksDefault === true;
  if (asksDefault && unconsented.length > 0) target = withoutWithheld(target, new Set(unconsented));
  if (unconsented.length > 0 && (!asksDefault || target.scp === '')) {
    throw consentRequired(signIn.clientId, target.resource.displayName);
  }
  const access = await issuers.accessTokens.issue({
    person,
    clientId: signIn.clientId,
    clientAuth: request.clientAuth,
    target,
    authTimeSeconds: signIn.authTimeSeconds,
  });
  const body: TokenResponseBody = {
    token_type: 'Bearer',
    scope: target.scope,
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.token,
  };
  if (requested.oidc.has('offline_access')) body.refresh_token = await issuers.refreshTokens.issue(signIn);
  if (requested.oidc.has('openid')) {
    body.id_token = await issueIdToken({
      signingKey: issuers.signingKey,
      origin: issuers.origin,
      tenantId: signIn.tenantId,
      person,
      clientId: signIn.clientId,
      nonce: request.nonce,
      authTimeSeconds: signIn.authTimeSeconds,
    });
  }
  if (request.wantsClientInfo) body.client_info = clientInfo(person, signIn.tenantId);
  return body;
}

/** A person removed from the directory can no longer redeem what they were granted. */
function personStillInDirectory(directory: Directory, signIn: SignIn): Person {
  const person = findPerson(directory, signIn.objectId);
  if (!person) throw userNotInDirectory(signIn.objectId, signIn.tenantId);
  return person;
}
