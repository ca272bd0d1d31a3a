// The whole life of a token in a real browser, with the mouse: sign in on the emulator's page,
// choose an organization, list, filter, sort and page, create a token with chosen scopes, copy its
// secret, see it gone on reload, edit it, revoke it, sign out. Pages keep their CSP; any console
// error, uncaught error, failed request or CSP violation fails the test.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADA } from '../support/sign-in.ts';
import { signInAs, startE2E, type E2E, type Session } from './support/e2e.ts';

let e2e: E2E;
let session: Session;
let page: Page;

beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});
beforeEach(async () => {
  e2e.h.emulator.control.devops.reset();
  session = await e2e.newSession({ clipboard: true });
  page = session.page;
});
afterEach(async () => {
  try {
    session.problems.assertNone('in the browser');
  } finally {
    await session.close();
  }
});

const heading = () => page.getByRole('heading', { level: 1 });
const flash = () => page.locator('.flash');
/**
 * A click that navigates returns once the new page starts loading; reading a list at that moment
 * finds the table not there yet. Every read of the table waits for the page to have loaded.
 */
async function tableTexts(cells: string): Promise<string[]> {
  await page.waitForLoadState('load');
  return page.locator(`table.tokens tbody ${cells}`).allTextContents();
}
const tokenNames = () => tableTexts('td[data-label="Name"]');
const statuses = async () => new Set(await tableTexts('.status'));
const expiryDates = async () => {
  await page.waitForLoadState('load');
  const iso = await page
    .locator('table.tokens tbody td[data-label="Expiry date"] time')
    .evaluateAll((times) => times.map((time) => time.getAttribute('datetime') ?? ''));
  return iso.map((text) => Date.parse(text));
};
const tokenNamed = (name: string) =>
  e2e.h.emulator.control.devops.tokens(ADA.objectId).find((token) => token.displayName === name);

describe('signing in and choosing an organization', () => {
  it("signs in on the emulator's page, lands on the token list, and switches organization", async () => {
    await page.goto(e2e.h.appUrl);
    await expect(heading().textContent()).resolves.toBe('Keep your Azure DevOps personal access tokens under control');
    await page.getByRole('link', { name: 'Sign in with Microsoft' }).click();
    // waitFor, not isVisible: isVisible answers at once, while the page the click opened may still be loading.
    await page.getByRole('heading', { name: 'Pick an account' }).waitFor();
    await page.getByRole('button', { name: /^Ada Lovelace/ }).click();
    await page.waitForURL(`${e2e.h.appUrl}/`);
    expect(await heading().textContent()).toBe('Your tokens in contoso');
    expect(await flash().textContent()).toBe('Signed in as Ada Lovelace.');

    await page.getByRole('link', { name: 'switch organization' }).click();
    expect(await heading().textContent()).toBe('Choose an organization');
    await page.getByRole('radio', { name: 'fabrikam' }).check();
    await page.getByRole('button', { name: 'Switch' }).click();
    expect(await heading().textContent()).toBe('Your tokens in fabrikam');
    expect(await flash().textContent()).toBe('Now working in fabrikam.');
    expect(await tokenNames()).toContain('fabrikam-deploy');
    expect(await tokenNames()).not.toContain('ci-pipeline');
  });
});

