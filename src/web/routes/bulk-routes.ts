// Revoking several tokens at once: one confirmation page naming them all, then a result per token.
import { Router, type Request } from 'express';
import { isDevOpsError, type DevOpsError } from '../../devops/errors.ts';
import { PageError } from '../errors.ts';
import { GUID, tokenRequests, type TokenPageDependencies } from '../token-requests.ts';

const MAX_TOKENS = 100;

export interface BulkRevokeOutcome {
  authorizationId: string;
  displayName: string;
  outcome: 'revoked' | 'alreadyRevoked' | 'notFound' | 'failed';
  message: string;
}

function selectedIds(value: unknown): string[] {
  const ids = [...new Set((Array.isArray(value) ? value : [value]).filter((id): id is string => typeof id === 'string'))];
  if (ids.length === 0) throw new PageError(400, 'No tokens selected', 'Tick the tokens you want to revoke in the list, then choose "Revoke the selected tokens".');
  if (ids.length > MAX_TOKENS) throw new PageError(400, 'Too many tokens', `Revoke at most ${MAX_TOKENS} tokens at a time.`);
  if (!ids.every((id) => GUID.test(id))) throw new PageError(400, 'Unknown tokens', 'The selection names tokens that do not exist, so nothing was changed.');
  return ids;
}

export function bulkRoutes(options: TokenPageDependencies): Router {
  const { devops } = options;
  const { context, loadToken, record } = tokenRequests(options);
  const router = Router();

  /** Each token, or why it cannot be had; one missing token does not hide the others. */
  const loadAll = (req: Request, ids: string[]) =>
    Promise.all(ids.map((id) => loadToken(req, id).then((loaded) => ({ id, loaded }), (error: unknown) => ({ id, error }))));

  router.get('/bulk', async (req, res) => {
    const loaded = await loadAll(req, selectedIds(req.query.ids));
    const failure = loaded.find((item) => 'error' in item && !(isDevOpsError(item.error) && item.error.kind === 'notFound'));
    if (failure && 'error' in failure) throw failure.error;
    res.render('tokens/bulk-confirm', {
      title: 'Revoke tokens',
      tokens: loaded.flatMap((item) => ('loaded' in item && item.loaded.view.status !== 'revoked' ? [item.loaded.view] : [])),
      skipped: loaded.length - loaded.filter((item) => 'loaded' in item && item.loaded.view.status !== 'revoked').length,
    });
  });

  router.post('/bulk/revoke', async (req, res) => {
    const ids = selectedIds((req.body as Record<string, unknown>).ids);
    const { accessToken, organization } = context(req);
    const outcomes: BulkRevokeOutcome[] = [];
    // One after another: a person's bulk revoke is small, and Azure DevOps throttles bursts.
    for (const id of ids) {
      let displayName = id;
      try {
        const { token, view } = await loadToken(req, id);
        displayName = view.displayName;
        if (view.status === 'revoked') {
          outcomes.push({ authorizationId: id, displayName, outcome: 'alreadyRevoked', message: 'was already revoked' });
          continue;
        }
        await devops.revokeToken(accessToken, organization, id);
        await record(req, 'revoke', token, ['revoked with others']);
        outcomes.push({ authorizationId: id, displayName, outcome: 'revoked', message: 'revoked' });
      } catch (error) {
        if (!isDevOpsError(error) && !(error instanceof PageError)) throw error;
        if (isDevOpsError(error) && error.kind === 'unauthorized') throw error;
        const notFound = (isDevOpsError(error) && error.kind === 'notFound') || error instanceof PageError;
        outcomes.push({ authorizationId: id, displayName, outcome: notFound ? 'notFound' : 'failed', message: notFound ? 'no longer exists' : `not revoked: ${(error as DevOpsError).userMessage}` });
      }
    }
    req.session.bulkOutcome = outcomes;
    res.redirect(303, '/tokens/bulk/result');
  });

  router.get('/bulk/result', (req, res) => {
    const outcomes = req.session.bulkOutcome;
    if (!outcomes) return res.redirect(303, '/');
    delete req.session.bulkOutcome;
    res.render('tokens/bulk-result', { title: 'Revoke tokens: result', outcomes });
  });

  return router;
}
