// The organization audit through the real app, msal-node and emulator: an administrator (Grace, of
// contoso) sees every person's tokens across pages of both APIs; anyone else is refused after the
// one check; revoking chosen tokens or all of one person's touches exactly those and records why;
// people whose tokens cannot be read are named, not dropped.
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import type { Page, TestBrowser } from '../support/browser.ts';
import { followGathering } from '../support/audit-page.ts';
import type { Harness } from '../support/harness.ts';
import { signedIn } from '../support/signed-in.ts';
import { ADA, GRACE, openSignInPage, pickPerson, signIn, signInForAudit } from '../support/sign-in.ts';
import { AUDIT_PERMISSIONS, devOpsScope } from '../../src/auth/devops-permissions.ts';

let h: Harness;
let browser: TestBrowser;
// A fresh browser for each test; each test signs in as the person it is about.
signedIn({ person: null }, (session) => ({ h, browser } = session));

const GRAPH_USERS = 'GET /vssps/:organization/_apis/graph/users';
const TOKEN_LIST = 'GET /vssps/:organization/_apis/tokenadmin/personalaccesstokens/:subjectDescriptor';
const REVOCATIONS = 'POST /vssps/:organization/_apis/tokenadmin/revocations';
const calls = (label: string) => h.emulator.control.stats().requests[label] ?? 0;

/** Opens /audit and follows its "gathering" page (Refresh header) until the audit is shown. */
async function openAudit(path = '/audit'): Promise<Page> {
  let page = await browser.get(`${h.appUrl}${path}`);
  for (let i = 0; i < 60 && page.headers.refresh; i++) {
    expect(page.body).toContain('Gathering the audit of contoso');
    await new Promise((resolve) => setTimeout(resolve, 500));
    page = await browser.get(`${h.appUrl}${path}`);
  }
  expect(page.headers.refresh).toBeUndefined();
  return page;
}

type ExportRow = Record<string, string>;
async function exported(query = ''): Promise<ExportRow[]> {
  const page = await browser.get(`${h.appUrl}/audit/export?format=json${query}`);
  expect(page.status).toBe(200);
  return (JSON.parse(page.body) as { tokens: ExportRow[] }).tokens;
}

/** What token administration should show: every person's unrevoked tokens that work in contoso. */
function expectedTokenIds(): string[] {
  const contoso = 'f9424e7c-ea71-44cb-aa51-cae3213c1e15';
  return (
    h.emulator.control.devops
      .members('contoso')
      .filter((member) => member.origin !== 'vsts')
      .flatMap((member) => member.tokens)
      // What the audit shows by default: usable tokens and global ones (to revoke); not revoked or expired ones.
      // (An expired token reads isValid false whether it was revoked or not: a global one of those is still listed as global.)
      .filter((token) =>
        token.targetAccounts === null
          ? !token.revoked || Date.parse(token.validTo) <= Date.now()
          : token.targetAccounts.includes(contoso) && token.status === 'active',
      )
      .map((token) => token.authorizationId)
      .sort()
  );
}

const tokenStates = () =>
  new Map(
    h.emulator.control.devops
      .members('contoso')
      .flatMap((member) => member.tokens.map((token) => [token.authorizationId, token.revoked] as const)),
  );