describe('the token list', () => {
  beforeEach(async () => {
    await signInAs(page, e2e.h.appUrl);
  });

  it('keeps "Revoke the selected tokens" disabled until a token is ticked, and again once none is', async () => {
    const revokeSelected = page.getByRole('button', { name: 'Revoke the selected tokens…' });
    await page.waitForLoadState('load');
    await expect.poll(() => revokeSelected.isDisabled()).toBe(true);
    const first = page.getByRole('checkbox', { name: /^Select / }).first();
    await first.check();
    expect(await revokeSelected.isEnabled()).toBe(true);
    await first.uncheck();
    expect(await revokeSelected.isDisabled()).toBe(true);
  });

  it('filters by status with the controls', async () => {
    await page.getByLabel('Show').selectOption('expired');
    await page.getByRole('button', { name: 'Apply' }).click();
    expect(new URL(page.url()).searchParams.get('status')).toBe('expired');
    expect(await tokenNames()).toContain('legacy-jenkins');
    expect(await tokenNames()).not.toContain('ci-pipeline');
    // old-laptop, expired, is also a global token: it reads as that.
    expect(await statuses()).toEqual(new Set(['Expired', 'Global: stopped working on 1 December 2026']));

    await page.getByLabel('Show').selectOption('all');
    await page.getByLabel('Per page').selectOption('100');
    await page.getByRole('button', { name: 'Apply' }).click();
    expect(await statuses()).toEqual(
      new Set(['Active', 'Expiring soon', 'Global: stopped working on 1 December 2026', 'Expired', 'Revoked']),
    );
  });

  it('sorts by a column header, both ways, and says so to assistive technology', async () => {
    const expires = page.getByRole('columnheader', { name: 'Expiry date' });
    await expires.getByRole('link').click();
    expect(await expires.getAttribute('aria-sort')).toBe('ascending');
    const ascending = await expiryDates();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));

    await page.getByRole('columnheader', { name: 'Expiry date' }).getByRole('link').click();
    expect(await page.getByRole('columnheader', { name: 'Expiry date' }).getAttribute('aria-sort')).toBe('descending');
    const descending = await expiryDates();
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    expect(await page.getByLabel('Sort by').inputValue()).toBe('displayDate');
    expect(await page.getByLabel('Order').inputValue()).toBe('desc');
  });

  it('pages forward and back, page by page, numbering the pages', async () => {
    await page.getByLabel('Show').selectOption('all');
    await page.getByLabel('Per page').selectOption('10');
    await page.getByRole('button', { name: 'Apply' }).click();
    const first = await tokenNames();
    expect(first).toHaveLength(10);
    expect(await page.locator('.list-summary').textContent()).toBe('Page 1, 10 tokens on this page.');
    expect(await page.getByRole('link', { name: 'Previous page' }).count()).toBe(0);

    // A link's click returns once the navigation starts: wait for the new page before reading it.
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Next page' }).click();
    await page.locator('.list-summary', { hasText: 'Page 2,' }).waitFor();
    const second = await tokenNames();
    expect(await page.locator('.list-summary').textContent()).toBe('Page 2, 10 tokens on this page.');
    expect(second.filter((name) => first.includes(name))).toEqual([]);
    expect([...first, ...second]).toEqual(
      [...first, ...second].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })),
    );

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Next page' }).click();
    await page.locator('.list-summary', { hasText: 'Page 3,' }).waitFor();
    await page.getByRole('link', { name: 'Previous page' }).click();
    await page.locator('.list-summary', { hasText: 'Page 2,' }).waitFor();
    expect(await tokenNames()).toEqual(second);
    await page.getByRole('link', { name: 'Previous page' }).click();
    await page.locator('.list-summary', { hasText: 'Page 1,' }).waitFor();
    expect(await tokenNames()).toEqual(first);
  });
});

