// Least privilege, through the emulator with the real msal-node: sign-in asks Azure DevOps for
// vso.pats, vso.pats_manage and vso.profile (the audit's permissions only when it is first opened),
// and the tokens carry what was asked and consented. A tenant that has not consented to vso.pats_manage gets tokens without it:
// Azure DevOps then refuses every change, and the page names the permission instead of sending the
// person round the sign-in again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import type { TestBrowser } from '../support/browser.ts';
import { startHarness, TEST_CLIENT_ID, type Harness } from '../support/harness.ts';
import { ADA, signIn } from '../support/sign-in.ts';

let h: Harness;
let browser: TestBrowser;

beforeAll(async () => {
  h = await startHarness();
  h.emulator.control.withholdPermission(TEST_CLIENT_ID, 'vso.pats_manage');
  browser = h.browser();
  await signIn(browser, h.appUrl, ADA);
});
afterAll(async () => {
  await h?.close();
});

describe('a registration without vso.pats_manage', () => {
  it('issues Azure DevOps tokens whose scp is what was asked and consented, without vso.pats_manage', () => {
    const issued = h.emulator.control.issuedSecrets().filter((secret) => secret.kind === 'access_token');
    const scopes = issued.map((secret) => String(decodeJwt(secret.value).scp ?? ''));
    expect(scopes.at(-1)!.split(' ').sort()).toEqual(['vso.pats', 'vso.profile']);
  });

  it('still lists the tokens (vso.pats reads them)', async () => {
    const home = await browser.get(`${h.appUrl}/`);
    expect(home.status).toBe(200);
    expect(home.body).toContain('ci-pipeline');
  });

  it('cannot create: the page names vso.pats_manage, says signing in again will not help, and nothing is created', async () => {
    const before = h.emulator.control.devops.tokens(ADA.objectId).length;
    const form = await browser.get(`${h.appUrl}/tokens/new`);
    const page = await browser.submit(form, '/tokens', {
      displayName: 'no-permission',
      expiry: '30',
      organizations: 'this',
      access: 'custom',
      scopes: ['vso.code'],
    });
    expect(page.status).toBe(403);
    expect(page.trail.some((url) => url.includes('/login'))).toBe(false);
    expect(page.body).toContain('PAT Manager lacks a permission');
    expect(page.body).toContain('vso.pats_manage');
    expect(page.body).toContain('Signing in again will not help');
    expect(h.emulator.control.devops.tokens(ADA.objectId)).toHaveLength(before);
  });
});
