// Every address under /tokens and what answers it, top to bottom. The sign-in guard is the router's
// own; the token named by :authorizationId is loaded once (router.param) before any handler, and a
// non-GUID there is not a token, so no path here depends on being declared before another.
import { Router, type Request } from 'express';
import { parseVaultAddress } from '../../keyvault/vault-address.ts';
import { consentGuard, KEY_VAULT } from '../consent.ts';
import { bulkPages } from '../pages/bulk-pages.ts';
import { regeneratePages } from '../pages/regenerate-pages.ts';
import { parseRotateForm, rotatePages } from '../pages/rotate-pages.ts';
import { parseCreateForms, tokenPages } from '../pages/token-pages.ts';
import type { PageDependencies } from '../pages/page-dependencies.ts';
import { parseReplaceForm, perOrganizationPages, REPLACE_ALL_PATH } from '../pages/per-organization-pages.ts';
import { isRenewExpiry, renewPages } from '../pages/renew-pages.ts';
import { vaultPages } from '../pages/vault-pages.ts';
import { automationPages } from '../pages/automation-pages.ts';
import { parseAutomationForm } from '../forms/automation-form.ts';
import {
  findVaultLink,
  foundLink,
  loadedLink,
  loadedToken,
  loadToken,
  refuseGlobal,
  refuseInVault,
  refuseRevoked,
  refuseUnchangeable,
  requireExpired,
  requireGlobal,
  requireVaultLink,
} from '../token-guards.ts';

export function tokensRouter(deps: PageDependencies): Router {
  const { forms, vaultLinks, hostSuffixes } = deps;
  const tokens = tokenPages(deps);
  const regenerate = regeneratePages(deps);
  const vault = vaultPages(deps);
  const rotate = rotatePages(deps);
  const bulk = bulkPages(deps);
  const perOrganization = perOrganizationPages(deps);
  const renew = renewPages(deps);
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
        const { form, vaultForm } = parseCreateForms(body(req), hostSuffixes, req.session.organizations ?? []);
        return !form.ok || !vaultForm.ok;
      },
    }),
    tokens.create,
  );

  router.get('/bulk', bulk.confirm);
  router.post('/bulk/revoke', bulk.revoke);
  router.get('/bulk/result', bulk.result);

  // Replacing every global token. No Key Vault consent is asked first: a linked one whose vault needs
  // it stops at its store step, keeps its global token and says to sign in again.
  router.get(REPLACE_ALL_PATH.slice('/tokens'.length), perOrganization.replaceAllForm);
  router.post(REPLACE_ALL_PATH.slice('/tokens'.length), perOrganization.replaceAll);

  router.get('/:authorizationId', tokens.details);
  router.get('/:authorizationId/edit', refuseUnchangeable, tokens.editForm);
  router.post('/:authorizationId', refuseUnchangeable, tokens.update);
  router.post('/:authorizationId/extend', refuseUnchangeable, tokens.extend);
  router.get('/:authorizationId/revoke', tokens.revokeConfirm);
  // Revoke and unlink find their token themselves: one already gone only means "nothing changed".
  router.post('/:tokenId/revoke', tokens.revoke);

  const regenerated = 'This token was already regenerated. The new secret was shown once and cannot be shown again.';
  router.get(
    '/:authorizationId/regenerate',
    refuseRevoked('Revoked tokens cannot be regenerated', '. Create a new token instead.'),
    refuseGlobal,
    refuseInVault(vaultLinks),
    regenerate.form,
  );
  router.post(
    '/:authorizationId/regenerate',
    forms.sentBefore(regenerated),
    refuseRevoked('Revoked tokens cannot be regenerated', ', so nothing was changed.'),
    refuseGlobal,
    refuseInVault(vaultLinks),
    regenerate.regenerate,
  );

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

  // Turning automatic rotation on asks Key Vault consent first: the offline access it keeps must hold it.
  if (deps.automation)
    router.post(
      '/:authorizationId/automation',
      refuseUnchangeable,
      requireVaultLink(vaultLinks),
      requireConsent(KEY_VAULT, {
        returnTo: (_req, res) => `/tokens/${loadedToken(res).view.authorizationId}`,
        resource: (_req, res) => resourceOf(loadedLink(res).vaultUrl),
        skip: (req) => !parseAutomationForm(body(req)).ok,
      }),
      automationPages(deps.automation).turnOn,
    );

  // A global or expired token linked to a vault secret is replaced or renewed into that vault: consent first, if needed.
  const requireConsentIfLinked = (page: string, formOk: (req: Request) => boolean) =>
    requireConsent(KEY_VAULT, {
      returnTo: (_req, res) => `/tokens/${loadedToken(res).view.authorizationId}/${page}`,
      resource: (_req, res) => resourceOf(foundLink(res)!.vaultUrl),
      skip: (req, res) => !foundLink(res) || !formOk(req),
    });
  router.get('/:authorizationId/replace', requireGlobal, findVaultLink(vaultLinks), perOrganization.replaceForm);
  router.post(
    '/:authorizationId/replace',
    forms.sentBefore('This global token was already replaced; the new tokens were shown then.'),
    requireGlobal,
    findVaultLink(vaultLinks),
    requireConsentIfLinked('replace', (req) => parseReplaceForm(body(req), req.session.organizations ?? []).ok),
    perOrganization.replace,
  );

  router.get('/:authorizationId/renew', requireExpired, findVaultLink(vaultLinks), renew.form);
  router.post(
    '/:authorizationId/renew',
    forms.sentBefore('This token was already renewed; the new one was shown then.'),
    requireExpired,
    findVaultLink(vaultLinks),
    requireConsentIfLinked('renew', (req) => isRenewExpiry(body(req).expiry)),
    renew.renew,
  );

  router.get(
    '/:authorizationId/rotate',
    requireVaultLink(vaultLinks),
    refuseRevoked('Revoked tokens cannot be rotated', '. Create a new token instead.'),
    refuseGlobal,
    rotate.form,
  );
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
