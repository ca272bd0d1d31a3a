// The client credentials grant: an application asks for a token for itself, proving who it is with
// a secret or a certificate. PAT Manager's `doctor` uses it to check a credential without a person.
import { createHash } from 'node:crypto';
import type { AccessTokens } from './access-tokens.ts';
import type { AuthenticatedClient } from './client-authentication.ts';
import {
  clientCredentialsNeedDefaultScope,
  missingClientCredential,
  missingParameter,
  noTenantForClientCredentials,
} from './errors.ts';
import { parseScopes } from './scopes.ts';
import type { TenantSegment } from './tenants.ts';
import type { TokenResponseBody } from './token-response.ts';

export async function grantClientCredentials(
  accessTokens: AccessTokens,
  form: Record<string, string | undefined>,
  caller: AuthenticatedClient,
  tenant: TenantSegment,
): Promise<TokenResponseBody> {
  if (caller.method === 'none') throw missingClientCredential();
  if (tenant.multiTenant) throw noTenantForClientCredentials();
  if (!form.scope) throw missingParameter('scope');
  const requested = parseScopes(form.scope, tenant.tenantId);
  const [only, ...others] = requested.resources;
  const allDefault = form.scope
    .split(' ')
    .filter(Boolean)
    .every((scope) => scope.endsWith('/.default'));
  if (!only || others.length || !allDefault) {
    throw clientCredentialsNeedDefaultScope(form.scope);
  }
  const { token, expiresIn } = await accessTokens.issueForApplication({
    clientId: caller.client.clientId,
    clientAuth: caller.method,
    audience: only.resource.appId,
    servicePrincipalId: servicePrincipalIdOf(caller.client.clientId),
  });
  return { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token };
}

/**
 * The emulator does not track service principals for the identity half: every registered
 * application counts as having one, with an object id derived from its client id. (The real
 * service refuses an application without one in the tenant, AADSTS7000229.)
 */
function servicePrincipalIdOf(clientId: string): string {
  const hex = createHash('sha256').update(`service-principal|${clientId.toLowerCase()}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
