// "Revoke tokens by scope and date" through the real app, msal-node and emulator: Grace (contoso's
// administrator) counts what a revocation rule would revoke, confirms by typing the count, and the
// emulator then refuses exactly the tokens counted; a wrong count, bad input or someone who is not
// an administrator changes nothing. And the audit's exports carry the audit log's token events.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Page, TestBrowser } from '../support/browser.ts';
import { followGathering } from '../support/audit-page.ts';
import type { Harness } from '../support/harness.ts';
import { signedIn } from '../support/signed-in.ts';
import { ADA, GRACE, signInForAudit } from '../support/sign-in.ts';

let h: Harness;
let browser: TestBrowser;
signedIn({ person: null }, (session) => ({ h, browser } = session));

const CONTOSO = 'f9424e7c-ea71-44cb-aa51-cae3213c1e15';
const RULES = 'POST /vssps/:organization/_apis/tokenadmin/revocationrules';
const DAY = 86_400_000;
const calls = (label: string) => h.emulator.control.stats().requests[label] ?? 0;

const openAudit = (path = '/audit'): Promise<Page> => followGathering(browser, h.appUrl, undefined, path);

/** Tokens with known values, so the emulator can say whether each still authenticates. */
const SEEDED = {
  buildOld: { scope: 'vso.build', ageMs: 2 * DAY, secret: 'seeded-build-old-secret-value-0001' },
  fullOld: { scope: 'app_token', ageMs: 3 * DAY, secret: 'seeded-full-old-secret-value-00002' },
  codeOld: { scope: 'vso.code', ageMs: 2 * DAY, secret: 'seeded-code-old-secret-value-00003' },
  buildNew: { scope: 'vso.build', ageMs: 10 * 60_000, secret: 'seeded-build-new-secret-value-0004' },
} as const;

function seed() {
  h.emulator.control.devops.addMembers('contoso', [
    {
      displayName: 'Rhea Rule',
      principalName: 'rhea@contoso.example',
      tokens: Object.entries(SEEDED).map(([name, token]) => ({
        displayName: `rule-${name}`,
        scope: token.scope,
        validFrom: new Date(Date.now() - token.ageMs),
        validTo: new Date(Date.now() + 30 * DAY),
        targetAccounts: [CONTOSO],
        secret: token.secret,
      })),
    },
  ]);
}

const authenticates = (name: keyof typeof SEEDED) =>
  h.emulator.control.devops.wouldAuthenticate(SEEDED[name].secret, 'contoso');

/** What the rule should revoke, from the emulator's own state: usable contoso tokens, made before, with the scope or full access. */
function expectedCount(scope: string, before: Date): number {
  return h.emulator.control.devops
    .members('contoso')
    .filter((member) => member.origin !== 'vsts')
    .flatMap((member) => member.tokens)
    .filter(
      (token) =>
        token.status === 'active' &&
        token.targetAccounts !== null &&
        token.targetAccounts.includes(CONTOSO) &&
        Date.parse(token.validFrom) < before.getTime() &&
        (token.scope.split(' ').includes(scope) || token.scope === 'app_token'),
    ).length;
}

const moment = (date: Date) => date.toISOString().slice(0, 16);
const countUrl = (scopes: string[], before: string) =>
  `${h.appUrl}/audit/rules/count?${new URLSearchParams([...scopes.map((scope): [string, string] => ['scopes', scope]), ['before', before]]).toString()}`;

