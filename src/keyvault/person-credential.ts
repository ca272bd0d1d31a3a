// The TokenCredential the Key Vault SDK asks for tokens: the signed-in person's own, from their
// msal-node cache through the auth service (delegated access; PAT Manager has no rights of its own
// in anyone's vault).
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { AuthService } from '../auth/auth-service.ts';
import type { AppSession } from '../session/session-types.ts';
import { VaultError } from './errors.ts';
import { KEY_VAULT_RESOURCES } from './vault-address.ts';

/** Key Vault's delegated permission in Azure's public cloud; what the app registration must be allowed. */
export const KEY_VAULT_SCOPE = 'https://vault.azure.net/user_impersonation';

/**
 * The SDK asks for `{resource}/.default`, the resource named by the vault's challenge. Only Key
 * Vault's resources are honoured: a host that named another service must not get the person's
 * token for it. `user_impersonation` rather than `.default`, so a person who has not consented is
 * asked to (incremental consent), and the app registration needs no static permission for it.
 */
export function keyVaultScopeFor(scopes: string | string[]): string {
  const requested = (Array.isArray(scopes) ? scopes : [scopes])[0] ?? '';
  const resource = requested.replace(/\/(\.default|user_impersonation)$/, '').replace(/\/+$/, '');
  if (!KEY_VAULT_RESOURCES.includes(resource.toLowerCase())) {
    throw new VaultError({
      kind: 'rejected',
      userMessage:
        'The vault asked for access to a service that is not Key Vault, so PAT Manager did not send your sign-in.',
      message: `credential: refused a token for ${resource}`,
    });
  }
  return `${resource.toLowerCase()}/user_impersonation`;
}

export function personCredential(auth: AuthService, session: AppSession): TokenCredential {
  return {
    async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
      const { token, expiresOnMs } = await auth.acquireTokenForScope(session, keyVaultScopeFor(scopes));
      return { token, expiresOnTimestamp: expiresOnMs, tokenType: 'Bearer' };
    },
  };
}
