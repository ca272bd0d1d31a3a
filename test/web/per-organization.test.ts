// The lifecycle steps that followed the end of global PATs, through the real app, msal-node, the
// Key Vault SDK and the emulator: a token per organization from the new-token form, replacing a
// global token (one, or all of them) with one per organization, and renewing an expired token.
import { describe, expect, it } from 'vitest';
import type { Page, TestBrowser } from '../support/browser.ts';
import type { Harness } from '../support/harness.ts';
import { signedInWithVault, type SignedInWithVault } from '../support/signed-in.ts';
import { ADA } from '../support/sign-in.ts';
import { createIntoVault } from '../support/vault-tokens.ts';

const ORGANIZATION_IDS = {
  contoso: 'f9424e7c-ea71-44cb-aa51-cae3213c1e15',
  fabrikam: 'c7b8a8a6-6171-4dec-9a05-413c358c644b',
  northwind: '704c460d-ac4c-4c2c-98a1-c040598f633b',
} as const;
let h: Harness;
let browser: TestBrowser;
let adaVault: string;
let tokens: SignedInWithVault['tokens'];
let named: SignedInWithVault['named'];
let issuedPats: SignedInWithVault['issuedPats'];
signedInWithVault((session) => ({ h, browser, adaVault, tokens, named, issuedPats } = session));
/** The emulator's pats target, the nth create (from 0) failing with a 500. */
const failCreate = (nth: number) =>
  h.emulator.control.injectFault({ target: 'pats', method: 'POST', status: 500, skip: nth, times: 1 });

/** Submits a form, going through the Key Vault consent sign-in first when the emulator asks for it. */
async function submitConsenting(page: Page, action: string, fields: Record<string, string | string[]>): Promise<Page> {
  const sent = await browser.submit(page, action, fields);
  if (!sent.url.includes('/oauth2/v2.0/authorize')) return sent;
  const back = await browser.submit(sent, 'authorize', { person: ADA.objectId });
  return browser.submit(back, action, fields);
}

/** Links a global token of Ada's to a fresh secret in her vault, as the link form does. */
async function linkToVault(authorizationId: string, secretName: string) {
  await createIntoVault({ h, browser, adaVault, named }, `${secretName}-holder`, { secretName });
  // The secret holds the holder token, so linking asks first, naming both (issue 22); the test confirms.
  const asked = await browser.submit(
    await browser.get(`${h.appUrl}/tokens/${authorizationId}/vault`),
    `/tokens/${authorizationId}/vault`,
    { vaultUrl: adaVault, secretName },
  );
  expect(asked.body).toContain(`The secret "${secretName}" is in use`);
  const linked = await browser.submit(asked, `/tokens/${authorizationId}/vault`);
  expect(linked.body).toContain('is linked to the secret');
}

const globalNamed = (name: string) => named(name).find((token) => token.targetAccounts === null)!;

describe('several organizations on the new-token form', () => {
  const fields = {
    displayName: 'multi-org-build',
    expiry: '30',
    organizations: 'several',
    targetOrganizations: ['contoso', 'fabrikam'],
    access: 'custom',
    scopes: ['vso.code'],
  };

  it('creates one organization-scoped token per chosen organization, shows every secret once on one page, and logs none', async () => {
    const page = await browser.submit(await browser.get(`${h.appUrl}/tokens/new`), '/tokens', fields);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    const made = named('multi-org-build');
    expect(made.map((token) => token.targetAccounts)).toEqual([
      [ORGANIZATION_IDS.contoso],
      [ORGANIZATION_IDS.fabrikam],
    ]);
    expect(made.every((token) => token.scope === 'vso.code' && !token.revoked)).toBe(true);
    expect(Math.abs(new Date(made[0]!.validTo).getTime() - new Date(made[1]!.validTo).getTime())).toBeLessThan(60_000);
    const secrets = issuedPats().slice(-2);
    for (const secret of secrets) expect(page.body).toContain(secret);
    expect(page.body).toContain(`/tokens/${made[1]!.authorizationId}?organization=fabrikam`);
    expect(h.logLines.join('\n')).not.toContain(secrets[0]);
    expect(page.trail.join(' ')).not.toContain(secrets[0]);
  });

  it('stores one secret per organization in Key Vault, named after the token and the organization', async () => {
    const page = await submitConsenting(await browser.get(`${h.appUrl}/tokens/new`), '/tokens', {
      ...fields,
      destination: 'vault',
      vaultUrl: adaVault,
      secretName: '',
    });
    expect(page.status).toBe(200);
    const made = named('multi-org-build');
    expect(made).toHaveLength(2);
    for (const [index, organization] of (['contoso', 'fabrikam'] as const).entries()) {
      const versions = h.emulator.control.keyVault.secretVersions('ada-pats', `multi-org-build-${organization}`);
      expect(versions).toHaveLength(1);
      expect(versions[0]!.tags).toMatchObject({ authorizationId: made[index]!.authorizationId });
      expect(page.body).not.toContain(versions[0]!.value);
    }
  });

  it("says which token exists when the second organization's create fails", async () => {
    failCreate(1);
    const page = await browser.submit(await browser.get(`${h.appUrl}/tokens/new`), '/tokens', {
      ...fields,
      targetOrganizations: ['contoso', 'fabrikam', 'northwind'],
    });
    expect(page.status).toBe(502);
    const made = named('multi-org-build');
    expect(made).toHaveLength(1);
    expect(page.body).toContain(
      `Nothing was tried for northwind. New tokens that exist now: &#34;multi-org-build&#34; in contoso (${made[0]!.authorizationId})`,
    );
    expect(page.body).toContain(issuedPats().at(-1)!);
  });
});

