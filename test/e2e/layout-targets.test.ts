// What a person notices at first sight, measured in Chromium (issue 14): the new-token form's height
// at 1280 px with its scope areas collapsed, the phone header behind one "Menu" button, the new
// secret readable whole on a phone, and focus on the summary of a form sent back with errors.
// Also writes the README's pictures to artifacts/screenshots/docs/ (copied to docs/screenshots/).
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { COMMON_SCOPES, SCOPE_AREAS } from '../../src/devops/scopes.ts';
import { ADA } from '../support/sign-in.ts';
import { describeViolations, isBlocking, scanAccessibility } from './support/accessibility.ts';
import type { BrowserGlobals, DomElement } from './support/dom.ts';
import { signInAs, startE2E, type E2E, type Session, type Width } from './support/e2e.ts';
import { describeFocus, focused } from './support/keyboard.ts';
import { layoutOf } from './support/layout.ts';
import { SCREENSHOT_DIR } from './support/screenshots.ts';

const FORM_HEIGHT_LIMIT = 1_600;
const PHONE_HEADER_LIMIT = 120;
const DOCS_DIR = join(SCREENSHOT_DIR, 'docs');

let e2e: E2E;
const sessions: Session[] = [];

beforeAll(async () => {
  e2e = await startE2E();
  mkdirSync(DOCS_DIR, { recursive: true });
});
afterAll(async () => {
  await e2e?.close();
});
afterEach(async () => {
  for (const session of sessions.splice(0)) {
    session.problems.assertNone('in the browser');
    await session.close();
  }
  e2e.h.emulator.control.devops.reset();
});

async function signedIn(width: Width, options: { script?: boolean } = {}): Promise<Page> {
  const session = await e2e.newSession({ width, clipboard: true, ...options });
  sessions.push(session);
  await signInAs(session.page, e2e.h.appUrl);
  return session.page;
}

const tokenNamed = (name: string) =>
  e2e.h.emulator.control.devops.tokens(ADA.objectId).find((token) => token.displayName === name);
const documentHeight = (page: Page) =>
  page.evaluate(
    () => (globalThis as unknown as BrowserGlobals).document.documentElement.getBoundingClientRect().height,
  );
const areas = (page: Page) => page.locator('#scope-areas details');
const openAreas = (page: Page) => page.locator('#scope-areas details[open] > summary').allTextContents();
const shownAreas = async (page: Page) =>
  (await page.locator('#scope-areas details:visible > summary').allTextContents()).map((text) => text.trim());
/** Scope checkboxes in document order, by the value they send. */
const checkboxValues = (page: Page, within: string) =>
  page
    .locator(`${within} input[type="checkbox"][name="scopes"]`)
    .evaluateAll((boxes) => boxes.map((box) => box.getAttribute('value')));

