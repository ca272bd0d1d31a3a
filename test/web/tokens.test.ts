// The token pages through the real app, msal-node and the emulator: every operation, filter and
// sort, paging, the one-time secret, form errors, escaping and CSRF.
import { describe, expect, it } from 'vitest';
import type { TestBrowser, Page } from '../support/browser.ts';
import { secretShownOn } from '../support/created-page.ts';
import type { Harness } from '../support/harness.ts';
import { signedIn } from '../support/signed-in.ts';
import { ADA, ALAN, csrfOf, signIn } from '../support/sign-in.ts';
import { CONTOSO_ID } from '../devops/client-fixture.ts';

let h: Harness;
let browser: TestBrowser;
let home: Page;
signedIn({}, (session) => ({ h, browser, home } = session));

const namesOn = (page: Page) =>
  [...page.body.matchAll(/<td data-label="Name"><a href="\/tokens\/[0-9a-f-]+">([^<]*)<\/a>/g)].map((m) => m[1]!);
const tokensOf = () => h.emulator.control.devops.tokens(ADA.objectId);
const byName = (name: string) => tokensOf().find((token) => token.displayName === name)!;
const nextLink = (page: Page) =>
  /<a class="button secondary" href="([^"]+)" rel="next">/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');

async function newTokenForm(): Promise<Page> {
  return browser.get(`${h.appUrl}/tokens/new`);
}

async function create(fields: Record<string, string | string[]>, form?: Page): Promise<Page> {
  return browser.submit(form ?? (await newTokenForm()), '/tokens', {
    displayName: 'deploy-bot',
    expiry: '30',
    organizations: 'this',
    access: 'custom',
    scopes: ['vso.code', 'vso.build'],
    ...fields,
  });
}

