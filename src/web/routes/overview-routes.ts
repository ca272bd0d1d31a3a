// The lists of tokens: the signed-in home page (this organization's tokens), and the views Azure
// DevOps itself does not offer: every organization's tokens in one table, the expiry watch, and the
// current list as a download. Each page carries the sign-in guard itself (the router sits at /).
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { LeakNotices } from '../../admin/leak-notices.ts';
import type { AuthService } from '../../auth/auth-service.ts';
import { daysAfter } from '../../days.ts';
import type { AccessTokenSource, DevOpsClient, PatToken } from '../../devops/types.ts';
import type { TokenLifecycle } from '../../tokens/lifecycle.ts';
import { actorOf } from '../actor.ts';
import { tokensAcrossOrganizations } from '../cross-organization.ts';
import { accessTokenOf } from '../devops-context.ts';
import { PageError } from '../errors.ts';
import { toCsv } from '../export-format.ts';
import { flash } from '../flash.ts';
import {
  apiSortOf,
  listingOf,
  listQuerySchema,
  listUrl,
  previousPage,
  SORT_LABELS,
  trailAfter,
  type ListQuery,
} from '../forms/list-query.ts';
import { welcomeSignedOut } from '../welcome-signed-out.ts';
import { expiryWatchGroups, GLOBAL_STATUS_TEXT, viewOf, type TokenView } from '../token-view.ts';

const STATUS_ORDER = { active: 0, global: 1, expired: 2, revoked: 3 } as const;
/** A whole list (an export, or the list sorted by creation) reads at most this many pages of 100 from one organization. */
const MAX_WHOLE_LIST_PAGES = 50;
const TOKEN_NOUN = ['token', 'tokens'];
/** A notice is named by its token's authorizationId (see admin/leak-notices.ts). */
const dismissSchema = z.object({ id: z.guid().transform((id) => id.toLowerCase()) });

