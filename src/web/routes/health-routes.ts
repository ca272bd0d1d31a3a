import { Router } from 'express';

/** Liveness: the process answers. It calls nothing upstream, so a slow Azure never restarts us. */
export function healthRoutes(): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  return router;
}
