// The token list's options, as the address carries them (the home list, /all and /export share them).
import { z } from 'zod';

export const listQuerySchema = z.object({
  status: z.enum(['active', 'expired', 'revoked', 'all']).default('active'),
  sort: z.enum(['displayName', 'displayDate', 'status']).default('displayName'),
  order: z.enum(['asc', 'desc']).default('asc'),
  size: z.enum(['10', '25', '50', '100']).default('25').transform(Number),
  after: z.string().min(1).max(4096).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

/**
 * The list's address with these options. Status, sort and order are words from fixed lists and size
 * a number (the schema above allows nothing else), so only the continuation token is encoded: a page
 * builds half a dozen of these addresses.
 */
export function listUrl(query: ListQuery, changes: Partial<ListQuery>): string {
  const next = { ...query, ...changes };
  const options = `/?status=${next.status}&sort=${next.sort}&order=${next.order}&size=${next.size}`;
  return next.after ? `${options}&${new URLSearchParams({ after: next.after, page: String(next.page) }).toString()}` : options;
}
