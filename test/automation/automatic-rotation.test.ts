// Automatic rotation with nobody signed in, through the real app, msal-node (its refresh token,
// from the person's sealed offline cache), the Key Vault SDK and the emulator, on the embedded job
// engine. The clock the app's jobs and the emulator share is moved; nothing waits for real time.
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.ts';
import type { Harness } from '../support/harness.ts';
import { signedInWithVault, type SignedInWithVault } from '../support/signed-in.ts';
import { ADA, signIn } from '../support/sign-in.ts';
import { createIntoVault as createIntoVaultFor, turnOnAutomation } from '../support/vault-tokens.ts';

let h: Harness;
let browser: TestBrowser;
let adaVault: string;
let named: SignedInWithVault['named'];
let issuedPats: SignedInWithVault['issuedPats'];
signedInWithVault((session) => ({ h, browser, adaVault, named, issuedPats } = session));

const createIntoVault = (name: string) => createIntoVaultFor({ h, browser, adaVault, named }, name);
const turnOn = (id: string, settings: Record<string, string>) => turnOnAutomation({ h, browser }, id, settings);

async function signOut() {
  await browser.submit(await browser.get(`${h.appUrl}/`), '/logout');
  expect((await browser.get(`${h.appUrl}/automation`)).url).not.toContain('/automation');
}

const live = (name: string) => named(name).filter((token) => !token.revoked);

