// Every page a person can meet, in a state worth looking at: signed out and signed in, empty and
// full lists, forms with errors, error pages, and the emulator's own pages. Each entry opens its
// page from a signed-in (or signed-out) browser; before each, the emulator is back to its demo
// seed with no faults. test/e2e/pages.test.ts scans each for accessibility, checks its layout at
// desktop and phone widths and saves a screenshot. New pages belong here.
import { suggestSecretName } from '../../../src/keyvault/vault-address.ts';
import type { Page } from 'playwright-core';
import type { RunningEmulator } from '../../../src/emulator/index.ts';
import { ADA, GRACE } from '../../support/sign-in.ts';
import { httpsRequest } from '../../emulator/support/https-request.ts';

export type Visitor = 'nobody' | 'ada' | 'grace' | 'alan';

export interface World {
  appUrl: string;
  emulator: RunningEmulator;
  /** The id of one of Ada's demo tokens. */
  tokenId(name: string): string;
}

export interface PageVisit {
  /** The screenshot's file name. */
  name: string;
  who: Visitor;
  /** The HTTP status of the page finally shown. */
  status: number;
  open(page: Page, world: World): Promise<unknown>;
}

const ABSENT_TOKEN = '00000000-0000-4000-8000-000000000000';

/** Revokes one of Ada's tokens the way a person does: its confirmation page, then the button. */
async function revokeThroughConfirmation(page: Page, w: World, tokenName: string): Promise<void> {
  await page.goto(`${w.appUrl}/tokens/${w.tokenId(tokenName)}/revoke`);
  await page.getByRole('button', { name: 'Revoke this token' }).click();
  await page.waitForURL(`${w.appUrl}/`);
}

/** Types a code on the emulator's /devicelogin page, as a person with a device's code does. */
async function enterDeviceCode(page: Page, w: World, code: string): Promise<void> {
  await page.goto(`${w.emulator.origin}/devicelogin`);
  await page.getByLabel('Code').fill(code);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.waitForLoadState();
}

async function submitTokenForm(page: Page, fill: (page: Page) => Promise<void>, button: string): Promise<void> {
  await fill(page);
  await page.getByRole('button', { name: button }).click();
  await page.waitForLoadState();
}

/**
 * The organization audit as Grace (contoso's administrator) sees it. On a busy machine its
 * "gathering" page shows first and reloads itself (Refresh header) until the audit is ready.
 */
export async function openAudit(page: Page, w: Pick<World, 'appUrl'>): Promise<void> {
  await page.goto(`${w.appUrl}/audit`);
  await page.getByRole('heading', { level: 1, name: /^Audit of / }).waitFor({ timeout: 60_000 });
  await page.waitForLoadState('load');
}

/** From the audit, the confirmation for two chosen tokens. */
async function chooseInAudit(page: Page, w: World): Promise<void> {
  await openAudit(page, w);
  const boxes = page.getByRole('checkbox', { name: /^Select / });
  for (const index of [0, 1]) await boxes.nth(index).check();
  await page.getByRole('button', { name: /^Revoke the selected tokens/ }).click();
  await page.waitForURL(/\/audit\/revoke\?/);
}

/**
 * The new-token form sent with "Store it in Azure Key Vault". With `consent`, stops on the emulator's
 * sign-in page that asks for Key Vault (`'stop'`) or picks the person there and stops back on the form
 * (`'back'`); without, goes through that sign-in if asked, and sends the form again.
 */