describe('a token from creation to revocation', () => {
  it('creates it with chosen scopes, copies the secret once, edits it, revokes it', async () => {
    await signInAs(page, e2e.h.appUrl);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New token' }).click();
    expect(await heading().textContent()).toBe('New personal access token');
    await page.getByLabel('Name').fill('e2e-deploy-bot');
    await page.getByRole('radio', { name: '60 days from now' }).check();
    await page.getByRole('checkbox', { name: /^Code: Read & write —/ }).check();
    await page.getByRole('checkbox', { name: /^Build: Read & execute —/ }).check();
    await page.getByRole('button', { name: 'Create token' }).click();

    expect(await heading().textContent()).toBe('Token "e2e-deploy-bot" created');
    const secret = await page.getByRole('textbox', { name: 'Your new personal access token' }).inputValue();
    expect(secret).toMatch(/^[A-Za-z0-9]{52,}$/);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied to the clipboard.' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    const created = tokenNamed('e2e-deploy-bot');
    expect(created?.scope.split(' ').sort()).toEqual(['vso.build_execute', 'vso.code_write']);
    expect(created?.status).toBe('active');

    // Reloading sends the form again: the app recognises it, creates nothing and shows no secret.
    await page.reload();
    expect(await heading().textContent()).toBe('e2e-deploy-bot');
    expect(await flash().textContent()).toContain('Its secret was shown once and cannot be shown again');
    expect(await page.content()).not.toContain(secret);
    expect(
      e2e.h.emulator.control.devops.tokens(ADA.objectId).filter((token) => token.displayName === 'e2e-deploy-bot'),
    ).toHaveLength(1);

    await page.getByRole('link', { name: 'Edit' }).click();
    expect(await heading().textContent()).toBe('Edit "e2e-deploy-bot"');
    expect(await page.getByRole('radio', { name: /^Keep the current expiry/ }).isChecked()).toBe(true);
    await page.getByLabel('Name').fill('e2e-deploy-bot-renamed');
    // Work Items: Read is not a common scope: its area is collapsed until opened.
    await page.locator('summary', { hasText: 'Work Items' }).click();
    await page
      .getByRole('group', { name: 'Work Items' })
      .getByRole('checkbox', { name: /^Read —/ })
      .check();
    await page.getByRole('checkbox', { name: /^Build: Read & execute —/ }).uncheck();
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect(await heading().textContent()).toBe('e2e-deploy-bot-renamed');
    expect(await flash().textContent()).toBe('Saved the changes to "e2e-deploy-bot-renamed".');
    expect(tokenNamed('e2e-deploy-bot-renamed')?.scope.split(' ').sort()).toEqual(['vso.code_write', 'vso.work']);
    expect(tokenNamed('e2e-deploy-bot-renamed')?.validTo).toBe(created?.validTo);

    await page.getByRole('link', { name: 'Revoke' }).click();
    expect(await heading().textContent()).toBe('Revoke "e2e-deploy-bot-renamed"?');
    await page.getByRole('link', { name: 'Keep it' }).click();
    expect(tokenNamed('e2e-deploy-bot-renamed')?.revoked).toBe(false);
    await page.getByRole('link', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Revoke this token' }).click();
    expect(await heading().textContent()).toBe('Your tokens in contoso');
    expect(await flash().textContent()).toMatch(/^Revoked "e2e-deploy-bot-renamed"\./);
    expect(await tokenNames()).not.toContain('e2e-deploy-bot-renamed');
    expect(tokenNamed('e2e-deploy-bot-renamed')?.revoked).toBe(true);
  });

  it('shows what to correct when the form is incomplete, and keeps what was typed', async () => {
    await signInAs(page, e2e.h.appUrl);
    await page.goto(`${e2e.h.appUrl}/tokens/new`);
    await page.getByLabel('Name').fill('half-done');
    await page.getByRole('radio', { name: 'On a date of my choice' }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const summary = page.getByRole('alert');
    expect(await summary.getByRole('heading').textContent()).toBe('Please correct these and send the form again');
    const problems = await summary.getByRole('link').allTextContents();
    expect(problems).toHaveLength(2);
    expect(await page.getByLabel('Name').inputValue()).toBe('half-done');
    // Each message links to its field (once error-summary.js, a deferred script, has run).
    await page.waitForLoadState('load');
    await summary.getByRole('link').first().click();
    expect(await page.evaluate('document.activeElement?.id')).toBe('customDate');
    expect(tokenNamed('half-done')).toBeUndefined();
  });
});

describe('signing out', () => {
  it('from the header: signed out here and at the identity platform, back on the welcome page', async () => {
    await signInAs(page, e2e.h.appUrl);
    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${e2e.h.appUrl}/`);
    expect(await heading().textContent()).toBe('Keep your Azure DevOps personal access tokens under control');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    // The app's pages now ask for sign-in again, and the emulator shows the account picker.
    await page.goto(`${e2e.h.appUrl}/tokens/new`);
    expect(await page.getByRole('heading', { name: 'Pick an account' }).isVisible()).toBe(true);
  });

  it('through the confirmation page, or stays signed in', async () => {
    await signInAs(page, e2e.h.appUrl);
    await page.goto(`${e2e.h.appUrl}/logout`);
    expect(await heading().textContent()).toBe('Sign out of PAT Manager?');
    await page.getByRole('link', { name: 'Stay signed in' }).click();
    expect(await heading().textContent()).toBe('Your tokens in contoso');
    await page.goto(`${e2e.h.appUrl}/logout`);
    await page.getByRole('main').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${e2e.h.appUrl}/`);
    expect(await page.getByRole('link', { name: 'Sign in with Microsoft' }).isVisible()).toBe(true);
  });
});

describe('the watch on the browser', () => {
  it('catches console errors, uncaught errors, failing requests and CSP violations', async () => {
    await page.goto(e2e.h.appUrl);
    await page.evaluate(`(() => {
      console.error('a console error');
      setTimeout(() => { throw new Error('an uncaught error'); });
      const script = document.createElement('script');
      script.textContent = 'void 0';
      document.body.append(script);
      fetch('/no-such-file.js');
    })()`);
    // Five problems arrive in no set order (the blocked inline script is also a console error):
    // wait for the slowest kinds, the uncaught error and the fetch's answer, not for a count.
    await expect
      .poll(() => session.problems.problems.some((problem) => problem.includes('no-such-file.js')))
      .toBe(true);
    await expect
      .poll(() => session.problems.problems.some((problem) => problem.includes('an uncaught error')))
      .toBe(true);
    let report = '';
    try {
      session.problems.assertNone('on purpose');
    } catch (error) {
      report = (error as Error).message;
    }
    expect(report).toMatch(/console error on .*a console error/);
    expect(report).toMatch(/uncaught error on .*an uncaught error/);
    expect(report).toMatch(/CSP violation on .*script-src-elem blocked inline/);
    expect(report).toMatch(/fetch answered 404: GET .*\/no-such-file\.js/);
  });
});
