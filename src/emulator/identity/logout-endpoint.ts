// GET /{tenant}/oauth2/v2.0/logout: ends the emulator's sign-in session, then returns to
// post_logout_redirect_uri if an application registered it, or shows "You have signed out".
import express, { type Request, type Response, type Router } from 'express';
import type { Directory } from '../directory.ts';
import { isRegisteredPostLogoutUri, type ClientRegistry } from './clients.ts';
import { errorContext, IdentityError } from './errors.ts';
import { sendErrorPage, sendSignedOutPage } from './pages.ts';
import { firstValues } from './request-parameters.ts';
import type { SsoSessions } from './sso-session.ts';
import { resolveTenant } from './tenants.ts';

export function logoutEndpoint(options: {
  origin: string;
  directory: Directory;
  clients: ClientRegistry;
  sessions: SsoSessions;
}): Router {
  const router = express.Router();
  const path = '/:tenant/oauth2/v2.0/logout';
  router.get(path, (req, res) => signOut(req, res, firstValues(req.query)));
  router.post(path, express.urlencoded({ extended: false, limit: '16kb' }), (req, res) =>
    signOut(req, res, firstValues(req.body)),
  );

  function signOut(req: Request, res: Response, parameters: Record<string, string>): void {
    try {
      resolveTenant(String(req.params.tenant), options.directory);
    } catch (error) {
      if (error instanceof IdentityError) return sendErrorPage(res, error, errorContext(options.origin, undefined));
      throw error;
    }
    options.sessions.end(res);
    const returnTo = parameters.post_logout_redirect_uri;
    if (returnTo && isRegisteredPostLogoutUri(options.clients.all(), returnTo)) {
      const url = new URL(returnTo);
      if (parameters.state) url.searchParams.set('state', parameters.state);
      return res.redirect(302, url.href);
    }
    sendSignedOutPage(res);
  }

  return router;
}
