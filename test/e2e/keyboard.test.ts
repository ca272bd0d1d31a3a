// Keyboard only: a whole token's life with Tab, Enter and Space (and the arrow keys a select
// list uses), checking where focus goes; and on every page of the catalogue, every Tab stop has a
// role and an accessible name, shows where focus is, and comes in document order.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { COMMON_SCOPES, findScope } from '../../src/devops/scopes.ts';
import { ADA, ALAN, GRACE } from '../support/sign-in.ts';
import { consentToAudit, signInAs, startE2E, type E2E, type Session } from './support/e2e.ts';
import type { BrowserGlobals } from './support/dom.ts';
import {
  describeFocus,
  expectedTabStopCount,
  focused,
  startAtTop,
  tabStops,
  tabTo,
  type Focused,
} from './support/keyboard.ts';
import { PAGE_CATALOGUE, type Visitor, type World } from './support/page-catalogue.ts';

let e2e: E2E;
const sessions: Session[] = [];

beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});
afterEach(async () => {
  e2e.h.emulator.control.clearFaults();
  e2e.h.emulator.control.devops.reset();
});

async function newSession(): Promise<Session> {
  const session = await e2e.newSession({ clipboard: true });
  sessions.push(session);
  return session;
}

/** Every stop can be told apart by assistive technology and seen by everyone. */
function expectUsable(stops: Focused[], where: string) {
  const unnamed = stops.filter((stop) => !stop.role || !stop.name.trim());
  expect(
    unnamed.map((stop) => `${stop.tag}#${stop.id}`),
    `Tab stops without a role or accessible name on ${where}`,
  ).toEqual([]);
  const unseen = stops.filter((stop) => !stop.indicated || !stop.onScreen);
  expect(unseen.map(describeFocus), `Tab stops whose focus cannot be seen on ${where}`).toEqual([]);
}

const names = (stops: Focused[]) => stops.map(describeFocus);
const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
/** A checkbox's accessible name on the token form: its level and what it allows (and its area, among the common scopes). */
const scopeLabel = (name: string) => {
  const scope = findScope(name)!;
  const area = COMMON_SCOPES.includes(scope) ? `${scope.area}: ` : '';
  return `${area}${scope.level} — ${scope.description}`;
};

describe("a token's whole life, keyboard only", () => {
  it('signs in, filters, creates, copies, revokes and signs out with Tab, Enter and Space', async () => {
    const { page, problems } = await newSession();
    const visited: Focused[] = [];
    const go = async (role: string, name: string | RegExp, key = 'Enter') => {
      const stops = await tabTo(page, role, name);
      visited.push(...stops);
      await page.keyboard.press(key);
      return stops;
    };

    // The welcome page: the skip link first, then the brand, then signing in.
    await page.goto(e2e.h.appUrl);
    expect(names(await go('link', 'Sign in with Microsoft'))).toEqual([
      'link "Skip to content"',
      'link "PAT Manager"',
      'link "Sign in with Microsoft"',
    ]);
    await page.waitForURL((url) => url.origin === e2e.h.emulator.origin);

    // The emulator's page: the people first.
    // Each person's button also says what signing in as them lets you try (the demo guide).
    const people = names(await go('button', /^Ada Lovelace/));
    expect(people).toHaveLength(1);
    expect(people[0]).toMatch(new RegExp(`^button "Ada Lovelace ${ADA.username} \\S`));
    await page.waitForURL(`${e2e.h.appUrl}/`);
    expect(await heading(page)).toBe('Your tokens in contoso');

    // The skip link takes focus past the header to the content.
    const skip = await tabTo(page, 'link', 'Skip to content', { maxPresses: 1 });
    visited.push(...skip);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.activeElement?.id)).toBe(
      'main',
    );
    const afterSkip = await tabTo(page, 'link', 'New token', { maxPresses: 1 });
    expect(
      await page.evaluate(
        () => (globalThis as unknown as BrowserGlobals).document.activeElement?.closest('main') !== null,
      ),
    ).toBe(true);
    visited.push(...afterSkip);

    // Filter: the first controls after "New token" are the list's, in reading order.
    expect(names(await tabTo(page, 'combobox', 'Show', { maxPresses: 1 }))).toEqual(['combobox "Show"']);
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Show').inputValue()).toBe('expired');
    const controls = await go('button', 'Apply');
    expect(names(controls)).toEqual([
      'combobox "Sort by"',
      'combobox "Order"',
      'combobox "Per page"',
      'button "Apply"',
    ]);
    await page.waitForURL(/status=expired/);
    expect(await page.locator('table.tokens tbody td[data-label="Name"]').allTextContents()).toContain(
      'legacy-jenkins',
    );

    // Create a token: name, the default expiry, a common scope ticked with Space, then one in a
    // collapsed area: Enter on the area's summary opens it, and Tab goes on into it.
    await go('link', 'New token');
    await page.waitForURL(/\/tokens\/new$/);
    await tabTo(page, 'textbox', 'Name');
    await page.keyboard.type('keyboard-made');
    await go('checkbox', scopeLabel('vso.code_write'), 'Space');
    await go('DisclosureTriangle', 'Build');
    expect(names(await go('checkbox', scopeLabel('vso.build'), 'Space'))).toEqual([
      `checkbox "${scopeLabel('vso.build')}"`,
    ]);
    await go('button', 'Create token');
    await page.getByRole('heading', { level: 1, name: 'Token "keyboard-made" created' }).waitFor();

    expect(
      e2e.h.emulator.control.devops.tokens(ADA.objectId).find((token) => token.displayName === 'keyboard-made')?.scope,
    ).toBe('vso.build vso.code_write');

    // Copy the secret with Space on the button; the button and the status line say so, and focus stays on it.
    const secret = await page.getByRole('textbox', { name: 'Your new personal access token' }).inputValue();
    await go('button', 'Copy', 'Space');
    await page.getByRole('status').filter({ hasText: 'Copied to the clipboard.' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    expect(describeFocus(await focused(page))).toBe('button "Copied"');
    await go('link', "I have copied it: show the token's details");
    await page.waitForURL(/\/tokens\/[0-9a-f-]+$/);
    expect(await heading(page)).toBe('keyboard-made');

    // Revoke it through the confirmation.
    await go('link', 'Revoke');
    await page.waitForURL(/\/revoke$/);
    await go('button', 'Revoke this token');
    await page.waitForURL(`${e2e.h.appUrl}/`);
    expect(await page.locator('.flash').textContent()).toMatch(/^Revoked "keyboard-made"\./);
    expect(
      e2e.h.emulator.control.devops.tokens(ADA.objectId).find((token) => token.displayName === 'keyboard-made')
        ?.revoked,
    ).toBe(true);

    // Sign out from the header.
    await go('button', 'Sign out');
    await page.getByRole('link', { name: 'Sign in with Microsoft' }).waitFor();

    expectUsable(visited, 'the way');
    problems.assertNone('in the browser');
  });

  it('lands on the error summary of a form sent back, and reaches the first wrong field from it', async () => {
    const { page, problems } = await newSession();
    await signInAs(page, e2e.h.appUrl);
    await page.goto(`${e2e.h.appUrl}/tokens/new`);
    await tabTo(page, 'button', 'Create token');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Please correct these and send the form again' }).waitFor();
    // Focus is on the summary, so the next Tab is its first link, to the first wrong field.
    expect(await focused(page)).toMatchObject({
      role: 'alert',
      name: 'Please correct these and send the form again',
      indicated: true,
    });
    const stops = await tabTo(page, 'link', 'Give the token a name, so you can recognise it later.', { maxPresses: 1 });
    expect(names(stops)).toEqual(['link "Give the token a name, so you can recognise it later."']);
    await page.keyboard.press('Enter');
    const field = await focused(page);
    expect(field).toMatchObject({ role: 'textbox', name: 'Name', id: 'displayName' });
    problems.assertNone('in the browser');
  });
});

