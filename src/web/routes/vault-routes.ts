// Key Vault pages: create a token straight into a vault (the new-token form's "store it in Azure
// Key Vault"), link a token to a vault secret, the sign-in that consents to Key Vault, and revoking
// the old tokens kept after a rotation. Handlers call the services and render; errors go to the
// one error handler, and the vault steps' outcomes are pages of their own.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { ConsentRequiredError, type AuthService } from '../../auth/auth-service.ts';
import { safeReturnTo } from '../../auth/return-to.ts';
import { describeToken } from '../../activity/describe-changes.ts';
import type { AppConfig } from '../../config/config.ts';
import { isDevOpsError } from '../../devops/errors.ts';
import { isVaultError, pageStatusOf } from '../../keyvault/errors.ts';
import { KEY_VAULT_SCOPE } from '../../keyvault/person-credential.ts';
import { suggestSecretName } from '../../keyvault/vault-address.ts';
import { rotationDue, type VaultLinks } from '../../keyvault/vault-links.ts';
import { linkConflict, otherLinksTo } from '../../keyvault/secret-holders.ts';
import type { VaultSecrets } from '../../keyvault/vault-secrets.ts';
import { PageError } from '../errors.ts';
import { flash } from '../flash.ts';
import { pendingSignInCookie } from '../pending-sign-in-cookie.ts';
import { saveDraft, takeDraft } from '../form-drafts.ts';
import { parseTokenForm, type TokenFormValues } from '../forms/token-form.ts';
import { emptyVaultForm, parseVaultForm, type VaultFormField, type VaultFormValues } from '../forms/vault-form.ts';
import { GUID, tokenRequests, type TokenPageDependencies } from '../token-requests.ts';
import { viewOf, type TokenView } from '../token-view.ts';
import { credentialOf, vaultSteps } from '../vault-steps.ts';
import { FORM_FIELD_OF, formLocals } from './token-routes.ts';

export interface VaultPageDependencies extends TokenPageDependencies {
  vaultSecrets: VaultSecrets;
  vaultLinks: VaultLinks;
  config: AppConfig;
}

const saveSession = (req: Request) => new Promise<void>((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));

/** For every signed-in page: which tokens live in a vault, and whether their rotation is due. */
export function vaultLocals(options: { vaultLinks: VaultLinks; config: AppConfig }): RequestHandler {
  return async (req, res, next) => {
    const person = req.session.account!.homeAccountId;
    const links = new Map((await options.vaultLinks.links(person)).map((link) => [link.authorizationId, link]));
    const now = new Date();
    res.locals.vaultHostSuffixes = options.config.keyVault.hostSuffixes;
    res.locals.vaultOf = (token: TokenView) => {
      const link = links.get(token.authorizationId);
      return link && { vaultUrl: link.vaultUrl, secretName: link.secretName, version: link.version, rotationDue: token.status === 'active' && rotationDue(token.validFrom, token.validTo, now) };
    };
    res.locals.vaultRetirements = req.originalUrl.split('?')[0] === '/expiring' ? await options.vaultLinks.retirements(person) : [];
    next();
  };
}

/**
 * Makes sure the person can get a Key Vault token before anything is created. If they must first
 * consent (or sign in again), what they typed waits in the session and they are sent through a
 * sign-in that asks for Key Vault, then back to `returnPath` with it. False when sent away.
 */
export async function readyForVault(req: Request, res: Response, services: { auth: AuthService; vaultSecrets: VaultSecrets }, returnPath: string, resource = 'https://vault.azure.net'): Promise<boolean> {
  try {
    await services.vaultSecrets.checkSignIn(credentialOf(req, services.auth), resource);
    return true;
  } catch (error) {
    if (!(error instanceof ConsentRequiredError)) throw error;
    const draft = saveDraft(req, req.body as Record<string, unknown>);
    await saveSession(req);
    const back = `${returnPath}${returnPath.includes('?') ? '&' : '?'}draft=${draft}`;
    res.redirect(303, `/vault/consent?returnTo=${encodeURIComponent(back)}`);
    return false;
  }
}