describe('who may audit', () => {
  it("asks the audit's permissions only when the audit is first opened, then shows the Audit link to the administrator", async () => {
    h.emulator.control.revokeConsents(GRACE.objectId);
    // Sign-in asks for the person's own tokens and profile, not for the audit's permissions.
    const signInPage = await openSignInPage(browser, h.appUrl);
    const asked = new URL(signInPage.url).searchParams.get('scope')!.split(' ');
    expect(asked).toContain(devOpsScope('vso.pats'));
    for (const permission of AUDIT_PERMISSIONS) expect(asked).not.toContain(devOpsScope(permission));
    const home = await pickPerson(browser, signInPage, GRACE);
    expect(home.body).not.toContain('href="/audit"');
    // The Organizations page offers the audit to administrators.
    const organizations = await browser.get(`${h.appUrl}/organizations`);
    expect(organizations.body).toContain(
      '<a class="button secondary" href="/audit">Open the organization audit (administrators)</a>',
    );
    // Opening it the first time is a sign-in that asks for them, and ends on the audit.
    const consent = await browser.get(`${h.appUrl}/audit`);
    expect(consent.url).toContain('/oauth2/v2.0/authorize');
    const consentAsked = new URL(consent.url).searchParams.get('scope')!.split(' ');
    for (const permission of AUDIT_PERMISSIONS) expect(consentAsked).toContain(devOpsScope(permission));
    const audit = await pickPerson(browser, consent, GRACE);
    expect(new URL(audit.url).pathname).toBe('/audit');
    const page = await followGathering(browser, h.appUrl, audit);
    expect(page.body).toContain('<h1>Audit of contoso</h1>');
    // The audit's calls carry a token for its permissions alone, got with the refresh token.
    const scps = h.emulator.control
      .issuedSecrets()
      .filter((secret) => secret.kind === 'access_token')
      .map((secret) => String(decodeJwt(secret.value).scp));
    expect(scps.at(-1)!.split(' ').sort()).toEqual([...AUDIT_PERMISSIONS].sort());
    expect(scps.at(-2)!.split(' ').sort()).toEqual(['vso.pats', 'vso.pats_manage', 'vso.profile']);
    // Signed in again, later: no consent is asked, and the header has the Audit link.
    const later = h.browser();
    const laterHome = await signIn(later, h.appUrl, GRACE);
    expect(laterHome.body).toContain('<a href="/audit"');
    const again = await later.get(`${h.appUrl}/audit`);
    expect(again.trail.some((url) => url.includes('/oauth2/v2.0/authorize'))).toBe(false);
    expect(new URL(again.url).pathname).toBe('/audit');
    expect(again.status).toBe(200);
  });

  it("shows the Audit link to the organization's administrator and no one else", async () => {
    const home = await signInForAudit(browser, h.appUrl, GRACE);
    expect(home.body).toContain('<a href="/audit"');
    const other = h.browser();
    const adaHome = await signInForAudit(other, h.appUrl, ADA);
    expect(adaHome.status).toBe(200);
    expect(adaHome.body).not.toContain('href="/audit"');
  });

  it('refuses anyone else clearly, after the consent the audit asks, with no call on their behalf beyond the check', async () => {
    h.emulator.control.revokeConsents(ADA.objectId);
    await signIn(browser, h.appUrl, ADA);
    h.emulator.control.resetStats();
    const consent = await browser.get(`${h.appUrl}/audit`);
    expect(consent.url).toContain('/oauth2/v2.0/authorize');
    const page = await pickPerson(browser, consent, ADA);
    expect(new URL(page.url).pathname).toBe('/audit');
    expect(page.status).toBe(403);
    expect(page.body).toContain('The audit is for organization administrators');
    expect(page.body).toContain('Project Collection Administrators');
    expect(page.body).not.toContain('href="/audit"');
    const requests = h.emulator.control.stats().requests;
    // The check: Ada's descriptor, then token administration on her own tokens, refused with 401
    // (not repeated with a fresh token: Graph had just accepted this one).
    expect(requests['GET /vssps/:organization/_apis/graph/descriptors/:storageKey']).toBe(1);
    expect(requests[TOKEN_LIST]).toBe(1);
    // One refresh: the audit's token, got with the refresh token the consent sign-in gave.
    expect(h.emulator.control.stats().grants.refresh_token).toBe(1);
    expect(requests[GRAPH_USERS]).toBeUndefined();
    expect(requests[REVOCATIONS]).toBeUndefined();
    // And a second visit asks nothing at all.
    h.emulator.control.resetStats();
    expect((await browser.get(`${h.appUrl}/audit`)).status).toBe(403);
    expect(h.emulator.control.stats().requests[TOKEN_LIST]).toBeUndefined();
  });
});

