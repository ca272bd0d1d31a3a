// Linking tokens to Key Vault secrets and rotating them, through the real app, msal-node, the
// official Key Vault SDK and the emulator: the new version holds the new token's secret, the old
// token is revoked or kept as chosen, and a bulk rotation reports each token, one failure included.
import { describe, expect, it } from 'vitest';
import type { Page, TestBrowser } from '../support/browser.ts';
import type { Harness } from '../support/harness.ts';
import { signedInWithVault, type SignedInWithVault } from '../support/signed-in.ts';
import { ADA, signIn } from '../support/sign-in.ts';
import { createIntoVault as createIntoVaultFor } from '../support/vault-tokens.ts';
import { formatDate } from '../../src/days.ts';

const DAY_MS = 86_400_000;
const CONTOSO = 'f9424e7c-ea71-44cb-aa51-cae3213c1e15';
let h: Harness;
let browser: TestBrowser;
let adaVault: string;
let tokens: SignedInWithVault['tokens'];
let named: SignedInWithVault['named'];
let issuedPats: SignedInWithVault['issuedPats'];
signedInWithVault((session) => ({ h, browser, adaVault, tokens, named, issuedPats } = session));
const lastIssuedPat = () => issuedPats().at(-1)!;

/** Creates a token into Ada's vault (consenting first if the emulator asks); returns its state. */
const createIntoVault = (name: string, expiry = '30') =>
  createIntoVaultFor({ h, browser, adaVault, named }, name, { expiry });

async function rotate(authorizationId: string, fields: Record<string, string>): Promise<Page> {
  const form = await browser.get(`${h.appUrl}/tokens/${authorizationId}/rotate`);
  expect(form.status).toBe(200);
  return browser.submit(form, `/tokens/${authorizationId}/rotate`, fields);
}