describe('revoking tokens by scope and date', () => {
  beforeEach(async () => {
    seed();
    await signInForAudit(browser, h.appUrl, GRACE);
    await openAudit();
  });

  it('is linked from the audit and offers the catalogue scopes and a moment, now by default', async () => {
    const audit = await openAudit();
    expect(audit.body).toContain('href="/audit/rules"');
    const form = await browser.get(`${h.appUrl}/audit/rules`);
    expect(form.status).toBe(200);
    expect(form.body).toContain('cannot be undone');
    expect(form.body).toContain('value="vso.build"');
    expect(form.body).toMatch(/name="before" value="\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"/);
  });

  it('counts, then revokes exactly the tokens it counted, logs who, what, before when, how many and why', async () => {
    const before = new Date(Date.now() - 60 * 60_000);
    const expected = expectedCount('vso.build', before);
    expect(expected).toBeGreaterThanOrEqual(2);
    const count = await browser.get(countUrl(['vso.build'], moment(before)));
    expect(count.status).toBe(200);
    expect(count.body).toContain(`This rule revokes <strong>${expected}</strong> token`);
    expect(count.body).toContain(`Type ${expected} to confirm`);
    expect(count.body).toContain('Rhea Rule');
    expect(count.body).toContain('rule-buildOld');
    expect(count.body).toContain('rule-fullOld');
    expect(count.body).not.toContain('rule-codeOld');
    expect(count.body).not.toContain('rule-buildNew');
    for (const name of Object.keys(SEEDED) as (keyof typeof SEEDED)[])
      expect(authenticates(name).authenticates).toBe(true);

    h.emulator.control.resetStats();
    const done = await browser.submit(count, '/audit/rules', {
      reason: 'build agent compromised',
      confirmCount: String(expected),
    });
    expect(done.status).toBe(200);
    expect(done.url).toContain('/audit/rules/result');
    expect(done.body).toContain('Revocation rule made');
    expect(done.body).toContain(`<strong>${expected}</strong> token`);
    expect(calls(RULES)).toBe(1);
    expect(authenticates('buildOld')).toEqual({ authenticates: false, refused: 'revocationRule' });
    expect(authenticates('fullOld')).toEqual({ authenticates: false, refused: 'revocationRule' });
    expect(authenticates('codeOld').authenticates).toBe(true);
    expect(authenticates('buildNew').authenticates).toBe(true);

    const activity = await browser.get(`${h.appUrl}/activity`);
    expect(activity.body).toContain('Revoked by scope and date');
    expect(activity.body).toContain('by Grace Hopper');
    expect(activity.body).toContain('created before');
    expect(activity.body).toContain(`${expected} tokens counted, of`);
    expect(done.body).toContain('<strong>Rhea Rule</strong> (rhea@contoso.example): rule-buildOld, rule-fullOld');
    expect(activity.body).toContain('reason: build agent compromised');
    // And the audit is gathered again.
    expect((await openAudit()).body).toContain('<h1>Audit of contoso</h1>');
  });

  it('refuses a typed count that does not match, and makes no rule', async () => {
    const before = new Date(Date.now() - 60 * 60_000);
    const expected = expectedCount('vso.build', before);
    const count = await browser.get(countUrl(['vso.build'], moment(before)));
    h.emulator.control.resetStats();
    for (const typed of [String(expected + 1), '', 'all']) {
      const refused = await browser.submit(count, '/audit/rules', { reason: 'emergency', confirmCount: typed });
      expect(refused.status, typed).toBe(400);
      expect(refused.body).toContain(`Type ${expected}, the number of tokens this rule revokes, to confirm`);
      expect(refused.body).toContain('No rule was made');
    }
    expect(calls(RULES)).toBe(0);
    expect(authenticates('buildOld').authenticates).toBe(true);
  });

  it.each([
    ['no scope', [], 'now', 'Choose at least one scope'],
    ['an unknown scope', ['vso.nonsense'], 'now', 'not scopes of the catalogue: vso.nonsense'],
    ['full access named as a scope', ['app_token'], 'now', 'not scopes of the catalogue: app_token'],
    ['a moment in the future', ['vso.build'], 'future', 'The moment is in the future'],
    ['a malformed moment', ['vso.build'], '3 December', 'Give the moment as a date and a time in UTC'],
    ['a moment that does not exist', ['vso.build'], '2026-02-31T10:00', 'Give the moment as a date and a time in UTC'],
  ])('refuses %s with a 400 that says why, counting and changing nothing', async (_case, scopes, when, words) => {
    const before = when === 'now' ? moment(new Date()) : when === 'future' ? moment(new Date(Date.now() + DAY)) : when;
    const page = await browser.get(countUrl(scopes, before));
    expect(page.status).toBe(400);
    expect(page.body).toContain(words);
    // The same input posted (with its CSRF token) makes no rule either.
    const form = await browser.get(`${h.appUrl}/audit/rules`);
    h.emulator.control.resetStats();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const posted = await browser.post(
      `${h.appUrl}/audit/rules`,
      { _csrf: csrf, scopes, before, reason: 'emergency', confirmCount: '1' },
      { referer: `${h.appUrl}/audit/rules` },
    );
    expect(posted.status).toBe(400);
    expect(posted.body).toContain(words);
    expect(calls(RULES)).toBe(0);
  });

  it('refuses a missing reason with a 400, and makes no rule', async () => {
    const before = new Date(Date.now() - 60 * 60_000);
    const expected = expectedCount('vso.build', before);
    const count = await browser.get(countUrl(['vso.build'], moment(before)));
    h.emulator.control.resetStats();
    const refused = await browser.submit(count, '/audit/rules', { reason: ' ', confirmCount: String(expected) });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('Say why these tokens are being revoked');
    expect(calls(RULES)).toBe(0);
    expect(authenticates('buildOld').authenticates).toBe(true);
  });

  it('refuses a POST without its CSRF token', async () => {
    h.emulator.control.resetStats();
    const forged = await browser.post(`${h.appUrl}/audit/rules`, {
      _csrf: 'forged',
      scopes: 'vso.build',
      before: moment(new Date()),
      reason: 'emergency',
      confirmCount: '1',
    });
    expect(forged.status).toBe(403);
    expect(calls(RULES)).toBe(0);
  });

  it('refuses someone no longer an administrator when the rule would be made', async () => {
    const before = new Date(Date.now() - 60 * 60_000);
    const expected = expectedCount('vso.build', before);
    const count = await browser.get(countUrl(['vso.build'], moment(before)));
    h.emulator.control.devops.setAdministrators('contoso', []);
    try {
      h.emulator.control.resetStats();
      const refused = await browser.submit(count, '/audit/rules', {
        reason: 'emergency',
        confirmCount: String(expected),
      });
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('The audit is for organization administrators');
      expect(calls(RULES)).toBe(0);
      expect(authenticates('buildOld').authenticates).toBe(true);
    } finally {
      // The emulator's reset keeps the organization's administrators as they were set.
      h.emulator.control.devops.setAdministrators('contoso', [GRACE.objectId]);
    }
  });
});

