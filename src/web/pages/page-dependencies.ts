// What the token and vault pages are built from: the services, and the signed-in guard their
// routers put in front of every address.
import type { RequestHandler } from 'express';
import type { AuthService } from '../../auth/auth-service.ts';
import type { AutomationService } from '../../automation/automation-service.ts';
import type { VaultLinks } from '../../keyvault/vault-links.ts';
import type { VaultSecrets } from '../../keyvault/vault-secrets.ts';
import type { TokenLifecycle } from '../../tokens/lifecycle.ts';
import type { OneTimeForms } from '../one-time-forms.ts';
import type { PendingSignInCookie } from '../pending-sign-in-cookie.ts';

export interface PageDependencies {
  signedIn: RequestHandler[];
  lifecycle: TokenLifecycle;
  auth: AuthService;
  forms: OneTimeForms;
  vaultSecrets: VaultSecrets;
  vaultLinks: VaultLinks;
  baseUrl: URL;
  hostSuffixes: readonly string[];
  /** Where a sign-in in progress is kept (the Key Vault consent sign-in is one). */
  signIns: PendingSignInCookie;
  /** Rotation while nobody is signed in; undefined when AUTOMATION=false. */
  automation: AutomationService | undefined;
}
