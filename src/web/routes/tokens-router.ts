// Every address under /tokens and what answers it, top to bottom. The sign-in guard is the router's
// own; the token named by :authorizationId is loaded once (router.param) before any handler, and a
// non-GUID there is not a token, so no path here depends on being declared before another.
import { Router } from 'express';
import { parseVaultAddress } from '../../keyvault/vault-address.ts';
import { consentGuard, KEY_VAULT } from '../consent.ts';
import { bulkPages } from '../pages/bulk-pages.ts';
import { regeneratePages } from '../pages/regenerate-pages.ts';
import { parseRotateForm, rotatePages } from '../pages/rotate-pages.ts';
import { parseCreateForms, tokenPages } from '../pages/token-pages.ts';
import type { PageDependencies } from '../pages/page-dependencies.ts';
import { vaultPages } from '../pages/vault-pages.ts';
import { loadedLink, loadedToken, loadToken, refuseGlobal, refuseInVault, refuseRevoked, refuseUnchangeable, requireVaultLink } from '../token-guards.ts';

export function tokensRouter(deps: PageDependencies): Router {
  const { forms, vaultLinks, hostSuffixes } = deps;
  const tokens = tokenPages(deps);
  const regenerate = regeneratePages(deps);
  const vault = vaultPages(deps);
  const rotate = rotatePages(deps);
  const bulk = bulkPages(deps);
  const requireConsent = consentGuard(deps);
  const body = (req: { body: unknown }) => req.body as Record<string, unknown>;
  const resourceOf = (vaultUrl: string) => {
    const address = parseVaultAddress(vaultUrl, hostSuffixes);
    return address.ok ? address.address.resource : undefined;
  };

  const router = Router();
  router.use(...deps.signedIn);
  router.param('authorizationId', loadToken(deps));

  router.get('/new', tokens.newForm);
  router.post(
    '/',
    requireConsent(KEY_VAULT, {
      returnTo: () => '/tokens/new',
      resource: (req) => resourceOf(String(body(req).vaultUrl ?? '')),
      skip: (req) => {
        if (body(req).destination !== 'vault' || req.session.createdForms?.[String(body(req).formKey)]) return true;
        const { form, vaultForm } = parseCreateForms(body(req), hostSuffixes);
        return !form.ok || !vaultForm.ok;
      },
    }),
    tokens.create,
  );

  router.get('/bulk', bulk.confirm);
  router.post('/bulk/revoke', bulk.revoke);
  router.get('/bulk/result', bulk.result);

  router.get('/:authorizationId', tokens.details);
  router.get('/:authorizationId/edit', refuseUnchangeable, tokens.editForm);
  router.post('/:authorizationId', refuseUnchangeable, tokens.update);
  router.post('/:authorizationId/extend', refuseUnchangeable, tokens.extend);
  router.get('/:authorizationId/revoke', tokens.revokeConfirm);
  // Revoke and unlink find their token themselves: one already gone only means "nothing changed".
  router.post('/:tokenId/revoke', tokens.revoke);

  const regenerated = 'This token was already regenerated. The new secret was shown once and cannot be shown again.';
  router.get('/:authorizationId/regenerate', refuseRevoked('Revoked tokens cannot be regenerated', '. Create a new token instead.'), refuseGlobal, refuseInVault(vaultLinks), regenerate.form);
  router.post('/:authorizationId/regenerate', forms.sentBefore(regenerated), refuseRevoked('Revoked tokens cannot be regenerated', ', so nothing was changed.'), refuseGlobal, refuseInVault(vaultLinks), regenerate.regenerate);

  router.get('/:authorizationId/vault', vault.linkForm);
  router.post(
    '/:authorizationId/vault',
    refuseRevoked('Revoked tokens cannot be linked', ', so there is nothing to keep in a vault.'),
    requireConsent(KEY_VAULT, {
      returnTo: (_req, res) => `/tokens/${loadedToken(res).view.authorizationId}/vault`,
      resource: (req) => resourceOf(String(body(req).vaultUrl ?? '')),
      skip: (req, res) => !vault.parseLinkForm(body(req), loadedToken(res).view.displayName).ok,
    }),
    vault.link,
  );
  router.post('/:tokenId/vault/unlink', vault.unlink);

  router.get('/:authorizationId/rotate', requireVaultLink(vaultLinks), refuseRevoked('Revoked tokens cannot be rotated', '. Create a new token instead.'), refuseGlobal, rotate.form);
  router.post(
    '/:authorizationId/rotate',
    forms.sentBefore('This token was already rotated; the new one is in the vault.'),
    requireVaultLink(vaultLinks),
    refuseRevoked('Revoked tokens cannot be rotated', '. Create a new token instead.'),
    refuseGlobal,
    requireConsent(KEY_VAULT, {
      returnTo: (_req, res) => `/tokens/${loadedToken(res).view.authorizationId}/rotate`,
      resource: (_req, res) => resourceOf(loadedLink(res).vaultUrl),
      skip: (req, res) => !parseRotateForm(body(req), loadedToken(res).token.validTo).ok,
    }),
    rotate.rotate,
  );

  return router;
}