describe('replacing a global token', () => {
  it("creates a token per organization (every one of the person's by default) with the same scopes, then revokes the global token, and logs it all", async () => {
    const old = globalNamed('helm-chart-publish');
    const form = await browser.get(`${h.appUrl}/tokens/${old.authorizationId}/replace`);
    expect(form.status).toBe(200);
    for (const organization of Object.keys(ORGANIZATION_IDS))
      expect(form.body).toMatch(new RegExp(`value="${organization}" checked`));
    const page = await browser.submit(form, `/tokens/${old.authorizationId}/replace`, {
      expiry: '60',
      targetOrganizations: Object.keys(ORGANIZATION_IDS),
    });
    expect(page.status).toBe(200);
    expect(page.body).toContain('replaced, and the global token revoked');
    const fresh = named('helm-chart-publish').filter((token) => token.targetAccounts !== null);
    expect(fresh.map((token) => token.targetAccounts![0])).toEqual(Object.values(ORGANIZATION_IDS));
    expect(fresh.every((token) => token.scope === old.scope && !token.revoked)).toBe(true);
    expect(globalNamed('helm-chart-publish').revoked).toBe(true);
    for (const secret of issuedPats().slice(-3)) expect(page.body).toContain(secret);
    const activity = await browser.get(`${h.appUrl}/activity`);
    expect(activity.body).toContain('global token replaced');
    // Each new token is named by its organization and linked (ids stay on the tokens' own pages).
    expect(activity.body).toContain(
      `fabrikam: <a href="/tokens/${fresh[1]!.authorizationId}?organization=fabrikam">its token</a>`,
    );
  });

  it("keeps the global token when the second organization's create fails, and names the first new token", async () => {
    const old = globalNamed('vscode-azure-repos');
    failCreate(1);
    const page = await browser.submit(
      await browser.get(`${h.appUrl}/tokens/${old.authorizationId}/replace`),
      `/tokens/${old.authorizationId}/replace`,
      { expiry: '30', targetOrganizations: Object.keys(ORGANIZATION_IDS) },
    );
    expect(page.status).toBe(502);
    expect(page.body).toContain('global token kept');
    const fresh = named('vscode-azure-repos').filter((token) => token.targetAccounts !== null);
    expect(fresh).toHaveLength(1);
    expect(page.body).toContain(
      `New tokens that exist now: &#34;vscode-azure-repos&#34; in contoso (${fresh[0]!.authorizationId})`,
    );
    expect(page.body).toContain('Create the token for fabrikam:</strong> not created');
    expect(globalNamed('vscode-azure-repos').revoked).toBe(false);
    expect((await browser.get(`${h.appUrl}/activity`)).body).toContain('global token NOT revoked');
  });

  it("writes the first organization's token as the linked secret's new version and the others beside it, named on the page", async () => {
    const old = globalNamed('npm-registry-read');
    await linkToVault(old.authorizationId, 'npm-read');
    const page = await submitConsenting(
      await browser.get(`${h.appUrl}/tokens/${old.authorizationId}/replace`),
      `/tokens/${old.authorizationId}/replace`,
      { expiry: '30', targetOrganizations: ['contoso', 'northwind'] },
    );
    expect(page.status).toBe(200);
    const [contoso, northwind] = named('npm-registry-read').filter((token) => token.targetAccounts !== null);
    const versions = h.emulator.control.keyVault.secretVersions('ada-pats', 'npm-read');
    expect(versions).toHaveLength(2);
    expect(versions[1]!.tags).toMatchObject({ authorizationId: contoso!.authorizationId });
    const beside = h.emulator.control.keyVault.secretVersions('ada-pats', 'npm-read-northwind');
    expect(beside).toHaveLength(1);
    expect(beside[0]!.tags).toMatchObject({ authorizationId: northwind!.authorizationId });
    expect(page.body).toContain('secret <code>npm-read-northwind</code>');
    expect(page.body).not.toContain(versions[1]!.value);
    expect(globalNamed('npm-registry-read').revoked).toBe(true);
    // The secret's link moved to the new token.
    expect((await browser.get(`${h.appUrl}/tokens/${contoso!.authorizationId}`)).body).toContain(versions[1]!.version);
  });

  it('replaces all of them after one confirmation, each with its own outcome', async () => {
    const globals = tokens().filter((token) => token.targetAccounts === null && !token.revoked);
    const confirm = await browser.get(`${h.appUrl}/tokens/replace-global`);
    expect(confirm.body).toContain(`Replace these ${globals.length} global tokens`);
    const page = await browser.submit(confirm, '/tokens/replace-global', {
      expiry: '30',
      targetOrganizations: ['contoso'],
    });
    expect(page.status).toBe(200);
    expect(tokens().filter((token) => token.targetAccounts === null && !token.revoked)).toHaveLength(0);
    for (const old of globals)
      expect(
        named(old.displayName).some(
          (token) => token.targetAccounts?.[0] === ORGANIZATION_IDS.contoso && !token.revoked,
        ),
      ).toBe(true);
    const again = await browser.submit(confirm, '/tokens/replace-global', {
      expiry: '30',
      targetOrganizations: ['contoso'],
    });
    const count = tokens().length;
    expect(again.body).toContain('already replaced');
    expect(tokens()).toHaveLength(count);
  });

  it("is offered on the global token's page and the expiry watch, and refused for a token of named organizations", async () => {
    const old = globalNamed('helm-chart-publish');
    expect((await browser.get(`${h.appUrl}/tokens/${old.authorizationId}`)).body).toContain(
      `/tokens/${old.authorizationId}/replace`,
    );
    const watch = await browser.get(`${h.appUrl}/expiring`);
    expect(watch.body).toContain('href="/tokens/replace-global"');
    const scoped = named('ci-pipeline')[0]!;
    const refused = await browser.get(`${h.appUrl}/tokens/${scoped.authorizationId}/replace`);
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('Only global tokens are replaced');
  });
});

