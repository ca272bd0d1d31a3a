// The weekly audit digest for administrators: Grace administers contoso and asks for it; each
// Monday a mail counts contoso's leaked tokens that still work, its global, full-access and
// long-lived tokens and the people gone from the directory who still hold one, against the week
// before, and the audit it gathers tells the owners of leaked tokens (Ada: the demo seeds two of
// hers, one still valid). Ada, who administers nothing, is refused.
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

/** Grace asks for contoso's digest by mail (its first Monday counted from the clock's now), and signs out. */
async function chooseTheDigest() {
  const page = await saveMailReminders(GRACE);
  expect(page.body).toContain('Weekly audit digest');
  const chosen = await browser.submit(page, '/notifications/digest', { digest: 'on' });
  expect(chosen.body).toContain('A digest of contoso&#39;s audit is sent to you every Monday.');
  await browser.submit(await browser.get(`${h.appUrl}/`), '/logout');
}

const leakNoticeFor = (page: Page, name: string) => page.body.includes(`“${name}”</strong> (contoso) in public`);

/** Ada's token list, signed in afresh in a browser of her own. */
async function adaHome(): Promise<Page> {
  const ada = h.browser();
  await signIn(ada, h.appUrl, ADA);
  return ada.get(`${h.appUrl}/`);
}

const digests = () => h.emulator.control.outbox.sent().filter((mail) => mail.subject.includes('weekly audit'));

describe('the weekly audit digest', () => {
  it('an administrator gets a digest of the organization every Monday, leaked tokens first, its counts against the week before', async () => {
    h.emulator.control.outbox.clear();
    // Nobody has gathered contoso's audit: Ada has no leak notice yet.
    expect(leakNoticeFor(await adaHome(), 'dependency-bot')).toBe(false);
    await chooseTheDigest();

    await nextMonday();
    expect(digests()).toHaveLength(1);
    expect(digests()[0]).toMatchObject({ to: [GRACE.username], subject: 'PAT Manager: the weekly audit of contoso' });
    expect(digests()[0]!.content).toMatch(
      /contoso: 1 token found in public that still works \(revoke them\); \d+ global tokens? \(they stopped working on 1 December 2026; revoke them\); \d+ full-access tokens?; \d+ tokens? made to last over 90 days; \d+ (person|people) no longer in the directory/,
    );
    expect(digests()[0]!.content).not.toContain('last week');
    // The digest's audit told Ada, who never opened the audit, of her leaked tokens.
    const home = await adaHome();
    expect(leakNoticeFor(home, 'dependency-bot')).toBe(true);
    expect(leakNoticeFor(home, 'leaked-in-ci-logs')).toBe(true);

    await nextMonday();
    expect(digests()).toHaveLength(2);
    expect(digests()[1]!.content).toContain('1 token found in public that still works (revoke them) (last week 1)');
    const issued = h.emulator.control.issuedSecrets();
    for (const mail of digests()) for (const secret of issued) expect(mail.content).not.toContain(secret.value);
  });

  it('says leaked tokens are unknown (last week’s count beside it) and still counts global tokens when Azure DevOps does not let the administrator read the audit log', async () => {
    // Past the weeks of the first test: the app's store outlives the clock's reset, and a week has one digest.
    h.clock.advance(21 * DAY_MS);
    await chooseTheDigest();
    h.emulator.control.devops.denyAuditLog('contoso', [GRACE.objectId]);
    const before = digests().length;
    await nextMonday();
    expect(digests()).toHaveLength(before + 1);
    const content = digests().at(-1)!.content;
    expect(content).toContain(
      'contoso: tokens found in public: unknown (the audit log could not be read) (last week 1); ',
    );
    expect(content).toMatch(
      /; \d+ global tokens? \(they stopped working on 1 December 2026; revoke them\) \(last week \d+\)/,
    );
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