export function vaultRoutes(options: VaultPageDependencies): { tokens: Router; vault: Router } {
  const { devops, auth, vaultSecrets, vaultLinks, config } = options;
  const requests = tokenRequests(options);
  const { forms, context, loadToken, record } = requests;
  const steps = vaultSteps({ devops, auth, vaultSecrets, vaultLinks, requests, hostSuffixes: config.keyVault.hostSuffixes });
  const hostSuffixes = config.keyVault.hostSuffixes;
  const person = (req: Request) => req.session.account!.homeAccountId;
  const signIns = pendingSignInCookie(config);
  const tokens = Router();
  const vault = Router();

  function renderCreateForm(res: Response, status: number, locals: { values: TokenFormValues; vaultValues: VaultFormValues; errors?: Record<string, string>; vaultErrors?: Partial<Record<VaultFormField, string>>; formKey: string }) {
    const errors: Record<string, string> = { ...locals.errors, ...locals.vaultErrors };
    res.status(status).render('tokens/form', { mode: 'create', ...locals, ...formLocals(locals.values, errors, new Date()), vaultErrors: locals.vaultErrors ?? {}, title: 'New token' });
  }

  // The new-token form again, as the person left it before signing in for Key Vault.
  tokens.get('/new', (req, res, next) => {
    const fields = takeDraft(req);
    if (!fields) return next();
    const form = parseTokenForm(fields, { now: new Date(), editing: false });
    const vaultForm = parseVaultForm(fields, { displayName: form.values.displayName, hostSuffixes });
    flash(req, 'info', 'You can now use Key Vault. Your form is as you left it: check it and create the token again.');
    renderCreateForm(res, 200, { values: form.values, vaultValues: vaultForm.values, formKey: forms.newKey() });
  });

  // "Store it in Azure Key Vault": the secret goes to the vault and never to a page.
  tokens.post('/', async (req, res, next) => {
    const body = req.body as Record<string, unknown>;
    if (body.destination !== 'vault') return next();
    const formKey = forms.keyOf(body);
    if (forms.sentToEarlierResult(req, res, formKey, 'This form was already sent: the token was created and its secret handled then. It is never shown.')) return;
    const form = parseTokenForm(body, { now: new Date(), editing: false });
    const vaultForm = parseVaultForm(body, { displayName: form.values.displayName, hostSuffixes });
    if (!form.ok || !vaultForm.ok) {
      return renderCreateForm(res, 422, { values: form.values, vaultValues: vaultForm.values, errors: form.ok ? {} : form.errors, vaultErrors: vaultForm.ok ? {} : vaultForm.errors, formKey });
    }
    if (!(await readyForVault(req, res, options, '/tokens/new', vaultForm.vault!.resource))) return;
    const inUse = await steps.secretInUse(req, vaultForm.vault!, vaultForm.secretName).catch((error: unknown) => (isVaultError(error) ? undefined : Promise.reject(error)));
    if (inUse) return renderCreateForm(res, 422, { values: form.values, vaultValues: vaultForm.values, vaultErrors: { secretName: `The secret "${vaultForm.secretName}" already holds ${inUse}. Choose another name; to write a token into that secret, link the token to it from the token's page.` }, formKey });
    const { accessToken, organization, organizations } = context(req);
    let outcome;
    try {
      outcome = await forms.once(req, formKey, async () => {
        const created = await devops.createToken(accessToken, organization, { displayName: form.result.displayName, scope: form.result.scope, validTo: form.result.validTo!, allOrgs: form.result.allOrgs });
        await record(req, 'create', created.token, describeToken(created.token));
        const stored = await steps.storeOrUndo(req, created, vaultForm.vault!, vaultForm.secretName);
        return { created, stored, createdId: created.token.authorizationId };
      });
    } catch (error) {
      if (isDevOpsError(error) && error.kind === 'rejected' && error.field) {
        return renderCreateForm(res, 422, { values: form.values, vaultValues: vaultForm.values, errors: { [FORM_FIELD_OF[error.field]]: error.userMessage }, formKey });
      }
      throw error;
    }
    const { created, stored } = outcome;
    const token = viewOf(created.token, { now: new Date(), listedAs: stored.ok ? 'active' : 'revoked', organizations });
    res.set('Cache-Control', 'no-store');
    if (!stored.ok) {
      if (stored.retryAfterSeconds) res.set('Retry-After', String(stored.retryAfterSeconds));
      return res.status(stored.status).render('vault/store-failed', { title: 'Not stored in Key Vault', token, steps: stored.steps, orphan: stored.orphan ? viewOf(stored.orphan, { now: new Date(), listedAs: 'active', organizations }) : undefined, vaultUrl: vaultForm.vault!.url });
    }
    const newLink = { authorizationId: created.token.authorizationId, tokenName: created.token.displayName, organization, vaultUrl: stored.written.vaultUrl, secretName: stored.written.name, version: stored.written.version, linkedAt: new Date().toISOString() };
    // The secret did not exist a moment ago: a link of the person's still naming it is stale, and would be a second token on one secret.
    for (const stale of otherLinksTo(await vaultLinks.links(person(req)), newLink)) await vaultLinks.unlink(person(req), stale.authorizationId);
    await vaultLinks.save(person(req), newLink);
    await record(req, 'edit', created.token, [`secret stored in Key Vault: ${stored.written.vaultUrl} secret ${stored.written.name}, version ${stored.written.version}`]);
    res.render('vault/stored', { title: 'Token created in Key Vault', token, written: stored.written });
  });

  // Link a token to a secret already in a vault, so that it can be rotated into it.
  tokens.get('/:authorizationId/vault', async (req, res) => {
    const { view } = await loadToken(req);
    const fields = takeDraft(req);
    const link = await vaultLinks.link(person(req), view.authorizationId);
    const values = fields ? parseVaultForm(fields, { displayName: view.displayName, hostSuffixes, requireVault: true }).values : { ...emptyVaultForm(), destination: 'vault' as const, vaultUrl: link?.vaultUrl ?? '', secretName: link?.secretName ?? suggestSecretName(view.displayName) };
    res.render('vault/link', { title: `Key Vault secret of ${view.displayName}`, token: view, link, values, errors: {} });
  });

  tokens.post('/:authorizationId/vault', async (req, res) => {
    const { token, view } = await loadToken(req);
    if (view.status === 'revoked') throw new PageError(409, 'Revoked tokens cannot be linked', `"${view.displayName}" was revoked, so there is nothing to keep in a vault.`);
    const form = parseVaultForm(req.body as Record<string, unknown>, { displayName: view.displayName, hostSuffixes, requireVault: true });
    const link = await vaultLinks.link(person(req), view.authorizationId);
    if (!form.ok) return res.status(422).render('vault/link', { title: `Key Vault secret of ${view.displayName}`, token: view, link, values: form.values, errors: form.errors });
    if (!(await readyForVault(req, res, options, `/tokens/${view.authorizationId}/vault`, form.vault!.resource))) return;
    try {
      const secret = await vaultSecrets.readSecret(credentialOf(req, auth), form.vault!, form.secretName);
      const conflict = linkConflict(secret, { authorizationId: token.authorizationId, vaultUrl: form.vault!.url, secretName: secret.name }, await vaultLinks.links(person(req)));
      // Another token's secret (or someone else's value): only once the person has seen both named and agreed.
      if (conflict && (req.body as Record<string, unknown>).overwriteVersion !== secret.version) return res.render('vault/confirm-link', { title: `Link ${view.displayName} to a secret in use?`, token: view, vaultUrl: form.vault!.url, secret, conflict });
      for (const other of conflict?.others ?? []) await vaultLinks.unlink(person(req), other.authorizationId);
      await vaultLinks.save(person(req), { authorizationId: token.authorizationId, tokenName: token.displayName, organization: context(req).organization, vaultUrl: form.vault!.url, secretName: secret.name, version: secret.tags.authorizationId === token.authorizationId ? secret.version : undefined, confirmedVersion: conflict ? secret.version : undefined, linkedAt: new Date().toISOString() });
    } catch (error) {
      if (!isVaultError(error)) throw error;
      return res.status(pageStatusOf(error)).render('vault/link', { title: `Key Vault secret of ${view.displayName}`, token: view, link, values: form.values, errors: { [error.kind === 'secretNotFound' || error.kind === 'deleted' ? 'secretName' : 'vaultUrl']: error.userMessage } });
    }
    await record(req, 'edit', token, [`linked to Key Vault: ${form.vault!.url} secret ${form.secretName}`]);
    flash(req, 'success', `"${view.displayName}" is linked to the secret "${form.secretName}" in ${form.vault!.url}. Rotate it from here when it is due.`);
    res.redirect(303, view.href);
  });

  tokens.post('/:authorizationId/vault/unlink', async (req, res) => {
    const id = req.params.authorizationId;
    if (!GUID.test(id)) throw new PageError(404, 'Token not found', 'There is no token at this address.');
    const link = await vaultLinks.link(person(req), id);
    if (link) {
      await vaultLinks.unlink(person(req), id);
      await options.activity.record(person(req), { action: 'edit', organization: link.organization, tokenId: id, tokenName: link.tokenName, changes: [`unlinked from Key Vault: ${link.vaultUrl} secret ${link.secretName} (the secret stays in the vault)`] });
      flash(req, 'success', `"${link.tokenName}" is no longer linked to ${link.vaultUrl}. The secret stays in the vault.`);
    }
    res.redirect(303, `/tokens/${id}`);
  });

  // The sign-in that asks for Key Vault (incremental consent), then back to the form.
  vault.get('/consent', async (req, res) => {
    const returnTo = safeReturnTo(req.query.returnTo, config.baseUrl);
    const pending = signIns.read(req);
    const authorizeUrl = await auth.beginSignIn(pending, returnTo, { extraScopes: [KEY_VAULT_SCOPE] });
    signIns.write(res, pending);
    res.redirect(303, authorizeUrl);
  });

  // An old token kept after a rotation: revoke it now (from the expiry watch).
  vault.post('/retirements/:authorizationId/revoke', async (req, res) => {
    const id = req.params.authorizationId;
    const retirement = (await vaultLinks.retirements(person(req))).find((item) => item.authorizationId === id);
    if (!retirement) throw new PageError(404, 'Nothing to revoke', 'No old token from a rotation is waiting at this address.');
    try {
      await devops.revokeToken(context(req).accessToken, retirement.organization, id);
    } catch (error) {
      if (!isDevOpsError(error) || error.kind !== 'notFound') throw error;
    }
    await vaultLinks.retired(person(req), id);
    await options.activity.record(person(req), { action: 'revoke', organization: retirement.organization, tokenId: id, tokenName: retirement.tokenName, changes: ['revoked after rotation'] });
    flash(req, 'success', `Revoked the old "${retirement.tokenName}" that a rotation had kept.`);
    res.redirect(303, '/expiring');
  });

  return { tokens, vault };
}