describe('renewing an expired token', () => {
  it('creates a new token with the same settings, shows its secret once and says the expired one stays expired', async () => {
    const old = named('legacy-jenkins')[0]!;
    const details = await browser.get(`${h.appUrl}/tokens/${old.authorizationId}`);
    expect(details.body).toContain(`/tokens/${old.authorizationId}/renew`);
    expect(details.body).not.toContain('/extend');
    expect((await browser.get(`${h.appUrl}/expiring`)).body).toContain(
      `href="/tokens/${old.authorizationId}/renew?organization=contoso"`,
    );
    const page = await browser.submit(
      await browser.get(`${h.appUrl}/tokens/${old.authorizationId}/renew`),
      `/tokens/${old.authorizationId}/renew`,
      { expiry: '90' },
    );
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('The expired token stays expired');
    const [, fresh] = named('legacy-jenkins');
    expect(fresh).toMatchObject({ scope: old.scope, targetAccounts: old.targetAccounts, revoked: false });
    expect(new Date(fresh!.validTo).getTime()).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    expect(page.body).toContain(issuedPats().at(-1)!);
    expect(named('legacy-jenkins')[0]).toEqual(old);
  });

  it("puts the new token into the expired token's vault secret as a new version", async () => {
    const old = named('hackathon-2024')[0]!;
    await linkToVault(old.authorizationId, 'hackathon');
    const page = await submitConsenting(
      await browser.get(`${h.appUrl}/tokens/${old.authorizationId}/renew`),
      `/tokens/${old.authorizationId}/renew`,
      { expiry: '30' },
    );
    expect(page.status).toBe(200);
    const fresh = named('hackathon-2024').find((token) => token.authorizationId !== old.authorizationId)!;
    const versions = h.emulator.control.keyVault.secretVersions('ada-pats', 'hackathon');
    expect(versions).toHaveLength(2);
    expect(versions[1]!.tags).toMatchObject({ authorizationId: fresh.authorizationId });
    expect(page.body).not.toContain(versions[1]!.value);
    expect(page.body).toContain('The expired token stays expired');
  });

  it('is refused for a token that has not expired', async () => {
    const active = named('ci-pipeline')[0]!;
    const refused = await browser.get(`${h.appUrl}/tokens/${active.authorizationId}/renew`);
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('Only expired tokens are renewed');
  });
});
