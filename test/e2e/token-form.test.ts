// The new-token form's choices in Chromium (issue 23, item 2: choices silently ignored): typing a
// date chooses "On a date of my choice"; Full access disables the scope list; a pasted name longer
// than 100 characters is kept whole, counted, and refused with what was typed. Axe clean throughout.
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADA } from '../support/sign-in.ts';
import { describeViolations, isBlocking, scanAccessibility } from './support/accessibility.ts';
import { browserTestFile } from './support/sessions.ts';

const file = browserTestFile();
const tokensNamed = (prefix: string) =>
  file
    .world()
    .h.emulator.control.devops.tokens(ADA.objectId)
    .filter((token) => token.displayName.startsWith(prefix));

async function newTokenForm(): Promise<Page> {
  const page = await file.signedIn('desktop');
  await page.getByRole('link', { name: 'New token' }).first().click();
  await page.getByRole('heading', { name: 'New personal access token' }).waitFor();
  return page;
}

async function expectAxeClean(page: Page) {
  const blocking = (await scanAccessibility(page)).filter(isBlocking);
  expect(blocking, describeViolations(blocking)).toEqual([]);
}

it('ticks "On a date of my choice" when a date is typed, and the token expires on that date', async () => {
  const page = await newTokenForm();
  const day = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('Name', { exact: true }).fill('dated-by-typing');
  await page.getByRole('group', { name: 'Common scopes' }).getByRole('checkbox').first().check();
  expect(await page.getByRole('radio', { name: '30 days from now' }).isChecked()).toBe(true);
  await page.getByLabel(/^Date \(valid through/).fill(day);
  expect(await page.getByRole('radio', { name: 'On a date of my choice' }).isChecked()).toBe(true);
  // Choosing a number of days afterwards empties the date box: the form never holds both.
  await page.getByRole('radio', { name: '60 days from now' }).check();
  expect(await page.getByLabel(/^Date \(valid through/).inputValue()).toBe('');
  await page.getByLabel(/^Date \(valid through/).fill(day);
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.getByRole('heading', { level: 1 }).filter({ hasText: 'created' }).waitFor();
  expect(tokensNamed('dated-by-typing').map((token) => token.validTo)).toEqual([`${day}T23:59:59Z`]);
});

it('disables the scope list while Full access is chosen, and enables it again for chosen scopes', async () => {
  const page = await newTokenForm();
  const common = page.getByRole('group', { name: 'Common scopes' });
  await common.getByRole('checkbox').first().check();
  await page.getByRole('radio', { name: /Full access/ }).check();
  expect(await common.getByRole('checkbox').first().isDisabled()).toBe(true);
  await page.getByText('Full access already allows everything, so the scopes below are not used.').waitFor();
  await expectAxeClean(page);
  await page.getByRole('radio', { name: /^Only the scopes I choose/ }).check();
  expect(await common.getByRole('checkbox').first().isDisabled()).toBe(false);
  expect(await common.getByRole('checkbox').first().isChecked()).toBe(true);
  expect(await page.getByText('Full access already allows everything').isVisible()).toBe(false);
});

it('keeps a pasted name longer than 100 characters whole, counts it, and refuses it with what was typed', async () => {
  const page = await newTokenForm();
  const name = `${'pasted-name-'.repeat(12)}end`;
  const counter = page.locator('#displayName-count');
  expect(await counter.getAttribute('aria-live')).toBe('polite');
  await page.getByLabel('Name', { exact: true }).fill('short');
  expect(await counter.textContent()).toBe('5 of 100 characters');
  await page.getByLabel('Name', { exact: true }).fill(name);
  expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe(name);
  expect(await counter.textContent()).toBe(`${name.length} of 100 characters: ${name.length - 100} too many.`);
  await page.getByRole('group', { name: 'Common scopes' }).getByRole('checkbox').first().check();
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.getByText(`Keep the name to 100 characters or fewer: this one has ${name.length}.`).first().waitFor();
  expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe(name);
  expect(tokensNamed('pasted-name-')).toEqual([]);
  await expectAxeClean(page);
});
