// Every address under /automation: the person's automatic rotations, "Run now" and "Stop".
import { Router, type RequestHandler } from 'express';
import type { AutomationService } from '../../automation/automation-service.ts';
import { automationPages } from '../pages/automation-pages.ts';

export function automationRoutes(signedIn: RequestHandler[], automation: AutomationService): Router {
  const pages = automationPages(automation);
  const router = Router();
  router.use(...signedIn);
  router.get('/', pages.list);
  router.post('/:automationId/run', pages.runNow);
  router.post('/:automationId/stop', pages.stop);
  return router;
}
