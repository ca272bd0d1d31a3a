// The guard for pages that need a permission beyond sign-in (Key Vault): it gets the person's token
// for it before the handler runs. If they must first consent (or sign in again), what they typed
// waits in the session and they are sent through a sign-in that asks for it, then back to the form.
import type { Request, RequestHandler, Response } from 'express';
import { ConsentRequiredError, type AuthService } from '../auth/auth-service.ts';
import { personCredential } from '../keyvault/person-credential.ts';
import { DEFAULT_RESOURCE } from '../keyvault/vault-address.ts';
import type { VaultSecrets } from '../keyvault/vault-secrets.ts';
import { saveSession } from '../session/save-session.ts';
import { saveDraft } from './form-drafts.ts';

/** Key Vault, in the public cloud unless the page names the vault's own resource. */
export const KEY_VAULT = { defaultResource: DEFAULT_RESOURCE } as const;

export interface ConsentPlace {
  /** The form to come back to (its draft is added to the address). */
  returnTo(req: Request, res: Response): string;
  /** The vault's resource, when the page knows its vault. */
  resource?(req: Request, res: Response): string | undefined;
  /** True when the handler will refuse the form anyway: it is shown first, then consent is asked. */
  skip?(req: Request, res: Response): boolean;
}

export function consentGuard(services: { auth: AuthService; vaultSecrets: VaultSecrets }) {
  return function requireConsent(service: typeof KEY_VAULT, place: ConsentPlace): RequestHandler {
    return async (req, res, next) => {
      if (place.skip?.(req, res)) return next();
      try {
        await services.vaultSecrets.checkSignIn(
          personCredential(services.auth, req.session),
          place.resource?.(req, res) ?? service.defaultResource,
        );
        return next();
      } catch (error) {
        if (!(error instanceof ConsentRequiredError)) throw error;
      }
      const draft = saveDraft(req, req.body as Record<string, unknown>);
      await saveSession(req.session);
      const returnPath = place.returnTo(req, res);
      const back = `${returnPath}${returnPath.includes('?') ? '&' : '?'}draft=${draft}`;
      res.redirect(303, `/vault/consent?returnTo=${encodeURIComponent(back)}`);
    };
  };
}