describe('the audit', () => {
  beforeEach(async () => {
    await signInForAudit(browser, h.appUrl, GRACE);
    h.emulator.control.resetStats();
  });

  it("lists every person's tokens across pages of both APIs, riskiest first", async () => {
    const page = await openAudit();
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Audit of contoso</h1>');
    expect(calls(GRAPH_USERS)).toBeGreaterThan(1);
    const people = h.emulator.control.devops.members('contoso').filter((member) => member.origin !== 'vsts');
    // Ada holds more than one page of tokens (20 a page): more list calls than people.
    expect(calls(TOKEN_LIST)).toBeGreaterThan(people.length);
    expect(page.body).toContain(`<strong>${people.length}</strong> people`);
    const gathered = { users: calls(GRAPH_USERS), lists: calls(TOKEN_LIST) };
    const rows = await exported();
    expect(rows.map((row) => row.authorizationId).sort()).toEqual(expectedTokenIds());
    // Global tokens first (none of them works any more), then the riskiest first.
    const globalCount = rows.filter((row) => row.status!.startsWith('Global')).length;
    expect(rows.slice(0, globalCount).every((row) => row.status!.startsWith('Global'))).toBe(true);
    const scores = rows.slice(globalCount).map((row) => Number(row.risk));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(
      rows.some(
        (row) =>
          row.person === 'Ada Lovelace' &&
          row.displayName === 'admin-break-glass' &&
          row.flags!.includes('Full access'),
      ),
    ).toBe(true);
    // The export and the filters work on the gathered audit: no second gathering, only the check
    // (one token-administration list of Grace's own) that she is still an administrator, each time.
    await browser.get(`${h.appUrl}/audit?flag=fullAccess&page=2`);
    expect({ users: calls(GRAPH_USERS), lists: calls(TOKEN_LIST) }).toEqual({ ...gathered, lists: gathered.lists + 2 });
  });

  it('flags a crafted set rightly, and filters by flag, person and scope', async () => {
    const DAY = 86_400_000;
    h.emulator.control.devops.addMembers('contoso', [
      {
        displayName: 'Zed Crafted',
        principalName: 'zed@contoso.example',
        deletedInOrigin: true,
        tokens: [
          {
            displayName: 'gone-full-all',
            scope: 'app_token',
            validFrom: new Date(Date.now() - 10 * DAY),
            validTo: new Date(Date.now() + 170 * DAY),
            targetAccounts: ['f9424e7c-ea71-44cb-aa51-cae3213c1e15'],
          },
          {
            displayName: 'gone-narrow',
            scope: 'vso.code',
            validFrom: new Date(Date.now() - 1 * DAY),
            validTo: new Date(Date.now() + 20 * DAY),
            targetAccounts: ['f9424e7c-ea71-44cb-aa51-cae3213c1e15'],
          },
        ],
      },
      {
        displayName: 'Yara Crafted',
        principalName: 'yara@contoso.example',
        tokens: [
          {
            displayName: 'plain',
            scope: 'vso.work',
            validFrom: new Date(Date.now() - 1 * DAY),
            validTo: new Date(Date.now() + 30 * DAY),
            targetAccounts: ['f9424e7c-ea71-44cb-aa51-cae3213c1e15'],
          },
          {
            displayName: 'expired-full',
            scope: 'app_token',
            validFrom: new Date(Date.now() - 200 * DAY),
            validTo: new Date(Date.now() - 1 * DAY),
            targetAccounts: ['f9424e7c-ea71-44cb-aa51-cae3213c1e15'],
          },
          {
            displayName: 'revoked-full',
            scope: 'app_token',
            validFrom: new Date(Date.now() - 20 * DAY),
            validTo: new Date(Date.now() + 100 * DAY),
            targetAccounts: ['f9424e7c-ea71-44cb-aa51-cae3213c1e15'],
            revoked: true,
          },
          {
            displayName: 'global-full',
            scope: 'app_token',
            validFrom: new Date(Date.now() - 20 * DAY),
            validTo: new Date(Date.now() + 100 * DAY),
            targetAccounts: null,
          },
        ],
      },
    ]);
    await openAudit();
    const rows = await exported('&state=all&person=crafted');
    const byName = Object.fromEntries(rows.map((row) => [row.displayName, row]));
    expect(Object.keys(byName).sort()).toEqual([
      'expired-full',
      'global-full',
      'gone-full-all',
      'gone-narrow',
      'plain',
      'revoked-full',
    ]);
    expect(byName['gone-full-all']!.flags).toBe(
      'Person no longer in the directory; Full access; Lifetime over 90 days',
    );
    // A chosen date keeps the tokens that outlive it, flagged for it.
    const outliving = await exported(
      '&state=all&person=crafted&expiresAfter=' + new Date(Date.now() + 60 * DAY).toISOString().slice(0, 10),
    );
    expect(outliving.map((row) => row.displayName).sort()).toEqual(['global-full', 'gone-full-all', 'revoked-full']);
    expect(outliving.find((row) => row.displayName === 'gone-full-all')!.flags).toBe(
      'Person no longer in the directory; Full access; Lifetime over 90 days; Expires after the chosen date',
    );
    expect(byName['gone-narrow']!.flags).toBe('Person no longer in the directory');
    expect(byName['plain']!.flags).toBe('');
    // Only valid tokens carry flags: token administration says a revoked one is not (isValid false).
    expect(byName['expired-full']!).toMatchObject({ status: 'expired', risk: '0', flags: '' });
    expect(byName['revoked-full']!).toMatchObject({ status: 'revoked', risk: '0', flags: '' });
    expect(byName['global-full']!).toMatchObject({
      status: 'Global: stopped working on 1 December 2026',
      risk: '0',
      flags: '',
    });
    // Global tokens first (none of them works any more), then the riskiest.
    expect(rows.slice(0, 3).map((row) => row.displayName)).toEqual(['global-full', 'gone-full-all', 'gone-narrow']);
    // By default revoked and expired tokens are left out, and counted apart.
    expect((await exported('&person=crafted')).map((row) => row.displayName).sort()).toEqual([
      'global-full',
      'gone-full-all',
      'gone-narrow',
      'plain',
    ]);
    expect((await exported('&person=crafted&state=notValid')).map((row) => row.displayName).sort()).toEqual([
      'expired-full',
      'revoked-full',
    ]);
    expect((await exported('&person=crafted&flag=personGone')).map((row) => row.displayName).sort()).toEqual([
      'gone-full-all',
      'gone-narrow',
    ]);
    expect((await exported('&person=crafted&scope=vso.work')).map((row) => row.displayName)).toEqual(['plain']);
    const page = await browser.get(`${h.appUrl}/audit?person=crafted`);
    expect(page.body).toContain('Person no longer in the directory');
    expect(page.body).toContain('Cannot be known');
    const csv = await browser.get(`${h.appUrl}/audit/export?format=csv&person=crafted`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe(
      'person,principalName,personInDirectory,authorizationId,displayName,status,risk,flags,scopes,organizations,validFrom,validTo',
    );
  });

  it('shows a "gathering" page that reloads itself without script while a slow audit is gathered', async () => {
    h.emulator.control.injectFault({ path: '/vssps/*/_apis/graph/users', method: 'GET', delayMs: 2500, times: 1 });
    const first = await browser.get(`${h.appUrl}/audit`);
    expect(first.status).toBe(200);
    expect(first.headers.refresh).toBe('1; url=/audit');
    expect(first.body).toContain('Gathering the audit of contoso');
    expect(first.body).toContain('Listing the people in the organization: 0 so far');
    expect(first.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    const done = await openAudit();
    expect(done.body).toContain('<h1>Audit of contoso</h1>');
  });

  it('keeps the gathered audit across a restart of the app: shown again at once, without asking Azure DevOps about anyone', async () => {
    const before = await openAudit();
    expect(before.body).toContain('<h1>Audit of contoso</h1>');
    // Gathering asks about every person.
    expect(calls(TOKEN_LIST)).toBeGreaterThan(10);
    await h.restartApp();
    h.emulator.control.resetStats();
    const after = await browser.get(`${h.appUrl}/audit`);
    expect(after.status).toBe(200);
    expect(after.headers.refresh).toBeUndefined();
    expect(after.body).toContain('<h1>Audit of contoso</h1>');
    // Only the administrator check: its descriptor lookup (not remembered across the restart) and its probe.
    expect(calls(GRAPH_USERS)).toBeLessThanOrEqual(1);
    expect(calls(TOKEN_LIST)).toBe(1);
  });

  it('gathers afresh for a new sign-in of the same administrator, and the audit it replaced is no longer offered to the old session', async () => {
    await openAudit();
    const other = h.browser();
    await signInForAudit(other, h.appUrl, GRACE);
    h.emulator.control.resetStats();
    await followGathering(other, h.appUrl);
    expect(calls(GRAPH_USERS)).toBeGreaterThan(0);
    // One audit per administrator and organization: the first session's is gone, so it gathers again.
    h.emulator.control.resetStats();
    await openAudit();
    expect(calls(GRAPH_USERS)).toBeGreaterThan(0);
  });

  it('"Gather again" shows a revocation made a moment ago: the token is counted apart, without flags, and no longer usable', async () => {
    const audit = await openAudit();
    const cobol = h.emulator.control.devops
      .tokens(GRACE.objectId)
      .find((token) => token.displayName === 'compiler-release')!;
    expect(
      (await exported('&person=grace')).find((row) => row.authorizationId === cobol.authorizationId),
    ).toMatchObject({ status: 'active', flags: 'Full access' });
    const confirm = await browser.get(`${h.appUrl}/tokens/${cobol.authorizationId}/revoke`);
    await browser.submit(confirm, `/tokens/${cobol.authorizationId}/revoke`);
    const again = await browser.submit(audit, '/audit/gather-again', {});
    expect(again.status).toBe(200);
    await openAudit();
    expect((await exported('&person=grace')).some((row) => row.authorizationId === cobol.authorizationId)).toBe(false);
    expect(
      (await exported('&person=grace&state=notValid')).find((row) => row.authorizationId === cobol.authorizationId),
    ).toMatchObject({ status: 'revoked', risk: '0', flags: '' });
  });

  it('refuses unknown filters with a clear page', async () => {
    await openAudit();
    const page = await browser.get(`${h.appUrl}/audit?flag=nonsense`);
    expect(page.status).toBe(400);
    expect(page.body).toContain('Unknown audit options');
  });
});

describe('revoking on behalf', () => {
  beforeEach(async () => {
    await signInForAudit(browser, h.appUrl, GRACE);
    await openAudit();
  });

  const csrf = (page: Page) => /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;

  it('revokes exactly the selected tokens, after one confirmation naming people and tokens, and logs the reason', async () => {
    const members = h.emulator.control.devops.members('contoso');
    const crowd = members.filter(
      (member) =>
        member.origin === 'aad' && member.tokens.some((token) => !token.revoked && token.targetAccounts !== null),
    );
    const picks = [crowd[0]!, crowd[1]!].map((member) => ({
      member,
      token: member.tokens.find((token) => !token.revoked && token.targetAccounts !== null)!,
    }));
    const before = tokenStates();
    const confirm = await browser.get(
      `${h.appUrl}/audit/revoke?${picks.map(({ token }) => `ids=${token.authorizationId}`).join('&')}`,
    );
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('Revoke 2 tokens on behalf of 2 people?');
    for (const { member, token } of picks) {
      expect(confirm.body).toContain(member.displayName);
      expect(confirm.body).toContain(token.displayName);
    }

    // Without a reason: the form again, and nothing changed.
    const refused = await browser.submit(confirm, '/audit/revoke', { reason: '' });
    expect(refused.status).toBe(422);
    expect(refused.body).toContain('Say why these tokens are being revoked');
    expect(tokenStates()).toEqual(before);
    const tooLong = await browser.submit(confirm, '/audit/revoke', { reason: 'x'.repeat(501) });
    expect(tooLong.status).toBe(422);
    const reordering = await browser.submit(confirm, '/audit/revoke', { reason: 'left\u202Eynapmoc' });
    expect(reordering.status).toBe(422);
    expect(reordering.body).toContain('control characters');
    const twice = await browser.submit(confirm, '/audit/revoke', { reason: ['one reason', 'another'] });
    expect(twice.status).toBe(422);
    expect(tokenStates()).toEqual(before);

    const result = await browser.submit(confirm, '/audit/revoke', { reason: 'leaked in build logs' });
    expect(result.status).toBe(200);
    expect(result.body).toContain('2 of 2 revoked');
    const revokedIds = picks.map(({ token }) => token.authorizationId);
    for (const [id, revoked] of tokenStates()) expect(revoked).toBe(revokedIds.includes(id) ? true : before.get(id));

    const activity = await browser.get(`${h.appUrl}/activity`);
    expect(activity.body).toContain('Revoked on behalf of its holder');
    expect(activity.body).toContain('reason: leaked in build logs');
    expect(activity.body).toContain(`for ${picks[0]!.member.displayName}`);
    expect(activity.body).toContain('by Grace Hopper');
    // The audit no longer lists them.
    const rows = await exported();
    expect(rows.some((row) => revokedIds.includes(row.authorizationId!))).toBe(false);
  });

  it('revokes every global token, after one confirmation naming them and a reason, and nothing else', async () => {
    const globalIds = h.emulator.control.devops
      .members('contoso')
      .flatMap((member) => member.tokens)
      .filter((token) => token.targetAccounts === null && !token.revoked && Date.parse(token.validTo) > Date.now())
      .map((token) => token.authorizationId);
    expect(globalIds.length).toBeGreaterThan(0);
    const audit = await openAudit();
    expect(audit.body).toContain(`Revoke every global token (${globalIds.length})…`);
    const before = tokenStates();
    expect(audit.body).toMatch(
      /<form method="get" action="\/audit\/revoke" class="actions">\s*<input type="hidden" name="global" value="1">/,
    );
    const confirm = await browser.get(`${h.appUrl}/audit/revoke?global=1`);
    expect(confirm.body).toContain(`Revoke ${globalIds.length} token`);
    const refused = await browser.submit(confirm, '/audit/revoke', { reason: '' });
    expect(refused.status).toBe(422);
    expect(tokenStates()).toEqual(before);
    const result = await browser.submit(confirm, '/audit/revoke', { reason: 'global PATs retired' });
    expect(result.body).toContain(`${globalIds.length} of ${globalIds.length} revoked`);
    for (const [id, revoked] of tokenStates()) expect(revoked).toBe(globalIds.includes(id) ? true : before.get(id));
    const again = await openAudit();
    expect(again.body).not.toContain('Revoke every global token');
  });

  it("offboards a person: all of their tokens in the organization, nobody else's", async () => {
    const ada = h.emulator.control.devops.members('contoso').find((member) => member.displayName === 'Ada Lovelace')!;
    const contoso = 'f9424e7c-ea71-44cb-aa51-cae3213c1e15';
    // Her revoked and expired ones are listed too (isValid false), and left alone: only valid ones are revoked.
    const hers = ada.tokens
      .filter(
        (token) =>
          token.status === 'active' && (token.targetAccounts === null || token.targetAccounts.includes(contoso)),
      )
      .map((token) => token.authorizationId);
    expect(hers.length).toBeGreaterThan(15);
    const before = tokenStates();
    const confirm = await browser.get(`${h.appUrl}/audit/revoke?person=${encodeURIComponent(ada.descriptor)}`);
    expect(confirm.body).toContain('Revoke all of Ada Lovelace&#39;s tokens?');
    const result = await browser.submit(confirm, '/audit/revoke', { reason: 'left the company' });
    expect(result.body).toContain(`${hers.length} of ${hers.length} revoked`);
    for (const [id, revoked] of tokenStates()) expect(revoked).toBe(hers.includes(id) ? true : before.get(id));
    // Her fabrikam-only token is not contoso's to revoke.
    expect(
      h.emulator.control.devops.tokens(ADA.objectId).find((token) => token.displayName === 'fabrikam-deploy')!.revoked,
    ).toBe(false);
  });

  it('gives a result per token: one refused by Azure DevOps is said so, the other is revoked', async () => {
    const member = h.emulator.control.devops
      .members('contoso')
      .find(
        (candidate) =>
          candidate.origin === 'aad' &&
          candidate.tokens.filter((token) => !token.revoked && token.targetAccounts !== null).length >= 2,
      )!;
    const [one, two] = member.tokens.filter((token) => !token.revoked && token.targetAccounts !== null);
    const confirm = await browser.get(
      `${h.appUrl}/audit/revoke?ids=${one!.authorizationId}&ids=${two!.authorizationId}`,
    );
    h.emulator.control.injectFault({
      path: '/vssps/contoso/_apis/tokenadmin/revocations',
      method: 'POST',
      status: 500,
      times: 1,
    });
    const result = await browser.submit(confirm, '/audit/revoke', { reason: 'rotation' });
    expect(result.body).toContain('1 of 2 revoked; 1 could not be revoked');
    const states = tokenStates();
    const revoked = [one!, two!].filter((token) => states.get(token.authorizationId));
    expect(revoked).toHaveLength(1);
    expect(result.body).toMatch(new RegExp(`<strong>${revoked[0]!.displayName}</strong> of [^:]+: revoked`));
    expect(result.body).toContain('not revoked: Azure DevOps could not be reached');
    const activity = await browser.get(`${h.appUrl}/activity`);
    expect(activity.body.match(/reason: rotation/g)).toHaveLength(1);
  });

  it('refuses a forged or unknown selection and a missing CSRF token, changing nothing', async () => {
    const before = tokenStates();
    const unknown = await browser.get(`${h.appUrl}/audit/revoke?ids=5b0d4c3e-2a1f-4e6d-9c8b-7a6f5e4d3c2b`);
    expect(unknown.status).toBe(400);
    const confirm = await browser.get(
      `${h.appUrl}/audit/revoke?person=${encodeURIComponent(h.emulator.control.devops.members('contoso')[5]!.descriptor)}`,
    );
    const forged = await browser.post(`${h.appUrl}/audit/revoke`, {
      _csrf: 'forged',
      person: h.emulator.control.devops.members('contoso')[5]!.descriptor,
      reason: 'because',
    });
    expect(forged.status).toBe(403);
    const wrongId = await browser.post(`${h.appUrl}/audit/revoke`, {
      _csrf: csrf(confirm),
      ids: 'not-a-guid',
      reason: 'because',
    });
    expect(wrongId.status).toBe(400);
    expect(tokenStates()).toEqual(before);
  });
});

describe('when Azure DevOps fails for some people', () => {
  it('names the people whose tokens could not be read (429, 5xx, timeout) and lists everyone else', async () => {
    await signInForAudit(browser, h.appUrl, GRACE);
    const people = h.emulator.control.devops
      .members('contoso')
      .filter((member) => member.origin === 'aad' && member.tokens.some((token) => !token.revoked));
    const [throttled, failing, slow] = [people[10]!, people[20]!, people[30]!];
    const listOf = (descriptor: string) => `/vssps/contoso/_apis/tokenadmin/personalaccesstokens/${descriptor}`;
    h.emulator.control.injectFault({
      path: listOf(throttled.descriptor),
      method: 'GET',
      status: 429,
      headers: { 'Retry-After': '30' },
    });
    h.emulator.control.injectFault({ path: listOf(failing.descriptor), method: 'GET', status: 500 });
    h.emulator.control.injectFault({ path: listOf(slow.descriptor), method: 'GET', delayMs: 5000 });
    const page = await openAudit();
    expect(page.status).toBe(200);
    expect(page.body).toContain('The tokens of 3 people could not be read');
    const unread = /<ul class="unread-people">([\s\S]*?)<\/ul>/.exec(page.body)![1]!;
    expect(unread).toContain(`<strong>${throttled.displayName}</strong>`);
    expect(unread).toContain('too many requests');
    expect(unread).toContain(`<strong>${failing.displayName}</strong>`);
    expect(unread).toContain('could not be reached');
    expect(unread).toContain(`<strong>${slow.displayName}</strong>`);
    expect(unread).toContain('took too long');
    const rows = await exported();
    const missing = new Set(
      [throttled, failing, slow].flatMap((member) => member.tokens.map((token) => token.authorizationId)),
    );
    expect(rows.map((row) => row.authorizationId).sort()).toEqual(expectedTokenIds().filter((id) => !missing.has(id)));
    expect(page.body).toContain(
      `<strong>${h.emulator.control.devops.members('contoso').filter((member) => member.origin !== 'vsts').length}</strong> people`,
    );
  });

  it('a failure to list the people themselves is a clear error page, not a partial audit', async () => {
    await signInForAudit(browser, h.appUrl, GRACE);
    h.emulator.control.injectFault({ path: '/vssps/contoso/_apis/graph/users', method: 'GET', status: 503, skip: 1 });
    const page = await browser.get(`${h.appUrl}/audit`);
    let final = page;
    for (let i = 0; i < 20 && final.headers.refresh; i++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      final = await browser.get(`${h.appUrl}/audit`);
    }
    expect(final.status).toBe(502);
    expect(final.body).toContain('Azure DevOps could not be reached');
    expect(final.body).not.toMatch(/at \w+ \(|node_modules/);
  });
});

describe('the audit’s filters say what the table shows', () => {
  beforeEach(async () => {
    await signIn(browser, h.appUrl, GRACE);
  });

  it('finds a scope by the words the table shows ("Code: Read") as by its id (vso.code)', async () => {
    await openAudit();
    const byId = await exported('&scope=vso.code');
    const byWords = await exported(`&scope=${encodeURIComponent('Code: Read')}`);
    expect(byWords.length).toBeGreaterThan(0);
    expect(byWords.map((row) => row.authorizationId).sort()).toEqual(
      byId
        .filter((row) => row.scopes!.split(' ').includes('vso.code'))
        .map((row) => row.authorizationId)
        .sort(),
    );
  });

  it('the chosen date keeps only the tokens that outlive it', async () => {
    await openAudit();
    const all = await exported('&state=all');
    const day = new Date(Date.now() + 120 * 86_400_000).toISOString().slice(0, 10);
    const after = await exported(`&state=all&expiresAfter=${day}`);
    const end = new Date(`${day}T23:59:59.999Z`).getTime();
    expect(after.length).toBeGreaterThan(0);
    expect(after.length).toBeLessThan(all.length);
    expect(after.every((row) => new Date(row.validTo!).getTime() > end)).toBe(true);
  });

  it('gives the risk with its scale, and the flags’ meaning folded away until asked for', async () => {
    const page = await openAudit();
    expect(page.body).toMatch(/<strong>\d+<\/strong><span class="hint"> of 17<\/span>/);
    expect(page.body).toContain('<details class="flag-legend">');
    expect(page.body).toContain("The flags' weights added up, from 0 to 17");
  });

  it('offers "Revoke all" once per person on a page in the Person column (on a phone, in each token\'s More), and breaks an address at its @', async () => {
    const page = await openAudit();
    const offers = [...page.body.matchAll(/<br><a href="\/audit\/revoke\?person=([^"]+)" class="offboard"/g)].map(
      (match) => match[1],
    );
    const inMore = page.body.match(/<p><a href="\/audit\/revoke\?person=[^"]+" class="offboard"/g) ?? [];
    expect(inMore.length).toBe(page.body.match(/<details class="audit-more">/g)?.length);
    expect(offers.length).toBeGreaterThan(0);
    expect(new Set(offers).size).toBe(offers.length);
    expect(page.body).toMatch(/<span class="hint principal">[^<@]+<wbr>@[^<]+<\/span>/);
  });
});
