// The token pages: list, details, create, edit, revoke. Each handler loads what it needs through
// the Azure DevOps client and renders or redirects; errors go to the one error handler.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { describeChanges, describeToken } from '../../activity/describe-changes.ts';
import { safeReturnTo } from '../../auth/return-to.ts';
import { isDevOpsError, type PatTokenField } from '../../devops/errors.ts';
import { FULL_ACCESS } from '../../devops/scopes.ts';
import type { PatToken } from '../../devops/types.ts';
import { PageError } from '../errors.ts';
import { flash } from '../flash.ts';
import { scopePicker } from '../forms/scope-picker.ts';
import { EXPIRY_PRESETS, MAX_LIFETIME_DAYS, emptyTokenForm, isoDay, parseTokenForm, type TokenFormField, type TokenFormValues } from '../forms/token-form.ts';
import { revokedIds, tokenRequests, type TokenPageDependencies } from '../token-requests.ts';
import { changeRefusal, formatDate, shortenedExpiryNote, viewOf, type TokenView } from '../token-view.ts';

const DAY_MS = 86_400_000;
const EXTEND_DAYS = [30, 90];

export const listQuerySchema = z.object({
  status: z.enum(['active', 'expired', 'revoked', 'all']).default('active'),
  sort: z.enum(['displayName', 'displayDate', 'status']).default('displayName'),
  order: z.enum(['asc', 'desc']).default('asc'),
  size: z.enum(['10', '25', '50', '100']).default('25').transform(Number),
  after: z.string().min(1).max(4096).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

/** Where a rejection from Azure DevOps belongs on the form. */
export const FORM_FIELD_OF: Record<PatTokenField, TokenFormField> = { displayName: 'displayName', scope: 'scopes', validTo: 'customDate', allOrgs: 'organizations' };

/**
 * The list's address with these options. Status, sort and order are words from fixed lists and size
 * a number (the schema above allows nothing else), so only the continuation token is encoded: a page
 * builds half a dozen of these addresses.
 */
function listUrl(query: ListQuery, changes: Partial<ListQuery>): string {
  const next = { ...query, ...changes };
  const options = `/?status=${next.status}&sort=${next.sort}&order=${next.order}&size=${next.size}`;
  return next.after ? `${options}&${new URLSearchParams({ after: next.after, page: String(next.page) }).toString()}` : options;
}

export function formLocals(values: TokenFormValues, errors: Partial<Record<TokenFormField, string>>, now: Date) {
  return { values, errors, scopePicker: scopePicker(values.scopes), presets: EXPIRY_PRESETS, maxDate: isoDay(new Date(now.getTime() + MAX_LIFETIME_DAYS * 86_400_000)), minDate: isoDay(new Date(now.getTime() + 86_400_000)), maxLifetimeDays: MAX_LIFETIME_DAYS };
}

function valuesOf(token: PatToken): TokenFormValues {
  const fullAccess = token.scopes.includes(FULL_ACCESS);
  return { ...emptyTokenForm(), displayName: token.displayName, expiry: 'keep', organizations: 'this', access: fullAccess ? 'full' : 'custom', scopes: fullAccess ? [] : token.scopes };
}

/** The token list (the signed-in home page) and the router for everything under /tokens. */
export function tokenRoutes(options: TokenPageDependencies & { baseUrl: URL }): { list: RequestHandler; router: Router } {
  const { devops, baseUrl } = options;
  const router = Router();
  const { forms, context, loadToken, record } = tokenRequests(options);

  function renderForm(res: Response, status: number, locals: { mode: 'create' | 'edit'; values: TokenFormValues; errors?: Partial<Record<TokenFormField, string>>; token?: TokenView; formKey?: string }) {
    res.status(status).render('tokens/form', { ...locals, ...formLocals(locals.values, locals.errors ?? {}, new Date()), title: locals.mode === 'create' ? 'New token' : `Edit ${locals.token?.displayName ?? 'token'}` });
  }

  const list: RequestHandler = async (req, res) => {
    const parsed = listQuerySchema.safeParse(req.query);
    if (!parsed.success) throw new PageError(400, 'Unknown list options', 'The address asks for a filter, sort or page size PAT Manager does not offer. Use the controls above the list instead.');
    const query = parsed.data;
    const { accessToken, organization, organizations } = context(req);
    const [page, revoked] = await Promise.all([
      devops.listTokens(accessToken, organization, { filter: query.status, sortBy: query.sort, ascending: query.order === 'asc', top: query.size, continuationToken: query.after }),
      query.status === 'all' ? revokedIds(devops, accessToken, organization) : Promise.resolve(new Set<string>()),
    ]);
    const now = new Date();
    res.render('tokens/list', {
      title: 'Your tokens',
      query,
      tokens: page.tokens.map((token) => viewOf(token, { now, listedAs: query.status, organizations, revokedIds: revoked })),
      nextUrl: page.continuationToken ? listUrl(query, { after: page.continuationToken, page: query.page + 1 }) : undefined,
      firstUrl: query.after ? listUrl(query, { after: undefined, page: 1 }) : undefined,
      sortUrl: (sort: ListQuery['sort']) => listUrl(query, { sort, order: query.sort === sort && query.order === 'asc' ? 'desc' : 'asc', after: undefined, page: 1 }),
      exportUrl: (format: 'csv' | 'json') => `/export?format=${format}&status=${query.status}&sort=${query.sort}&order=${query.order}`,
    });
  };

  router.get('/new', (_req, res) => {
    renderForm(res, 200, { mode: 'create', values: emptyTokenForm(), formKey: forms.newKey() });
  });

  router.post('/', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const formKey = forms.keyOf(body);
    if (forms.sentToEarlierResult(req, res, formKey, 'This token was already created. Its secret was shown once and cannot be shown again; if you did not copy it, revoke the token and create another.')) return;
    const form = parseTokenForm(body, { now: new Date(), editing: false });
    if (!form.ok) return renderForm(res, 422, { mode: 'create', values: form.values, errors: form.errors, formKey });
    try {
      const { accessToken, organization, organizations } = context(req);
      const { created } = await forms.once(req, formKey, async () => {
        const created = await devops.createToken(accessToken, organization, { displayName: form.result.displayName, scope: form.result.scope, validTo: form.result.validTo!, allOrgs: form.result.allOrgs });
        await record(req, 'create', created.token, describeToken(created.token));
        return { created, createdId: created.token.authorizationId };
      });
      // The secret goes straight into this one response and nowhere else: not the session, a URL or a log.
      res.set('Cache-Control', 'no-store');
      res.render('tokens/created', { title: 'Token created', token: viewOf(created.token, { now: new Date(), listedAs: 'active', organizations }), secret: created.secret, shortened: shortenedExpiryNote(form.result.validTo, created.token) });
    } catch (error) {
      if (isDevOpsError(error) && error.kind === 'rejected' && error.field) {
        return renderForm(res, 422, { mode: 'create', values: form.values, errors: { [FORM_FIELD_OF[error.field]]: error.userMessage }, formKey });
      }
      throw error;
    }
  });

  router.get('/:authorizationId', async (req, res) => {
    const { view } = await loadToken(req);
    res.render('tokens/details', { title: view.displayName, token: view });
  });

  router.get('/:authorizationId/edit', async (req, res) => {
    const { token, view } = await loadToken(req);
    const refusal = changeRefusal(view);
    if (refusal) throw refusal;
    renderForm(res, 200, { mode: 'edit', values: valuesOf(token), token: view });
  });

  router.post('/:authorizationId', async (req, res) => {
    const { token: before, view } = await loadToken(req);
    const refusal = changeRefusal(view);
    if (refusal) throw refusal;
    const form = parseTokenForm(req.body as Record<string, unknown>, { now: new Date(), editing: true });
    if (!form.ok) return renderForm(res, 422, { mode: 'edit', values: form.values, errors: form.errors, token: view });
    try {
      const { accessToken, organization } = context(req);
      const after = await devops.updateToken(accessToken, organization, { authorizationId: view.authorizationId, ...form.result });
      await record(req, 'edit', after, describeChanges(before, after));
      const shortened = shortenedExpiryNote(form.result.validTo, after);
      if (shortened) flash(req, 'info', shortened);
    } catch (error) {
      if (isDevOpsError(error) && error.kind === 'rejected' && error.field) {
        return renderForm(res, 422, { mode: 'edit', values: form.values, errors: { [FORM_FIELD_OF[error.field]]: error.userMessage }, token: view });
      }
      throw error;
    }
    flash(req, 'success', `Saved the changes to "${form.result.displayName}".`);
    res.redirect(303, `/tokens/${view.authorizationId}`);
  });

  router.post('/:authorizationId/extend', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const returnTo = safeReturnTo(body.returnTo, baseUrl);
    const days = Number(body.days);
    if (!EXTEND_DAYS.includes(days)) throw new PageError(400, 'Unknown extension', 'Tokens can be extended by 30 or 90 days here; use Edit for another date.');
    const { token, view } = await loadToken(req);
    const refusal = changeRefusal(view);
    if (refusal) throw refusal;
    const now = Date.now();
    const wanted = Math.max(token.validTo.getTime(), now) + days * DAY_MS;
    const limit = now + MAX_LIFETIME_DAYS * DAY_MS;
    const validTo = new Date(Math.min(wanted, limit));
    try {
      const { accessToken, organization } = context(req);
      const after = await devops.updateToken(accessToken, organization, { authorizationId: token.authorizationId, validTo });
      await record(req, 'edit', after, describeChanges(token, after));
      flash(req, 'success', `Extended "${view.displayName}" to ${formatDate(after.validTo)}${wanted > limit ? ' (the one-year limit Azure DevOps allows)' : ''}.`);
      const shortened = shortenedExpiryNote(validTo, after);
      if (shortened) flash(req, 'info', shortened);
    } catch (error) {
      if (!isDevOpsError(error) || error.kind !== 'rejected') throw error;
      flash(req, 'error', `"${view.displayName}" was not extended: ${error.userMessage}`);
    }
    res.redirect(303, returnTo);
  });

  router.get('/:authorizationId/revoke', async (req, res) => {
    const { view } = await loadToken(req);
    if (view.status === 'revoked') {
      flash(req, 'info', `"${view.displayName}" is already revoked.`);
      return res.redirect(303, `/tokens/${view.authorizationId}`);
    }
    res.render('tokens/revoke', { title: `Revoke ${view.displayName}`, token: view });
  });

  router.post('/:authorizationId/revoke', async (req, res) => {
    let name: string;
    try {
      const { token, view } = await loadToken(req);
      if (view.status === 'revoked') {
        flash(req, 'info', `"${view.displayName}" was already revoked; nothing changed.`);
        return res.redirect(303, '/');
      }
      name = view.displayName;
      const { accessToken, organization } = context(req);
      await devops.revokeToken(accessToken, organization, view.authorizationId);
      await record(req, 'revoke', token, []);
    } catch (error) {
      if ((isDevOpsError(error) && error.kind === 'notFound') || (error instanceof PageError && error.status === 404)) {
        flash(req, 'info', 'That token no longer exists (it may have been revoked and removed already); nothing changed.');
        return res.redirect(303, '/');
      }
      throw error;
    }
    flash(req, 'success', `Revoked "${name}". Anything still using it will now be refused by Azure DevOps.`);
    res.redirect(303, '/');
  });

  return { list, router };
}