describe('link and rotate', () => {
  it('links a token to an existing secret, shows where it lives, and unlinks it', async () => {
    const token = await createIntoVault('linked');
    await browser.submit(
      await browser.get(`${h.appUrl}/tokens/${token.authorizationId}/vault`),
      `/tokens/${token.authorizationId}/vault/unlink`,
    );
    expect((await browser.get(`${h.appUrl}/tokens/${token.authorizationId}`)).body).toContain(
      'not linked to a Key Vault secret',
    );

    const missing = await browser.submit(
      await browser.get(`${h.appUrl}/tokens/${token.authorizationId}/vault`),
      `/tokens/${token.authorizationId}/vault`,
      { vaultUrl: adaVault, secretName: 'no-such-secret' },
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('is not in');

    const linked = await browser.submit(
      await browser.get(`${h.appUrl}/tokens/${token.authorizationId}/vault`),
      `/tokens/${token.authorizationId}/vault`,
      { vaultUrl: adaVault, secretName: 'linked-pat' },
    );
    expect(linked.url).toMatch(new RegExp(`/tokens/${token.authorizationId}$`));
    expect(linked.body).toContain('is linked to the secret');
    expect(linked.body).toContain(adaVault);
    const list = await browser.get(`${h.appUrl}/`);
    expect(list.body).toMatch(/>linked<\/a>\s*<br><span class="vault-badge">Key Vault: ada-pats\/linked-pat<\/span>/);
    const activity = await browser.get(`${h.appUrl}/activity`);
    expect(activity.body).toContain('linked to Key Vault');
  });

  it('will not regenerate a token kept in Key Vault (the vault would keep the revoked one): it offers rotation and changes nothing', async () => {
    const kept = await createIntoVault('kept');
    const details = await browser.get(`${h.appUrl}/tokens/${kept.authorizationId}`);
    expect(details.body).toContain(`href="/tokens/${kept.authorizationId}/rotate"`);
    expect(details.body).not.toContain(`/tokens/${kept.authorizationId}/regenerate`);

    const asked = await browser.get(`${h.appUrl}/tokens/${kept.authorizationId}/regenerate`);
    expect(asked.status).toBe(409);
    expect(asked.body).toContain('kept in Key Vault (secret &#34;kept-pat&#34;');
    expect(asked.body).toContain('Rotate it from its page instead');

    // A regenerate form sent to it anyway (here another token's, as from a page opened before the link) creates and revokes nothing.
    const other = tokens().find((token) => !token.revoked && token.authorizationId !== kept.authorizationId)!;
    const before = tokens().map((token) => `${token.authorizationId}:${token.revoked}`);
    const otherForm = (await browser.get(`${h.appUrl}/tokens/${other.authorizationId}/regenerate`)).body;
    const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(otherForm)![1]!;
    const sent = await browser.post(`${h.appUrl}/tokens/${kept.authorizationId}/regenerate`, {
      _csrf: hidden('_csrf'),
      formKey: hidden('formKey'),
      expiry: '30',
    });
    expect(sent.status).toBe(409);
    expect(tokens().map((token) => `${token.authorizationId}:${token.revoked}`)).toEqual(before);
  });

  it("rotates: a new token with the same name, scopes and organizations becomes the secret's new version, and the old token is revoked", async () => {
    const old = await createIntoVault('svc');
    const result = await rotate(old.authorizationId, { expiry: '60', old: 'revoke' });
    expect(result.status).toBe(200);
    expect(result.body).toContain('svc: rotated');
    const newSecret = lastIssuedPat();
    const fresh = named('svc').find((token) => token.authorizationId !== old.authorizationId)!;
    expect(fresh).toMatchObject({ scope: old.scope, targetAccounts: old.targetAccounts, revoked: false });
    expect(new Date(fresh.validTo).getTime()).toBeGreaterThan(Date.now() + 59 * DAY_MS);
    expect(named('svc').find((token) => token.authorizationId === old.authorizationId)!.revoked).toBe(true);
    const versions = h.emulator.control.keyVault.secretVersions('ada-pats', 'svc-pat');
    expect(versions).toHaveLength(2);
    expect(versions[1]!.value).toBe(newSecret);
    expect(versions[1]!.tags).toMatchObject({ authorizationId: fresh.authorizationId });
    expect(versions[1]!.exp).toBe(Math.floor(new Date(fresh.validTo).getTime() / 1000));
    expect(result.body).not.toContain(newSecret);
    expect(h.logLines.join('\n')).not.toContain(newSecret);
    // The link moved to the new token.
    expect((await browser.get(`${h.appUrl}/tokens/${fresh.authorizationId}`)).body).toContain(versions[1]!.version);
  });

  it('keeps the old token until a chosen day when asked; the expiry watch lists it to revoke after rotation', async () => {
    const old = await createIntoVault('grace-period');
    const keepUntil = new Date(Date.now() + 5 * DAY_MS).toISOString().slice(0, 10);
    const tooLate = await rotate(old.authorizationId, { expiry: '30', old: 'keep', keepUntil: '2999-01-01' });
    expect(tooLate.status).toBe(422);
    expect(named('grace-period')).toHaveLength(1);

    const result = await rotate(old.authorizationId, { expiry: '30', old: 'keep', keepUntil });
    expect(result.body).toContain(`kept until`);
    expect(named('grace-period').filter((token) => !token.revoked)).toHaveLength(2);
    const until = formatDate(new Date(`${keepUntil}T00:00:00Z`));
    const watch = await browser.get(`${h.appUrl}/expiring`);
    expect(watch.body).toContain('Revoke after rotation or regenerate (1)');
    expect(watch.body).toContain(`Replaced; kept until ${until}.`);

    // The list tells the two tokens of one name apart: the old one is kept until that day, the new one is in the vault.
    const fresh = named('grace-period').find((token) => token.authorizationId !== old.authorizationId)!;
    const list = await browser.get(`${h.appUrl}/?status=all&size=100`);
    const rowOf = (id: string) =>
      new RegExp(`<a href="/tokens/${id}">grace-period</a>(.*?)</td>`, 's').exec(list.body)?.[1];
    expect(rowOf(old.authorizationId)).toContain(`<span class="kept-badge">Replaced; kept until ${until}</span>`);
    expect(rowOf(old.authorizationId)).not.toContain('vault-badge');
    expect(rowOf(fresh.authorizationId)).toContain(
      '<span class="vault-badge">Key Vault: ada-pats/grace-period-pat</span>',
    );
    expect(rowOf(fresh.authorizationId)).not.toContain('kept-badge');
    const details = await browser.get(`${h.appUrl}/tokens/${old.authorizationId}`);
    expect(details.body).toContain(`Replaced; kept until ${until}.`);
    expect(details.body).toContain(`href="/tokens/${fresh.authorizationId}">the new token</a>`);
    expect((await browser.get(`${h.appUrl}/tokens/${fresh.authorizationId}`)).body).not.toContain('kept-badge');
  });

  it('revokes a kept old token from the expiry watch through the revoke confirmation every other revoke has, back to the watch', async () => {
    const old = await createIntoVault('kept-then-revoked');
    const keepUntil = new Date(Date.now() + 5 * DAY_MS).toISOString().slice(0, 10);
    await rotate(old.authorizationId, { expiry: '30', old: 'keep', keepUntil });
    const watch = await browser.get(`${h.appUrl}/expiring`);
    // No form that revokes in one click: a link to the confirmation page.
    expect(watch.body).not.toMatch(/<form[^>]*action="[^"]*retirements/);
    const href = new RegExp(`href="(/tokens/${old.authorizationId}/revoke\\?[^"]+)"`)
      .exec(watch.body)?.[1]
      ?.replace(/&amp;/g, '&');
    expect(href).toBeDefined();
    const confirm = await browser.get(`${h.appUrl}${href}`);
    expect(confirm.body).toContain('<h1>Revoke "kept-then-revoked"?</h1>');
    expect(confirm.body).toContain('This is the old token a replacement kept');
    expect(named('kept-then-revoked').filter((token) => !token.revoked)).toHaveLength(2);
    const done = await browser.submit(confirm, `/tokens/${old.authorizationId}/revoke`);
    expect(done.url).toBe(`${h.appUrl}/expiring`);
    expect(done.body).toContain('Revoked &#34;kept-then-revoked&#34;.');
    expect(named('kept-then-revoked').find((token) => token.authorizationId === old.authorizationId)!.revoked).toBe(
      true,
    );
    expect(done.body).not.toContain('<strong>kept-then-revoked</strong>');
  });

  it('sends a person whose Key Vault consent is gone through the sign-in for it, back to the rotation as they chose it', async () => {
    const old = await createIntoVault('consent-again');
    h.emulator.control.revokeConsents(ADA.objectId);
    browser = h.browser();
    await signIn(browser, h.appUrl, ADA);
    const asked = await rotate(old.authorizationId, { expiry: '90', old: 'revoke' });
    expect(asked.url).toContain('/oauth2/v2.0/authorize');
    expect(named('consent-again')).toHaveLength(1);
    const back = await browser.submit(asked, 'authorize', { person: ADA.objectId });
    expect(back.url).toMatch(new RegExp(`/tokens/${old.authorizationId}/rotate\\?draft=`));
    expect(back.body).toMatch(/id="expiry-90" name="expiry" value="90" checked/);
    const done = await browser.submit(back, `/tokens/${old.authorizationId}/rotate`, { expiry: '90', old: 'revoke' });
    expect(done.body).toContain('consent-again: rotated');
  });

  it('says "rotation due" once three quarters of a linked token\'s lifetime have passed', async () => {
    await createIntoVault('holder');
    h.emulator.control.devops.addTokens(ADA.objectId, [
      {
        displayName: 'aged',
        scope: 'vso.code',
        validFrom: new Date(Date.now() - 80 * DAY_MS),
        validTo: new Date(Date.now() + 20 * DAY_MS),
        targetAccounts: [CONTOSO],
      },
    ]);
    const [aged] = named('aged');
    // holder-pat holds "holder": linking "aged" to it asks first, naming both, and unlinks "holder".
    const asked = await browser.submit(
      await browser.get(`${h.appUrl}/tokens/${aged!.authorizationId}/vault`),
      `/tokens/${aged!.authorizationId}/vault`,
      { vaultUrl: adaVault, secretName: 'holder-pat' },
    );
    expect(asked.body).toContain('is in use');
    await browser.submit(asked, `/tokens/${aged!.authorizationId}/vault`);
    const list = await browser.get(`${h.appUrl}/`);
    expect(list.body).toMatch(new RegExp(`href="/tokens/${aged!.authorizationId}/rotate">Rotation due`));
    expect(list.body).not.toMatch(
      /href="\/tokens\/[0-9a-f-]+\/rotate">Rotation due[\s\S]*href="\/tokens\/[0-9a-f-]+\/rotate">Rotation due/,
    );
    expect((await browser.get(`${h.appUrl}/tokens/${aged!.authorizationId}`)).body).toContain(
      'Due: three quarters of its lifetime have passed',
    );
  });
});