describe('automatic rotation while nobody is signed in', () => {
  it('rotates when the days left are reached: the new PAT is the secret’s new version, the old one is revoked after the days kept, and the activity log says so', async () => {
    const old = await createIntoVault('nightly');
    const on = await turnOn(old.authorizationId, { whenDaysLeft: '7', lifetimeDays: '30', keepOldDays: '2' });
    expect(on.url).toMatch(/\/automation$/);
    expect(on.body).toContain('rotates itself from now on');
    await signOut();

    h.clock.advanceDays(22);
    expect(await h.app.runDueJobs()).toBe(0);
    expect(live('nightly')).toHaveLength(1);

    h.clock.advanceDays(1.01);
    expect(await h.app.runDueJobs()).toBe(1);
    const [kept, fresh] = [
      named('nightly').find((t) => t.authorizationId === old.authorizationId)!,
      live('nightly').find((t) => t.authorizationId !== old.authorizationId)!,
    ];
    expect(fresh).toBeDefined();
    expect(kept.revoked).toBe(false);
    const versions = h.emulator.control.keyVault.secretVersions('ada-pats', 'nightly-pat');
    expect(versions).toHaveLength(2);
    expect(versions[1]!.value).toBe(issuedPats().at(-1));
    expect(versions[1]!.tags).toMatchObject({ authorizationId: fresh.authorizationId });

    h.clock.advanceDays(2.01);
    expect(await h.app.runDueJobs()).toBe(1);
    expect(named('nightly').find((t) => t.authorizationId === old.authorizationId)!.revoked).toBe(true);
    expect(live('nightly').map((t) => t.authorizationId)).toEqual([fresh.authorizationId]);

    await signIn(browser, h.appUrl, ADA);
    const activity = (await browser.get(`${h.appUrl}/activity`)).body;
    expect(activity).toContain('rotated automatically into Key Vault');
    expect(activity).toContain('revoked after rotation');
    const automation = (await browser.get(`${h.appUrl}/automation`)).body;
    expect(automation).toContain('Rotates on');
    expect(automation).toContain(`/tokens/${fresh.authorizationId}`);
    expect(automation).not.toContain(issuedPats().at(-1)!);
  });

  it('retries a 429 no sooner than its Retry-After, then rotates', async () => {
    const old = await createIntoVault('throttled');
    await turnOn(old.authorizationId, { whenDaysLeft: '7', lifetimeDays: '30', keepOldDays: '0' });
    await signOut();
    h.emulator.control.injectFault({
      target: 'pats',
      method: 'POST',
      status: 429,
      headers: { 'Retry-After': '120' },
      times: 1,
    });
    h.clock.advanceDays(23.01);
    expect(await h.app.runDueJobs()).toBe(1);
    expect(live('throttled')).toHaveLength(1);

    h.clock.advance(100_000);
    expect(await h.app.runDueJobs()).toBe(0);
    h.clock.advance(21_000);
    expect(await h.app.runDueJobs()).toBe(1);
    expect(live('throttled')).toHaveLength(1);
    expect(live('throttled')[0]!.authorizationId).not.toBe(old.authorizationId);
  });

  it('stops at a refused refresh token (invalid_grant): the link "needs you" with the reason, nothing is revoked, and the next sign-in shows a banner', async () => {
    const old = await createIntoVault('refused');
    await turnOn(old.authorizationId, { whenDaysLeft: '7', lifetimeDays: '30', keepOldDays: '0' });
    await signOut();
    h.emulator.control.revokeRefreshTokens(ADA.objectId);
    h.clock.advanceDays(23.01);
    expect(await h.app.runDueJobs()).toBe(1);
    expect(named('refused').map((t) => [t.authorizationId, t.revoked])).toEqual([[old.authorizationId, false]]);
    expect(h.emulator.control.keyVault.secretVersions('ada-pats', 'refused-pat')).toHaveLength(1);
    // Nothing more is tried.
    h.clock.advanceDays(1);
    expect(await h.app.runDueJobs()).toBe(0);

    const home = await signIn(browser, h.appUrl, ADA);
    expect(home.body).toContain('The automatic rotation of &#34;refused&#34; needs you');
    const automation = (await browser.get(`${h.appUrl}/automation`)).body;
    expect(automation).toContain('Needs you');
    expect(automation).toContain('password changed');
    expect(automation).toContain('AADSTS50173');
  });

  it('"Stop" on the last automatic rotation deletes the person’s sealed offline cache', async () => {
    const old = await createIntoVault('stopped');
    await turnOn(old.authorizationId, { whenDaysLeft: '7', lifetimeDays: '30', keepOldDays: '0' });
    const jobs = new DatabaseSync(join(h.dataDir, 'jobs.sqlite'), { readOnly: true });
    const caches = () =>
      jobs.prepare('SELECT person, sealed FROM offline_token_caches').all() as Array<{
        person: string;
        sealed: string;
      }>;
    expect(caches()).toHaveLength(1);
    // Sealed: no refresh, access or ID token the emulator issued is in it as it is stored.
    expect(caches()[0]!.sealed).toMatch(/^v1\./);
    for (const issued of h.emulator.control.issuedSecrets()) expect(caches()[0]!.sealed).not.toContain(issued.value);
    // Ada's earlier tests left rotations too: the cache stays until the last of them is stopped.
    let page = await browser.get(`${h.appUrl}/automation`);
    const ids = [...page.body.matchAll(/action="\/automation\/([0-9a-f-]{36})\/stop"/g)].map((match) => match[1]!);
    for (const [index, id] of ids.entries()) {
      page = await browser.submit(page, `/automation/${id}/stop`);
      expect(page.body.includes('deleted the offline access')).toBe(index === ids.length - 1);
      expect(caches()).toHaveLength(index === ids.length - 1 ? 0 : 1);
    }
    expect(page.body).toContain('No token rotates automatically yet');
    jobs.close();
    h.clock.advanceDays(24);
    expect(await h.app.runDueJobs()).toBe(0);
    expect(live('stopped').map((t) => t.authorizationId)).toEqual([old.authorizationId]);
  });

  /** Turns rotation on for a new vault token, signs out, makes `refuse` true, moves past the due day and runs. */
  async function dueWhileRefused(name: string, refuse: () => void) {
    const old = await createIntoVault(name);
    await turnOn(old.authorizationId, { whenDaysLeft: '7', lifetimeDays: '30', keepOldDays: '0' });
    await signOut();
    refuse();
    h.clock.advanceDays(23.01);
    expect(await h.app.runDueJobs()).toBe(1);
    expect(h.emulator.control.keyVault.secretVersions('ada-pats', `${name}-pat`)).toHaveLength(1);
    await signIn(browser, h.appUrl, ADA);
    const automation = (await browser.get(`${h.appUrl}/automation`)).body;
    expect(automation).toContain('Needs you');
    return { old, automation };
  }

  it('Key Vault refusing the new version (403): "needs you" names the role, the new token is revoked, the old one kept', async () => {
    const { old, automation } = await dueWhileRefused('vault-refused', () =>
      h.emulator.control.keyVault.putVault('ada-pats', { [ADA.objectId]: 'Key Vault Secrets User' }),
    );
    h.emulator.control.keyVault.putVault('ada-pats', { [ADA.objectId]: 'Key Vault Secrets Officer' });
    expect(automation).toContain('Key Vault Secrets Officer');
    expect(
      named('vault-refused')
        .map((t) => [t.authorizationId === old.authorizationId, t.revoked])
        .sort(),
    ).toEqual([
      [false, true],
      [true, false],
    ]);
  });

  it('an organization policy refusing creation: "needs you" in the policy’s words, nothing made or revoked', async () => {
    const { old, automation } = await dueWhileRefused('policy-refused', () =>
      h.emulator.control.devops.setPolicies('contoso', {
        restrictPatCreation: { allowlist: [], allowPackagingScopes: false },
      }),
    );
    h.emulator.control.devops.setPolicies('contoso', { restrictPatCreation: null });
    expect(automation).toMatch(/Restrict personal access token|restrict/i);
    expect(named('policy-refused').map((t) => [t.authorizationId, t.revoked])).toEqual([[old.authorizationId, false]]);
  });

  it('offline access unused for 90 days (the refresh token’s idle lifetime): "needs you" with AADSTS700082, nothing revoked', async () => {
    const old = await createIntoVault('idle');
    // Due only after 91 days: a long-lived token, rotated when 7 days are left.
    await turnOn(old.authorizationId, { whenDaysLeft: '7', lifetimeDays: '30', keepOldDays: '0' });
    await signOut();
    h.clock.advanceDays(91);
    expect(await h.app.runDueJobs()).toBe(1);
    expect(named('idle').map((t) => [t.authorizationId, t.revoked])).toEqual([[old.authorizationId, false]]);
    await signIn(browser, h.appUrl, ADA);
    const automation = (await browser.get(`${h.appUrl}/automation`)).body;
    expect(automation).toContain('expired after 90 days without use');
    expect(automation).toContain('AADSTS700082');
  });

  it('an account an administrator disabled (AADSTS50057): "needs you" in words, nothing revoked', async () => {
    const old = await createIntoVault('disabled');
    await turnOn(old.authorizationId, { whenDaysLeft: '7', lifetimeDays: '30', keepOldDays: '0' });
    await signOut();
    const ada = h.emulator.control.directory().people.find((person) => person.objectId === ADA.objectId)!;
    h.emulator.control.addPerson({ ...ada, accountEnabled: false });
    try {
      h.clock.advanceDays(23.01);
      expect(await h.app.runDueJobs()).toBe(1);
      expect(named('disabled').map((t) => [t.authorizationId, t.revoked])).toEqual([[old.authorizationId, false]]);
    } finally {
      h.emulator.control.addPerson(ada);
    }
    await signIn(browser, h.appUrl, ADA);
    const automation = (await browser.get(`${h.appUrl}/automation`)).body;
    expect(automation).toContain('Your account is disabled.');
    expect(automation).toContain('AADSTS50057');
  });

  it('with AUTOMATION=false a rotation turned on before does not run, and runs when automation is on again', async () => {
    const old = await createIntoVault('paused');
    await turnOn(old.authorizationId, { whenDaysLeft: '7', lifetimeDays: '30', keepOldDays: '0' });
    await signOut();
    await h.restartApp({ AUTOMATION: 'false' });
    try {
      h.clock.advanceDays(23.01);
      await h.app.runDueJobs();
      expect(live('paused').map((token) => token.authorizationId)).toEqual([old.authorizationId]);
    } finally {
      await h.restartApp();
    }
    // Put off a day at a time while automation was off.
    h.clock.advanceDays(1.01);
    expect(await h.app.runDueJobs()).toBe(1);
    expect(live('paused').map((token) => token.authorizationId)).not.toContain(old.authorizationId);
    expect(live('paused')).toHaveLength(1);
  });
});
