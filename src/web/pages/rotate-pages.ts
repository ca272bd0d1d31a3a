// Rotate tokens whose secret lives in Key Vault: one from its page, or every linked token expiring
// within N days after one confirmation, with a result per token. The steps themselves (create,
// write the new version, retire the old token) are the token lifecycle's (src/tokens/).
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { daysAfter, formatDate, isoDay } from '../../days.ts';
import { MAX_LIFETIME_DAYS } from '../../tokens/lifecycle.ts';
import type { Step } from '../../tokens/types.ts';
import { actorOf } from '../actor.ts';
import { PageError } from '../errors.ts';
import { flash } from '../flash.ts';
import { takeDraft } from '../form-drafts.ts';
import { EXPIRY_PRESETS } from '../forms/token-form.ts';
import { loadedLink, loadedToken } from '../token-guards.ts';
import { viewOf, type TokenView } from '../token-view.ts';
import type { PageDependencies } from './page-dependencies.ts';

export const BULK_WITHIN_DAYS = ['7', '14', '30'] as const;
const MAX_BULK = 50;

const rotateSchema = z.object({
  expiry: z.enum(EXPIRY_PRESETS, { error: 'Choose how long the new token lasts (7, 30, 60 or 90 days).' }),
  old: z.enum(['revoke', 'keep'], { error: 'Choose what happens to the old token.' }),
  keepUntil: z.string().optional(),
});

interface RotationResult {
  displayName: string;
  authorizationId: string;
  ok: boolean;
  steps: Step[];
}

/** The day to keep the old token until: after today, before it expires anyway. */
function keepUntilOf(value: string | undefined, old: Date): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const day = new Date(`${value}T23:59:59.000Z`);
  if (
    Number.isNaN(day.getTime()) ||
    isoDay(day) !== value ||
    day.getTime() <= Date.now() ||
    day.getTime() > Math.min(old.getTime(), daysAfter(MAX_LIFETIME_DAYS).getTime())
  )
    return undefined;
  return day;
}

/** The rotate form, checked: the choices, or the field at fault and why. */
export function parseRotateForm(
  body: Record<string, unknown>,
  oldValidTo: Date,
): { ok: true; days: number; keepOldUntil: Date | undefined } | { ok: false; errors: Record<string, string> } {
  const parsed = rotateSchema.safeParse(body);
  if (!parsed.success)
    return { ok: false, errors: { [String(parsed.error.issues[0]!.path[0])]: parsed.error.issues[0]!.message } };
  const keepOldUntil = parsed.data.old === 'keep' ? keepUntilOf(parsed.data.keepUntil, oldValidTo) : undefined;
  if (parsed.data.old === 'keep' && !keepOldUntil)
    return {
      ok: false,
      errors: {
        keepUntil: `Choose a day after today and no later than the old token's expiry (${formatDate(oldValidTo)}).`,
      },
    };
  return { ok: true, days: Number(parsed.data.expiry), keepOldUntil };
}

function withinOf(value: unknown): number {
  if (!(BULK_WITHIN_DAYS as readonly string[]).includes(String(value ?? '30')))
    throw new PageError(400, 'Unknown period', 'Rotate tokens expiring within 7, 14 or 30 days.');
  return Number(value ?? 30);
}

