// Leak notices through the real app, msal-node and emulator: when Grace (contoso's administrator)
// gathers the audit, Ada, whose tokens Azure DevOps found in public (the demo seeds two), is told on
// her own token list the next time she opens it, and can dismiss each notice for good. The notices
// live in the app's store for the whole file, so the tests run in order: dismissal comes last.
import { describe, expect, it } from 'vitest';
import type { Page, TestBrowser } from '../support/browser.ts';
import { followGathering } from '../support/audit-page.ts';
import type { Harness } from '../support/harness.ts';
import { signedIn } from '../support/signed-in.ts';
import { ADA, csrfOf, GRACE, signIn, signInForAudit } from '../support/sign-in.ts';

let h: Harness;
let browser: TestBrowser;
signedIn({ person: null }, (session) => ({ h, browser } = session));

const noticesOn = (page: Page) =>
  [...page.body.matchAll(/<div class="flash flash-error leak-notice" role="alert">[\s\S]*?<\/div>/g)].map(
    (match) => match[0],
  );
const adaToken = (name: string) =>
  h.emulator.control.devops.tokens(ADA.objectId).find((token) => token.displayName === name)!;

/** Grace gathers contoso's audit, as she would by opening it. */
async function graceGathersTheAudit(): Promise<TestBrowser> {
  const grace = h.browser();
  await signInForAudit(grace, h.appUrl, GRACE);
  expect((await followGathering(grace, h.appUrl)).status).toBe(200);
  return grace;
}

/** Posts a notice's "Dismiss" form from `page`, as a browser would (its CSRF token, the notice's id). */
const dismiss = (from: TestBrowser, page: Page, id: string) =>
  from.post(`${h.appUrl}/leak-notices/dismiss`, { _csrf: csrfOf(page), id }, { referer: page.url });

async function adaHome(): Promise<Page> {
  await signIn(browser, h.appUrl, ADA);
  const home = await browser.get(`${h.appUrl}/`);
  expect(home.status).toBe(200);
  return home;
}

describe('leak notices on the owner’s token list', () => {
  it('tells Ada, once Grace has gathered the audit, which of her tokens Azure DevOps found in public, where, and whether it revoked them', async () => {
    // Nobody has gathered contoso's audit yet: PAT Manager knows of no leak.
    expect(noticesOn(await adaHome())).toEqual([]);
    const grace = await graceGathersTheAudit();
    const notices = noticesOn(await browser.get(`${h.appUrl}/`));
    expect(notices).toHaveLength(2);
    // The most recent first: dependency-bot (3 days ago, still valid), then leaked-in-ci-logs (revoked).
    expect(notices[0]).toContain('“dependency-bot”</strong> (contoso) in public');
    expect(notices[0]).toContain('<span class="found-where">https://github.com/ada-lovelace/dotfiles</span>');
    expect(notices[0]).toContain('It may still work');
    expect(notices[1]).toContain('“leaked-in-ci-logs”');
    expect(notices[1]).toContain('https://github.com/contoso-oss/build-scripts');
    expect(notices[1]).toMatch(/Azure DevOps revoked it on <time datetime="[^"]+">/);
    expect(notices[0]).toContain(`name="id" value="${adaToken('dependency-bot').authorizationId}"`);
    expect(notices[0]).toMatch(/name="_csrf" value="[^"]+"/);
    // Grace has no leaked token: her list has no notice.
    expect(noticesOn(await grace.get(`${h.appUrl}/`))).toEqual([]);
  });

  it('escapes where a token was found, and names a token found a moment ago after the next gathering', async () => {
    const token = adaToken('ci-pipeline');
    h.emulator.control.devops.discoverInPublic('contoso', token.authorizationId, {
      repositoryUrl: 'https://github.com/someone/<script>leak</script>',
    });
    await graceGathersTheAudit();
    const notice = noticesOn(await adaHome()).find((candidate) => candidate.includes('“ci-pipeline”'));
    expect(notice).toContain('https://github.com/someone/&lt;script&gt;leak&lt;/script&gt;');
    expect(notice).not.toContain('<script>leak');
  });

  it('refuses a dismiss naming a notice Ada does not hold (forged, malformed or someone else’s) and changes nothing', async () => {
    await graceGathersTheAudit();
    const home = await adaHome();
    const before = noticesOn(home);
    expect(before.length).toBeGreaterThan(0);
    for (const id of ['00000000-0000-4000-8000-000000000001', 'not-a-guid', '']) {
      const refused = await dismiss(browser, home, id);
      expect(refused.status).toBe(404);
      expect(refused.body).toContain('You have no such notice');
    }
    // Without the page's CSRF token (a form on another site), not even Ada's own notice is dismissed.
    const ownId = adaToken('dependency-bot').authorizationId;
    const forged = await browser.post(`${h.appUrl}/leak-notices/dismiss`, { _csrf: 'forged', id: ownId });
    expect(forged.status).toBe(403);
    // Grace posting Ada's notice id dismisses nothing of Ada's.
    const grace = h.browser();
    await signIn(grace, h.appUrl, GRACE);
    const graceHome = await grace.get(`${h.appUrl}/`);
    expect((await dismiss(grace, graceHome, ownId)).status).toBe(404);
    expect(noticesOn(await browser.get(`${h.appUrl}/`))).toEqual(before);
  });

  it('removes a dismissed notice, and gathering the audit again neither brings it back nor doubles the others', async () => {
    await graceGathersTheAudit();
    const home = await adaHome();
    const notice = noticesOn(home).find((candidate) => candidate.includes('“leaked-in-ci-logs”'))!;
    // The id the notice's form sends: the token's.
    const id = /name="id" value="([^"]+)"/.exec(notice)![1]!;
    expect(id).toBe(adaToken('leaked-in-ci-logs').authorizationId);
    const after = await dismiss(browser, home, id);
    expect(after.status).toBe(200);
    expect(after.url).toBe(`${h.appUrl}/`);
    expect(after.body).toContain('The notice about &#34;leaked-in-ci-logs&#34; is dismissed.');
    expect(noticesOn(after).some((candidate) => candidate.includes('“leaked-in-ci-logs”'))).toBe(false);
    // Dismissed already: a second time is refused.
    expect((await dismiss(browser, after, id)).status).toBe(404);

    await graceGathersTheAudit();
    const again = noticesOn(await browser.get(`${h.appUrl}/`));
    expect(again.some((candidate) => candidate.includes('“leaked-in-ci-logs”'))).toBe(false);
    expect(again.filter((candidate) => candidate.includes('“dependency-bot”'))).toHaveLength(1);
  });
});
