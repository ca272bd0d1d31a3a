// Sign-in and sign-out: the routes only wire paths to the auth service.
import { Router, type Request } from 'express';
import type { AuthService } from '../../auth/auth-service.ts';
import { SignInFailedError } from '../../auth/auth-service.ts';
import { safeReturnTo } from '../../auth/return-to.ts';
import { flash } from '../flash.ts';
import type { PendingSignInCookie } from '../pending-sign-in-cookie.ts';
import type { ExpiredFormCookie } from '../expired-form-cookie.ts';
import { saveDraft } from '../form-drafts.ts';

function queryText(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
}

/** A new session id at sign-in, so a session id planted before sign-in is worth nothing after. */
function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((error) => (error ? reject(error) : resolve())));
}

function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
}

export function authRoutes(
  auth: AuthService,
  baseUrl: URL,
  signIns: PendingSignInCookie,
  expiredForms: ExpiredFormCookie,
): Router {
  const router = Router();

  router.get('/login', async (req, res) => {
    const returnTo = safeReturnTo(req.query.returnTo, baseUrl);
    const pending = signIns.read(req);
    const authorizeUrl = await auth.beginSignIn(pending, returnTo);
    signIns.write(res, pending);
    res.redirect(303, authorizeUrl);
  });

  // The redirect URI registered in Azure: the identity platform sends the browser back here.
  router.get('/getAToken', async (req, res) => {
    const signInsInProgress = signIns.read(req);
    const pending = auth.takePendingSignIn(signInsInProgress, queryText(req, 'state'));
    signIns.write(res, signInsInProgress);
    const error = queryText(req, 'error');
    if (error) {
      throw new SignInFailedError(
        error === 'access_denied' ? 'declined' : 'rejected',
        `the identity platform answered ${error}`,
      );
    }
    const code = queryText(req, 'code');
    if (!code) throw new SignInFailedError('rejected', 'the answer carried no authorization code');
    const carriedFlash = req.session.flash;
    const carriedDrafts = req.session.formDrafts;
    await regenerateSession(req);
    req.session.account = await auth.redeemCode(req.session, code, queryText(req, 'state')!, pending);
    req.session.signedInAt = Date.now();
    if (carriedFlash) req.session.flash = carriedFlash;
    // A form left to consent to more is waiting; it was typed by whoever signs in now (same browser).
    if (carriedDrafts) req.session.formDrafts = carriedDrafts;
    flash(req, 'success', `Signed in as ${req.session.account.name}.`);
    // A form sent after the last session ended: back to it, filled as it was (form-drafts.ts).
    const kept = expiredForms.take(req, res, new URL(pending.returnTo, baseUrl).pathname);
    const draft = kept && saveDraft(req, kept);
    await saveSession(req);
    res.redirect(
      303,
      draft
        ? `${pending.returnTo}${pending.returnTo.includes('?') ? '&' : '?'}draft=${draft}&resumed=1`
        : pending.returnTo,
    );
  });

  router.get('/logout', (req, res) => {
    if (!req.session.account) return res.redirect(303, '/');
    res.render('sign-out');
  });

  router.post('/logout', async (req, res) => {
    const signOutUrl = auth.signOutUrl();
    auth.forgetSession(req.sessionID);
    await new Promise<void>((resolve, reject) => req.session.destroy((error) => (error ? reject(error) : resolve())));
    res.clearCookie(req.app.get('session cookie name') as string, { path: '/' });
    res.redirect(303, signOutUrl);
  });

  return router;
}
