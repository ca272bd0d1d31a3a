// Azure DevOps's refusals of tokens 7.2-preview and its policies, as a person meets them through the
// app and the emulator: each in words, Azure DevOps's own message beneath ours (escaped), nothing
// created; and a lifetime the organization shortened is said on the result page.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page, TestBrowser } from '../support/browser.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { ADA, GRACE, signIn } from '../support/sign-in.ts';
import { formatDate } from '../../src/days.ts';

const DAY = 86_400_000;
let h: Harness;
let browser: TestBrowser;

beforeAll(async () => {
  h = await startHarness();
  browser = h.browser();
  await signIn(browser, h.appUrl, ADA);
});
afterAll(async () => {
  await h?.close();
});
afterEach(() => {
  h.emulator.control.clearFaults();
  h.emulator.control.devops.reset();
});

const adaTokens = () => h.emulator.control.devops.tokens(ADA.objectId);

async function create(fields: Record<string, string | string[]> = {}): Promise<Page> {
  const form = await browser.get(`${h.appUrl}/tokens/new`);
  return browser.submit(form, '/tokens', {
    displayName: 'policy-check',
    expiry: '30',
    organizations: 'this',
    access: 'custom',
    scopes: ['vso.code'],
    ...fields,
  });
}

describe('the restrict-creation policy', () => {
  it('off the allowlist: a page on the policy, whom to ask, and the packaging exception; nothing is created', async () => {
    h.emulator.control.devops.setPolicies('contoso', {
      restrictPatCreation: { allowlist: [GRACE.objectId], allowPackagingScopes: true },
    });
    const before = adaTokens().length;
    const page = await create();
    expect(page.status).toBe(400);
    expect(page.body).toContain('Restrict personal access token (PAT) creation');
    expect(page.body).toContain('Ask an Azure DevOps administrator of the organization to add you');
    expect(page.body).toContain('packaging only');
    expect(adaTokens()).toHaveLength(before);
  });

  it('its packaging exception still lets a packaging-only token be made', async () => {
    h.emulator.control.devops.setPolicies('contoso', {
      restrictPatCreation: { allowlist: [], allowPackagingScopes: true },
    });
    const page = await create({ displayName: 'feed-reader', scopes: ['vso.packaging'] });
    expect(page.status).toBe(200);
    expect(adaTokens().some((token) => token.displayName === 'feed-reader')).toBe(true);
  });
});

describe('refusals in words', () => {
  it('failedToReadOrgPolicy says to try again', async () => {
    h.emulator.control.devops.failNext('create', 'failedToReadOrgPolicy');
    const page = await create();
    expect(page.body).toContain('could not read your organization&#39;s token policies just now');
    expect(page.body).toContain('Try again in a few minutes');
  });

  it('globalPATCreationBlocked explains the retirement of global tokens', async () => {
    h.emulator.control.devops.failNext('create', 'globalPATCreationBlocked');
    const page = await create();
    expect(page.body).toContain('stopped working on 1 December 2026');
  });

  it("Azure DevOps's own patTokenErrorMessage is shown beneath ours, escaped", async () => {
    h.emulator.control.injectFault({
      target: 'pats',
      method: 'POST',
      status: 400,
      body: {
        patToken: null,
        patTokenError: 'disablePatCreationPolicyViolation',
        patTokenErrorMessage: 'Ask <b>Contoso IT</b> for access.',
      },
      times: 1,
    });
    const page = await create();
    expect(page.body).toContain('Restrict personal access token (PAT) creation');
    expect(page.body).toContain('Azure DevOps said: <q>Ask &lt;b&gt;Contoso IT&lt;/b&gt; for access.</q>');
    expect(page.body).not.toContain('<b>Contoso IT</b>');
  });

  it('expiredPatCannotBeExtended has words when Azure DevOps refuses a change', async () => {
    const token = adaTokens().find((candidate) => candidate.displayName === 'ci-pipeline')!;
    h.emulator.control.devops.failNext('update', 'expiredPatCannotBeExtended');
    const edit = await browser.get(`${h.appUrl}/tokens/${token.authorizationId}/edit`);
    const page = await browser.submit(edit, `/tokens/${token.authorizationId}`, {
      displayName: 'ci-pipeline-renamed',
      expiry: 'keep',
      organizations: 'this',
      access: 'custom',
      scopes: token.scope.split(' '),
    });
    expect(page.body).toContain('no longer lets an expired token be changed or extended');
    expect(adaTokens().find((candidate) => candidate.authorizationId === token.authorizationId)!.displayName).toBe(
      'ci-pipeline',
    );
  });
});

describe('the maximum-lifetime policy', () => {
  it('shortens a new token, and the result page says so: "Your organization allows tokens of at most N days; this one expires on D."', async () => {
    h.emulator.control.devops.setPolicies('contoso', { maxPatLifespanDays: 7 });
    const page = await create({ displayName: 'shortened', expiry: '90' });
    expect(page.status).toBe(200);
    const created = adaTokens().find((token) => token.displayName === 'shortened')!;
    expect(Math.abs(Date.parse(created.validTo) - (Date.now() + 7 * DAY))).toBeLessThan(60_000);
    expect(page.body).toContain(
      `Your organization allows tokens of at most 7 days; this one expires on ${formatDate(new Date(created.validTo))}.`,
    );
  });

  it('says nothing when the token expires when asked', async () => {
    const page = await create({ displayName: 'as-asked', expiry: '30' });
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('Your organization allows tokens of at most');
  });
});
