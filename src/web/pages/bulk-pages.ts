// Revoking several tokens at once: one confirmation page naming them all, then a result per token.
import type { Request, RequestHandler } from 'express';
import type { AuthService } from '../../auth/auth-service.ts';
import { GUID } from '../../identifiers.ts';
import type { TokenLifecycle } from '../../tokens/lifecycle.ts';
import { actorOf } from '../actor.ts';
import { safeReturnTo } from '../../auth/return-to.ts';
import { PageError } from '../errors.ts';
import { flash } from '../flash.ts';
import { viewOf } from '../token-view.ts';

const MAX_TOKENS = 100;

function selectedIds(value: unknown): string[] {
  const ids = [
    ...new Set((Array.isArray(value) ? value : [value]).filter((id): id is string => typeof id === 'string')),
  ];
  if (ids.length === 0)
    throw new PageError(
      400,
      'No tokens selected',
      'Tick the tokens you want to revoke in the list, then choose "Revoke the selected tokens".',
    );
  if (ids.length > MAX_TOKENS)
    throw new PageError(400, 'Too many tokens', `Revoke at most ${MAX_TOKENS} tokens at a time.`);
  if (!ids.every((id) => GUID.test(id)))
    throw new PageError(400, 'Unknown tokens', 'The selection names tokens that do not exist, so nothing was changed.');
  return ids;
}

export function bulkPages({
  lifecycle,
  auth,
  baseUrl,
}: {
  lifecycle: TokenLifecycle;
  auth: AuthService;
  baseUrl: URL;
}) {
  const actor = (req: Request) => actorOf(req, auth);

  const confirm: RequestHandler = async (req, res) => {
    if (req.query.ids === undefined) {
      // Nothing ticked (the button is disabled then, unless the browser runs no script): back to the list.
      flash(
        req,
        'error',
        'No tokens were selected, so nothing was changed. Tick the tokens you want to revoke, then choose "Revoke the selected tokens".',
      );
      return res.redirect(303, safeReturnTo(req.query.returnTo, baseUrl));
    }
    const loaded = await lifecycle.getTokens(actor(req), selectedIds(req.query.ids));
    const now = new Date();
    const revocable = loaded.flatMap(({ found }) => (found && !found.revoked ? [found.token] : []));
    res.render('tokens/bulk-confirm', {
      title: 'Revoke tokens',
      tokens: revocable.map((token) =>
        viewOf(token, { now, listedAs: 'all', organizations: req.session.organizations ?? [] }),
      ),
      skipped: loaded.length - revocable.length,
    });
  };

  const revoke: RequestHandler = async (req, res) => {
    req.session.bulkOutcome = await lifecycle.revokeMany(
      actor(req),
      selectedIds((req.body as Record<string, unknown>).ids),
    );
    res.redirect(303, '/tokens/bulk/result');
  };

  const result: RequestHandler = (req, res) => {
    const outcomes = req.session.bulkOutcome;
    if (!outcomes) return res.redirect(303, '/');
    delete req.session.bulkOutcome;
    res.render('tokens/bulk-result', { title: 'Revoke tokens: result', outcomes });
  };

  return { confirm, revoke, result };
}
