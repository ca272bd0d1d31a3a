// Sending the authorize answer back to the application, by the request's response_mode: a redirect
// with the parameters in the query or the fragment, or a form that posts them (form_post).
import type { Response } from 'express';
import type { ReplyTarget } from './authorize-request.ts';
import { describe, type ErrorContext, type IdentityError } from './errors.ts';
import { sendFormPostPage } from './pages.ts';

export function sendReply(res: Response, target: ReplyTarget, fields: Record<string, string | undefined>): void {
  const parameters = Object.entries({ ...fields, state: target.state }).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  res.set('Cache-Control', 'no-store');
  if (target.responseMode === 'form_post') {
    sendFormPostPage(res, target.redirectUri, Object.fromEntries(parameters));
    return;
  }
  const url = new URL(target.redirectUri);
  if (target.responseMode === 'fragment') url.hash = new URLSearchParams(parameters).toString();
  else parameters.forEach(([name, value]) => url.searchParams.append(name, value));
  res.redirect(302, url.href);
}

export function errorFields(error: IdentityError, context: ErrorContext): Record<string, string> {
  return { error: error.error, error_description: describe(error, context) };
}
