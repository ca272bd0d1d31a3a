import type { RequestHandler } from 'express';
import { SignInRequiredError } from '../auth/auth-service.ts';

/** Pages for signed-in people; the error handler sends others to sign in and back here. */
export const requireSignIn: RequestHandler = (req, _res, next) => {
  next(req.session.account ? undefined : new SignInRequiredError('not signed in'));
};
