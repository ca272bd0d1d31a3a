// The activity page: what this person did through PAT Manager, newest first.
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ActivityLog } from '../../storage/activity-log.ts';
import { PageError } from '../errors.ts';

const PAGE_SIZE = 25;
const querySchema = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1) });

export function activityRoutes(signedIn: RequestHandler[], activity: ActivityLog): Router {
  const router = Router();
  router.use(...signedIn);
  router.get('/', async (req, res) => {
    const parsed = querySchema.safeParse(req.query);
    if (!parsed.success) throw new PageError(400, 'Unknown page', 'That page of the activity log does not exist.');
    const page = await activity.list(req.session.account!.homeAccountId, parsed.data.page, PAGE_SIZE);
    res.render('activity', { title: 'Activity', ...page });
  });
  return router;
}