describe('the new-token form at 1280 px', () => {
  it(`is under ${FORM_HEIGHT_LIMIT} px tall with no scope chosen: areas collapsed, the common scopes first`, async () => {
    const page = await signedIn('desktop');
    await page.goto(`${e2e.h.appUrl}/tokens/new`);
    const height = await documentHeight(page);
    console.info(`new-token form at 1280 px: ${Math.round(height)} px tall (limit ${FORM_HEIGHT_LIMIT})`);
    expect(height).toBeLessThan(FORM_HEIGHT_LIMIT);
    await page.screenshot({
      path: join(DOCS_DIR, 'new-token-form.png'),
      fullPage: true,
      animations: 'disabled',
      caret: 'hide',
    });

    // Every area is there, collapsed; every scope has exactly one checkbox.
    expect(await areas(page).count()).toBe(SCOPE_AREAS.length);
    expect(await openAreas(page)).toEqual([]);
    const common = await checkboxValues(page, 'fieldset.scope-group:first-of-type');
    expect(common).toEqual(COMMON_SCOPES.map((scope) => scope.name));
    const all = await checkboxValues(page, 'form');
    expect(all.slice(0, common.length)).toEqual(common);
    expect([...all].sort()).toEqual(SCOPE_AREAS.flatMap((area) => area.scopes.map((scope) => scope.name)).sort());
    expect(await page.getByRole('checkbox', { name: /^Work Items: Read & write —/ }).isVisible()).toBe(true);

    // Full access stays apart and stands out (the danger colour, not the text's).
    const fullAccess = page.locator('label[for="access-full"] .full-access');
    expect(await fullAccess.textContent()).toBe('Full access');
    expect(
      await fullAccess.evaluate(
        (element) => (globalThis as unknown as BrowserGlobals).getComputedStyle(element as unknown as DomElement).color,
      ),
    ).toBe('rgb(180, 35, 24)');
  });

  it('opens the areas that hold a chosen scope, on the edit form and on a form sent back', async () => {
    const page = await signedIn('desktop');
    const wikiExport = tokenNamed('wiki-export')!;
    expect(wikiExport.scope).toBe('vso.wiki');
    await page.goto(`${e2e.h.appUrl}/tokens/${wikiExport.authorizationId}/edit`);
    expect(await openAreas(page)).toEqual(['Wiki']);
    expect(
      await page
        .getByRole('group', { name: 'Wiki' })
        .getByRole('checkbox', { name: /^Read —/ })
        .isChecked(),
    ).toBe(true);

    // A common scope needs no open area; a scope in an area keeps it open when the form comes back.
    await page.goto(`${e2e.h.appUrl}/tokens/new`);
    await page.getByRole('checkbox', { name: /^Packaging: Read —/ }).check();
    await page.locator('summary', { hasText: 'Symbols' }).click();
    await page
      .getByRole('group', { name: 'Symbols' })
      .getByRole('checkbox', { name: /^Read —/ })
      .check();
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('heading', { name: 'Please correct this and send the form again' }).waitFor();
    expect(await openAreas(page)).toEqual(['Symbols']);
    expect(await page.getByRole('checkbox', { name: /^Packaging: Read —/ }).isChecked()).toBe(true);
    expect(
      await page
        .getByRole('group', { name: 'Symbols' })
        .getByRole('checkbox', { name: /^Read —/ })
        .isChecked(),
    ).toBe(true);
  });

  it('narrows the areas by name as you type, without sending the form or changing what is chosen', async () => {
    const page = await signedIn('desktop');
    await page.goto(`${e2e.h.appUrl}/tokens/new`);
    await page.getByLabel('Name').fill('filtered-choice');
    await page.locator('summary', { hasText: 'Wiki' }).click();
    await page
      .getByRole('group', { name: 'Wiki' })
      .getByRole('checkbox', { name: /^Read —/ })
      .check();

    const filter = page.getByRole('searchbox', { name: 'Find an area' });
    const status = page.locator('#scope-filter-status');
    await filter.fill('SEC');
    expect(await shownAreas(page)).toEqual(['Advanced Security', 'Secure Files', 'Security']);
    expect(await status.textContent()).toBe(`3 of ${SCOPE_AREAS.length} areas shown.`);
    const violations = (await scanAccessibility(page)).filter(isBlocking);
    expect(violations, describeViolations(violations)).toEqual([]);
    await filter.fill('nothing like it');
    expect(await shownAreas(page)).toEqual([]);
    expect(await status.textContent()).toBe('No area\'s name contains "nothing like it".');
    // Enter in the box narrows; it does not send the form.
    await filter.fill('code');
    await filter.press('Enter');
    expect(await shownAreas(page)).toEqual(['Code']);
    expect(page.url()).toBe(`${e2e.h.appUrl}/tokens/new`);
    expect(tokenNamed('filtered-choice')).toBeUndefined();

    // The Wiki area is out of sight, and its choice is still sent.
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('heading', { name: 'Token "filtered-choice" created' }).waitFor();
    expect(tokenNamed('filtered-choice')?.scope).toBe('vso.wiki');

    await page.goto(`${e2e.h.appUrl}/tokens/new`);
    await page.getByRole('searchbox', { name: 'Find an area' }).fill('');
    expect(await shownAreas(page)).toHaveLength(SCOPE_AREAS.length);
  });

  it('works without script: no filter box, areas open on a click, the form is sent', async () => {
    const page = await signedIn('desktop', { script: false });
    await page.goto(`${e2e.h.appUrl}/tokens/new`);
    expect(await page.getByRole('searchbox', { name: 'Find an area' }).count()).toBe(0);
    expect(await page.locator('.scope-filter').isVisible()).toBe(false);
    await page.getByLabel('Name').fill('made-without-script');
    await page.locator('summary', { hasText: 'Release' }).click();
    await page
      .getByRole('group', { name: 'Release' })
      .getByRole('checkbox', { name: /^Read —/ })
      .check();
    await page.getByRole('checkbox', { name: /^Code: Read —/ }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('heading', { name: 'Token "made-without-script" created' }).waitFor();
    expect(tokenNamed('made-without-script')?.scope).toBe('vso.code vso.release');
  });
});

describe('the header', () => {
  /** Where the header's parts are, and whether they show. */
  const headerFacts = (page: Page) =>
    page.evaluate(() => {
      const { document, getComputedStyle } = globalThis as unknown as BrowserGlobals;
      const box = (selector: string) => {
        const element = document.querySelectorAll(selector)[0];
        const rect = element?.getBoundingClientRect();
        return {
          shown: element !== undefined && getComputedStyle(element).display !== 'none' && (rect?.height ?? 0) > 0,
          top: Math.round(rect?.top ?? 0),
          bottom: Math.round(rect?.bottom ?? 0),
          height: Math.round(rect?.height ?? 0),
        };
      };
      return {
        header: box('header.site-header'),
        brand: box('.brand'),
        menu: box('#menu-toggle'),
        nav: box('#site-nav'),
        person: box('.who .person'),
        org: box('.who .org'),
        signOut: box('#sign-out'),
      };
    });
  const menuButton = (page: Page) => page.getByRole('button', { name: 'Menu' });

  it(`is under ${PHONE_HEADER_LIMIT} px tall at 390 px: the person and organization on one line, the links behind "Menu"`, async () => {
    const page = await signedIn('phone');
    const facts = await headerFacts(page);
    console.info(`header at 390 px: ${facts.header.height} px tall (limit ${PHONE_HEADER_LIMIT})`);
    expect(facts.header.height).toBeLessThan(PHONE_HEADER_LIMIT);
    expect(facts).toMatchObject({
      menu: { shown: true },
      nav: { shown: false },
      signOut: { shown: false },
      person: { shown: true },
      org: { shown: true },
    });
    expect(facts.org.top, "the organization on the person's line").toBe(facts.person.top);
    expect(await page.locator('.who .org').textContent()).toContain('contoso');
    expect(await menuButton(page).getAttribute('aria-expanded')).toBe('false');
    await page.screenshot({
      path: join(DOCS_DIR, 'phone-header.png'),
      clip: { x: 0, y: 0, width: 390, height: facts.header.bottom + 140 },
      animations: 'disabled',
      caret: 'hide',
    });
  });

  it('wraps a long name and organization rather than scroll sideways or hide "switch"', async () => {
    const organization = { accountId: randomUUID(), accountName: 'fabrikam-platform-engineering-and-operations-emea' };
    const person = {
      objectId: randomUUID(),
      memberId: randomUUID(),
      displayName: 'Maximiliana Featherstonehaugh-Worthington',
      username: 'maximiliana@contoso.example',
      organizations: [organization.accountName],
    };
    const control = e2e.h.emulator.control;
    control.addOrganization(organization);
    control.addPerson(person);
    try {
      const session = await e2e.newSession({ width: 'phone' });
      sessions.push(session);
      await signInAs(session.page, e2e.h.appUrl, person);
      const { page } = session;
      const facts = await headerFacts(page);
      console.info(
        `header at 390 px with a 41-character name and a 49-character organization: ${facts.header.height} px tall`,
      );
      const layout = await layoutOf(page);
      expect(layout.stickingOut).toEqual([]);
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.viewportWidth);
      expect(await page.locator('.who .org').textContent()).toContain(organization.accountName);
      expect(await page.locator('.who .org').evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(
        true,
      );
      expect(await page.getByRole('link', { name: 'switch organization' }).isVisible()).toBe(true);
    } finally {
      control.removePerson(person.objectId);
      control.removeOrganization(organization.accountName);
    }
  });

  it('"Menu" shows the links and "Sign out"; Escape folds them again and gives focus back to "Menu"', async () => {
    const page = await signedIn('phone');
    await menuButton(page).click();
    expect(await menuButton(page).getAttribute('aria-expanded')).toBe('true');
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const link of ['Tokens', 'All organizations', 'Expiry watch', 'Activity', 'New token'])
      expect(await nav.getByRole('link', { name: link }).isVisible(), link).toBe(true);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    const layout = await layoutOf(page);
    expect(layout.scrollWidth, 'the open menu scrolls sideways').toBeLessThanOrEqual(layout.viewportWidth);
    const violations = (await scanAccessibility(page)).filter(isBlocking);
    expect(violations, describeViolations(violations)).toEqual([]);
    const facts = await headerFacts(page);
    await page.screenshot({
      path: join(DOCS_DIR, 'phone-header-menu.png'),
      clip: { x: 0, y: 0, width: 390, height: facts.header.bottom + 20 },
      animations: 'disabled',
      caret: 'hide',
    });

    // By keyboard: into the links, then Escape.
    await page.keyboard.press('Tab');
    expect(describeFocus(await focused(page))).toBe('link "Tokens"');
    await page.keyboard.press('Escape');
    expect(describeFocus(await focused(page))).toBe('button "Menu"');
    expect(await menuButton(page).getAttribute('aria-expanded')).toBe('false');
    expect(await nav.isVisible()).toBe(false);

    // And the links lead somewhere.
    await menuButton(page).press('Enter');
    await nav.getByRole('link', { name: 'Expiry watch' }).click();
    await page.waitForURL(`${e2e.h.appUrl}/expiring`);
    expect(await menuButton(page).getAttribute('aria-expanded')).toBe('false');
  });

  it('is unchanged at 1280 px: no "Menu", the links, the person and "Sign out" on the brand\'s row', async () => {
    const page = await signedIn('desktop');
    const facts = await headerFacts(page);
    expect(facts).toMatchObject({
      menu: { shown: false },
      nav: { shown: true },
      person: { shown: true },
      org: { shown: true },
      signOut: { shown: true },
    });
    for (const part of [facts.nav, facts.person, facts.org, facts.signOut])
      expect(part.top < facts.brand.bottom && part.bottom > facts.brand.top, "on the brand's row").toBe(true);
    expect(facts.header.height).toBeLessThan(70);

    // Room for one more link (an administrator's "Audit" is coming) without a second row.
    await page.evaluate(() => {
      const { document } = globalThis as unknown as {
        document: {
          createElement(tag: string): { innerHTML: string };
          querySelector(selector: string): { append(node: unknown): void };
        };
      };
      const item = document.createElement('li');
      item.innerHTML = '<a href="/audit">Audit</a>';
      document.querySelector('.nav-links').append(item);
    });
    expect((await headerFacts(page)).header.height).toBe(facts.header.height);
  });
});