async function createInVault(
  page: Page,
  w: World,
  options: {
    name: string;
    vault?: string;
    vaultUrl?: string;
    expiry?: string;
    person?: typeof ADA;
    consent?: 'stop' | 'back';
  },
): Promise<void> {
  const person = options.person ?? ADA;
  const fill = async () => {
    await page.getByLabel('Name', { exact: true }).fill(options.name);
    await page.getByRole('radio', { name: `${options.expiry ?? '30'} days from now` }).check();
    await page
      .getByRole('group', { name: 'Common scopes' })
      .getByRole('checkbox', { name: /^Code: Read —/ })
      .check();
    await page.getByRole('radio', { name: 'Store it in Azure Key Vault (it is never shown)' }).check();
    await page
      .getByLabel('Vault address')
      .fill(options.vaultUrl ?? w.emulator.control.keyVault.vaultUrl(options.vault ?? 'ada-pats'));
  };
  if (options.consent) w.emulator.control.revokeConsents(person.objectId);
  // Each visit creates a new token into a new secret: the app refuses a secret name that already
  // holds another token (an earlier visit's), as it should.
  w.emulator.control.keyVault.purgeSecret(options.vault ?? 'ada-pats', suggestSecretName(options.name));
  await page.goto(`${w.appUrl}/tokens/new`);
  await submitTokenForm(page, fill, 'Create token');
  if (!page.url().startsWith(w.emulator.origin)) return;
  if (options.consent === 'stop') return;
  await page.getByRole('button', { name: new RegExp(`^${person.displayName}`) }).click();
  await page.waitForURL(/\/tokens\/new\?draft=/);
  if (options.consent === 'back') return;
  await page
    .getByRole('group', { name: 'Common scopes' })
    .getByRole('checkbox', { name: /^Code: Read —/ })
    .check();
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.waitForLoadState();
}

/** A token of Ada's whose secret is in her vault, by name (creating it through the form). */
async function tokenInVault(page: Page, w: World, name: string, expiry = '30'): Promise<string> {
  await createInVault(page, w, { name, expiry });
  const token = w.emulator.control.devops
    .tokens(ADA.objectId)
    .find((candidate) => candidate.displayName === name && !candidate.revoked);
  if (!token) throw new Error(`no token ${name} was created in the vault`);
  return token.authorizationId;
}

/**
 * Saves the Notifications form as it is. The first time, mail asks "Send mail as you": the
 * emulator's sign-in (the person's button), then back to the form, saved again.
 */
async function saveReminders(page: Page, w: World, person: string): Promise<void> {
  await page.goto(`${w.appUrl}/notifications`);
  const save = page.getByRole('button', { name: 'Save', exact: true });
  await save.click();
  const consent = page.getByRole('button', { name: new RegExp(`^${person}`) });
  const saved = page.getByText('Reminders saved');
  await consent.or(saved).first().waitFor();
  if (await consent.count()) {
    await consent.click();
    await page.getByText('Nothing was saved yet').waitFor();
    await save.click();
    await saved.waitFor();
  }
}

