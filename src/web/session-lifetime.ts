// An absolute lifetime for a sign-in (SESSION_MAX_HOURS): the idle time alone would let a session
// that is used continuously (or a stolen cookie kept warm) live for ever. Past it the session is
// replaced by an empty one, and the person is asked to sign in again like anyone signed out.
import type { RequestHandler } from 'express';
import { flash } from './flash.ts';

export function sessionLifetime(maxHours: number): RequestHandler {
  const maxMs = maxHours * 60 * 60 * 1000;
  return (req, _res, next) => {
    const session = req.session;
    if (!session?.account) return next();
    // A session without a sign-in time cannot prove its age: it ends too.
    if (typeof session.signedInAt === 'number' && Date.now() - session.signedInAt < maxMs) return next();
    session.regenerate((error) => {
      if (error) return next(error);
      flash(
        req,
        'info',
        `You signed in more than ${maxHours} hours ago, so PAT Manager signed you out. Please sign in again.`,
      );
      next();
    });
  };
}
