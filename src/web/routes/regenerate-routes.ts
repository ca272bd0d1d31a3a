// Regenerate: replace a token that is about to expire or has leaked. A new token with the same
// name, scopes and organizations is created first, its secret shown once, and only then is the
// old one revoked, so a failure can never leave the person with neither. A token whose secret is
// kept in Key Vault is rotated instead (rotate-routes.ts): regenerating it would show the new secret
// once and leave the vault holding the revoked one.
import { Router, type Request } from 'express';
import { isDevOpsError } from '../../devops/errors.ts';
import type { VaultLinks } from '../../keyvault/vault-links.ts';
import { PageError } from '../errors.ts';
import { EXPIRY_PRESETS } from '../forms/token-form.ts';
import { tokenRequests, type TokenPageDependencies } from '../token-requests.ts';
import { changeRefusal, formatDate, viewOf } from '../token-view.ts';

const DAY_MS = 86_400_000;

export interface RegenerateStep {
  label: string;
  ok: boolean;
  detail: string;
}

export function regenerateRoutes(options: TokenPageDependencies & { vaultLinks: VaultLinks }): Router {
  const { devops, vaultLinks } = options;
  const { forms, context, loadToken, record } = tokenRequests(options);
  const router = Router();

  async function refuseIfInVault(req: Request, authorizationId: string, displayName: string): Promise<void> {
    const link = await vaultLinks.link(req.session.account!.homeAccountId, authorizationId);
    if (link) {
      throw new PageError(409, 'Rotate this token instead', `The secret of "${displayName}" is kept in Key Vault (secret "${link.secretName}" in ${link.vaultUrl}). Regenerating it here would show the new secret once and leave the vault holding the old one, revoked, so nothing was changed. Rotate it from its page instead: the new secret goes straight into the vault.`);
    }
  }

  router.get('/:authorizationId/regenerate', async (req, res) => {
    const { view } = await loadToken(req);
    if (view.status === 'revoked') throw new PageError(409, 'Revoked tokens cannot be regenerated', `"${view.displayName}" was revoked. Create a new token instead.`);
    if (view.status === 'global') throw changeRefusal(view)!;
    await refuseIfInVault(req, view.authorizationId, view.displayName);
    res.render('tokens/regenerate', { title: `Regenerate ${view.displayName}`, token: view, presets: EXPIRY_PRESETS, formKey: forms.newKey() });
  });

  router.post('/:authorizationId/regenerate', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const formKey = forms.keyOf(body);
    if (forms.sentToEarlierResult(req, res, formKey, 'This token was already regenerated. The new secret was shown once and cannot be shown again.')) return;
    const days = Number(body.expiry);
    if (!(EXPIRY_PRESETS as readonly string[]).includes(String(body.expiry))) throw new PageError(400, 'Choose an expiry', 'Choose how long the new token should last (7, 30, 60 or 90 days); nothing was changed.');
    const { token: old, view } = await loadToken(req);
    if (view.status === 'revoked') throw new PageError(409, 'Revoked tokens cannot be regenerated', `"${view.displayName}" was revoked, so nothing was changed.`);
    if (view.status === 'global') throw changeRefusal(view)!;
    await refuseIfInVault(req, old.authorizationId, old.displayName);
    const { accessToken, organization, organizations } = context(req);

    // Step 1: the new token. If this fails nothing has changed, and the error page says so.
    const { created } = await forms.once(req, formKey, async () => {
      const created = await devops.createToken(accessToken, organization, {
        displayName: old.displayName,
        scope: old.scopes.join(' '),
        validTo: new Date(Date.now() + days * DAY_MS),
        allOrgs: old.targetAccounts === null,
      });
      return { created, createdId: created.token.authorizationId };
    });
    const steps: RegenerateStep[] = [{ label: 'Create the new token', ok: true, detail: `created, valid until ${formatDate(created.token.validTo)}` }];

    // Step 2: the old token. If this fails the person has both, and is told to revoke the old one.
    let oldRevoked = false;
    try {
      await devops.revokeToken(accessToken, organization, old.authorizationId);
      oldRevoked = true;
      steps.push({ label: 'Revoke the old token', ok: true, detail: 'revoked: anything still using it is refused from now on' });
    } catch (error) {
      if (!isDevOpsError(error)) throw error;
      steps.push({ label: 'Revoke the old token', ok: false, detail: `not revoked (${error.userMessage}) The old token still works: revoke it once you have replaced it everywhere.` });
    }
    await record(req, 'regenerate', created.token, [`replaces ${old.authorizationId}`, `expires: ${created.token.validTo.toISOString().slice(0, 10)}`, oldRevoked ? 'old token revoked' : 'old token NOT revoked']);

    res.set('Cache-Control', 'no-store');
    res.render('tokens/created', {
      title: 'Token regenerated',
      token: viewOf(created.token, { now: new Date(), listedAs: 'active', organizations }),
      secret: created.secret,
      steps,
      oldToken: oldRevoked ? undefined : view,
    });
  });

  return router;
}
