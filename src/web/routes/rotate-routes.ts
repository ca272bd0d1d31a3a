// Rotate tokens whose secret lives in Key Vault: one from its page, or every linked token expiring
// within N days after one confirmation, with a result per token. The steps themselves (create,
// write the new version, retire the old token) are in vault-steps.ts.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { isDevOpsError } from '../../devops/errors.ts';
import { parseVaultAddress } from '../../keyvault/vault-address.ts';
import { splitByConflict } from '../../keyvault/secret-holders.ts';
import { PageError } from '../errors.ts';
import { flash } from '../flash.ts';
import { takeDraft } from '../form-drafts.ts';
import { EXPIRY_PRESETS, MAX_LIFETIME_DAYS, isoDay } from '../forms/token-form.ts';
import { tokenRequests } from '../token-requests.ts';
import { formatDate, type TokenView } from '../token-view.ts';
import { vaultSteps, type Step } from '../vault-steps.ts';
import { readyForVault, type VaultPageDependencies } from './vault-routes.ts';

const DAY_MS = 86_400_000;
const BULK_WITHIN_DAYS = ['7', '14', '30'] as const;
const MAX_BULK = 50;

const rotateSchema = z.object({
  expiry: z.enum(EXPIRY_PRESETS, { error: 'Choose how long the new token lasts (7, 30, 60 or 90 days).' }),
  old: z.enum(['revoke', 'keep'], { error: 'Choose what happens to the old token.' }),
  keepUntil: z.string().optional(),
});

export interface BulkRotationResult {
  displayName: string;
  authorizationId: string;
  ok: boolean;
  steps: Step[];
}

/** The day to keep the old token until: after today, before it expires anyway. */
function keepUntilOf(value: string | undefined, old: Date): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const day = new Date(`${value}T23:59:59.000Z`);
  if (Number.isNaN(day.getTime()) || isoDay(day) !== value || day.getTime() <= Date.now() || day.getTime() > Math.min(old.getTime(), Date.now() + MAX_LIFETIME_DAYS * DAY_MS)) return undefined;
  return day;
}