describe('the new secret', () => {
  it.each(['phone', 'desktop'] as const)(
    'is readable whole at %s width, in monospace, and the one Copy button copies it all',
    async (width) => {
      const page = await signedIn(width);
      await page.goto(`${e2e.h.appUrl}/tokens/new`);
      await page.getByLabel('Name').fill(`secret-on-${width}`);
      await page.getByRole('checkbox', { name: /^Code: Read —/ }).check();
      await page.getByRole('button', { name: 'Create token' }).click();
      const field = page.getByRole('textbox', { name: 'Your new personal access token' });
      const secret = await field.inputValue();
      expect(secret).toMatch(/^[A-Za-z0-9]{84}$/);
      const fit = await field.evaluate((element) => {
        const { getComputedStyle, innerWidth } = globalThis as unknown as BrowserGlobals;
        const box = element as unknown as DomElement;
        return {
          scrollHeight: box.scrollHeight,
          clientHeight: box.clientHeight,
          scrollWidth: box.scrollWidth,
          clientWidth: box.clientWidth,
          right: box.getBoundingClientRect().right,
          innerWidth,
          fontFamily: getComputedStyle(box).fontFamily,
        };
      });
      console.info(
        `secret at ${width} width: ${fit.clientWidth}x${fit.clientHeight} px box, content ${fit.scrollWidth}x${fit.scrollHeight} px`,
      );
      expect(fit.scrollWidth, 'nothing cut off on the right').toBeLessThanOrEqual(fit.clientWidth);
      expect(fit.scrollHeight, 'nothing cut off below').toBeLessThanOrEqual(fit.clientHeight);
      expect(fit.right).toBeLessThanOrEqual(fit.innerWidth);
      expect(fit.fontFamily).toMatch(/monospace/);
      if (width === 'phone')
        await page.screenshot({ path: join(DOCS_DIR, 'phone-secret.png'), animations: 'disabled', caret: 'hide' });

      expect(await page.getByRole('button', { name: /^Cop/ }).count()).toBe(1);
      await page.getByRole('button', { name: 'Copy' }).click();
      await page.getByRole('button', { name: 'Copied' }).waitFor();
      expect(describeFocus(await focused(page))).toBe('button "Copied"');
      expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    },
  );
});

