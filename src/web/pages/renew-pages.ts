// Renew an expired token (Azure DevOps no longer extends one): a new token with the same settings,
// its secret shown once or put into its vault secret as a new version. The steps are the token
// lifecycle's (src/tokens/renew.ts); the page says the expired token stays expired.
import type { Request, RequestHandler } from 'express';
import type { AuthService } from '../../auth/auth-service.ts';
import type { TokenLifecycle } from '../../tokens/lifecycle.ts';
import { STAYS_EXPIRED } from '../../tokens/renew.ts';
import { actorOf } from '../actor.ts';
import { PageError } from '../errors.ts';
import { takeDraft } from '../form-drafts.ts';
import { EXPIRY_PRESETS, GlobalTokenRequested } from '../forms/token-form.ts';
import type { OneTimeForms } from '../one-time-forms.ts';
import { foundLink, loadedToken } from '../token-guards.ts';
import { viewOf } from '../token-view.ts';

export const isRenewExpiry = (value: unknown) => (EXPIRY_PRESETS as readonly string[]).includes(String(value));

export function renewPages({
  lifecycle,
  auth,
  forms,
}: {
  lifecycle: TokenLifecycle;
  auth: AuthService;
  forms: OneTimeForms;
}) {
  const form: RequestHandler = (req, res) => {
    const { view } = loadedToken(res);
    const expiry = String(takeDraft(req)?.expiry ?? '30');
    res.render('tokens/renew', {
      title: `Renew ${view.displayName}`,
      token: view,
      link: foundLink(res),
      presets: EXPIRY_PRESETS,
      expiry,
      formKey: forms.newKey(),
    });
  };

  const renew: RequestHandler = async (req: Request, res) => {
    const body = req.body as Record<string, unknown>;
    const formKey = forms.keyOf(body);
    if (body.allOrgs !== undefined) throw new GlobalTokenRequested();
    if (!isRenewExpiry(body.expiry))
      throw new PageError(
        400,
        'Choose an expiry',
        'Choose how long the new token should last (7, 30, 60 or 90 days); nothing was created.',
      );
    const { token: old, view } = loadedToken(res);
    const outcome = await forms.once(req, formKey, async () => {
      const outcome = await lifecycle.renew(actorOf(req, auth), old, Number(body.expiry));
      if (!outcome.ok)
        throw new PageError(
          502,
          'Token not renewed',
          `${outcome.steps.map((step) => `${step.label}: ${step.detail}`).join(' ')} ${STAYS_EXPIRED}`,
        );
      return { ...outcome, createdId: outcome.token.authorizationId };
    });
    if (!outcome.ok) return;
    res.set('Cache-Control', 'no-store');
    res.render('tokens/renewed', {
      title: 'Token renewed',
      token: viewOf(outcome.token, {
        now: new Date(),
        listedAs: 'active',
        organizations: req.session.organizations ?? [],
        via: view.via,
      }),
      old: view,
      secret: outcome.secret,
      link: outcome.link,
      steps: outcome.steps,
      staysExpired: STAYS_EXPIRED,
    });
  };

  return { form, renew };
}