describe('someone who is not an administrator', () => {
  it('is refused the page and its count', async () => {
    await signInForAudit(browser, h.appUrl, ADA);
    for (const path of ['/audit/rules', `/audit/rules/count?scopes=vso.build&before=${moment(new Date())}`]) {
      const page = await browser.get(`${h.appUrl}${path}`);
      expect(page.status, path).toBe(403);
      expect(page.body).toContain('The audit is for organization administrators');
    }
  });
});

describe("the audit's exports", () => {
  it('carry the token events of the audit log: when, what, whose token, by whom, IP; CSV defused, no secret', async () => {
    const ada = h.emulator.control.devops.members('contoso').find((member) => member.displayName === 'Ada Lovelace')!;
    const token = ada.tokens.find((candidate) => candidate.status === 'active' && candidate.targetAccounts !== null)!;
    h.emulator.control.devops.discoverInPublic('contoso', token.authorizationId, {
      repositoryUrl: 'https://github.com/someone/leak',
    });
    await signInForAudit(browser, h.appUrl, GRACE);
    await openAudit();
    const exported = await browser.get(`${h.appUrl}/audit/export?format=json`);
    expect(exported.status, exported.body.slice(0, 3000)).toBe(200);
    const json = JSON.parse(exported.body) as {
      tokens: Array<Record<string, string>>;
      events: Array<Record<string, string>>;
      history: { state: string };
    };
    expect(json.tokens.length).toBeGreaterThan(0);
    expect(json.history.state).toBe('read');
    const found = json.events.find(
      (event) => event.event === 'foundInPublic' && event.authorizationId === token.authorizationId,
    )!;
    expect(found).toMatchObject({
      tokenName: token.displayName,
      owner: 'Ada Lovelace',
      by: 'Azure DevOps Service',
      foundAt: 'https://github.com/someone/leak',
    });
    expect(Number.isNaN(Date.parse(found.at!))).toBe(false);
    const created = json.events.filter((event) => event.event === 'created');
    expect(created.length).toBeGreaterThan(0);
    expect(created.some((event) => event.ipAddress !== '')).toBe(true);
    expect(Object.keys(found)).toEqual([
      'at',
      'event',
      'tokenName',
      'authorizationId',
      'owner',
      'by',
      'byPrincipalName',
      'ipAddress',
      'foundAt',
      'details',
    ]);

    const csv = (await browser.get(`${h.appUrl}/audit/export?format=csv`)).body;
    const [tokens, events] = csv.split('\r\n\r\n');
    expect(tokens!.split('\r\n')[0]).toMatch(/^person,principalName,/);
    expect(events!.split('\r\n')[0]).toBe(
      'at,event,tokenName,authorizationId,owner,by,byPrincipalName,ipAddress,foundAt,details',
    );
    expect(events).toContain(`foundInPublic,${token.displayName},${token.authorizationId},Ada Lovelace`);
    // No secret anywhere (the seeded values above are the only ones the test knows).
    for (const { secret } of Object.values(SEEDED)) expect(csv).not.toContain(secret);
  });

  it('defuses a token name a spreadsheet would run as a formula in the events too', async () => {
    h.emulator.control.devops.addMembers('contoso', [
      {
        displayName: 'Eve Formula',
        principalName: 'eve@contoso.example',
        tokens: [
          {
            displayName: '=HYPERLINK("https://evil.example")',
            scope: 'vso.code',
            validTo: new Date(Date.now() + 30 * DAY),
            targetAccounts: [CONTOSO],
          },
        ],
      },
    ]);
    const eve = h.emulator.control.devops.members('contoso').find((member) => member.displayName === 'Eve Formula')!;
    h.emulator.control.devops.discoverInPublic('contoso', eve.tokens[0]!.authorizationId);
    await signInForAudit(browser, h.appUrl, GRACE);
    await openAudit();
    const events = (await browser.get(`${h.appUrl}/audit/export?format=csv`)).body.split('\r\n\r\n')[1]!;
    expect(events).toContain(`"'=HYPERLINK(""https://evil.example"")"`);
    expect(events).not.toMatch(/(^|,)=HYPERLINK/m);
  });
});