export const PAGE_CATALOGUE: readonly PageVisit[] = [
  // Signed out
  { name: 'welcome', who: 'nobody', status: 200, open: (page, w) => page.goto(w.appUrl) },
  { name: 'emulator-sign-in', who: 'nobody', status: 200, open: (page, w) => page.goto(`${w.appUrl}/login`) },
  {
    name: 'sign-in-declined',
    who: 'nobody',
    status: 403,
    open: async (page, w) => {
      await page.goto(`${w.appUrl}/login`);
      await page.getByRole('button', { name: 'Decline: do not sign in' }).click();
      await page.waitForURL((url) => url.origin === w.appUrl);
    },
  },
  { name: 'page-not-found', who: 'nobody', status: 404, open: (page, w) => page.goto(`${w.appUrl}/no-such-page`) },
  {
    name: 'emulator-signed-out',
    who: 'nobody',
    status: 200,
    open: (page, w) => page.goto(`${w.emulator.origin}/${w.emulator.tenantId}/oauth2/v2.0/logout`),
  },
  {
    name: 'emulator-error',
    who: 'nobody',
    status: 400,
    open: (page, w) =>
      page.goto(
        `${w.emulator.origin}/${w.emulator.tenantId}/oauth2/v2.0/authorize?client_id=${ABSENT_TOKEN}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(`${w.appUrl}/getAToken`)}`,
      ),
  },
  // The emulator's device code pages (npm run register signs a person in there).
  {
    name: 'emulator-device-code',
    who: 'nobody',
    status: 200,
    open: (page, w) => page.goto(`${w.emulator.origin}/devicelogin`),
  },
  {
    name: 'emulator-device-code-wrong',
    who: 'nobody',
    status: 400,
    open: (page, w) => enterDeviceCode(page, w, 'WRONGCODE'),
  },
  {
    name: 'emulator-device-code-accounts',
    who: 'nobody',
    status: 200,
    open: async (page, w) => {
      const answer = await httpsRequest(`${w.emulator.origin}/organizations/oauth2/v2.0/devicecode`, {
        method: 'POST',
        caCertificatePem: w.emulator.caCertificatePem,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: '14d82eec-204b-4c2f-b7e8-296a70dab67e',
          scope: 'https://graph.microsoft.com/Application.ReadWrite.All offline_access',
        }).toString(),
      });
      await enterDeviceCode(page, w, (JSON.parse(answer.body) as { user_code: string }).user_code);
    },
  },

  // Signed in: the token list
  { name: 'tokens-active', who: 'ada', status: 200, open: (page, w) => page.goto(w.appUrl) },
  { name: 'tokens-all', who: 'ada', status: 200, open: (page, w) => page.goto(`${w.appUrl}/?status=all`) },
  {
    name: 'tokens-page-2',
    who: 'ada',
    status: 200,
    open: async (page, w) => {
      await page.goto(`${w.appUrl}/?status=all&size=10`);
      await page.getByRole('link', { name: 'Next page' }).click();
      await page.waitForURL(/page=2/);
    },
  },
  {
    name: 'tokens-page-3-with-previous',
    who: 'ada',
    status: 200,
    open: async (page, w) => {
      await page.goto(`${w.appUrl}/?status=all&size=10`);
      for (const n of [2, 3]) {
        await page.getByRole('link', { name: 'Next page' }).click();
        await page.waitForURL(new RegExp(`page=${n}`));
      }
    },
  },
  {
    name: 'tokens-by-created',
    who: 'ada',
    status: 200,
    open: (page, w) => page.goto(`${w.appUrl}/?status=all&sort=created&order=desc&size=10`),
  },
  {
    name: 'tokens-empty',
    who: 'ada',
    status: 200,
    open: (page, w) => {
      w.emulator.control.devops.clearTokens(ADA.objectId);
      return page.goto(w.appUrl);
    },
  },
  {
    name: 'tokens-after-revoke',
    who: 'ada',
    status: 200,
    open: async (page, w) => {
      await revokeThroughConfirmation(page, w, 'ci-pipeline');
    },
  },
  { name: 'organizations', who: 'ada', status: 200, open: (page, w) => page.goto(`${w.appUrl}/organizations`) },

  // Signed in: one token
  { name: 'token-new', who: 'ada', status: 200, open: (page, w) => page.goto(`${w.appUrl}/tokens/new`) },
  {
    name: 'token-new-errors',
    who: 'ada',
    status: 422,
    open: async (page, w) => {
      await page.goto(`${w.appUrl}/tokens/new`);
      await submitTokenForm(
        page,
        (form) => form.getByRole('radio', { name: 'On a date of my choice' }).check(),
        'Create token',
      );
    },
  },
  {
    name: 'token-created',
    who: 'ada',
    status: 200,
    open: async (page, w) => {
      await page.goto(`${w.appUrl}/tokens/new`);
      await submitTokenForm(
        page,
        async (form) => {
          await form.getByLabel('Name').fill('nightly build on ci-01');
          await form.getByRole('checkbox', { name: /^Build: Read & execute —/ }).check();
          await form.getByRole('checkbox', { name: /^Code: Read —/ }).check();
        },
        'Create token',
      );
    },
  },
  {
    name: 'token-details',
    who: 'ada',
    status: 200,
    open: (page, w) => page.goto(`${w.appUrl}/tokens/${w.tokenId('ci-pipeline')}`),
  },
  {
    name: 'token-details-full-access',
    who: 'ada',
    status: 200,
    open: (page, w) => page.goto(`${w.appUrl}/tokens/${w.tokenId('admin-break-glass')}`),
  },
  {
    name: 'token-details-revoked',
    who: 'ada',
    status: 200,
    open: (page, w) => page.goto(`${w.appUrl}/tokens/${w.tokenId('leaked-in-ci-logs')}`),
  },
  {
    name: 'token-edit',
    who: 'ada',
    status: 200,
    open: (page, w) => page.goto(`${w.appUrl}/tokens/${w.tokenId('ci-pipeline')}/edit`),
  },
  // A scope outside the common ones (vso.wiki): its area is open.
  {
    name: 'token-edit-area-open',
    who: 'ada',
    status: 200,
    open: (page, w) => page.goto(`${w.appUrl}/tokens/${w.tokenId('wiki-export')}/edit`),
  },
  {
    name: 'token-edit-errors',
    who: 'ada',
    status: 422,
    open: async (page, w) => {
      await page.goto(`${w.appUrl}/tokens/${w.tokenId('ci-pipeline')}/edit`);
      await submitTokenForm(page, (form) => form.getByLabel('Name').fill(''), 'Save changes');
    },
  },
  {
    name: 'token-revoke',
    who: 'ada',
    status: 200,
    open: (page, w) => page.goto(`${w.appUrl}/tokens/${w.tokenId('ci-pipeline')}/revoke`),
  },
  {
    name: 'token-regenerate',
    who: 'ada',
    status: 200,
    open: (page, w) => page.goto(`${w.appUrl}/tokens/${w.tokenId('sonar-scanner')}/regenerate`),
  },
  {
    name: 'token-regenerated',
    who: 'ada',
    status: 200,
    open: async (page, w) => {
      await page.goto(`${w.appUrl}/tokens/${w.tokenId('sonar-scanner')}/regenerate`);
      await page.getByRole('button', { name: 'Regenerate' }).click();
      await page.waitForLoadState();
    },
  },
  // After the end of global tokens: several organizations, replace, renew.
  {
    name: 'token-created-several-organizations',
    who: 'ada',
    status: 200,
    open: async (page, w) => {
      await page.goto(`${w.appUrl}/tokens/new`);
      await page.getByLabel('Name', { exact: true }).fill('cross-org-reader');
      await page.getByRole('radio', { name: /^Several organizations/ }).check();
      for (const organization of ['contoso', 'fabrikam'])
        await page.getByRole('checkbox', { name: organization, exact: true }).check();
      await submitTokenForm(
        page,
        (form) =>
          form
            .getByRole('group', { name: 'Common scopes' })
            .getByRole('checkbox', { name: /^Code: Read —/ })
            .check(),
        'Create token',
      );
    },
  },
  {
    name: 'token-replace',
    who: 'ada',
    status: 200,
    open: (page, w) => page.goto(`${w.appUrl}/tokens/${w.tokenId('helm-chart-publish')}/replace`),
  },
  {
    name: 'token-replace-stopped-halfway',
    who: 'ada',
    status: 502,
    open: async (page, w) => {
      w.emulator.control.injectFault({ target: 'pats', method: 'POST', status: 500, skip: 1, times: 1 });
      await page.goto(`${w.appUrl}/tokens/${w.tokenId('helm-chart-publish')}/replace`);
      await page.getByRole('button', { name: 'Replace' }).click();
      await page.waitForLoadState();
    },
  },
  {
    name: 'tokens-replace-all',
    who: 'ada',
    status: 200,
    open: (page, w) => page.goto(`${w.appUrl}/tokens/replace-global`),
  },
  {
    name: 'token-renew',
    who: 'ada',
    status: 200,
    open: (page, w) => page.goto(`${w.appUrl}/tokens/${w.tokenId('legacy-jenkins')}/renew`),
  },
  {
    name: 'token-renewed',
    who: 'ada',
    status: 200,
    open: async (page, w) => {
      await page.goto(`${w.appUrl}/tokens/${w.tokenId('legacy-jenkins')}/renew`);
      await page.getByRole('button', { name: 'Renew' }).click();
      await page.waitForLoadState();
    },
  },
  { name: 'sign-out', who: 'ada', status: 200, open: (page, w) => page.goto(`${w.appUrl}/logout`) },

  // Signed in: beyond one organization's list
  { name: 'all-organizations', who: 'ada', status: 200, open: (page, w) => page.goto(`${w.appUrl}/all`) },
  { name: 'expiry-watch', who: 'ada', status: 200, open: (page, w) => page.goto(`${w.appUrl}/expiring`) },
  {
    name: 'bulk-revoke-confirm',
    who: 'ada',
    status: 200,
    open: async (page, w) => {
      await page.goto(w.appUrl);
      for (const name of ['wiki-export', 'release-bot'])
        await page.getByRole('checkbox', { name: `Select ${name}` }).check();
      await page.getByRole('button', { name: /^Revoke the selected tokens/ }).click();
      await page.waitForURL(/\/tokens\/bulk\?/);
    },
  },
  {
    name: 'bulk-revoke-result',
    who: 'ada',
    status: 200,
    open: async (page, w) => {
      await page.goto(w.appUrl);
      for (const name of ['wiki-export', 'release-bot'])
        await page.getByRole('checkbox', { name: `Select ${name}` }).check();
      await page.getByRole('button', { name: /^Revoke the selected tokens/ }).click();
      await page.getByRole('button', { name: 'Revoke these 2 tokens' }).click();
      await page.waitForURL(/\/tokens\/bulk\/result/);
    },
  },
  { name: 'activity-empty', who: 'grace', status: 200, open: (page, w) => page.goto(`${w.appUrl}/activity`) },
  {
    name: 'activity',
    who: 'ada',
    status: 200,
    open: async (page, w) => {
      await revokeThroughConfirmation(page, w, 'backlog-report');
      return page.goto(`${w.appUrl}/activity`);
    },
  },

  // Signed in: error pages
  {
    name: 'token-not-found',
    who: 'ada',
    status: 404,
    open: (page, w) => page.goto(`${w.appUrl}/tokens/${ABSENT_TOKEN}`),
  },
  { name: 'unknown-list-options', who: 'ada', status: 400, open: (page, w) => page.goto(`${w.appUrl}/?sort=sideways`) },
  {
    name: 'revoked-cannot-be-edited',
    who: 'ada',
    status: 409,
    open: (page, w) => page.goto(`${w.appUrl}/tokens/${w.tokenId('leaked-in-ci-logs')}/edit`),
  },
  {
    name: 'devops-throttled',
    who: 'ada',
    status: 429,
    open: (page, w) => {
      w.emulator.control.injectFault({ target: 'pats', method: 'GET', status: 429, headers: { 'Retry-After': '30' } });
      return page.goto(w.appUrl);
    },
  },
  {
    name: 'devops-unavailable',
    who: 'ada',
    status: 502,
    open: (page, w) => {
      w.emulator.control.injectFault({ target: 'pats', method: 'GET', status: 503 });
      return page.goto(w.appUrl);
    },
  },
  { name: 'no-organization', who: 'alan', status: 404, open: (page, w) => page.goto(w.appUrl) },

  // The organization audit (administrators only)
  {
    name: 'audit',
    who: 'grace',
    status: 200,
    open: (page, w) => {
      // Slow enough that the "gathering" page shows first and reloads itself, without script, until the audit is ready.
      w.emulator.control.injectFault({ path: '/vssps/*/_apis/graph/users', method: 'GET', delayMs: 2500, times: 1 });
      return openAudit(page, w);
    },
  },
  { name: 'audit-refused', who: 'ada', status: 403, open: (page, w) => page.goto(`${w.appUrl}/audit`) },
  {
    name: 'audit-rules',
    who: 'grace',
    status: 200,
    open: async (page, w) => {
      await openAudit(page, w);
      await page.getByRole('link', { name: /^Revoke tokens by scope and date/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Revoke tokens by scope and date' }).waitFor();
    },
  },
  {
    name: 'audit-rules-count',
    who: 'grace',
    status: 200,
    open: async (page, w) => {
      await openAudit(page, w);
      await page.goto(`${w.appUrl}/audit/rules`);
      await page.getByRole('checkbox', { name: /^Build: Read & execute/ }).check();
      await page.getByRole('button', { name: 'Count the tokens' }).click();
      await page.waitForURL(/\/audit\/rules\/count\?/);
    },
  },
  {
    name: 'audit-rules-errors',
    who: 'grace',
    status: 400,
    open: async (page, w) => {
      await openAudit(page, w);
      await page.goto(`${w.appUrl}/audit/rules`);
      await page.getByRole('button', { name: 'Count the tokens' }).click();
      await page.waitForURL(/\/audit\/rules\/count/);
    },
  },
  { name: 'audit-revoke-confirm', who: 'grace', status: 200, open: chooseInAudit },
  {
    name: 'audit-offboard-errors',
    who: 'grace',
    status: 422,
    open: async (page, w) => {
      await openAudit(page, w);
      // On a phone "Revoke all" is behind the token's "More".
      const more = page.locator('details.audit-more > summary').first();
      if (await more.isVisible()) await more.click();
      await page
        .getByRole('link', { name: /^Revoke all of / })
        .first()
        .click();
      await page.getByLabel(/^Reason/).fill('  ');
      await page.getByRole('button', { name: /^Revoke (this token|these \d+ tokens)$/ }).click();
      await page.waitForLoadState();
    },
  },
  // Signed in: Azure Key Vault
  {
    name: 'vault-consent-sign-in',
    who: 'ada',
    status: 200,
    open: (page, w) => createInVault(page, w, { name: 'agent on build-07', consent: 'stop' }),
  },
  {
    name: 'vault-form-after-consent',
    who: 'ada',
    status: 200,
    open: (page, w) => createInVault(page, w, { name: 'agent on build-07', consent: 'back' }),
  },
  {
    name: 'vault-form-errors',
    who: 'ada',
    status: 422,
    open: (page, w) => createInVault(page, w, { name: 'agent on build-07', vaultUrl: 'https://vault.example.com' }),
  },
  {
    name: 'vault-token-stored',
    who: 'ada',
    status: 200,
    open: (page, w) => createInVault(page, w, { name: 'agent on build-07' }),
  },
  {
    name: 'vault-store-forbidden',
    who: 'grace',
    status: 403,
    open: (page, w) => createInVault(page, w, { name: 'grace release bot', vault: 'grace-pats', person: GRACE }),
  },
  {
    name: 'vault-link',
    who: 'ada',
    status: 200,
    open: (page, w) => page.goto(`${w.appUrl}/tokens/${w.tokenId('ci-pipeline')}/vault`),
  },
  {
    name: 'vault-rotate',
    who: 'ada',
    status: 200,
    open: async (page, w) => page.goto(`${w.appUrl}/tokens/${await tokenInVault(page, w, 'deploy agent')}/rotate`),
  },
  {
    name: 'vault-rotated',
    who: 'ada',
    status: 200,
    open: async (page, w) => {
      await page.goto(`${w.appUrl}/tokens/${await tokenInVault(page, w, 'deploy agent')}/rotate`);
      await page.getByRole('button', { name: 'Rotate' }).click();
      await page.waitForLoadState();
    },
  },
  {
    name: 'audit-revoke-result',
    who: 'grace',
    status: 200,
    open: async (page, w) => {
      await chooseInAudit(page, w);
      await page.getByLabel(/^Reason/).fill('left the company');
      await page.getByRole('button', { name: 'Revoke these 2 tokens' }).click();
      await page.waitForURL(/\/audit\/revoke\/result/);
    },
  },
  {
    // With PAT Manager's entry (the revocation on Ada's behalf, with its reason) beside the audit log's events.
    name: 'audit-token-history',
    who: 'grace',
    status: 200,
    open: async (page, w) => {
      await openAudit(page, w);
      await page.goto(`${w.appUrl}/audit/revoke?ids=${w.tokenId('dependency-bot')}`);
      await page.getByLabel(/^Reason/).fill('found in a public repository');
      await page.getByRole('button', { name: 'Revoke this token' }).click();
      await page.waitForURL(/\/audit\/revoke\/result/);
      await openAudit(page, w);
      await page.getByRole('button', { name: 'Gather again' }).click();
      await page.getByRole('heading', { level: 1, name: /^Audit of / }).waitFor({ timeout: 60_000 });
      await page.goto(`${w.appUrl}/audit/tokens/${w.tokenId('dependency-bot')}`);
    },
  },
  {
    // After Grace has gathered contoso's audit: Ada's tokens Azure DevOps found in public, on her list.
    name: 'tokens-leak-notices',
    who: 'ada',
    status: 200,
    open: async (page, w) => {
      await page.goto(w.appUrl);
      await page.getByRole('alert').filter({ hasText: 'dependency-bot' }).waitFor();
    },
  },
  {
    name: 'vault-rotate-bulk',
    who: 'ada',
    status: 200,
    open: async (page, w) => {
      await tokenInVault(page, w, 'nightly export', '7');
      return page.goto(`${w.appUrl}/vault/rotate?within=7`);
    },
  },
  {
    name: 'automation-empty',
    who: 'ada',
    status: 200,
    open: (page, w) => page.goto(`${w.appUrl}/automation`),
  },
  {
    name: 'automation-token-form',
    who: 'ada',
    status: 200,
    open: async (page, w) => page.goto(`${w.appUrl}/tokens/${await tokenInVault(page, w, 'night build 1')}`),
  },
  {
    name: 'automation-form-errors',
    who: 'ada',
    status: 400,
    open: async (page, w) => {
      await page.goto(`${w.appUrl}/tokens/${await tokenInVault(page, w, 'night build 2')}`);
      await page.getByLabel('Rotate when this many days are left').fill('90');
      await page.getByRole('button', { name: 'Rotate automatically' }).click();
      await page.waitForLoadState();
    },
  },
  {
    name: 'automation-list',
    who: 'ada',
    status: 200,
    open: async (page, w) => {
      await page.goto(`${w.appUrl}/tokens/${await tokenInVault(page, w, 'night build 3')}`);
      await page.getByRole('button', { name: 'Rotate automatically' }).click();
      await page.waitForURL(/\/automation$/);
    },
  },
  {
    name: 'notifications-off',
    who: 'ada',
    status: 200,
    open: (page, w) => page.goto(`${w.appUrl}/notifications`),
  },
  {
    name: 'notifications-errors',
    who: 'ada',
    status: 400,
    open: async (page, w) => {
      await page.goto(`${w.appUrl}/notifications`);
      await page.getByLabel('Remind me this many days before a token expires').fill('90');
      await page.getByLabel('Webhook address').fill('https://example.com/hook');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForLoadState();
    },
  },
  {
    name: 'notifications-saved',
    who: 'ada',
    status: 200,
    open: (page, w) => saveReminders(page, w, 'Ada Lovelace'),
  },
  {
    name: 'notifications-administrator-digest',
    who: 'grace',
    status: 200,
    open: async (page, w) => {
      await saveReminders(page, w, 'Grace Hopper');
      await page.getByRole('heading', { name: 'Weekly audit digest' }).waitFor();
    },
  },
];
