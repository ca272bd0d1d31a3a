// What PAT Manager adds beyond the Azure DevOps page: all organizations at once, the expiry watch,
// regenerate, bulk revoke, export and the activity log, through the real app and emulator.
import { describe, expect, it } from 'vitest';
import type { Page, TestBrowser } from '../support/browser.ts';
import { secretShownOn } from '../support/created-page.ts';
import type { Harness } from '../support/harness.ts';
import { signedIn } from '../support/signed-in.ts';
import { ADA, GRACE, csrfOf, signIn } from '../support/sign-in.ts';
import { formatDate } from '../../src/days.ts';
import { CONTOSO_ID } from '../devops/client-fixture.ts';

let h: Harness;
let browser: TestBrowser;
signedIn({}, (session) => ({ h, browser } = session));

const DAY = 86_400_000;
const namesOn = (page: Page) =>
  [...page.body.matchAll(/<td data-label="Name"><a href="\/tokens\/[0-9a-f-]+[^"]*">([^<]*)<\/a>/g)].map((m) => m[1]!);
const tokens = () => h.emulator.control.devops.tokens(ADA.objectId);
const byName = (name: string) => tokens().find((token) => token.displayName === name)!;

describe('all organizations', () => {
  it('lists the tokens of every organization once, in parallel, with the organizations each reaches', async () => {
    h.emulator.control.resetStats();
    const page = await browser.get(`${h.appUrl}/all?size=100`);
    expect(page.status).toBe(200);
    const names = namesOn(page);
    expect(names).toContain('ci-pipeline');
    expect(names).toContain('fabrikam-deploy');
    expect(names).toContain('northwind-boards');
    expect(names.filter((name) => name === 'npm-registry-read')).toHaveLength(1);
    expect(page.body).toContain('All organizations');
    expect(page.body).toMatch(/>fabrikam-deploy<\/a><\/td>[\s\S]*?data-label="Organizations">fabrikam\s*</);
    expect(page.body).toContain(`href="/tokens/${byName('fabrikam-deploy').authorizationId}?organization=fabrikam"`);
  });

  it('filters and sorts like the organization list', async () => {
    const expired = namesOn(await browser.get(`${h.appUrl}/all?status=expired&size=100`));
    expect(expired).toEqual(expect.arrayContaining(['legacy-jenkins', 'fabrikam-nuget']));
    expect(expired).not.toContain('ci-pipeline');
    const desc = namesOn(await browser.get(`${h.appUrl}/all?sort=displayName&order=desc&size=100`));
    expect(desc).toEqual([...desc].sort((a, b) => b.localeCompare(a, 'en', { sensitivity: 'base' })));
    const pageTwo = await browser.get(`${h.appUrl}/all?size=10&page=2`);
    expect(namesOn(pageTwo)).toHaveLength(10);
    expect(pageTwo.body).toContain('rel="prev"');
  });

  it('opens a token of another organization through that organization', async () => {
    const page = await browser.get(
      `${h.appUrl}/tokens/${byName('northwind-boards').authorizationId}?organization=northwind`,
    );
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>northwind-boards</h1>');
  });
});

describe('expiry watch', () => {
  it('lists tokens expiring within the window, and expired ones', async () => {
    const week = await browser.get(`${h.appUrl}/expiring?within=7`);
    const [soon, expired] = week.body.split('<h2>Expired');
    expect(soon).toContain('az-cli-local');
    expect(soon).toContain('sonar-scanner');
    expect(soon).not.toContain('>ci-pipeline<');
    expect(expired).toContain('legacy-jenkins');
    const month = await browser.get(`${h.appUrl}/expiring?within=30`);
    expect(month.body.split('<h2>Expired')[0]).toContain('wiki-export');
  });

  it('extends by 30 days in one click', async () => {
    const token = byName('sonar-scanner');
    const week = await browser.get(`${h.appUrl}/expiring?within=7`);
    const page = await browser.submit(week, `/tokens/${token.authorizationId}/extend`, { days: '30' });
    expect(page.url).toBe(`${h.appUrl}/expiring?within=7`);
    expect(page.body).toContain('Extended &#34;sonar-scanner&#34; to');
    expect(new Date(byName('sonar-scanner').validTo).getTime()).toBeCloseTo(
      new Date(token.validTo).getTime() + 30 * DAY,
      -5,
    );
  });

  it('offers no extension on an expired token; a forged one is refused with the reason, and the token stays expired', async () => {
    const token = byName('legacy-jenkins');
    const week = await browser.get(`${h.appUrl}/expiring?within=7`);
    const expiredRow = week.body.slice(week.body.indexOf('<h2>Expired'));
    expect(expiredRow).toContain('legacy-jenkins');
    expect(expiredRow).not.toContain('days<span class="visually-hidden"> for legacy-jenkins');
    const page = await browser.post(`${h.appUrl}/tokens/${token.authorizationId}/extend`, {
      _csrf: csrfOf(week),
      days: '90',
      returnTo: '/expiring',
    });
    expect(page.status).toBe(409);
    expect(page.body).toContain('no longer lets an expired token be changed or extended');
    expect(byName('legacy-jenkins').validTo).toBe(token.validTo);
  });

  it('explains an organization policy that refuses the extension', async () => {
    const token = byName('admin-break-glass');
    h.emulator.control.devops.setPolicies('contoso', { restrictFullScopePats: true });
    const week = await browser.get(`${h.appUrl}/expiring?within=30`);
    const page = await browser.submit(week, `/tokens/${token.authorizationId}/extend`, { days: '90' });
    expect(page.body).toMatch(/was not extended: [^<]*polic/i);
    expect(byName('admin-break-glass').validTo).toBe(token.validTo);
  });

  it("says so when the organization's maximum lifetime shortened the extension", async () => {
    const token = byName('sonar-scanner');
    h.emulator.control.devops.setPolicies('contoso', { maxPatLifespanDays: 30 });
    const week = await browser.get(`${h.appUrl}/expiring?within=7`);
    const page = await browser.submit(week, `/tokens/${token.authorizationId}/extend`, { days: '90' });
    const after = byName('sonar-scanner');
    expect(Date.parse(after.validTo)).toBe(Date.parse(after.validFrom) + 30 * DAY);
    expect(page.body).toContain(
      `Your organization allows tokens of at most 30 days; this one expires on ${formatDate(new Date(after.validTo))}.`,
    );
  });

  it('lists global tokens under their own heading as stopped, with no extension', async () => {
    const week = await browser.get(`${h.appUrl}/expiring?within=30`);
    const global = week.body.slice(
      week.body.indexOf('<h2>Global: stopped working on 1 December 2026'),
      week.body.indexOf('<h2>Expiring within'),
    );
    for (const name of ['npm-registry-read', 'helm-chart-publish', 'vscode-azure-repos', 'az-cli-local', 'old-laptop'])
      expect(global).toContain(name);
    expect(global).toContain('Global: stopped<span class="visually-hidden"> working on 1 December 2026</span></span>');
    expect(global).not.toContain('/extend');
    const rest = week.body.slice(week.body.indexOf('<h2>Expiring within'));
    expect(rest).not.toContain('az-cli-local');
    expect(rest).not.toContain('old-laptop');
  });
});

describe('global tokens', () => {
  it('read "Global: stopped working on 1 December 2026" in the list, all organizations and details, never Active, with no edit, extend or regenerate', async () => {
    const token = byName('npm-registry-read');
    const stopped = 'Global: stopped working on 1 December 2026</span>';
    for (const path of ['/', '/all']) {
      const page = await browser.get(`${h.appUrl}${path}`);
      const row = page.body.slice(
        page.body.lastIndexOf('<tr', page.body.indexOf('npm-registry-read')),
        page.body.indexOf('</tr>', page.body.indexOf('npm-registry-read')),
      );
      // In a table the words are short, with the rest for screen readers, so the row keeps one line.
      expect(row, path).toContain(
        'Global: stopped<span class="visually-hidden"> working on 1 December 2026</span></span>',
      );
      expect(row, path).not.toContain('>Active<');
    }
    const details = await browser.get(`${h.appUrl}/tokens/${token.authorizationId}`);
    expect(details.body).toContain(stopped);
    expect(details.body).not.toContain(`/tokens/${token.authorizationId}/edit`);
    expect(details.body).not.toContain(`/tokens/${token.authorizationId}/regenerate`);
    expect(details.body).toContain(`/tokens/${token.authorizationId}/revoke`);
    for (const path of ['edit', 'regenerate']) {
      const refused = await browser.get(`${h.appUrl}/tokens/${token.authorizationId}/${path}`);
      expect(refused.status, path).toBe(409);
      expect(refused.body, path).toContain('stopped working on 1 December 2026');
    }
    const forged = await browser.post(`${h.appUrl}/tokens/${token.authorizationId}/extend`, {
      _csrf: csrfOf(details),
      days: '30',
      returnTo: '/',
    });
    expect(forged.status).toBe(409);
    expect(byName('npm-registry-read').validTo).toBe(token.validTo);
  });
});

describe('regenerate', () => {
  it('creates the replacement first, shows its secret once, then revokes the old one', async () => {
    const old = byName('ci-pipeline');
    const form = await browser.get(`${h.appUrl}/tokens/${old.authorizationId}/regenerate`);
    const page = await browser.submit(form, `/tokens/${old.authorizationId}/regenerate`, { expiry: '60' });
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(secretShownOn(page.body)).toMatch(/^\w{20,}$/);
    expect(page.body).toContain('Create the new token:</strong> created');
    expect(page.body).toContain('Revoke the old token:</strong> revoked');
    const both = tokens().filter((token) => token.displayName === 'ci-pipeline');
    expect(both).toHaveLength(2);
    expect(both.find((token) => token.authorizationId === old.authorizationId)!.status).toBe('revoked');
    const fresh = both.find((token) => token.authorizationId !== old.authorizationId)!;
    expect(fresh.status).toBe('active');
    expect(fresh.scope).toBe(old.scope);
    expect(fresh.targetAccounts).toEqual(old.targetAccounts);
  });

  it("offers the old token's own lifetime first, and makes the new one last as long", async () => {
    const DAY = 86_400_000;
    h.emulator.control.devops.addTokens(ADA.objectId, [
      {
        displayName: 'quarterly-export',
        scope: 'vso.code',
        validFrom: new Date(Date.now() - 20 * DAY),
        validTo: new Date(Date.now() + 100 * DAY),
        targetAccounts: [CONTOSO_ID],
      },
    ]);
    const old = byName('quarterly-export');
    const form = await browser.get(`${h.appUrl}/tokens/${old.authorizationId}/regenerate`);
    expect(form.body.replace(/\s+/g, ' ')).toContain(
      `id="expiry-120" name="expiry" value="120" checked><label for="expiry-120">120 days from now, as long as the old token was made to last</label>`,
    );
    const page = await browser.submit(form, `/tokens/${old.authorizationId}/regenerate`, { expiry: '120' });
    expect(page.status).toBe(200);
    const fresh = tokens().find(
      (token) => token.displayName === 'quarterly-export' && token.authorizationId !== old.authorizationId,
    )!;
    expect(Math.round((Date.parse(fresh.validTo) - Date.now()) / DAY)).toBe(120);
    const refused = await browser.submit(
      await browser.get(`${h.appUrl}/tokens/${fresh.authorizationId}/regenerate`),
      `/tokens/${fresh.authorizationId}/regenerate`,
      { expiry: '121' },
    );
    expect(refused.status).toBe(400);
  });

  it('keeps the old token, and says so, when the revoke step fails', async () => {
    const old = byName('ci-pipeline');
    const form = await browser.get(`${h.appUrl}/tokens/${old.authorizationId}/regenerate`);
    h.emulator.control.injectFault({ target: 'pats', method: 'DELETE', status: 503 });
    const page = await browser.submit(form, `/tokens/${old.authorizationId}/regenerate`, { expiry: '30' });
    expect(page.status).toBe(200);
    expect(secretShownOn(page.body)).toMatch(/^\w{20,}$/);
    expect(page.body).toContain('Revoke the old token:</strong> not revoked');
    expect(page.body).toContain('The old token still works.');
    expect(byName('ci-pipeline')).toBeDefined();
    expect(tokens().find((token) => token.authorizationId === old.authorizationId)!.status).toBe('active');
    expect(tokens().filter((token) => token.displayName === 'ci-pipeline')).toHaveLength(2);
  });

  it('keeps the old token for the days asked (0 to 14), marked as replaced and listed on the expiry watch to revoke', async () => {
    const old = byName('ci-pipeline');
    const form = await browser.get(`${h.appUrl}/tokens/${old.authorizationId}/regenerate`);
    expect(form.body).toMatch(/id="keepOldDays" name="keepOldDays" type="number"[^>]*min="0" max="14"[^>]*value="0"/);
    const refused = await browser.submit(form, `/tokens/${old.authorizationId}/regenerate`, {
      expiry: '30',
      keepOldDays: '15',
    });
    expect(refused.status).toBe(400);
    expect(tokens().filter((token) => token.displayName === 'ci-pipeline')).toHaveLength(1);

    const page = await browser.submit(form, `/tokens/${old.authorizationId}/regenerate`, {
      expiry: '30',
      keepOldDays: '5',
    });
    expect(page.status).toBe(200);
    expect(secretShownOn(page.body)).toMatch(/^\w{20,}$/);
    const until = formatDate(new Date(Date.now() + 5 * 86_400_000));
    expect(page.body).toContain(`Keep the old token for now:</strong> kept until ${until}`);
    expect(page.body).not.toContain('The old token still works.');
    expect(tokens().find((token) => token.authorizationId === old.authorizationId)!.status).toBe('active');
    const list = await browser.get(`${h.appUrl}/`);
    expect(list.body).toMatch(
      new RegExp(
        `<a href="/tokens/${old.authorizationId}">ci-pipeline</a><br><span class="kept-badge">Replaced; kept until ${until}</span>`,
      ),
    );
    const watch = await browser.get(`${h.appUrl}/expiring`);
    expect(watch.body).toContain('Revoke after rotation or regenerate (1)');
    expect(watch.body).toContain(`<strong>ci-pipeline</strong> in contoso: Replaced; kept until ${until}.`);
  });

  it('changes nothing when the create step fails', async () => {
    const before = tokens().length;
    const old = byName('ci-pipeline');
    const form = await browser.get(`${h.appUrl}/tokens/${old.authorizationId}/regenerate`);
    h.emulator.control.devops.failNext('create', 'fullScopePatPolicyViolation');
    const page = await browser.submit(form, `/tokens/${old.authorizationId}/regenerate`, { expiry: '30' });
    expect(page.status).toBe(400);
    expect(tokens()).toHaveLength(before);
    expect(tokens().find((token) => token.authorizationId === old.authorizationId)!.status).toBe('active');
  });
});

describe('bulk revoke', () => {
  it('confirms the selection by name, then reports a result per token', async () => {
    const chosen = ['release-bot', 'wiki-export', 'backlog-report'].map(byName);
    const confirm = await browser.get(
      `${h.appUrl}/tokens/bulk?${chosen.map((t) => `ids=${t.authorizationId}`).join('&')}`,
    );
    expect(confirm.body).toContain('Revoke 3 tokens?');
    expect(confirm.body).toContain(', in contoso, expires');
    for (const token of chosen) expect(confirm.body).toContain(`<strong>${token.displayName}</strong>`);
    h.emulator.control.injectFault({
      path: '/vssps/*/_apis/tokens/pats',
      method: 'DELETE',
      status: 503,
      skip: 1,
      times: 1,
    });
    const result = await browser.submit(confirm, '/tokens/bulk/revoke');
    expect(result.url).toBe(`${h.appUrl}/tokens/bulk/result`);
    expect(result.body).toContain('2 of 3 revoked; 1 could not be revoked.');
    expect(result.body).toMatch(/<strong>wiki-export<\/strong>: not revoked/);
    expect(chosen.map((t) => byName(t.displayName).status)).toEqual(['revoked', 'active', 'revoked']);
    expect((await browser.get(`${h.appUrl}/tokens/bulk/result`)).url).toBe(`${h.appUrl}/`);
  });

  it('refuses a malformed selection, and sends an empty one back to the list with a message', async () => {
    expect((await browser.get(`${h.appUrl}/tokens/bulk?ids=not-a-guid`)).status).toBe(400);
    const empty = await browser.get(`${h.appUrl}/tokens/bulk`);
    expect(empty.url).toBe(`${h.appUrl}/`);
    expect(empty.body).toContain('No tokens were selected, so nothing was changed.');
  });

  it('offers no bulk revoke on the list of revoked tokens, and disables it elsewhere until a token is ticked', async () => {
    const revoked = await browser.get(`${h.appUrl}/?status=revoked`);
    expect(revoked.body).toContain('leaked-in-ci-logs');
    expect(revoked.body).not.toContain('Revoke the selected tokens');
    expect(revoked.body).not.toContain('type="checkbox"');
    const active = await browser.get(`${h.appUrl}/`);
    expect(active.body).toContain('data-needs-selection="bulk-form">Revoke the selected tokens');
    expect(active.body).toContain('<script src="/js/bulk-select.js" defer></script>');
  });
});

describe('export', () => {
  it('downloads the filtered list as CSV and JSON, without secrets, formulas defused', async () => {
    h.emulator.control.devops.addTokens(ADA.objectId, [
      {
        displayName: '=HYPERLINK("http://evil.example")',
        scope: 'vso.code',
        validTo: new Date(Date.now() + 5 * DAY),
        targetAccounts: null,
      },
    ]);
    const csv = await browser.get(`${h.appUrl}/export?format=csv&status=expired`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(
      /attachment; filename="?pat-tokens-contoso-expired-\d{4}-\d{2}-\d{2}\.csv"?$/,
    );
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('authorizationId,displayName,status,scopes,organizations,validFrom,validTo');
    // A global token is exported for what it is, whatever its date says.
    expect(
      lines
        .slice(1)
        .every((line) => line.includes(',expired,') || line.includes(',Global: stopped working on 1 December 2026,')),
    ).toBe(true);
    expect(lines.some((line) => line.includes('old-laptop,Global: stopped working on 1 December 2026,'))).toBe(true);
    expect(lines.length - 1).toBe(
      tokens().filter(
        (t) =>
          t.status === 'expired' &&
          (t.targetAccounts === null || t.targetAccounts.includes('f9424e7c-ea71-44cb-aa51-cae3213c1e15')),
      ).length,
    );

    const json = await browser.get(`${h.appUrl}/export?format=json&status=active`);
    const rows = JSON.parse(json.body) as Array<Record<string, string>>;
    const hostile = rows.find((row) => row.displayName!.startsWith('=HYPERLINK'))!;
    expect(hostile).toBeDefined();
    expect(Object.keys(rows[0]!)).not.toContain('token');
    const hostileCsv = await browser.get(`${h.appUrl}/export?format=csv&status=active`);
    expect(hostileCsv.body).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
  });

  it('exports all organizations at once', async () => {
    const json = await browser.get(`${h.appUrl}/export?format=json&scope=all&status=all`);
    const names = (JSON.parse(json.body) as Array<{ displayName: string }>).map((row) => row.displayName);
    expect(names).toEqual(expect.arrayContaining(['fabrikam-deploy', 'northwind-boards', 'leaked-in-ci-logs']));
  });
});

describe('activity log', () => {
  it('records create, edit, regenerate and revoke for the person who did them, newest first, without secrets', async () => {
    const form = await browser.get(`${h.appUrl}/tokens/new`);
    const created = await browser.submit(form, '/tokens', {
      displayName: 'audit-me',
      expiry: '30',
      organizations: 'this',
      access: 'custom',
      scopes: ['vso.code'],
    });
    const secret = secretShownOn(created.body)!;
    const token = byName('audit-me');
    const edit = await browser.get(`${h.appUrl}/tokens/${token.authorizationId}/edit`);
    await browser.submit(edit, `/tokens/${token.authorizationId}`, {
      displayName: 'audit-me-2',
      expiry: 'keep',
      organizations: 'this',
      access: 'custom',
      scopes: ['vso.code', 'vso.build'],
    });
    const regen = await browser.get(`${h.appUrl}/tokens/${token.authorizationId}/regenerate`);
    await browser.submit(regen, `/tokens/${token.authorizationId}/regenerate`, { expiry: '7' });
    const fresh = tokens().find((t) => t.displayName === 'audit-me-2' && t.status === 'active')!;
    const revoke = await browser.get(`${h.appUrl}/tokens/${fresh.authorizationId}/revoke`);
    await browser.submit(revoke, `/tokens/${fresh.authorizationId}/revoke`);

    const page = await browser.get(`${h.appUrl}/activity`);
    const actions = [...page.body.matchAll(/<td data-label="What">(\w+)<\/td>/g)].map((m) => m[1]);
    expect(actions.slice(0, 4)).toEqual(['Revoked', 'Regenerated', 'Changed', 'Created']);
    expect(page.body).toContain('name: audit-me → audit-me-2');
    expect(page.body).not.toContain(secret);
  });

  it('says scopes in words and links the token a regenerate replaced, never showing a raw scope or token id', async () => {
    const form = await browser.get(`${h.appUrl}/tokens/new`);
    await browser.submit(form, '/tokens', {
      displayName: 'in-words',
      expiry: '30',
      organizations: 'this',
      access: 'custom',
      scopes: ['vso.code'],
    });
    const old = byName('in-words');
    const edit = await browser.get(`${h.appUrl}/tokens/${old.authorizationId}/edit`);
    await browser.submit(edit, `/tokens/${old.authorizationId}`, {
      displayName: 'in-words',
      expiry: 'keep',
      organizations: 'this',
      access: 'full',
    });
    const regen = await browser.get(`${h.appUrl}/tokens/${old.authorizationId}/regenerate`);
    await browser.submit(regen, `/tokens/${old.authorizationId}/regenerate`, { expiry: '7' });

    const page = await browser.get(`${h.appUrl}/activity`);
    expect(page.body).toContain('<li>scopes: Code: Read → Full access</li>');
    expect(page.body).toContain('<li>scopes: Code: Read</li>');
    expect(page.body).toContain(
      `replaces <a href="/tokens/${old.authorizationId}?organization=contoso">the earlier token</a>`,
    );
    // Ids only inside links' addresses; no scope id anywhere in the text.
    const text = page.body.replace(/<[^>]+>/g, ' ');
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(text).not.toMatch(/\bvso\.|app_token/);
    expect(text).toMatch(/expires: \d{1,2} [A-Z][a-z]{2} \d{4}/);

    const grace = h.browser();
    await signIn(grace, h.appUrl, GRACE);
    expect((await grace.get(`${h.appUrl}/activity`)).body).not.toContain('audit-me');
  });
});
