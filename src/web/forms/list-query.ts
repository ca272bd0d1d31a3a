// The token list's options, as the address carries them (the home list, /all and /export share them).
import { z } from 'zod';
import type { TokenSortBy } from '../../devops/types.ts';
import type { PageTrail } from '../../session/session-types.ts';

export const listQuerySchema = z.object({
  status: z.enum(['active', 'expired', 'revoked', 'all']).default('active'),
  sort: z.enum(['displayName', 'status', 'created', 'displayDate']).default('displayName'),
  order: z.enum(['asc', 'desc']).default('asc'),
  size: z.enum(['10', '25', '50', '100']).default('25').transform(Number),
  after: z.string().min(1).max(4096).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});
export type ListQuery = z.infer<typeof listQuerySchema>;
export type ListSort = ListQuery['sort'];

/** The sort choices, in the words every list uses (its select and its column headers). */
export const SORT_LABELS: Record<ListSort, string> = {
  displayName: 'Name',
  status: 'Status',
  created: 'Created',
  displayDate: 'Expiry date',
};

/**
 * The sort Azure DevOps can do itself (its `sortByOption`: displayName, displayDate, status), or
 * null: it cannot sort by creation, so that list is read whole and sorted here.
 */
export function apiSortOf(sort: ListSort): TokenSortBy | null {
  return sort === 'created' ? null : sort;
}

/**
 * The list's address with these options. Status, sort and order are words from fixed lists and size
 * a number (the schema above allows nothing else), so only the continuation token is encoded: a page
 * builds half a dozen of these addresses.
 */
export function listUrl(query: ListQuery, changes: Partial<ListQuery>): string {
  const next = { ...query, ...changes };
  const options = `/?status=${next.status}&sort=${next.sort}&order=${next.order}&size=${next.size}`;
  if (next.after) return `${options}&${new URLSearchParams({ after: next.after, page: String(next.page) }).toString()}`;
  return next.page > 1 ? `${options}&page=${next.page}` : options;
}

/**
 * "Previous page" without the address carrying every continuation token since the first: the session
 * keeps the tokens of the last few pages opened, each of a sane length; a page further back (or a
 * listing the session no longer remembers) offers "First page" instead.
 */
const TRAIL_PAGES = 10;
const MAX_TRAIL_TOKEN = 1024;

export function listingOf(organization: string, query: ListQuery): string {
  return [organization, query.status, query.sort, query.order, query.size].join(' ');
}

/** The trail after opening this page: its token remembered, pages far from it forgotten. */
export function trailAfter(trail: PageTrail | undefined, listing: string, query: ListQuery): PageTrail {
  const kept = trail?.listing === listing ? trail.pages : {};
  const pages: Record<string, string> = {};
  for (const [page, token] of Object.entries(kept)) {
    const distance = query.page - Number(page);
    if (distance > 0 && distance < TRAIL_PAGES) pages[page] = token;
  }
  if (query.after && query.page > 1 && query.after.length <= MAX_TRAIL_TOKEN) pages[String(query.page)] = query.after;
  return { listing, pages };
}

/**
 * The page before this one: the first page needs no token; another one needs the token remembered for
 * it. `undefined` when there is none (this is the first page) or it is no longer remembered.
 */
export function previousPage(trail: PageTrail, query: ListQuery): Partial<ListQuery> | undefined {
  if (query.page <= 1 || !query.after) return undefined;
  if (query.page === 2) return { after: undefined, page: 1 };
  const token = trail.pages[String(query.page - 1)];
  return token ? { after: token, page: query.page - 1 } : undefined;
}
