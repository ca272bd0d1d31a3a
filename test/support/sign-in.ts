// Signing in through the app exactly as a browser does: the app's /login, the emulator's sign-in
// page (pick a person), back to the app's /getAToken, on to where the person wanted to go.
import { demoDirectory, type Person } from '../../src/emulator/directory.ts';
import type { Page, TestBrowser } from './browser.ts';

export const ADA = demoDirectory().people.find((person) => person.displayName === 'Ada Lovelace')!;
export const GRACE = demoDirectory().people.find((person) => person.displayName === 'Grace Hopper')!;
export const ALAN = demoDirectory().people.find((person) => person.displayName === 'Alan Turing')!;

/** Opens the app's sign-in and stops at the emulator's "pick an account" page. */
export async function openSignInPage(browser: TestBrowser, appUrl: string, returnTo?: string): Promise<Page> {
  const path = returnTo === undefined ? '/login' : `/login?returnTo=${encodeURIComponent(returnTo)}`;
  const page = await browser.get(`${appUrl}${path}`);
  if (!page.url.includes('/oauth2/v2.0/authorize'))
    throw new Error(`expected the emulator's sign-in page, got ${page.status} ${page.url}`);
  return page;
}

/** Picks a person on the emulator's page; returns the page the app finally shows. */
export async function pickPerson(
  browser: TestBrowser,
  signInPage: Page,
  person: Person,
  options: { follow?: boolean } = {},
): Promise<Page> {
  return browser.submit(signInPage, 'authorize', { person: person.objectId }, options);
}

export async function signIn(
  browser: TestBrowser,
  appUrl: string,
  person: Person = ADA,
  returnTo?: string,
): Promise<Page> {
  return pickPerson(browser, await openSignInPage(browser, appUrl, returnTo), person);
}

/**
 * Signs in, then goes once through the consent sign-in the audit asks for the first time it is
 * opened (its permissions: token administration, Graph users, the audit log); ends on `returnTo`.
 */
export async function signInForAudit(
  browser: TestBrowser,
  appUrl: string,
  person: Person,
  returnTo = '/',
): Promise<Page> {
  await signIn(browser, appUrl, person);
  const consent = await browser.get(`${appUrl}/audit/consent?returnTo=${encodeURIComponent(returnTo)}`);
  if (!consent.url.includes('/oauth2/v2.0/authorize'))
    throw new Error(`expected the emulator's sign-in page, got ${consent.status} ${consent.url}`);
  return pickPerson(browser, consent, person);
}

/** The `_csrf` value of the first form posting to `action` on a page. */
export function csrfOf(page: Page): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(page.body);
  if (!match) throw new Error(`no CSRF token on ${page.url}`);
  return match[1]!;
}
