// The weekly audit digest for administrators: Grace administers contoso and asks for it; each
// Monday a mail counts contoso's global, full-access and long-lived tokens and the people gone from
// the directory who still hold one, against the week before. Ada, who administers nothing, is refused.
import { describe, expect, it } from 'vitest';
import type { Page, TestBrowser } from '../support/browser.ts';
import type { Harness } from '../support/harness.ts';
import { signedIn } from '../support/signed-in.ts';
import { ADA, GRACE, signIn } from '../support/sign-in.ts';

const DAY_MS = 86_400_000;
let h: Harness;
let browser: TestBrowser;
signedIn({ person: GRACE, consentToAudit: true }, (session) => ({ h, browser } = session));

async function saveMailReminders(who: typeof GRACE): Promise<Page> {
  const fields = { thresholds: '14', mail: 'on' };
  let page = await browser.submit(await browser.get(`${h.appUrl}/notifications`), '/notifications', fields);
  if (page.url.includes('/oauth2/v2.0/authorize')) {
    page = await browser.submit(page, 'authorize', { person: who.objectId });
    page = await browser.submit(page, '/notifications', fields);
  }
  expect(page.body).toContain('Reminders saved');
  return page;
}

/** To the next Monday, 08:01 UTC, and runs what is due. */
async function nextMonday() {
  let at = h.clock.now() + DAY_MS / 2;
  const day = new Date(at);
  at = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 8, 1);
  while (new Date(at).getUTCDay() !== 1 || at <= h.clock.now()) at += DAY_MS;
  h.clock.advance(at - h.clock.now());
  return h.app.runDueJobs();
}

const digests = () => h.emulator.control.outbox.sent().filter((mail) => mail.subject.includes('weekly audit'));

describe('the weekly audit digest', () => {
  it('an administrator gets a digest of the organization every Monday, its counts against the week before', async () => {
    h.emulator.control.outbox.clear();
    const page = await saveMailReminders(GRACE);
    expect(page.body).toContain('Weekly audit digest');
    const chosen = await browser.submit(page, '/notifications/digest', { digest: 'on' });
    expect(chosen.body).toContain('A digest of contoso&#39;s audit is sent to you every Monday.');
    await browser.submit(await browser.get(`${h.appUrl}/`), '/logout');

    await nextMonday();
    expect(digests()).toHaveLength(1);
    expect(digests()[0]).toMatchObject({ to: [GRACE.username], subject: 'PAT Manager: the weekly audit of contoso' });
    expect(digests()[0]!.content).toMatch(
      /contoso: \d+ global tokens? \(they stopped working on 1 December 2026; revoke them\); \d+ full-access tokens?; \d+ tokens? made to last over 90 days; \d+ (person|people) no longer in the directory/,
    );
    expect(digests()[0]!.content).not.toContain('last week');

    await nextMonday();
    expect(digests()).toHaveLength(2);
    expect(digests()[1]!.content).toContain('(last week');
    const issued = h.emulator.control.issuedSecrets();
    for (const mail of digests()) for (const secret of issued) expect(mail.content).not.toContain(secret.value);
  });

  it('someone who administers nothing cannot turn it on', async () => {
    const ada = h.browser();
    browser = ada;
    await signIn(ada, h.appUrl, ADA);
    await saveMailReminders(ADA);
    const page = await ada.get(`${h.appUrl}/notifications`);
    expect(page.body).not.toContain('Weekly audit digest');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const refused = await ada.post(`${h.appUrl}/notifications/digest`, { _csrf: csrf, digest: 'on' });
    expect(refused.body).toContain('Only an administrator of contoso can have its audit digest.');
  });
});
