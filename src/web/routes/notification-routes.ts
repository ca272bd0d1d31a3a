// Every address under /notifications: the reminder settings, a test, turning them off, and the
// sign-in that consents to sending mail.
import { Router, type RequestHandler } from 'express';
import { notificationPages, type NotificationPageDependencies } from '../pages/notification-pages.ts';

export function notificationRoutes(signedIn: RequestHandler[], deps: NotificationPageDependencies): Router {
  const pages = notificationPages(deps);
  const router = Router();
  router.use(...signedIn);
  router.get('/', pages.page);
  router.post('/', pages.save);
  router.post('/test', pages.test);
  router.post('/off', pages.turnOff);
  router.post('/digest', pages.chooseDigest);
  router.get('/consent', pages.consent);
  return router;
}
