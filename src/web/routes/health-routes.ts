import { Router } from 'express';

/** Why an instance should (not) get traffic now. */
export type Readiness = 'ready' | 'stopping' | 'store-unavailable';

/**
 * Liveness (/healthz): the process answers. It calls nothing, so a slow Azure or Redis never gets
 * an instance restarted. Readiness (/readyz): the session store answers (within its time limit) and
 * the instance is not shutting down, so a load balancer may send it people.
 */
export function healthRoutes(readiness: () => Promise<Readiness>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const status = await readiness();
    res
      .set('Cache-Control', 'no-store')
      .status(status === 'ready' ? 200 : 503)
      .json({ status });
  });
  return router;
}
