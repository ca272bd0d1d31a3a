// The audit's history through the real app, msal-node and emulator: the token events of contoso's
// audit log (last 90 days) put every token Azure DevOps found in public or revoked itself at the
// top of Grace's audit, with when, whose and where; an audit log that fails or that PAT Manager may
// not read leaves the rest of the audit whole and says so.
import { describe, expect, it } from 'vitest';
import type { Page, TestBrowser } from '../support/browser.ts';
import { followGathering } from '../support/audit-page.ts';
import { TEST_CLIENT_ID, type Harness } from '../support/harness.ts';
import { signedIn } from '../support/signed-in.ts';
import { ADA, GRACE, csrfOf, signIn, signInForAudit } from '../support/sign-in.ts';

let h: Harness;
let browser: TestBrowser;
signedIn({ person: null }, (session) => ({ h, browser } = session));

const AUDIT_LOG = 'GET /auditservice/:organization/_apis/audit/auditlog';

async function openAudit(): Promise<Page> {
  const page = await followGathering(browser, h.appUrl);
  expect(page.status).toBe(200);
  return page;
}

/** The section of tokens found in public or revoked by Azure DevOps, or '' when there is none. */
const leakedSection = (page: Page) =>
  /<section class="flash flash-error leaked"[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? '';
const peopleCount = () =>
  h.emulator.control.devops.members('contoso').filter((member) => member.origin !== 'vsts').length;

/** The rest of the audit is there: everyone counted, the token table shown, nobody unread. */
function expectRestOfAuditIntact(page: Page) {
  expect(page.body).toContain(`<strong>${peopleCount()}</strong> people`);
  expect(page.body).toContain('<table class="tokens audit stacked">');
  expect(page.body).not.toContain('unread-title');
}

describe('tokens found in public or revoked by Azure DevOps', () => {
  it('lists them at the top of the audit, the still-valid one first, with when, whose and where', async () => {
    await signInForAudit(browser, h.appUrl, GRACE);
    const page = await openAudit();
    const section = leakedSection(page);
    expect(section).toContain('Found in public or revoked by Azure DevOps (2)');
    // Above the summary and the token table.
    expect(page.body.indexOf('leaked-title')).toBeLessThan(page.body.indexOf('audit-summary'));
    const rows = section.split('<tr class="leak').slice(1);
    expect(rows[0]).toContain('dependency-bot');
    expect(rows[0]).toContain('Ada Lovelace');
    expect(rows[0]).toContain('https://github.com/ada-lovelace/dotfiles');
    expect(rows[0]).toContain('Still valid');
    const dependencyBot = h.emulator.control.devops
      .tokens(
        h.emulator.control.devops.members('contoso').find((member) => member.displayName === 'Ada Lovelace')!.objectId,
      )
      .find((token) => token.displayName === 'dependency-bot')!;
    expect(rows[0]).toContain(`/audit/revoke?ids=${dependencyBot.authorizationId}`);
    expect(rows[1]).toContain('leaked-in-ci-logs');
    expect(rows[1]).toContain('https://github.com/contoso-oss/build-scripts');
    expect(rows[1]).toMatch(/Revoked by Azure DevOps on <time datetime="[^"]+">/);
    expect(rows[1]).toContain('Revoked</td>');
    expectRestOfAuditIntact(page);
  });

  it('shows a token found in public a moment ago and revoked by the system, read across pages of the log', async () => {
    const member = h.emulator.control.devops
      .members('contoso')
      .find((someone) => someone.origin === 'aad' && someone.tokens.some((token) => token.status === 'active'))!;
    const token = member.tokens.find((candidate) => candidate.status === 'active')!;
    h.emulator.control.devops.discoverInPublic('contoso', token.authorizationId, {
      repositoryUrl: 'https://github.com/someone/<script>leak</script>',
    });
    h.emulator.control.resetStats();
    await signInForAudit(browser, h.appUrl, GRACE);
    const page = await openAudit();
    const section = leakedSection(page);
    expect(section).toContain('Found in public or revoked by Azure DevOps (3)');
    const row = section.split('<tr class="leak').find((candidate) => candidate.includes(token.displayName))!;
    expect(row).toContain(member.displayName);
    expect(row).toContain('https://github.com/someone/&lt;script&gt;leak&lt;/script&gt;');
    expect(row).toContain('Revoked by Azure DevOps');
    // The 90 days of contoso hold more events than one page of 200: the log was followed page after page.
    expect(h.emulator.control.stats().requests[AUDIT_LOG]).toBeGreaterThan(1);
  });
});

describe("a token's history", () => {
  it('lists what the audit log says about one token, oldest first: created by its owner, then found in public', async () => {
    await signInForAudit(browser, h.appUrl, GRACE);
    const audit = await openAudit();
    const ada = h.emulator.control.devops.members('contoso').find((member) => member.displayName === 'Ada Lovelace')!;
    const token = ada.tokens.find((candidate) => candidate.displayName === 'dependency-bot')!;
    expect(audit.body).toContain(`href="/audit/tokens/${token.authorizationId}"`);
    const page = await browser.get(`${h.appUrl}/audit/tokens/${token.authorizationId}`);
    expect(page.status).toBe(200);
    const events = [...page.body.matchAll(/<li class="event event-(\w+)">([\s\S]*?)<\/li>/g)];
    expect(events.map((event) => event[1])).toEqual(['created', 'foundInPublic']);
    expect(events[0]![2]).toContain('by Ada Lovelace (ada@contoso.example)');
    expect(events[1]![2]).toContain(
      'by Azure DevOps Service, in <span class="found-where">https://github.com/ada-lovelace/dotfiles</span>',
    );
    expect((await browser.get(`${h.appUrl}/audit/tokens/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
    expect((await browser.get(`${h.appUrl}/audit/tokens/not-a-guid`)).status).toBe(404);
  });
});

describe("PAT Manager's own entries in a token's history", () => {
  /** The history's items in order: `event-<kind>` for the audit log's, `pat-manager-<action>` for PAT Manager's. */
  const itemsOf = (page: Page) =>
    [...page.body.matchAll(/<li class="(?:event event|pat-manager-entry pat-manager)-(\w+)">([\s\S]*?)<\/li>\n/g)].map(
      (match) => ({ kind: match[1]!, text: match[2]! }),
    );
  const adaToken = (name: string) =>
    h.emulator.control.devops.tokens(ADA.objectId).find((token) => token.displayName === name)!;

  async function gatherAgain(audit: Page): Promise<void> {
    const posted = await browser.post(
      `${h.appUrl}/audit/gather-again`,
      { _csrf: csrfOf(audit) },
      { referer: audit.url },
    );
    expect((await followGathering(browser, h.appUrl, posted)).status).toBe(200);
  }

  it("shows an administrator's revocation on the owner's behalf, with its reason, right after the audit log's revoke event", async () => {
    await signInForAudit(browser, h.appUrl, GRACE);
    const audit = await openAudit();
    const token = adaToken('ci-pipeline');
    const confirm = await browser.get(`${h.appUrl}/audit/revoke?ids=${token.authorizationId}`);
    const result = await browser.submit(confirm, '/audit/revoke', { reason: 'left the <b>team</b>' });
    expect(result.body).toContain('revoked');
    await gatherAgain(audit);
    const page = await browser.get(`${h.appUrl}/audit/tokens/${token.authorizationId}`);
    expect(page.status).toBe(200);
    const items = itemsOf(page);
    const revoked = items.findIndex((item) => item.kind === 'revoked');
    expect(revoked).toBeGreaterThan(-1);
    expect(items[revoked]!.text).toContain('by Grace Hopper');
    const entry = items[revoked + 1]!;
    expect(entry.kind).toBe('revokeOnBehalf');
    expect(entry.text).toContain(
      '<span class="entry-source">PAT Manager</span> <strong>Revoked on behalf of its holder</strong> by Grace Hopper',
    );
    expect(entry.text).toContain('<li>reason: left the &lt;b&gt;team&lt;/b&gt;</li>');
    expect(entry.text).toContain('<li>for Ada Lovelace (ada@contoso.example)</li>');
  });

  it('shows the owner\'s own "created" entry beside the audit log\'s creation of a token made through PAT Manager', async () => {
    await signIn(browser, h.appUrl, ADA);
    const created = await browser.submit(await browser.get(`${h.appUrl}/tokens/new`), '/tokens', {
      displayName: 'made-here',
      expiry: '30',
      organizations: 'this',
      access: 'custom',
      scopes: ['vso.code'],
    });
    expect(created.status).toBe(200);
    const token = adaToken('made-here');
    browser = h.browser();
    await signInForAudit(browser, h.appUrl, GRACE);
    await openAudit();
    const page = await browser.get(`${h.appUrl}/audit/tokens/${token.authorizationId}`);
    expect(page.status).toBe(200);
    const items = itemsOf(page);
    expect(items.map((item) => item.kind)).toEqual(['created', 'create']);
    expect(items[0]!.text).toContain('by Ada Lovelace');
    expect(items[1]!.text).toContain(
      '<span class="entry-source">PAT Manager</span> <strong>Created</strong> by Ada Lovelace',
    );
  });
});

describe('when the audit log fails', () => {
  it.each([
    [429, { 'Retry-After': '30' }],
    [500, {}],
  ] as const)(
    'HTTP %i on the audit log gives "History unavailable" with the rest of the audit intact',
    async (status, headers) => {
      await signInForAudit(browser, h.appUrl, GRACE);
      h.emulator.control.injectFault({ target: 'auditlog', status, headers: { ...headers } });
      const page = await openAudit();
      expect(page.body).toContain('History unavailable');
      expect(leakedSection(page)).toBe('');
      expectRestOfAuditIntact(page);
    },
  );
});

describe('an administrator who may not read the audit log', () => {
  it('without "View audit log" in the organization: the audit without the history, and a line saying so', async () => {
    h.emulator.control.devops.denyAuditLog('contoso', [GRACE.objectId]);
    await signInForAudit(browser, h.appUrl, GRACE);
    const page = await openAudit();
    expect(page.body).toMatch(
      /history-missing[^>]*>The tokens' history is not shown: Azure DevOps does not let you read contoso/,
    );
    expect(page.body).toContain('View audit log');
    expect(leakedSection(page)).toBe('');
    expectRestOfAuditIntact(page);
  });

  // Last in the file: the registration's missing permission is not given back.
  it('without the vso.auditlog permission: the audit without the history, and a line naming vso.auditlog', async () => {
    h.emulator.control.withholdPermission(TEST_CLIENT_ID, 'vso.auditlog');
    await signInForAudit(browser, h.appUrl, GRACE);
    const page = await openAudit();
    const line = /<p class="flash flash-error history-missing"[\s\S]*?<\/p>/.exec(page.body)?.[0] ?? '';
    expect(line).toContain('PAT Manager lacks the Azure DevOps permission <code>vso.auditlog</code>');
    expect(leakedSection(page)).toBe('');
    expectRestOfAuditIntact(page);
  });
});
