// The lists of tokens: the signed-in home page (this organization's tokens), and the views Azure
// DevOps itself does not offer: every organization's tokens in one table, the expiry watch, and the
// current list as a download. Each page carries the sign-in guard itself (the router sits at /).
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AuthService } from '../../auth/auth-service.ts';
import { daysAfter } from '../../days.ts';
import type { DevOpsClient, PatToken } from '../../devops/types.ts';
import type { TokenLifecycle } from '../../tokens/lifecycle.ts';
import { actorOf } from '../actor.ts';
import { tokensAcrossOrganizations } from '../cross-organization.ts';
import { accessTokenOf } from '../devops-context.ts';
import { PageError } from '../errors.ts';
import { toCsv } from '../export-format.ts';
import { listQuerySchema, listUrl, type ListQuery } from '../forms/list-query.ts';
import { welcomeSignedOut } from '../welcome-signed-out.ts';
import { expiryWatchGroups, GLOBAL_STATUS_TEXT, viewOf, type TokenView } from '../token-view.ts';

const STATUS_ORDER = { active: 0, global: 1, expired: 2, revoked: 3 } as const;
/** An export reads at most this many pages of 100 from one organization. */
const MAX_EXPORT_PAGES = 50;

function compare(sort: ListQuery['sort']): (a: TokenView, b: TokenView) => number {
  const byName = (a: TokenView, b: TokenView) => a.displayName.localeCompare(b.displayName, 'en', { sensitivity: 'base' });
  if (sort === 'displayName') return byName;
  if (sort === 'displayDate') return (a, b) => a.validTo.getTime() - b.validTo.getTime() || byName(a, b);
  return (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || byName(a, b);
}

function sortViews(views: TokenView[], query: Pick<ListQuery, 'sort' | 'order'>): TokenView[] {
  const sorted = [...views].sort(compare(query.sort));
  return query.order === 'asc' ? sorted : sorted.reverse();
}

const allQuerySchema = listQuerySchema.extend({ page: z.coerce.number().int().min(1).max(10_000).default(1) }).omit({ after: true });
const expiringQuerySchema = z.object({ within: z.enum(['7', '14', '30']).default('7').transform(Number) });
const exportQuerySchema = listQuerySchema.omit({ after: true, page: true, size: true }).extend({ format: z.enum(['csv', 'json']), scope: z.enum(['organization', 'all']).default('organization') });

function parse<T>(schema: z.ZodType<T, unknown>, req: Request, words = 'The address asks for a filter, sort or page PAT Manager does not offer. Use the controls on the page instead.'): T {
  const parsed = schema.safeParse(req.query);
  if (!parsed.success) throw new PageError(400, 'Unknown list options', words);
  return parsed.data;
}

/** The fields a download carries: everything about a token except its secret, which is never kept. */
function exportRow(view: TokenView) {
  return {
    authorizationId: view.authorizationId,
    displayName: view.displayName,
    status: view.status === 'global' ? GLOBAL_STATUS_TEXT : view.status,
    scopes: view.scopes.lines.map((line) => line.name).join(' '),
    organizations: view.organizations === null ? 'all' : view.organizations.join(' '),
    validFrom: view.validFrom.toISOString(),
    validTo: view.validTo.toISOString(),
  };
}

export function overviewRoutes(options: { signedIn: RequestHandler[]; devops: DevOpsClient; lifecycle: TokenLifecycle; auth: AuthService }): Router {
  const { signedIn, devops, lifecycle, auth } = options;
  const router = Router();

  // The signed-in home page: this organization's tokens, a page at a time, as Azure DevOps lists them.
  router.get('/', welcomeSignedOut, ...signedIn, async (req, res) => {
    const query = parse(listQuerySchema, req, 'The address asks for a filter, sort or page size PAT Manager does not offer. Use the controls above the list instead.');
    const actor = actorOf(req, auth);
    const [page, revoked] = await Promise.all([
      devops.listTokens(actor.accessToken, actor.organization, { filter: query.status, sortBy: query.sort, ascending: query.order === 'asc', top: query.size, continuationToken: query.after }),
      query.status === 'all' ? lifecycle.revokedIds(actor) : Promise.resolve(new Set<string>()),
    ]);
    const now = new Date();
    const organizations = req.session.organizations ?? [];
    res.render('tokens/list', {
      title: 'Your tokens',
      query,
      tokens: page.tokens.map((token) => viewOf(token, { now, listedAs: query.status, organizations, revokedIds: revoked })),
      nextUrl: page.continuationToken ? listUrl(query, { after: page.continuationToken, page: query.page + 1 }) : undefined,
      firstUrl: query.after ? listUrl(query, { after: undefined, page: 1 }) : undefined,
      sortUrl: (sort: ListQuery['sort']) => listUrl(query, { sort, order: query.sort === sort && query.order === 'asc' ? 'desc' : 'asc', after: undefined, page: 1 }),
      exportUrl: (format: 'csv' | 'json') => `/export?format=${format}&status=${query.status}&sort=${query.sort}&order=${query.order}`,
    });
  });

  async function everyOrganization(req: Request, filter: ListQuery['status']) {
    const organizations = req.session.organizations ?? [];
    const known = organizations.length > 0 ? organizations : [{ accountId: '', accountName: req.session.organization! }];
    const list = await tokensAcrossOrganizations(devops, accessTokenOf(req, auth), known, filter);
    const now = new Date();
    return { ...list, views: list.tokens.map(({ token, seenIn }) => viewOf(token, { now, listedAs: filter, organizations, revokedIds: list.revokedIds, via: seenIn[0] })) };
  }

  router.get('/all', ...signedIn, async (req, res) => {
    const query = parse(allQuerySchema, req);
    const { views, truncated } = await everyOrganization(req, query.status);
    const sorted = sortViews(views, query);
    const pageCount = Math.max(1, Math.ceil(sorted.length / query.size));
    const page = Math.min(query.page, pageCount);
    const url = (changes: Partial<Record<'sort' | 'order' | 'page', string | number>>) => {
      const params = { status: query.status, sort: query.sort, order: query.order, size: query.size, page, ...changes };
      return `/all?${new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, String(value)])).toString()}`;
    };
    res.render('all-tokens', {
      title: 'All organizations',
      query: { ...query, page },
      tokens: sorted.slice((page - 1) * query.size, page * query.size),
      total: sorted.length,
      pageCount,
      truncated,
      pageUrl: (n: number) => url({ page: n }),
      sortUrl: (sort: ListQuery['sort']) => url({ sort, order: query.sort === sort && query.order === 'asc' ? 'desc' : 'asc', page: 1 }),
      exportUrl: (format: string) => `/export?${new URLSearchParams({ format, scope: 'all', status: query.status, sort: query.sort, order: query.order }).toString()}`,
    });
  });

  router.get('/expiring', ...signedIn, async (req, res) => {
    const { within } = parse(expiringQuerySchema, req);
    const [active, expired] = await Promise.all([everyOrganization(req, 'active'), everyOrganization(req, 'expired')]);
    const groups = expiryWatchGroups(active.views, expired.views, daysAfter(within));
    res.render('expiring', {
      title: 'Expiry watch',
      within,
      global: groups.global,
      expiring: sortViews(groups.expiring, { sort: 'displayDate', order: 'asc' }),
      expired: sortViews(groups.expired, { sort: 'displayDate', order: 'desc' }),
      truncated: active.truncated || expired.truncated,
    });
  });

  router.get('/export', ...signedIn, async (req, res) => {
    const query = parse(exportQuerySchema, req);
    let views: TokenView[];
    if (query.scope === 'all') {
      views = (await everyOrganization(req, query.status)).views;
    } else {
      const accessToken = accessTokenOf(req, auth);
      const organization = req.session.organization!;
      const tokens: PatToken[] = [];
      let continuationToken: string | undefined;
      for (let page = 0; page < MAX_EXPORT_PAGES; page++) {
        const result = await devops.listTokens(accessToken, organization, { filter: query.status, sortBy: query.sort, ascending: query.order === 'asc', top: 100, continuationToken });
        tokens.push(...result.tokens);
        if (!result.continuationToken) break;
        continuationToken = result.continuationToken;
      }
      const now = new Date();
      views = tokens.map((token) => viewOf(token, { now, listedAs: query.status, organizations: req.session.organizations ?? [] }));
    }
    const rows = sortViews(views, query).map(exportRow);
    const name = `pat-tokens-${query.scope === 'all' ? 'all-organizations' : req.session.organization}-${query.status}-${new Date().toISOString().slice(0, 10)}`;
    res.set('Cache-Control', 'no-store');
    res.attachment(`${name}.${query.format}`);
    if (query.format === 'json') res.type('application/json').send(JSON.stringify(rows, null, 2));
    else res.type('text/csv').send(toCsv(rows));
  });

  return router;
}
