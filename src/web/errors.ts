// Every failure becomes one of a few pages here, in one place. Routes throw; they never build
// error pages. A person sees what happened and what to do; the log gets the detail; nobody sees a
// stack trace or upstream internals.
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { SignInFailedError, SignInRequiredError } from '../auth/auth-service.ts';
import { DevOpsError } from '../devops/errors.ts';
import { AppError, type ServiceName } from '../errors.ts';
import type { Logger } from '../logging.ts';
import type { ExpiredFormCookie } from './expired-form-cookie.ts';
import { StoreUnavailableError } from '../storage/store-unavailable.ts';
import { flash } from './flash.ts';

/** A page the app chooses to show, e.g. a resource that does not exist. */
export class PageError extends AppError {
  override name = 'PageError';
  readonly service = 'PAT Manager';
  constructor(status: number, title: string, userMessage: string) {
    super({ pageStatus: status, title, userMessage, message: `${status} ${title}` });
  }
}

interface ErrorPage {
  status: number;
  title: string;
  message: string;
  retryAfterSeconds?: number;
  signInAgain?: boolean;
  /** The service it came from, for the log. */
  service?: ServiceName;
  /** The service's own words, beneath ours (escaped by the view). */
  serviceMessage?: string;
  /** Where the page's "Sign in again" button returns to. */
  signInTo?: string;
}

/** Every error of ours says its page itself; anything else is Express's, or a bug. */
function describe(error: unknown): ErrorPage {
  if (error instanceof AppError) {
    return {
      status: error.pageStatus,
      title: error.title,
      message: error.userMessage,
      service: error.service,
      ...(error.retryAfterSeconds ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
      ...(error instanceof SignInFailedError ? { signInAgain: true } : {}),
      ...(error.serviceMessage ? { serviceMessage: error.serviceMessage } : {}),
    };
  }
  const { code, type, status } = error as { code?: string; type?: string; status?: number };
  if (code === 'EBADCSRFTOKEN')
    return {
      status: 403,
      title: 'Form expired',
      message:
        'This form was not sent from a current PAT Manager page (its security token is missing or out of date), so nothing was changed. Go back, reload the page and try again.',
    };
  if (type === 'entity.too.large')
    return {
      status: 413,
      title: 'Too much data',
      message: 'That form sent far more data than PAT Manager accepts, so nothing was changed.',
    };
  if (typeof status === 'number' && status >= 400 && status < 500)
    return {
      status,
      title: 'Bad request',
      message: 'PAT Manager could not read that request, so nothing was changed.',
    };
  return {
    status: 500,
    title: 'Something went wrong',
    message:
      'PAT Manager met an unexpected problem and nothing was changed. Please try again; if it keeps happening, give your administrator the request id below.',
  };
}

/** Where to come back to after signing in again: the page itself, or the page a form was on. */
function pageToReturnTo(req: Request): string {
  if (req.method === 'GET') return req.originalUrl;
  const referrer = req.get('referer');
  return referrer ? new URL(referrer, 'http://referrer.invalid').pathname : '/';
}

export function notFound(): RequestHandler {
  return (_req, _res, next) => next(new PageError(404, 'Page not found', 'There is no page at this address.'));
}

/** Azure DevOps refusing a token this fresh is not cured by signing in again: say so, don't loop. */
const FRESH_SIGN_IN_MS = 2 * 60 * 1000;
const REFUSED_AFTER_SIGN_IN: ErrorPage = {
  status: 403,
  title: 'Azure DevOps did not accept your sign-in',
  message:
    'You signed in, but Azure DevOps refused the access it gave. You may not be a member of this organization, or it may not allow third-party applications to use Microsoft Entra sign-in. Choose another organization, or ask your Azure DevOps administrator.',
};

export function errorHandler(logger: Logger, expiredForms?: ExpiredFormCookie): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      // The session could not be saved after the page was sent (the store went away meanwhile): the
      // page stands, so don't let Express cut the connection; the next request will say 503.
      if (error instanceof StoreUnavailableError)
        return void logger.warn(
          { requestId: res.locals.requestId, errorMessage: error.message },
          'session not saved: store unavailable',
        );
      return next(error);
    }
    const unauthorized = error instanceof DevOpsError && error.kind === 'unauthorized';
    const refusedWhenFresh = unauthorized && Date.now() - (req.session?.signedInAt ?? 0) < FRESH_SIGN_IN_MS;
    if (!refusedWhenFresh && (error instanceof SignInRequiredError || unauthorized)) {
      if (req.method !== 'GET')
        flash(req, 'info', 'Your sign-in had expired, so nothing was changed. Please sign in and try again.');
      return res.redirect(303, `/login?returnTo=${encodeURIComponent(pageToReturnTo(req))}`);
    }
    let page = refusedWhenFresh ? REFUSED_AFTER_SIGN_IN : describe(error);
    // A form sent after its session ended: nothing changes, but what was typed waits for the next sign-in.
    const sessionEnded =
      (error as { code?: string })?.code === 'EBADCSRFTOKEN' && req.method === 'POST' && !req.session?.account;
    const kept = sessionEnded ? expiredForms?.keep(req, res) : undefined;
    if (kept)
      page = {
        status: 403,
        title: 'Your sign-in had ended',
        message:
          'Your sign-in had ended, so nothing was changed. What you typed is kept for 15 minutes: sign in again and the form comes back as you left it.',
        signInTo: kept,
      };
    const requestId = res.locals.requestId as string | undefined;
    const logged = {
      requestId,
      status: page.status,
      service: page.service,
      errorName: (error as Error)?.name,
      errorMessage: (error as Error)?.message,
    };
    // An outage of the store is expected to pass and fails every request alike: one line, no stack.
    if (error instanceof StoreUnavailableError) logger.warn(logged, 'request failed: session store unavailable');
    else if (page.status >= 500) logger.error({ ...logged, stack: (error as Error)?.stack }, 'request failed');
    else logger.info(logged, 'request refused');
    if (page.retryAfterSeconds) res.setHeader('Retry-After', String(page.retryAfterSeconds));
    res.status(page.status).render('error', { ...page, requestId }, (renderError: Error | null, html?: string) => {
      if (!renderError) return res.send(html);
      // Never let Express print its own page (with a stack) when the error page itself fails.
      logger.error(
        { requestId, errorName: renderError.name, errorMessage: renderError.message },
        'error page failed to render',
      );
      res
        .status(500)
        .type('text/plain')
        .send(`PAT Manager met an unexpected problem. Request id: ${requestId ?? 'unknown'}`);
    });
  };
}
