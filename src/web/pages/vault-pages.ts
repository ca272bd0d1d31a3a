// Key Vault pages: link a token to a vault secret (or unlink it), the sign-in that consents to Key
// Vault, and revoking the old tokens kept after a rotation. Handlers parse, call the token
// lifecycle and render; the consent itself is asked by the requireConsent guard before them.
import type { Request, RequestHandler } from 'express';
import type { AuthService } from '../../auth/auth-service.ts';
import { safeReturnTo } from '../../auth/return-to.ts';
import { GUID } from '../../identifiers.ts';
import { isVaultError, pageStatusOf } from '../../keyvault/errors.ts';
import { KEY_VAULT_SCOPE } from '../../keyvault/person-credential.ts';
import { suggestSecretName } from '../../keyvault/vault-address.ts';
import type { VaultLinks } from '../../keyvault/vault-links.ts';
import type { TokenLifecycle } from '../../tokens/lifecycle.ts';
import { actorOf } from '../actor.ts';
import { PageError } from '../errors.ts';
import { flash } from '../flash.ts';
import { takeDraft } from '../form-drafts.ts';
import { emptyVaultForm, parseVaultForm } from '../forms/vault-form.ts';
import type { PendingSignInCookie } from '../pending-sign-in-cookie.ts';
import { loadedToken } from '../token-guards.ts';

export interface VaultPageDependencies {
  lifecycle: TokenLifecycle;
  auth: AuthService;
  vaultLinks: VaultLinks;
  baseUrl: URL;
  hostSuffixes: readonly string[];
  /** Where a sign-in in progress is kept (the consent sign-in is one). */
  signIns: PendingSignInCookie;
}

export function vaultPages({ lifecycle, auth, vaultLinks, baseUrl, hostSuffixes, signIns }: VaultPageDependencies) {
  const person = (req: Request) => req.session.account!.homeAccountId;
  const parseLinkForm = (body: Record<string, unknown>, displayName: string) =>
    parseVaultForm(body, { displayName, hostSuffixes, requireVault: true });

  const linkForm: RequestHandler = async (req, res) => {
    const { view } = loadedToken(res);
    const fields = takeDraft(req);
    const link = await vaultLinks.link(person(req), view.authorizationId);
    const values = fields
      ? parseLinkForm(fields, view.displayName).values
      : {
          ...emptyVaultForm(),
          destination: 'vault' as const,
          vaultUrl: link?.vaultUrl ?? '',
          secretName: link?.secretName ?? suggestSecretName(view.displayName),
        };
    res.render('vault/link', {
      title: `Key Vault secret of ${view.displayName}`,
      token: view,
      link,
      values,
      errors: {},
    });
  };

  const link: RequestHandler = async (req, res) => {
    const { token, view } = loadedToken(res);
    const form = parseLinkForm(req.body as Record<string, unknown>, view.displayName);
    const render = async (status: number, errors: Record<string, string>) =>
      res.status(status).render('vault/link', {
        title: `Key Vault secret of ${view.displayName}`,
        token: view,
        link: await vaultLinks.link(person(req), view.authorizationId),
        values: form.values,
        errors,
      });
    if (!form.ok) return render(422, form.errors);
    const overwriteVersion = (req.body as Record<string, unknown>).overwriteVersion;
    try {
      const outcome = await lifecycle.linkToVault(actorOf(req, auth), token, form.vault!, form.secretName, {
        overwriteVersion: typeof overwriteVersion === 'string' ? overwriteVersion : undefined,
      });
      // Another token's secret (or someone else's value): only once the person has seen both named and agreed.
      if (!outcome.linked)
        return res.render('vault/confirm-link', {
          title: `Link ${view.displayName} to a secret in use?`,
          token: view,
          vaultUrl: form.vault!.url,
          secret: outcome.secret,
          conflict: outcome.conflict,
        });
    } catch (error) {
      if (!isVaultError(error)) throw error;
      return render(pageStatusOf(error), {
        [error.kind === 'secretNotFound' || error.kind === 'deleted' ? 'secretName' : 'vaultUrl']: error.userMessage,
      });
    }
    flash(
      req,
      'success',
      `"${view.displayName}" is linked to the secret "${form.secretName}" in ${form.vault!.url}. Rotate it from here when it is due.`,
    );
    res.redirect(303, view.href);
  };

  /** Works from the link alone (`:tokenId`, not loaded): the token itself may be gone already. */
  const unlink: RequestHandler = async (req, res) => {
    const id = req.params.tokenId as string;
    if (!GUID.test(id)) throw new PageError(404, 'Token not found', 'There is no token at this address.');
    const link = await lifecycle.unlinkFromVault(actorOf(req, auth), id);
    if (link)
      flash(
        req,
        'success',
        `"${link.tokenName}" is no longer linked to ${link.vaultUrl}. The secret stays in the vault.`,
      );
    res.redirect(303, `/tokens/${id}`);
  };

  /** The sign-in that asks for Key Vault (incremental consent), then back to the form. */
  const consent: RequestHandler = async (req, res) => {
    const returnTo = safeReturnTo(req.query.returnTo, baseUrl);
    const pending = signIns.read(req);
    const authorizeUrl = await auth.beginSignIn(pending, returnTo, { extraScopes: [KEY_VAULT_SCOPE] });
    signIns.write(res, pending);
    res.redirect(303, authorizeUrl);
  };

  return { linkForm, link, unlink, consent, parseLinkForm };
}
