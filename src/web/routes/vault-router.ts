// Every address under /vault: the consent sign-in and rotating several tokens (the old tokens a
// rotation kept are revoked through /tokens/:id/revoke, like any other). The sign-in guard is the router's own.
import { Router } from 'express';
import { consentGuard, KEY_VAULT } from '../consent.ts';
import { EXPIRY_PRESETS } from '../forms/token-form.ts';
import { BULK_WITHIN_DAYS, rotatePages } from '../pages/rotate-pages.ts';
import type { PageDependencies } from '../pages/page-dependencies.ts';
import { vaultPages } from '../pages/vault-pages.ts';

export function vaultRouter(deps: PageDependencies): Router {
  const vault = vaultPages(deps);
  const rotate = rotatePages(deps);
  const requireConsent = consentGuard(deps);
  const body = (req: { body: unknown }) => req.body as Record<string, unknown>;

  const router = Router();
  router.use(...deps.signedIn);
  router.get('/consent', vault.consent);
  router.get('/rotate', rotate.bulkForm);
  router.post(
    '/rotate',
    requireConsent(KEY_VAULT, {
      returnTo: (req) => `/vault/rotate?within=${Number(body(req).within ?? 30)}`,
      // Already done, or a period or expiry the page does not offer: the handler says which.
      skip: (req) =>
        Boolean(req.session.createdForms?.[String(body(req).formKey)]) ||
        !(BULK_WITHIN_DAYS as readonly string[]).includes(String(body(req).within ?? '30')) ||
        !(EXPIRY_PRESETS as readonly string[]).includes(String(body(req).expiry)),
    }),
    rotate.bulkRotate,
  );
  return router;
}
