import type { RequestHandler } from 'express';

/** Signed-out people get the welcome page; signed-in people go on to their token list. */
export const welcomeSignedOut: RequestHandler = (req, res, next) => {
  if (req.session.account) return next();
  res.render('home', { title: 'Welcome' });
};
