// Choosing the organization the token pages work in.
import { Router, type RequestHandler } from 'express';
import { safeReturnTo } from '../../auth/return-to.ts';
import { PageError } from '../errors.ts';
import { flash } from '../flash.ts';

export function organizationRoutes(signedIn: RequestHandler[], baseUrl: URL): Router {
  const router = Router();
  router.use(...signedIn);

  router.get('/', (req, res) => {
    res.render('organizations', { title: 'Organizations', returnTo: safeReturnTo(req.query.returnTo, baseUrl) });
  });

  router.post('/', (req, res) => {
    const body = req.body as Record<string, unknown>;
    const wanted = typeof body.organization === 'string' ? body.organization : '';
    const known = req.session.organizations ?? [];
    if (!known.some((org) => org.accountName === wanted)) {
      throw new PageError(
        400,
        'Unknown organization',
        'You are not a member of that organization (or it no longer exists), so nothing changed.',
      );
    }
    req.session.organization = wanted;
    flash(req, 'success', `Now working in ${wanted}.`);
    res.redirect(303, safeReturnTo(body.returnTo, baseUrl));
  });

  return router;
}
