import { Router } from 'express';

export function homeRoutes(): Router {
  const router = Router();
  router.get('/', (req, res) => {
    res.render(req.session.account ? 'signed-in-home' : 'home');
  });
  return router;
}