export function rotateRoutes(options: VaultPageDependencies): { tokens: Router; vault: Router } {
  const { devops, auth, vaultSecrets, vaultLinks } = options;
  const requests = tokenRequests(options);
  const { forms, loadToken, context } = requests;
  const steps = vaultSteps({ devops, auth, vaultSecrets, vaultLinks, requests, hostSuffixes: options.config.keyVault.hostSuffixes });
  const person = (req: Request) => req.session.account!.homeAccountId;
  const tokens = Router();
  const vault = Router();

  async function linkedToken(req: Request) {
    const loaded = await loadToken(req);
    const link = await vaultLinks.link(person(req), loaded.view.authorizationId);
    if (!link) throw new PageError(409, 'Not in Key Vault', `"${loaded.view.displayName}" is not linked to a Key Vault secret. Link it first, from its page.`);
    if (loaded.view.status === 'revoked') throw new PageError(409, 'Revoked tokens cannot be rotated', `"${loaded.view.displayName}" was revoked. Create a new token instead.`);
    return { ...loaded, link };
  }

  const renderRotate = (res: import('express').Response, status: number, token: TokenView, link: unknown, values: Record<string, string>, errors: Record<string, string>) =>
    res.status(status).render('vault/rotate', { title: `Rotate ${token.displayName}`, token, link, presets: EXPIRY_PRESETS, values, errors, formKey: forms.newKey(), minDate: isoDay(new Date(Date.now() + DAY_MS)), maxDate: isoDay(token.validTo) });

  tokens.get('/:authorizationId/rotate', async (req, res) => {
    const { view, link } = await linkedToken(req);
    // Back from the sign-in for Key Vault: the choices as the person left them.
    const draft = takeDraft(req) ?? {};
    const choice = (name: string, fallback: string) => (typeof draft[name] === 'string' ? (draft[name] as string) : fallback);
    renderRotate(res, 200, view, link, { expiry: choice('expiry', '30'), old: choice('old', 'revoke'), keepUntil: choice('keepUntil', '') }, {});
  });

  tokens.post('/:authorizationId/rotate', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const formKey = forms.keyOf(body);
    if (forms.sentToEarlierResult(req, res, formKey, 'This token was already rotated; the new one is in the vault.')) return;
    const { token, view, link } = await linkedToken(req);
    const parsed = rotateSchema.safeParse(body);
    const values = { expiry: String(body.expiry ?? ''), old: String(body.old ?? ''), keepUntil: String(body.keepUntil ?? '') };
    if (!parsed.success) return renderRotate(res, 422, view, link, values, { [String(parsed.error.issues[0]!.path[0])]: parsed.error.issues[0]!.message });
    const keepOldUntil = parsed.data.old === 'keep' ? keepUntilOf(parsed.data.keepUntil, token.validTo) : undefined;
    if (parsed.data.old === 'keep' && !keepOldUntil) return renderRotate(res, 422, view, link, values, { keepUntil: `Choose a day after today and no later than the old token's expiry (${formatDate(token.validTo)}).` });
    const address = parseVaultAddress(link.vaultUrl, options.config.keyVault.hostSuffixes);
    if (!(await readyForVault(req, res, options, `/tokens/${view.authorizationId}/rotate`, address.ok ? address.address.resource : undefined))) return;
    const result = await forms.once(req, formKey, async () => {
      const rotated = await steps.rotate(req, token, { days: Number(parsed.data.expiry), keepOldUntil });
      return { ...rotated, createdId: rotated.newToken?.authorizationId ?? token.authorizationId };
    });
    res.status(result.ok ? 200 : 502).render('vault/rotated', { title: result.ok ? 'Token rotated' : 'Token not rotated', results: [{ displayName: view.displayName, authorizationId: result.newToken?.authorizationId ?? view.authorizationId, ok: result.ok, steps: result.steps }], link });
  });

  /** Linked tokens in the chosen organization expiring within `within` days. */
  async function dueWithin(req: Request, within: number) {
    // Two tokens linked to one secret are never rotated into it: they are shown as a conflict instead.
    const links = splitByConflict(await vaultLinks.links(person(req))).alone;
    const { organization } = context(req);
    const horizon = Date.now() + within * DAY_MS;
    const loaded = await Promise.all(
      links.filter((link) => link.organization === organization).map((link) => loadToken(req, link.authorizationId).then((item) => ({ ...item, link }), (error: unknown) => {
        if (isDevOpsError(error) && error.kind === 'notFound') return undefined;
        throw error;
      })),
    );
    return loaded.filter((item) => item !== undefined && item.view.status === 'active' && item.token.validTo.getTime() <= horizon).slice(0, MAX_BULK) as Array<NonNullable<(typeof loaded)[number]>>;
  }

  const withinOf = (value: unknown) => {
    if (!(BULK_WITHIN_DAYS as readonly string[]).includes(String(value ?? '30'))) throw new PageError(400, 'Unknown period', 'Rotate tokens expiring within 7, 14 or 30 days.');
    return Number(value ?? 30);
  };

  vault.get('/rotate', async (req, res) => {
    const within = withinOf(req.query.within);
    const due = await dueWithin(req, within);
    const conflicts = splitByConflict(await vaultLinks.links(person(req))).conflicts.filter((group) => group.some((link) => link.organization === context(req).organization));
    res.render('vault/rotate-bulk', { title: 'Rotate tokens in Key Vault', within, due: due.map((item) => ({ token: item.view, link: item.link })), conflicts, presets: EXPIRY_PRESETS, formKey: forms.newKey() });
  });

  vault.post('/rotate', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const formKey = forms.keyOf(body);
    if (req.session.createdForms?.[formKey]) {
      flash(req, 'info', 'These tokens were already rotated; the new ones are in their vaults.');
      return res.redirect(303, '/expiring');
    }
    const within = withinOf(body.within);
    if (!(EXPIRY_PRESETS as readonly string[]).includes(String(body.expiry))) throw new PageError(400, 'Choose an expiry', 'Choose how long the new tokens last (7, 30, 60 or 90 days); nothing was changed.');
    if (!(await readyForVault(req, res, options, `/vault/rotate?within=${within}`))) return;
    const { results } = await forms.once(req, formKey, async () => {
      const due = await dueWithin(req, within);
      const results: BulkRotationResult[] = [];
      // One after another: each is three calls, and Azure DevOps and Key Vault both throttle bursts.
      for (const item of due) {
        const rotated = await steps.rotate(req, item.token, { days: Number(body.expiry), keepOldUntil: undefined });
        results.push({ displayName: item.view.displayName, authorizationId: rotated.newToken?.authorizationId ?? item.view.authorizationId, ok: rotated.ok, steps: rotated.steps });
      }
      return { results, createdId: 'bulk-rotation' };
    });
    res.render('vault/rotated', { title: 'Rotation results', results });
  });

  return { tokens, vault };
}
