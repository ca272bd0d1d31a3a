// The emulator's pages: pick a person to sign in as, errors that cannot go back to the application,
// the form_post answer, and "you have signed out". Plain forms, no script.
import type { Response } from 'express';
import type { Person } from '../directory.ts';
import { describe, type ErrorContext, type IdentityError } from './errors.ts';
import { html, sendPage } from './html.ts';

export interface SignInPage {
  action: string;
  /** The authorize request's parameters, sent back as hidden fields with the choice. */
  parameters: Record<string, string>;
  clientId: string;
  tenantId: string;
  asksFor: string[];
  people: Person[];
  signedInObjectId: string | undefined;
  loginHint: string | undefined;
  /** Where the choice is redirected: browsers apply form-action to a form's redirects too. */
  redirectUri: string;
}

export function sendSignInPage(res: Response, page: SignInPage): void {
  const hint = page.loginHint?.toLowerCase();
  const people = page.people.map(
    (person) =>
      html`<li><button type="submit" name="person" value="${person.objectId}"${person.username.toLowerCase() === hint ? html` autofocus` : ''}>${person.displayName}${
        person.objectId === page.signedInObjectId ? ' (signed in)' : ''
      }<span class="username">${person.username}</span>${person.demoRole ? html`<span class="role">${person.demoRole}</span>` : ''}</button></li>`,
  );
  sendPage(res, {
    heading: 'Pick an account',
    formTargets: [new URL(page.redirectUri).origin],
    body: html`<p>The application <code>${page.clientId}</code> asks to:</p>
<ul>${page.asksFor.map((item) => html`<li>${item}</li>`)}</ul>
<form method="post" action="${page.action}">
${Object.entries(page.parameters).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`)}
<fieldset>
<legend>Sign in as one of the demo people of tenant <code>${page.tenantId}</code></legend>
${people.length ? html`<ul class="people">${people}</ul>` : html`<p>This directory has no people.</p>`}
</fieldset>
<button type="submit" name="decline" value="1" class="secondary">Decline: do not sign in</button>
</form>`,
  });
}

/** An error that must not be sent to the redirect URI (unknown application, unregistered URI...). */
export function sendErrorPage(res: Response, error: IdentityError, context: ErrorContext): void {
  sendPage(res, {
    status: error.status,
    heading: 'Sorry, but we’re having trouble signing you in.',
    body: html`<p>${error.message}</p>
<p class="details">Request Id: ${context.traceId}<br>Correlation Id: ${context.correlationId}<br>Timestamp: ${new Date().toISOString()}</p>
<p class="details">Full description: <code>${describe(error, context)}</code></p>`,
  });
}

/** response_mode=form_post: the real page submits itself with script; this one asks for a click. */
export function sendFormPostPage(res: Response, redirectUri: string, fields: Record<string, string>): void {
  sendPage(res, {
    heading: 'Continue to the application',
    formTargets: [new URL(redirectUri).origin],
    body: html`<form method="post" action="${redirectUri}">
${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`)}
<button type="submit">Continue to ${new URL(redirectUri).host}</button>
</form>`,
  });
}

export function sendSignedOutPage(res: Response): void {
  sendPage(res, {
    heading: 'You have signed out',
    body: html`<p>You signed out of your account. It’s a good idea to close all browser windows.</p>`,
  });
}

export function sendErrorCodePage(res: Response, code: string): void {
  sendPage(res, {
    heading: `Error ${code}`,
    body: html`<p>The emulator does not keep a description of AADSTS${code} beyond the one in the error itself.
Microsoft's reference is "Microsoft Entra authentication and authorization error codes".</p>`,
  });
}