export function rotatePages({
  lifecycle,
  auth,
  forms,
  automation,
}: Pick<PageDependencies, 'lifecycle' | 'auth' | 'forms' | 'automation'>) {
  const actor = (req: Request) => actorOf(req, auth);

  const renderRotate = (
    res: Response,
    status: number,
    token: TokenView,
    values: Record<string, string>,
    errors: Record<string, string>,
  ) =>
    res.status(status).render('vault/rotate', {
      title: `Rotate ${token.displayName}`,
      token,
      link: loadedLink(res),
      presets: EXPIRY_PRESETS,
      values,
      errors,
      formKey: forms.newKey(),
      minDate: isoDay(daysAfter(1)),
      maxDate: isoDay(token.validTo),
    });

  const form: RequestHandler = (req, res) => {
    // Back from the sign-in for Key Vault: the choices as the person left them.
    const draft = takeDraft(req) ?? {};
    const choice = (name: string, fallback: string) =>
      typeof draft[name] === 'string' ? (draft[name] as string) : fallback;
    renderRotate(
      res,
      200,
      loadedToken(res).view,
      { expiry: choice('expiry', '30'), old: choice('old', 'revoke'), keepUntil: choice('keepUntil', '') },
      {},
    );
  };

  const rotate: RequestHandler = async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const formKey = forms.keyOf(body);
    const { token, view } = loadedToken(res);
    const choices = parseRotateForm(body, token.validTo);
    if (!choices.ok)
      return renderRotate(
        res,
        422,
        view,
        { expiry: String(body.expiry ?? ''), old: String(body.old ?? ''), keepUntil: String(body.keepUntil ?? '') },
        choices.errors,
      );
    const result = await forms.once(req, formKey, async () => {
      const rotated = await lifecycle.rotate(actor(req), token, choices);
      if (rotated.newToken)
        await automation?.followRotation(actor(req).person, token.authorizationId, rotated.newToken);
      return { ...rotated, createdId: rotated.newToken?.authorizationId ?? token.authorizationId };
    });
    const results: RotationResult[] = [
      {
        displayName: view.displayName,
        authorizationId: result.newToken?.authorizationId ?? view.authorizationId,
        ok: result.ok,
        steps: result.steps,
      },
    ];
    res.status(result.ok ? 200 : 502).render('vault/rotated', {
      title: result.ok ? 'Token rotated' : 'Token not rotated',
      results,
      link: loadedLink(res),
    });
  };

  const bulkForm: RequestHandler = async (req, res) => {
    const within = withinOf(req.query.within);
    const due = await lifecycle.dueForRotation(actor(req), within, MAX_BULK);
    const now = new Date();
    res.render('vault/rotate-bulk', {
      title: 'Rotate tokens in Key Vault',
      within,
      due: due.map((item) => ({
        token: viewOf(item.token, { now, listedAs: 'active', organizations: req.session.organizations ?? [] }),
        link: item.link,
      })),
      conflicts: await lifecycle.conflictingLinks(actor(req)),
      presets: EXPIRY_PRESETS,
      formKey: forms.newKey(),
    });
  };

  const bulkRotate: RequestHandler = async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const formKey = forms.keyOf(body);
    if (req.session.createdForms?.[formKey]) {
      flash(req, 'info', 'These tokens were already rotated; the new ones are in their vaults.');
      return res.redirect(303, '/expiring');
    }
    const within = withinOf(body.within);
    if (!(EXPIRY_PRESETS as readonly string[]).includes(String(body.expiry)))
      throw new PageError(
        400,
        'Choose an expiry',
        'Choose how long the new tokens last (7, 30, 60 or 90 days); nothing was changed.',
      );
    const { results } = await forms.once(req, formKey, async () => {
      const results: RotationResult[] = [];
      // One after another: each is three calls, and Azure DevOps and Key Vault both throttle bursts.
      for (const item of await lifecycle.dueForRotation(actor(req), within, MAX_BULK)) {
        const rotated = await lifecycle.rotate(actor(req), item.token, {
          days: Number(body.expiry),
          keepOldUntil: undefined,
        });
        if (rotated.newToken)
          await automation?.followRotation(actor(req).person, item.token.authorizationId, rotated.newToken);
        results.push({
          displayName: item.token.displayName,
          authorizationId: rotated.newToken?.authorizationId ?? item.token.authorizationId,
          ok: rotated.ok,
          steps: rotated.steps,
        });
      }
      return { results, createdId: 'bulk-rotation' };
    });
    res.render('vault/rotated', { title: 'Rotation results', results });
  };

  return { form, rotate, bulkForm, bulkRotate };
}
