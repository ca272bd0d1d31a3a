// The activity page: what this person did through PAT Manager, newest first.
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ActivityLog } from '../../storage/activity-log.ts';
import { activityEntryView } from '../activity-view.ts';
import { PageError } from '../errors.ts';

const PAGE_SIZE = 25;
const querySchema = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1) });

export function activityRoutes(signedIn: RequestHandler[], activity: ActivityLog): Router {
  const router = Router();
  router.use(...signedIn);
  router.get('/', async (req, res) => {
    const parsed = querySchema.safeParse(req.query);
    if (!parsed.success) throw new PageError(400, 'Unknown page', 'That page of the activity log does not exist.');
    const { entries, page, hasMore } = await activity.list(
      req.session.account!.homeAccountId,
      parsed.data.page,
      PAGE_SIZE,
    );
    // The log counts no entries, so its pages are numbered without a total, as the token list's are.
    const pager = {
      page,
      pageCount: null,
      total: null,
      shown: entries.length,
      noun: ['entry', 'entries'],
      firstUrl: page > 2 ? '/activity' : undefined,
      previousUrl: page > 1 ? `/activity?page=${page - 1}` : undefined,
      nextUrl: hasMore ? `/activity?page=${page + 1}` : undefined,
    };
    res.render('activity', {
      title: 'Activity',
      entries: entries.map((entry) => activityEntryView(entry)),
      page,
      pager,
    });
  });
  return router;
}