describe('the token list', () => {
  it('is the signed-in home page: active tokens of the chosen organization, with their details in words', async () => {
    expect(home.body).toContain('Your tokens in contoso');
    const names = namesOn(home);
    expect(names).toContain('ci-pipeline');
    expect(names).toContain('npm-registry-read');
    expect(names).not.toContain('legacy-jenkins');
    expect(names).not.toContain('leaked-in-ci-logs');
    expect(names).not.toContain('fabrikam-deploy');
    expect(home.body).toMatch(/<strong class="full-access">Full access<\/strong>/);
    expect(home.body).toContain('All organizations');
    expect(home.body).toContain('>Expiring soon<');
  });

  it.each([
    ['expired', 'legacy-jenkins', 'Expired'],
    ['revoked', 'leaked-in-ci-logs', 'Revoked'],
  ])('filters by status: %s', async (status, name, label) => {
    const page = await browser.get(`${h.appUrl}/?status=${status}&size=100`);
    expect(namesOn(page)).toContain(name);
    expect(namesOn(page)).not.toContain('ci-pipeline');
    expect(page.body).toContain(`>${label}</span>`);
  });

  it('marks each status in the list of all tokens', async () => {
    const page = await browser.get(`${h.appUrl}/?status=all&size=100`);
    const row = (name: string) =>
      new RegExp(`>${name}</a></td>\\s*<td data-label="Status"><span class="status status-(\\w+)`).exec(page.body)?.[1];
    expect(row('ci-pipeline')).toBe('active');
    expect(row('legacy-jenkins')).toBe('expired');
    expect(row('leaked-in-ci-logs')).toBe('revoked');
  });

  it.each([
    ['displayName', 'asc'],
    ['displayName', 'desc'],
  ])('sorts by %s %s', async (sort, order) => {
    const names = namesOn(await browser.get(`${h.appUrl}/?status=all&sort=${sort}&order=${order}&size=100`));
    const sorted = [...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }));
    expect(names).toEqual(order === 'asc' ? sorted : sorted.reverse());
  });

  it("sorts by date and status both ways, the two orders being each other's reverse", async () => {
    const rank = { active: 0, expired: 1, revoked: 2 } as const;
    const keyOf = {
      displayDate: (name: string) => Date.parse(byName(name).validTo),
      status: (name: string) => rank[byName(name).status as keyof typeof rank],
    };
    for (const sort of ['displayDate', 'status'] as const) {
      const upPage = await browser.get(`${h.appUrl}/?status=all&sort=${sort}&order=asc&size=100`);
      const up = namesOn(upPage);
      const down = namesOn(await browser.get(`${h.appUrl}/?status=all&sort=${sort}&order=desc&size=100`));
      expect(up.length).toBeGreaterThan(20);
      // Every token on one page, so the descending list must be the ascending one backwards.
      expect(nextLink(upPage)).toBeUndefined();
      expect(down).toEqual([...up].reverse());
      // And the ascending one is in the order of its key.
      const keys = up.map(keyOf[sort]);
      expect(keys.every(Number.isFinite)).toBe(true);
      expect(new Set(keys).size).toBeGreaterThan(1);
      expect(keys).toEqual([...keys].sort((a, b) => a - b));
    }
  });

  it('pages through at least three pages, keeping filter and sort on every page', async () => {
    const seen: string[] = [];
    let page = await browser.get(`${h.appUrl}/?status=all&sort=displayName&order=desc&size=10`);
    let pages = 0;
    for (;;) {
      pages++;
      expect(page.status).toBe(200);
      seen.push(...namesOn(page));
      const next = nextLink(page);
      if (!next) break;
      expect(next).toContain('status=all');
      expect(next).toContain('sort=displayName');
      expect(next).toContain('order=desc');
      expect(next).toContain('size=10');
      page = await browser.get(`${h.appUrl}${next}`);
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    const all = namesOn(await browser.get(`${h.appUrl}/?status=all&sort=displayName&order=desc&size=100`));
    expect(seen).toEqual(all);
  });

  it('refuses list options it does not offer, with a clear message', async () => {
    const page = await browser.get(`${h.appUrl}/?status=everything`);
    expect(page.status).toBe(400);
    expect(page.body).toContain('Unknown list options');
  });

  it('says so when a list is empty and offers to create a token', async () => {
    h.emulator.control.devops.replaceTokens(ADA.objectId, []);
    const page = await browser.get(`${h.appUrl}/`);
    expect(page.body).toContain('You have no active tokens in this organization.');
    expect(page.body).toContain('href="/tokens/new"');
  });

  it('counts days by calendar day in UTC: tokens expiring on one day read alike, and a revoked one has no countdown', async () => {
    const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const at = (days: number, hour: number) => new Date(today + days * 86_400_000 + hour * 3_600_000);
    const token = (displayName: string, validTo: Date, revoked = false) => ({
      displayName,
      scope: 'vso.code',
      validTo,
      targetAccounts: [CONTOSO_ID],
      revoked,
    });
    h.emulator.control.devops.replaceTokens(ADA.objectId, [
      token('early-on-day-5', at(5, 0.1)),
      token('late-on-day-5', at(5, 23.9)),
      token('tomorrow-late', at(1, 23)),
      token('day-30', at(30, 1)),
      token('day-31', at(31, 23)),
      token('revoked-on-day-30', at(30, 12), true),
    ]);
    const textOf = (page: Page, name: string) =>
      new RegExp(`>${name}</a>[\\s\\S]*?<td data-label="Expiry date">([\\s\\S]*?)</td>`)
        .exec(page.body)?.[1]
        ?.replace(/<[^>]+>/g, '')
        .trim();
    const active = await browser.get(`${h.appUrl}/?size=100`);
    expect(textOf(active, 'early-on-day-5')).toMatch(/\(in 5 days\)$/);
    expect(textOf(active, 'late-on-day-5')).toMatch(/\(in 5 days\)$/);
    expect(textOf(active, 'tomorrow-late')).toMatch(/\(tomorrow\)$/);
    expect(textOf(active, 'day-30')).toMatch(/\(in 30 days\)$/);
    expect(textOf(active, 'day-31')).toMatch(/\(in 31 days\)$/);
    const revoked = await browser.get(`${h.appUrl}/?status=revoked`);
    expect(textOf(revoked, 'revoked-on-day-30')).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}$/);
    expect(active.body).toContain('Dates are days in UTC');
  });

  it('renders hostile token names as text', async () => {
    h.emulator.control.devops.addTokens(ADA.objectId, [
      {
        displayName: '<script>alert(1)</script>',
        scope: 'vso.code',
        validTo: new Date(Date.now() + 5 * 86_400_000),
        targetAccounts: null,
      },
      {
        displayName: '"><img src=x onerror=alert(1)>',
        scope: 'vso.code',
        validTo: new Date(Date.now() + 5 * 86_400_000),
        targetAccounts: null,
      },
    ]);
    const page = await browser.get(`${h.appUrl}/?size=100`);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).not.toContain('<img src=x onerror');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).toContain('&#34;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('token details', () => {
  it('shows every field and the actions', async () => {
    const token = byName('ci-pipeline');
    const page = await browser.get(`${h.appUrl}/tokens/${token.authorizationId}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>ci-pipeline</h1>');
    expect(page.body).toContain('<code>vso.build_execute</code>');
    expect(page.body).toContain(token.authorizationId);
    expect(page.body).toContain(`href="/tokens/${token.authorizationId}/edit"`);
    expect(page.body).toContain(`href="/tokens/${token.authorizationId}/revoke"`);
  });

  it('says a revoked token cannot be changed, and offers no actions', async () => {
    const page = await browser.get(`${h.appUrl}/tokens/${byName('leaked-in-ci-logs').authorizationId}`);
    expect(page.body).toContain('status-revoked');
    expect(page.body).not.toContain('/edit"');
  });

  it.each(['00000000-0000-4000-8000-000000000000', 'not-a-guid'])(
    'answers 404 for an unknown token: %s',
    async (id) => {
      const page = await browser.get(`${h.appUrl}/tokens/${id}`);
      expect(page.status).toBe(404);
    },
  );
});

describe('creating a token', () => {
  it('creates a custom-scoped token and shows its secret once, with no-store', async () => {
    const before = tokensOf().length;
    const page = await create({ displayName: 'deploy-bot', scopes: ['vso.code', 'vso.build'] });
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    const secret = secretShownOn(page.body);
    expect(secret).toMatch(/^\w{20,}$/);
    expect(page.body).toContain('id="copy-secret"');
    expect(page.body).toContain('the only time it is shown');
    expect(tokensOf()).toHaveLength(before + 1);
    const created = byName('deploy-bot');
    expect(created.scope.split(' ').sort()).toEqual(['vso.build', 'vso.code']);
    expect(created.targetAccounts).toEqual(['f9424e7c-ea71-44cb-aa51-cae3213c1e15']);

    const details = await browser.get(`${h.appUrl}/tokens/${created.authorizationId}`);
    expect(details.body).not.toContain(secret!);
    expect((await browser.get(`${h.appUrl}/`)).body).not.toContain(secret!);
    expect(h.logLines.join('\n')).not.toContain(secret!);
    for (const cookie of await browser.jar.getCookies(h.appUrl)) expect(cookie.value).not.toContain(secret!);
  });

  it('creates nothing twice on a reload or double submit of the same form', async () => {
    const form = await newTokenForm();
    const before = tokensOf().length;
    const first = await create({ displayName: 'once-only' }, form);
    expect(first.status).toBe(200);
    const again = await create({ displayName: 'once-only' }, form);
    expect(again.url).toMatch(/\/tokens\/[0-9a-f-]{36}$/);
    expect(again.body).toContain('already created');
    expect(again.body).not.toContain('id="secret"');
    expect(tokensOf()).toHaveLength(before + 1);
  });

  it('offers every scope of the catalogue, and Azure DevOps accepts them all', async () => {
    const form = await newTokenForm();
    const offered = [...form.body.matchAll(/name="scopes" value="([^"]+)"/g)].map((m) => m[1]!);
    expect(offered.length).toBeGreaterThan(60);
    const page = await create({ displayName: 'every-scope', scopes: offered }, form);
    expect(page.status).toBe(200);
    expect(byName('every-scope').scope.split(' ').sort()).toEqual([...offered].sort());
  });

  it('creates one token when the same form is sent twice at the same moment', async () => {
    const form = await newTokenForm();
    const before = tokensOf().length;
    // The first click's create waits a second upstream, so the second click surely arrives while the
    // first is in flight: on a busy machine it could otherwise come after the first had finished,
    // and be sent to the created token instead (right too, but not what this test is about).
    h.emulator.control.injectFault({ target: 'pats', method: 'POST', delayMs: 1000, times: 1 });
    const pages = await Promise.all([
      create({ displayName: 'double-click' }, form),
      create({ displayName: 'double-click' }, form),
    ]);
    expect(pages.map((page) => page.status).sort()).toEqual([200, 409]);
    expect(pages.find((page) => page.status === 409)!.body).toContain('being created from your first click');
    expect(tokensOf()).toHaveLength(before + 1);
  });

  it('a forged request for a token in all organizations gets a page on their retirement, and creates nothing', async () => {
    const before = tokensOf().length;
    for (const forged of [{ organizations: 'all' }, { allOrgs: 'true' }] as Record<string, string>[]) {
      const page = await create({ displayName: 'everything', access: 'full', scopes: [], expiry: '7', ...forged });
      expect(page.status).toBe(400);
      expect(page.body).toContain('stopped working on 1 December 2026');
    }
    expect(tokensOf()).toHaveLength(before);
  });

  it('offers this organization only: no choice of all organizations on the form', async () => {
    const page = await newTokenForm();
    expect(page.body).not.toContain('name="organizations" value="all"');
    expect(page.body).toContain('stopped working on 1 December 2026');
  });

  it.each([
    [{ displayName: '' }, 'Give the token a name'],
    [{ displayName: 'x'.repeat(101) }, 'Keep the name to 100 characters'],
    [{ scopes: ['vso.code', 'vso.made_up'] }, 'does not know this scope: vso.made_up'],
    [{ scopes: [] }, 'Choose at least one scope'],
    [{ expiry: 'custom', customDate: '2020-01-01' }, 'a token cannot expire in the past'],
    [{ expiry: 'custom', customDate: '2999-01-01' }, 'Azure DevOps allows at most one year'],
    [{ expiry: 'custom', customDate: '31/12/2026' }, 'Enter the date as year-month-day'],
    [{ expiry: 'custom', customDate: '' }, 'Choose the date the token should expire on.'],
    [{ expiry: 'forever' }, 'Choose when the token expires'],
  ])('rejects %j, keeps what was typed, creates nothing', async (fields, message) => {
    const before = tokensOf().length;
    const page = await create({ displayName: 'typed name', ...fields });
    expect(page.status).toBe(422);
    expect(page.body).toContain(message);
    expect(page.body).toContain('class="error-summary"');
    if (!('displayName' in fields)) expect(page.body).toContain('value="typed name"');
    expect(tokensOf()).toHaveLength(before);
  });

  it('treats a date typed while the expiry radio was left at its default (30 days) as choosing that date', async () => {
    const day = new Date(Date.now() + 45 * 86_400_000).toISOString().slice(0, 10);
    const page = await create({ displayName: 'dated-not-ticked', expiry: '30', customDate: day });
    expect(page.status).toBe(200);
    expect(byName('dated-not-ticked').validTo).toBe(`${day}T23:59:59Z`);
  });

  it('asks which was meant when a date is typed beside a number of days someone chose, and creates nothing', async () => {
    const before = tokensOf().length;
    const day = new Date(Date.now() + 45 * 86_400_000).toISOString().slice(0, 10);
    const page = await create({ displayName: 'two-expiries', expiry: '60', customDate: day });
    expect(page.status).toBe(422);
    expect(page.body).toContain(`You chose 60 days from now and also typed the date ${day}`);
    expect(page.body).toContain(`value="${day}"`);
    expect(tokensOf()).toHaveLength(before);
  });

  it('sends Full access with ticked scopes back with a message, keeping the ticks, and creates nothing', async () => {
    const before = tokensOf().length;
    const page = await create({ displayName: 'full-and-scopes', access: 'full', scopes: ['vso.code', 'vso.build'] });
    expect(page.status).toBe(422);
    expect(page.body).toContain('You chose Full access and also ticked 2 scopes.');
    expect(page.body).toMatch(/value="vso.code" checked/);
    expect(page.body).toMatch(/id="access-full" name="access" value="full" checked/);
    expect(tokensOf()).toHaveLength(before);
  });

  it('refuses a name over 100 characters whole, never cut: the field has no maxlength, and comes back as typed', async () => {
    const form = await newTokenForm();
    expect(form.body).not.toMatch(/id="displayName"[^>]*maxlength/);
    expect(form.body).toMatch(/id="displayName-count" aria-live="polite"/);
    const name = `${'pasted-name-'.repeat(12)}end`;
    const page = await create({ displayName: name }, form);
    expect(page.status).toBe(422);
    expect(page.body).toContain(`Keep the name to 100 characters or fewer: this one has ${name.length}.`);
    expect(page.body).toContain(`value="${name}"`);
    expect(tokensOf().some((token) => token.displayName.startsWith('pasted-name-'))).toBe(false);
  });

  it('shows an organization policy violation next to the field it concerns', async () => {
    h.emulator.control.devops.failNext('create', 'patLifespanPolicyViolation');
    const page = await create({ displayName: 'too-long-lived' });
    expect(page.status).toBe(422);
    expect(page.body).toMatch(/class="field-error" id="customDate-error">[^<]*polic/i);
    expect(page.body).toContain('value="too-long-lived"');
    expect(tokensOf().some((token) => token.displayName === 'too-long-lived')).toBe(false);
  });

  it('refuses a create without its CSRF token and creates nothing', async () => {
    const before = tokensOf().length;
    const page = await browser.post(`${h.appUrl}/tokens`, {
      displayName: 'csrf-less',
      expiry: '30',
      organizations: 'this',
      access: 'full',
      formKey: '3f1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3',
    });
    expect(page.status).toBe(403);
    expect(tokensOf()).toHaveLength(before);
  });
});

describe('editing a token', () => {
  it('renames, rescopes and extends it', async () => {
    const token = byName('wiki-export');
    const form = await browser.get(`${h.appUrl}/tokens/${token.authorizationId}/edit`);
    expect(form.body).toContain('value="wiki-export"');
    expect(form.body).toMatch(/value="vso.wiki" checked/);
    // Its one scope outside the common ones keeps the Wiki area open; every other area is collapsed.
    expect([...form.body.matchAll(/<details class="scope-area" data-area="([^"]+)" open>/g)].map((m) => m[1])).toEqual([
      'Wiki',
    ]);
    const page = await browser.submit(form, `/tokens/${token.authorizationId}`, {
      displayName: 'wiki-export-2',
      expiry: '90',
      organizations: 'this',
      access: 'custom',
      scopes: ['vso.wiki_write'],
    });
    expect(page.url).toBe(`${h.appUrl}/tokens/${token.authorizationId}`);
    expect(page.body).toContain('Saved the changes to &#34;wiki-export-2&#34;.');
    const updated = byName('wiki-export-2');
    expect(updated.scope).toBe('vso.wiki_write');
    expect(new Date(updated.validTo).getTime()).toBeGreaterThan(Date.now() + 89 * 86_400_000);
  });

  it('keeps the expiry when asked to', async () => {
    const token = byName('wiki-export');
    const form = await browser.get(`${h.appUrl}/tokens/${token.authorizationId}/edit`);
    await browser.submit(form, `/tokens/${token.authorizationId}`, {
      displayName: 'wiki-renamed',
      expiry: 'keep',
      organizations: 'this',
      access: 'custom',
      scopes: ['vso.wiki'],
    });
    expect(new Date(byName('wiki-renamed').validTo).getTime()).toBe(new Date(token.validTo).getTime());
  });

  it('changes the expiry to a date typed while "Keep the current expiry" was left chosen', async () => {
    const token = byName('wiki-export');
    const day = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const form = await browser.get(`${h.appUrl}/tokens/${token.authorizationId}/edit`);
    const page = await browser.submit(form, `/tokens/${token.authorizationId}`, {
      displayName: 'wiki-export',
      expiry: 'keep',
      customDate: day,
      organizations: 'this',
      access: 'custom',
      scopes: ['vso.wiki'],
    });
    expect(page.url).toBe(`${h.appUrl}/tokens/${token.authorizationId}`);
    expect(byName('wiki-export').validTo).toBe(`${day}T23:59:59Z`);
  });

  it('says why a revoked token cannot be edited', async () => {
    const page = await browser.get(`${h.appUrl}/tokens/${byName('leaked-in-ci-logs').authorizationId}/edit`);
    expect(page.status).toBe(409);
    expect(page.body).toContain('Revoked tokens cannot be changed');
  });

  it('keeps what was typed when the form is rejected', async () => {
    const token = byName('wiki-export');
    const form = await browser.get(`${h.appUrl}/tokens/${token.authorizationId}/edit`);
    const page = await browser.submit(form, `/tokens/${token.authorizationId}`, {
      displayName: 'new name',
      expiry: 'custom',
      customDate: '2001-01-01',
      organizations: 'this',
      access: 'custom',
      scopes: ['vso.wiki'],
    });
    expect(page.status).toBe(422);
    expect(page.body).toContain('value="new name"');
    expect(page.body).toContain('value="2001-01-01"');
    expect(byName('wiki-export')).toBeDefined();
  });
});

describe('revoking a token', () => {
  it('asks for confirmation naming the token, then revokes it and says so', async () => {
    const token = byName('release-bot');
    const confirm = await browser.get(`${h.appUrl}/tokens/${token.authorizationId}/revoke`);
    expect(confirm.body).toContain('<h1>Revoke "release-bot"?</h1>');
    const page = await browser.submit(confirm, `/tokens/${token.authorizationId}/revoke`);
    expect(page.url).toBe(`${h.appUrl}/`);
    expect(page.body).toContain('Revoked &#34;release-bot&#34;.');
    expect(byName('release-bot').status).toBe('revoked');
  });

  it('says so when the token is already revoked', async () => {
    const token = byName('release-bot');
    const confirm = await browser.get(`${h.appUrl}/tokens/${token.authorizationId}/revoke`);
    await browser.submit(confirm, `/tokens/${token.authorizationId}/revoke`);
    const again = await browser.submit(confirm, `/tokens/${token.authorizationId}/revoke`);
    expect(again.body).toContain('was already revoked; nothing changed.');
  });

  it('says so when the token does not exist', async () => {
    const page = await browser.post(`${h.appUrl}/tokens/00000000-0000-4000-8000-000000000000/revoke`, {
      _csrf: csrfOf(home),
    });
    expect(page.url).toBe(`${h.appUrl}/`);
    expect(page.body).toContain('no longer exists');
  });
});

describe('organizations', () => {
  it("lists the person's organizations and switches between them", async () => {
    const choose = await browser.get(`${h.appUrl}/organizations`);
    for (const name of ['contoso', 'fabrikam', 'northwind']) expect(choose.body).toContain(`value="${name}"`);
    const page = await browser.submit(choose, '/organizations', { organization: 'fabrikam', returnTo: '/' });
    expect(page.body).toContain('Now working in fabrikam.');
    expect(page.body).toContain('Your tokens in fabrikam');
    expect(namesOn(page)).toContain('fabrikam-deploy');
    expect(namesOn(page)).not.toContain('ci-pipeline');
  });

  it('refuses an organization the person does not belong to', async () => {
    const choose = await browser.get(`${h.appUrl}/organizations`);
    const page = await browser.submit(choose, '/organizations', { organization: 'evilcorp' });
    expect(page.status).toBe(400);
    expect((await browser.get(`${h.appUrl}/`)).body).toContain('Your tokens in contoso');
  });

  it('tells a person with no organization what to do, with the account they are signed in as, and no links that lead back', async () => {
    const alan = h.browser();
    const page = await signIn(alan, h.appUrl, ALAN);
    expect(page.status).toBe(404);
    expect(page.body).toContain('belongs to no organization');
    expect(page.body).toContain('signed in as <strong>Alan Turing</strong> (alan@contoso.example)');
    expect(page.body).toContain(
      'Ask an administrator of your organization to add <strong>alan@contoso.example</strong>',
    );
    expect(page.body).not.toContain('<nav aria-label="Main"');
    const signOut = await alan.submit(page, '/logout', {});
    expect(signOut.url).toBe(`${h.appUrl}/`);
    expect(signOut.body).toContain('href="/login"');
  });
});