describe('a form sent back with errors', () => {
  it('puts focus on its summary, and each link in it puts focus on its field', async () => {
    const page = await signedIn('desktop');
    await page.goto(`${e2e.h.appUrl}/tokens/new`);
    await page.getByRole('radio', { name: 'On a date of my choice' }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('heading', { name: 'Please correct these and send the form again' }).waitFor();
    // Once the page's deferred scripts have run: error-summary.js places the focus.
    const activeIsSummary = async () => {
      await page.waitForLoadState('load');
      return page.evaluate(
        () => (globalThis as unknown as BrowserGlobals).document.activeElement?.matches('.error-summary') ?? false,
      );
    };
    expect(await activeIsSummary()).toBe(true);

    const links = page.locator('.error-summary a');
    const targets = await links.evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href')));
    expect(targets).toEqual(['#displayName', '#customDate', '#access-custom']);
    for (const [index, target] of targets.entries()) {
      await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
      await links.nth(index).click();
      const where = await page.evaluate(() => {
        const { document, innerHeight } = globalThis as unknown as BrowserGlobals;
        const rect = document.activeElement?.getBoundingClientRect();
        return {
          id: document.activeElement?.id,
          inView: rect !== undefined && rect.top >= 0 && rect.bottom <= innerHeight,
        };
      });
      expect(where, `after the link to ${target}`).toEqual({ id: target!.slice(1), inView: true });
    }

    // The edit form too.
    await page.goto(`${e2e.h.appUrl}/tokens/${tokenNamed('ci-pipeline')!.authorizationId}/edit`);
    await page.getByLabel('Name').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Please correct this and send the form again' }).waitFor();
    expect(await activeIsSummary()).toBe(true);
  });
});
