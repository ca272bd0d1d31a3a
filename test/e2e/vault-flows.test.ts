// Key Vault in a real browser, with the mouse: create a token straight into a vault (the sign-in
// that consents to Key Vault comes first and brings the person back to the form as they left it),
// see where the secret lives, rotate it keeping the old token for a grace period, and revoke that
// old token from the expiry watch. The secret is never on a page.
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
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
  session = await e2e.newSession();
  page = session.page;
  await signInAs(page, e2e.h.appUrl, ADA);
});
afterEach(async () => {
  try {
    session.problems.assertNone('in the browser');
  } finally {
    await session.close();
  }
});

const heading = () => page.getByRole('heading', { level: 1 });
const tokensNamed = (name: string) =>
  e2e.h.emulator.control.devops.tokens(ADA.objectId).filter((token) => token.displayName === name);

it('creates a token into Key Vault after consenting, rotates it with a grace period, and revokes the old one from the expiry watch', async () => {
  const vaultUrl = e2e.h.emulator.control.keyVault.vaultUrl('ada-pats');
  await page.getByRole('link', { name: 'New token' }).first().click();
  await page.getByLabel('Name', { exact: true }).fill('Release agent (prod)');
  await page
    .getByRole('group', { name: 'Common scopes' })
    .getByRole('checkbox', { name: /^Build: Read & execute —/ })
    .check();
  await page.getByRole('radio', { name: 'Store it in Azure Key Vault (it is never shown)' }).check();
  await page.getByLabel('Vault address').fill(vaultUrl);
  await page.getByRole('button', { name: 'Create token' }).click();

  // Not consented yet: the emulator's sign-in asks for Key Vault; then back to the form, as typed.
  // (waitFor, not isVisible: isVisible answers at once, while the page the click opened may still be loading.)
  await page.getByText('Azure Key Vault: Have full access to the Azure Key Vault service').waitFor();
  await page.getByRole('button', { name: /^Ada Lovelace/ }).click();
  await page.waitForURL(/\/tokens\/new\?draft=/);
  await page
    .getByText('Nothing was created yet: your form is as you left it. Check it, then choose Create token.')
    .waitFor();
  expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Release agent (prod)');
  expect(await page.getByLabel('Vault address').inputValue()).toBe(vaultUrl);
  expect(await page.getByRole('radio', { name: 'Store it in Azure Key Vault (it is never shown)' }).isChecked()).toBe(
    true,
  );
  expect(tokensNamed('Release agent (prod)')).toHaveLength(0);
  await page
    .getByRole('group', { name: 'Common scopes' })
    .getByRole('checkbox', { name: /^Build: Read & execute —/ })
    .check();
  await page.getByRole('button', { name: 'Create token' }).click();

  expect(await heading().textContent()).toBe('Token "Release agent (prod)" created and stored in Key Vault');
  const [stored] = e2e.h.emulator.control.keyVault.secretVersions('ada-pats', 'release-agent-prod-pat');
  expect(await page.content()).toContain(stored!.version);
  expect(await page.content()).not.toContain(stored!.value);

  // The list says where it lives; its page offers rotation.
  await page.getByRole('link', { name: 'Back to your tokens' }).click();
  await page.getByText('Key Vault: ada-pats/release-agent-prod-pat').waitFor();
  await page.getByRole('link', { name: 'Release agent (prod)', exact: true }).click();
  await page.getByRole('link', { name: 'Rotate', exact: true }).click();
  expect(await heading().textContent()).toBe('Rotate "Release agent (prod)"');
  await page.getByRole('radio', { name: '60 days from now' }).check();
  await page.getByRole('radio', { name: /^Keep it until a day I choose/ }).check();
  const keepUntil = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel(/^Keep until/).fill(keepUntil);
  await page.getByRole('button', { name: 'Rotate' }).click();
  expect(await heading().textContent()).toBe('Token rotated');
  const versions = e2e.h.emulator.control.keyVault.secretVersions('ada-pats', 'release-agent-prod-pat');
  expect(versions).toHaveLength(2);
  expect(await page.content()).not.toContain(versions[1]!.value);
  expect(tokensNamed('Release agent (prod)').filter((token) => !token.revoked)).toHaveLength(2);

  // The expiry watch lists the old token to revoke after rotation.
  await page.getByRole('link', { name: 'Expiry watch' }).first().click();
  await page.getByRole('heading', { name: 'Revoke after rotation or regenerate (1)' }).waitFor();
  await page.getByRole('link', { name: 'Revoke the old Release agent (prod)' }).click();
  await page.getByRole('heading', { name: 'Revoke "Release agent (prod)"?' }).waitFor();
  await page.getByText('This is the old token a replacement kept').waitFor();
  await page.getByRole('button', { name: 'Revoke this token' }).click();
  await page.waitForURL(/\/expiring$/);
  await expect(page.locator('.flash').first().textContent()).resolves.toContain('Revoked "Release agent (prod)"');
  expect(tokensNamed('Release agent (prod)').filter((token) => !token.revoked)).toHaveLength(1);
});

it('turns automatic rotation on from a vault token’s page, sees it rotate on the Automation page after the clock moves, and stops it', async () => {
  const vaultUrl = e2e.h.emulator.control.keyVault.vaultUrl('ada-pats');
  await page.goto(`${e2e.h.appUrl}/tokens/new`);
  await page.getByLabel('Name', { exact: true }).fill('nightly sync');
  await page
    .getByRole('group', { name: 'Common scopes' })
    .getByRole('checkbox', { name: /^Code: Read —/ })
    .check();
  await page.getByRole('radio', { name: 'Store it in Azure Key Vault (it is never shown)' }).check();
  await page.getByLabel('Vault address').fill(vaultUrl);
  await page.getByRole('button', { name: 'Create token' }).click();
  if (await page.getByRole('button', { name: /^Ada Lovelace/ }).count()) {
    await page.getByRole('button', { name: /^Ada Lovelace/ }).click();
    await page.getByRole('button', { name: 'Create token' }).click();
  }
  await page.getByRole('heading', { level: 1, name: /created and stored in Key Vault/ }).waitFor();
  const [old] = tokensNamed('nightly sync');

  await page.goto(`${e2e.h.appUrl}/tokens/${old!.authorizationId}`);
  await page.getByLabel('Keep the old token for this many days').fill('1');
  await page.getByRole('button', { name: 'Rotate automatically' }).click();
  await page.waitForURL(/\/automation$/);
  await page.getByText('"nightly sync" rotates itself from now on').waitFor();

  e2e.h.clock.advanceDays(23.01);
  await e2e.h.app.runDueJobs();
  await page.reload();
  await page.getByText(/Rotated; the old token is revoked on/).waitFor();
  expect(tokensNamed('nightly sync').filter((token) => !token.revoked)).toHaveLength(2);

  await page.getByRole('button', { name: /^Stop\b.*nightly sync/ }).click();
  await page.getByText('"nightly sync" no longer rotates itself.').waitFor();
  e2e.h.clock.reset();
});