function compare(sort: ListQuery['sort']): (a: TokenView, b: TokenView) => number {
  const byName = (a: TokenView, b: TokenView) =>
    a.displayName.localeCompare(b.displayName, 'en', { sensitivity: 'base' });
  if (sort === 'displayName') return byName;
  if (sort === 'displayDate') return (a, b) => a.validTo.getTime() - b.validTo.getTime() || byName(a, b);
  if (sort === 'created') return (a, b) => a.validFrom.getTime() - b.validFrom.getTime() || byName(a, b);
  return (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || byName(a, b);
}

function sortViews(views: TokenView[], query: Pick<ListQuery, 'sort' | 'order'>): TokenView[] {
  const sorted = [...views].sort(compare(query.sort));
  return query.order === 'asc' ? sorted : sorted.reverse();
}

const allQuerySchema = listQuerySchema
  .extend({ page: z.coerce.number().int().min(1).max(10_000).default(1) })
  .omit({ after: true });
const expiringQuerySchema = z.object({ within: z.enum(['7', '14', '30']).default('7').transform(Number) });
const exportQuerySchema = listQuerySchema
  .omit({ after: true, page: true, size: true })
  .extend({ format: z.enum(['csv', 'json']), scope: z.enum(['organization', 'all']).default('organization') });

function parse<T>(
  schema: z.ZodType<T, unknown>,
  req: Request,
  words = 'The address asks for a filter, sort or page PAT Manager does not offer. Use the controls on the page instead.',
): T {
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

export function overviewRoutes(options: {
  signedIn: RequestHandler[];
  devops: DevOpsClient;
  lifecycle: TokenLifecycle;
  auth: AuthService;
  leakNotices: LeakNotices;
  /** The app's clock (ms). */
  now: () => number;
}): Router {
  const { signedIn, devops, lifecycle, auth, leakNotices } = options;
  const router = Router();

  /** One organization's whole list, as Azure DevOps sorts it (by name where it cannot sort as asked), up to the cap. */
  async function wholeList(
    accessToken: AccessTokenSource,
    organization: string,
    query: Pick<ListQuery, 'status' | 'sort' | 'order'>,
  ) {
    const tokens: PatToken[] = [];
    let continuationToken: string | undefined;
    for (let page = 0; page < MAX_WHOLE_LIST_PAGES; page++) {
      const result = await devops.listTokens(accessToken, organization, {
        filter: query.status,
        sortBy: apiSortOf(query.sort) ?? 'displayName',
        ascending: query.order === 'asc',
        top: 100,
        continuationToken,
      });
      tokens.push(...result.tokens);
      if (!result.continuationToken) return { tokens, truncated: false };
      continuationToken = result.continuationToken;
    }
    return { tokens, truncated: true };
  }

  /**
   * One page of this organization's list. Azure DevOps pages it with a continuation token and never
   * says how many there are, so the page says "Page N" and goes back with the token the session
   * remembers for the page before. It cannot sort by creation: that list is read whole, sorted here,
   * and paged by number, with its total.
   */
  async function homePage(req: Request, query: ListQuery, actor: ReturnType<typeof actorOf>) {
    const sortBy = apiSortOf(query.sort);
    if (sortBy === null) {
      const { tokens, truncated } = await wholeList(actor.accessToken, actor.organization, query);
      return { tokens, truncated, numbered: true as const };
    }
    const page = await devops.listTokens(actor.accessToken, actor.organization, {
      filter: query.status,
      sortBy,
      ascending: query.order === 'asc',
      top: query.size,
      continuationToken: query.after,
    });
    // The first page needs no token to come back to: opening it leaves the session as it was.
    let previous: Partial<ListQuery> | undefined;
    if (query.after) {
      const trail = trailAfter(req.session.pageTrail, listingOf(actor.organization, query), query);
      req.session.pageTrail = trail;
      previous = previousPage(trail, query);
    }
    return {
      tokens: page.tokens,
      truncated: false,
      numbered: false as const,
      nextUrl: page.continuationToken
        ? listUrl(query, { after: page.continuationToken, page: query.page + 1 })
        : undefined,
      previousUrl: previous ? listUrl(query, previous) : undefined,
    };
  }

  // The signed-in home page: this organization's tokens, a page at a time.
  router.get('/', welcomeSignedOut, ...signedIn, async (req, res) => {
    const query = parse(
      listQuerySchema,
      req,
      'The address asks for a filter, sort or page size PAT Manager does not offer. Use the controls above the list instead.',
    );
    const actor = actorOf(req, auth);
    const [listed, revoked, notices] = await Promise.all([
      homePage(req, query, actor),
      query.status === 'all' ? lifecycle.revokedIds(actor) : Promise.resolve(new Set<string>()),
      leakNotices.of(actor.person),
    ]);
    const now = new Date();
    const organizations = req.session.organizations ?? [];
    const views = listed.tokens.map((token) =>
      viewOf(token, { now, listedAs: query.status, organizations, revokedIds: revoked }),
    );
    const first = listUrl(query, { after: undefined, page: 1 });
    let tokens = views;
    let pager;
    if (listed.numbered) {
      const pageCount = Math.max(1, Math.ceil(views.length / query.size));
      const page = Math.min(query.page, pageCount);
      tokens = sortViews(views, query).slice((page - 1) * query.size, page * query.size);
      query.page = page;
      pager = {
        page,
        pageCount,
        total: views.length,
        shown: tokens.length,
        noun: TOKEN_NOUN,
        firstUrl: page > 2 ? first : undefined,
        previousUrl: page > 1 ? listUrl(query, { page: page - 1 }) : undefined,
        nextUrl: page < pageCount ? listUrl(query, { page: page + 1 }) : undefined,
      };
    } else {
      pager = {
        page: query.page,
        pageCount: null,
        total: null,
        shown: tokens.length,
        noun: TOKEN_NOUN,
        // Without the page before, the first page is the way back.
        firstUrl: query.after && (query.page > 2 || !listed.previousUrl) ? first : undefined,
        previousUrl: listed.previousUrl,
        nextUrl: listed.nextUrl,
      };
    }
    res.render('tokens/list', {
      title: 'Your tokens',
      notices,
      query,
      tokens,
      pager,
      truncated: listed.truncated,
      sortLabels: SORT_LABELS,
      sortUrl: (sort: ListQuery['sort']) =>
        listUrl(query, {
          sort,
          order: query.sort === sort && query.order === 'asc' ? 'desc' : 'asc',
          after: undefined,
          page: 1,
        }),
      exportUrl: (format: 'csv' | 'json') =>
        `/export?format=${format}&status=${query.status}&sort=${query.sort}&order=${query.order}`,
    });
  });

  // A leak notice's "Dismiss": only the signed-in person's own notices can be dismissed.
  router.post('/leak-notices/dismiss', ...signedIn, async (req, res) => {
    const form = dismissSchema.safeParse(req.body);
    const person = req.session.account!.homeAccountId;
    const dismissed = form.success
      ? await leakNotices.dismiss(person, form.data.id, new Date(options.now()))
      : undefined;
    if (!dismissed)
      throw new PageError(
        404,
        'Notice not found',
        'You have no such notice (it may have been dismissed already), so nothing was changed. Your token list shows the ones left.',
      );
    flash(req, 'success', `The notice about "${dismissed.tokenName}" is dismissed.`);
    res.redirect(303, '/');
  });

  async function everyOrganization(req: Request, filter: ListQuery['status']) {
    const organizations = req.session.organizations ?? [];
    const known =
      organizations.length > 0 ? organizations : [{ accountId: '', accountName: req.session.organization! }];
    const list = await tokensAcrossOrganizations(devops, accessTokenOf(req, auth), known, filter);
    const now = new Date();
    return {
      ...list,
      views: list.tokens.map(({ token, seenIn }) =>
        viewOf(token, { now, listedAs: filter, organizations, revokedIds: list.revokedIds, via: seenIn[0] }),
      ),
    };
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
      pager: {
        page,
        pageCount,
        total: sorted.length,
        shown: Math.min(query.size, sorted.length - (page - 1) * query.size),
        noun: TOKEN_NOUN,
        firstUrl: page > 2 ? url({ page: 1 }) : undefined,
        previousUrl: page > 1 ? url({ page: page - 1 }) : undefined,
        nextUrl: page < pageCount ? url({ page: page + 1 }) : undefined,
      },
      truncated,
      sortLabels: SORT_LABELS,
      sortUrl: (sort: ListQuery['sort']) =>
        url({ sort, order: query.sort === sort && query.order === 'asc' ? 'desc' : 'asc', page: 1 }),
      exportUrl: (format: string) =>
        `/export?${new URLSearchParams({ format, scope: 'all', status: query.status, sort: query.sort, order: query.order }).toString()}`,
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
      const { tokens } = await wholeList(accessTokenOf(req, auth), req.session.organization!, query);
      const now = new Date();
      views = tokens.map((token) =>
        viewOf(token, { now, listedAs: query.status, organizations: req.session.organizations ?? [] }),
      );
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