describe('bulk rotation', () => {
  it('rotates every linked token expiring within the period after one confirmation, with a result per token, one failure included', async () => {
    const a = await createIntoVault('bulk-a', '7');
    const b = await createIntoVault('bulk-b', '7');
    const c = await createIntoVault('bulk-c', '7');
    await createIntoVault('bulk-later', '90');
    h.emulator.control.injectFault({
      path: '/secrets/bulk-b-pat',
      method: 'PUT',
      status: 500,
      body: { error: { code: 'InternalError', message: 'boom' } },
    });

    const confirm = await browser.get(`${h.appUrl}/vault/rotate?within=7`);
    expect(confirm.body).toContain('Rotate 3 tokens');
    expect(confirm.body).not.toContain('bulk-later');
    const result = await browser.submit(confirm, '/vault/rotate', { expiry: '30' });
    expect(result.body).toContain('2 of 3 rotated; 1 not rotated');
    expect(result.body).toContain('bulk-b: not rotated');
    expect(result.body).toContain('the old token still works and the vault still holds it');
    for (const [old, name] of [
      [a, 'bulk-a'],
      [c, 'bulk-c'],
    ] as const) {
      expect(named(name).find((token) => token.authorizationId === old.authorizationId)!.revoked).toBe(true);
      expect(h.emulator.control.keyVault.secretVersions('ada-pats', `${name}-pat`)).toHaveLength(2);
    }
    // The failed one: old token untouched and still the vault's only version; the new one revoked.
    expect(named('bulk-b').find((token) => token.authorizationId === b.authorizationId)!.revoked).toBe(false);
    expect(named('bulk-b').filter((token) => !token.revoked)).toHaveLength(1);
    expect(h.emulator.control.keyVault.secretVersions('ada-pats', 'bulk-b-pat')).toHaveLength(1);
    // Sending the confirmation again rotates nothing twice.
    const again = await browser.submit(confirm, '/vault/rotate', { expiry: '30' });
    expect(again.body).toContain('already rotated');
    expect(h.emulator.control.keyVault.secretVersions('ada-pats', 'bulk-a-pat')).toHaveLength(2);
  });
});