describe('every page: Tab stops named, visible and in document order', () => {
  const signedIn = new Map<Visitor, Session>();
  const sessionOf = async (who: Visitor) => {
    let session = signedIn.get(who);
    if (!session) {
      session = await newSession();
      if (who !== 'nobody') await signInAs(session.page, e2e.h.appUrl, { ada: ADA, grace: GRACE, alan: ALAN }[who]);
      // Those whose audit page is visited have consented to its permissions (asked when first opened).
      if (who === 'ada' || who === 'grace')
        await consentToAudit(session.page, e2e.h.appUrl, who === 'ada' ? ADA : GRACE);
      signedIn.set(who, session);
    }
    return session;
  };
  const world = (): World => ({
    appUrl: e2e.h.appUrl,
    emulator: e2e.h.emulator,
    tokenId: (name) =>
      e2e.h.emulator.control.devops.tokens(ADA.objectId).find((token) => token.displayName === name)!.authorizationId,
  });

  it.each(PAGE_CATALOGUE)('$name', async (visit) => {
    const { page, problems } = await sessionOf(visit.who);
    problems.clear();
    await visit.open(page, world());
    await page.waitForLoadState('load');
    // A page leaves focus where it was, except a form sent back with errors: that focuses its summary.
    const onArrival = await focused(page);
    const hasErrorSummary = (await page.locator('.error-summary').count()) > 0;
    expect(onArrival && describeFocus(onArrival), 'focus when the page has loaded').toEqual(
      hasErrorSummary ? expect.stringMatching(/^alert "Please correct (this|these) and send the form again"$/) : null,
    );
    // Each visit ends on a new document; Tab starts at the top, as for a page just opened.
    if (onArrival) await startAtTop(page);
    const stops = await tabStops(page);
    expect(stops.length, `every control reachable with Tab on ${page.url()}:\n${names(stops).join('\n')}`).toBe(
      await expectedTabStopCount(page),
    );
    expectUsable(stops, page.url());
    const positive = await page
      .locator('[tabindex]')
      .evaluateAll((elements) => elements.filter((element) => Number(element.getAttribute('tabindex')) > 0).length);
    expect(positive, 'elements with a positive tabindex (focus out of document order)').toBe(0);
    problems.assertNone(`on ${visit.name}`);
  });
});
