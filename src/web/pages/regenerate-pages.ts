// Regenerate: replace a token that is about to expire or has leaked. The lifecycle creates a new
// token like it first, then revokes the old one; the new secret is shown once. A token kept in Key
// Vault is rotated instead (refuseInVault sends the person there).
import type { Request, RequestHandler } from 'express';
import type { AuthService } from '../../auth/auth-service.ts';
import type { TokenLifecycle } from '../../tokens/lifecycle.ts';
import { actorOf } from '../actor.ts';
import { PageError } from '../errors.ts';
import { DAY_MS } from '../../days.ts';
import type { PatToken } from '../../devops/types.ts';
import { MAX_KEEP_OLD_DAYS, MAX_LIFETIME_DAYS } from '../../tokens/lifecycle.ts';
import { EXPIRY_PRESETS } from '../forms/token-form.ts';
import type { OneTimeForms } from '../one-time-forms.ts';
import { loadedToken } from '../token-guards.ts';
import { viewOf } from '../token-view.ts';

/** How long the old token was made to last, in days: what the new one is offered first. */
function lifetimeOf(token: PatToken): number {
  return Math.min(
    MAX_LIFETIME_DAYS,
    Math.max(1, Math.round((token.validTo.getTime() - token.validFrom.getTime()) / DAY_MS)),
  );
}

/** The lifetimes offered: the presets, and the old token's own when it is none of them. */
function lifetimesFor(token: PatToken): string[] {
  const own = String(lifetimeOf(token));
  return (EXPIRY_PRESETS as readonly string[]).includes(own)
    ? [...EXPIRY_PRESETS]
    : [...EXPIRY_PRESETS, own].sort((a, b) => Number(a) - Number(b));
}

export function regeneratePages({
  lifecycle,
  auth,
  forms,
}: {
  lifecycle: TokenLifecycle;
  auth: AuthService;
  forms: OneTimeForms;
}) {
  const form: RequestHandler = (_req, res) => {
    const { token, view } = loadedToken(res);
    res.render('tokens/regenerate', {
      title: `Regenerate ${view.displayName}`,
      token: view,
      presets: lifetimesFor(token),
      chosen: String(lifetimeOf(token)),
      maxKeepOldDays: MAX_KEEP_OLD_DAYS,
      formKey: forms.newKey(),
    });
  };

  const regenerate: RequestHandler = async (req: Request, res) => {
    const body = req.body as Record<string, unknown>;
    const formKey = forms.keyOf(body);
    const { token: old, view } = loadedToken(res);
    if (!lifetimesFor(old).includes(String(body.expiry)))
      throw new PageError(
        400,
        'Choose an expiry',
        `Choose how long the new token should last (${lifetimesFor(old).join(', ')} days); nothing was changed.`,
      );
    // Absent or empty: revoke at once, as before the choice existed.
    const keepOld = body.keepOldDays === undefined || body.keepOldDays === '' ? '0' : String(body.keepOldDays);
    if (!/^\d{1,2}$/.test(keepOld) || Number(keepOld) > MAX_KEEP_OLD_DAYS)
      throw new PageError(
        400,
        'Choose how long to keep the old token',
        `Keep the old token for 0 to ${MAX_KEEP_OLD_DAYS} days (0 revokes it at once); nothing was changed.`,
      );
    const outcome = await forms.once(req, formKey, async () => {
      const outcome = await lifecycle.regenerate(actorOf(req, auth), old, Number(body.expiry), Number(keepOld));
      return { ...outcome, createdId: outcome.created.token.authorizationId };
    });
    res.set('Cache-Control', 'no-store');
    res.render('tokens/created', {
      title: 'Token regenerated',
      token: viewOf(outcome.created.token, {
        now: new Date(),
        listedAs: 'active',
        organizations: req.session.organizations ?? [],
      }),
      secret: outcome.created.secret,
      steps: outcome.steps,
      oldToken: outcome.oldRevoked || outcome.oldKeptUntil ? undefined : view,
    });
  };

  return { form, regenerate };
}
