// Reminders while nobody is signed in, through the real app, msal-node (the person's offline
// access, and Graph's "Send mail as you" consent), the emulator's Graph outbox and webhook sink, on
// the embedded job engine. The clock the app's jobs and the emulator share is moved, never waited for.
import { describe, expect, it } from 'vitest';
import type { Page, TestBrowser } from '../support/browser.ts';
import type { Harness } from '../support/harness.ts';
import { signedIn } from '../support/signed-in.ts';
import { ADA, signIn } from '../support/sign-in.ts';

const DAY_MS = 86_400_000;
const CONTOSO = 'f9424e7c-ea71-44cb-aa51-cae3213c1e15';
const HOOK = 'https://teams.hooks.localhost/workflows/6a2f/triggers/manual/paths/invoke?sig=not-a-real-signature';
let h: Harness;
let browser: TestBrowser;
signedIn({}, (session) => ({ h, browser } = session));

/** Ada's tokens now: two in contoso, expiring in 20 and 40 days. */
function plantTokens() {
  const now = h.clock.now();
  h.emulator.control.devops.replaceTokens(ADA.objectId, [
    {
      displayName: 'soon',
      scope: 'vso.code',
      validFrom: new Date(now - DAY_MS),
      validTo: new Date(now + 20 * DAY_MS),
      targetAccounts: [CONTOSO],
    },
    {
      displayName: 'later',
      scope: 'vso.code',
      validFrom: new Date(now - DAY_MS),
      validTo: new Date(now + 40 * DAY_MS),
      targetAccounts: [CONTOSO],
    },
  ]);
  h.emulator.control.outbox.clear();
  h.emulator.control.webhooks.clear();
}

/** Saves the Notifications form, consenting to "Send mail as you" when the emulator asks. */
async function saveReminders(fields: Record<string, string>): Promise<Page> {
  let page = await browser.submit(await browser.get(`${h.appUrl}/notifications`), '/notifications', fields);
  if (page.url.includes('/oauth2/v2.0/authorize')) {
    page = await browser.submit(page, 'authorize', { person: ADA.objectId });
    expect(page.body).toContain('Nothing was saved yet');
    page = await browser.submit(page, '/notifications', fields);
  }
  return page;
}

async function signOut() {
  await browser.submit(await browser.get(`${h.appUrl}/`), '/logout');
}

/** Moves both clocks to the first 08:01 UTC at least `days - ½` days from now, and runs what is due. */
async function dayLater(days: number) {
  const target = h.clock.now() + (days - 0.5) * DAY_MS;
  const at = new Date(target);
  let next = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), 8, 1);
  if (next < target) next += DAY_MS;
  h.clock.advance(next - h.clock.now());
  return h.app.runDueJobs();
}

const mails = () => h.emulator.control.outbox.sent();
const hooks = () => h.emulator.control.webhooks.received();

describe('reminders by mail and webhook', () => {
  it('crossing a threshold sends one mail and one webhook message with exactly the tokens due, once; the next threshold sends again', async () => {
    plantTokens();
    const saved = await saveReminders({
      thresholds: '14, 3',
      onAutomationNeedsYou: 'on',
      mail: 'on',
      webhookUrl: HOOK,
      webhookFormat: 'teams',
    });
    expect(saved.body).toContain('Reminders saved: 14 and 3 days before a token expires');
    expect(saved.body).toContain('by webhook (teams.hooks.localhost)');
    expect(saved.body).not.toContain('sig=not-a-real-signature');
    await signOut();

    expect(await dayLater(1)).toBe(1);
    expect(mails()).toHaveLength(0);
    expect(hooks()).toHaveLength(0);

    await dayLater(6); // "soon" now has 13 days left
    expect(mails()).toHaveLength(1);
    expect(mails()[0]).toMatchObject({
      from: ADA.username,
      to: [ADA.username],
      subject: 'PAT Manager: 1 personal access token expire soon',
    });
    expect(mails()[0]!.content).toContain('&#34;soon&#34; (contoso) expires on');
    expect(mails()[0]!.content).not.toContain('later');
    expect(hooks()).toHaveLength(1);
    expect(hooks()[0]!.host).toBe('teams.hooks.localhost');
    expect(JSON.stringify(hooks()[0]!.body)).toContain('\\"soon\\" (contoso) expires on');
    expect(JSON.stringify(hooks()[0]!.body)).not.toContain('later');

    await dayLater(1);
    await h.restartApp();
    await dayLater(1);
    expect(mails()).toHaveLength(1);
    expect(hooks()).toHaveLength(1);

    await dayLater(9); // "soon" has 2 days left: the 3-day reminder
    expect(mails()).toHaveLength(2);
    expect(hooks()).toHaveLength(2);
    expect(mails()[1]!.content).toContain('soon');

    const issued = h.emulator.control.issuedSecrets();
    for (const message of [...mails().map((mail) => mail.content), ...hooks().map((hook) => JSON.stringify(hook.body))])
      for (const secret of issued) expect(message).not.toContain(secret.value);

    await signIn(browser, h.appUrl, ADA);
    const page = (await browser.get(`${h.appUrl}/notifications`)).body;
    expect(page).toContain('Sent');
    const activity = (await browser.get(`${h.appUrl}/activity`)).body;
    expect(activity).toContain(`reminded by mail to ${ADA.username}`);
    expect(activity).toContain('reminded by webhook (teams.hooks.localhost)');
    expect(activity).not.toContain('not-a-real-signature');
  });

  it('a webhook host not in WEBHOOK_HOSTS is refused on the form, and nothing is kept', async () => {
    const refused = await browser.submit(await browser.get(`${h.appUrl}/notifications`), '/notifications', {
      thresholds: '14',
      webhookUrl: 'https://evil.example/hook',
      webhookFormat: 'teams',
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('evil.example is not one of them');
    expect(refused.body).not.toContain('value="https://evil.example/hook"');
  });

  it('a webhook that keeps failing is retried with backoff, then shown as "not delivered" with the reason', async () => {
    plantTokens();
    await saveReminders({ thresholds: '30', mail: 'on', webhookUrl: HOOK, webhookFormat: 'slack' });
    h.emulator.control.webhooks.failNext(500, 100);
    await dayLater(1);
    expect(mails().length).toBeGreaterThanOrEqual(1);
    for (let attempt = 0; attempt < 8; attempt++) {
      h.clock.advance(2 * 60 * 60_000);
      await h.app.runDueJobs();
    }
    expect(hooks()).toHaveLength(0);
    const page = (await browser.get(`${h.appUrl}/notifications`)).body;
    expect(page).toContain('Not delivered');
    expect(page).toContain('the service failed (500)');
    h.emulator.control.webhooks.clear();
  });
});
