// Tokens straight into Azure Key Vault, through the real app, msal-node, the official
// @azure/keyvault-secrets SDK and the emulator: consent first, what the vault holds, that the
// secret reaches no page, log or store, and that every vault failure leaves no token behind.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page, TestBrowser } from '../support/browser.ts';
import type { Harness } from '../support/harness.ts';
import { signedInWithVault } from '../support/signed-in.ts';
import { ADA, GRACE, signIn } from '../support/sign-in.ts';

let h: Harness;
let browser: TestBrowser;
let adaVault: string;
signedInWithVault((session) => ({ h, browser, adaVault } = session));

const form = (fields: Record<string, string | string[]> = {}) => ({
  displayName: 'deploy bot (prod)',
  expiry: '30',
  organizations: 'this',
  access: 'custom',
  scopes: ['vso.code', 'vso.build'],
  destination: 'vault',
  vaultUrl: adaVault,
  secretName: '',
  ...fields,
});
const activeNamed = (objectId: string, name: string) =>
  h.emulator.control.devops.tokens(objectId).filter((token) => token.displayName === name && !token.revoked);
const allNamed = (objectId: string, name: string) =>
  h.emulator.control.devops.tokens(objectId).filter((token) => token.displayName === name);

/** Sends the new-token form. A person who has not consented to Key Vault is sent to sign in for it first, then back to the form. */
async function createIntoVault(fields: Record<string, string | string[]> = {}): Promise<Page> {
  const page = await browser.submit(await browser.get(`${h.appUrl}/tokens/new`), '/tokens', form(fields));
  if (!page.url.includes('/oauth2/v2.0/authorize')) return page;
  const back = await consent(page, ADA);
  return browser.submit(back, '/tokens', form(fields));
}

/** Picks the person on the emulator's sign-in page (which asks for Key Vault); returns the form it brings them back to. */
async function consent(signInPage: Page, person: typeof ADA): Promise<Page> {
  expect(signInPage.body).toContain('Azure Key Vault');
  const back = await browser.submit(signInPage, 'authorize', { person: person.objectId });
  expect(back.url).toMatch(/\/tokens\/new\?draft=/);
  return back;
}

describe('create into a vault', () => {
  it('asks for consent once, comes back to the form as typed, then stores the secret with its contentType, expiry and tags, never showing it', async () => {
    const asked = await browser.submit(await browser.get(`${h.appUrl}/tokens/new`), '/tokens', form());
    expect(asked.url).toContain('/oauth2/v2.0/authorize');
    const back = await consent(asked, ADA);
    expect(back.body).toContain('value="deploy bot (prod)"');
    expect(back.body).toMatch(/id="destination-vault" name="destination" value="vault" checked/);
    expect(back.body).toContain(`value="${adaVault}"`);
    // The form back from consent says what happened and what is next, on this page (not the next one).
    expect(back.body).toContain(
      'You can now use Key Vault. Nothing was created yet: your form is as you left it. Check it, then choose Create token.',
    );
    expect(activeNamed(ADA.objectId, 'deploy bot (prod)')).toHaveLength(0);

    const done = await browser.submit(back, '/tokens', form());
    expect(done.status).toBe(200);
    expect(done.body).toContain('created and stored in Key Vault');
    const [token] = activeNamed(ADA.objectId, 'deploy bot (prod)');
    expect(token).toBeDefined();
    const versions = h.emulator.control.keyVault.secretVersions('ada-pats', 'deploy-bot-prod-pat');
    expect(versions).toHaveLength(1);
    const secret = versions[0]!;
    expect(secret.contentType).toBe('Azure DevOps personal access token');
    expect(secret.exp).toBe(Math.floor(new Date(token!.validTo).getTime() / 1000));
    expect(secret.tags).toMatchObject({ authorizationId: token!.authorizationId, organization: 'contoso' });
    // The vault holds the PAT's value (the one the emulator issued for this token)...
    const issuedPats = h.emulator.control
      .issuedSecrets()
      .filter((issued) => issued.kind === 'pat')
      .map((issued) => issued.value);
    expect(issuedPats).toContain(secret.value);
    // ...and the page names the vault, the secret and its version, but never the value.
    expect(done.body).toContain('deploy-bot-prod-pat');
    expect(done.body).toContain(secret.version);
    expect(done.body).not.toContain(secret.value);
    expect(done.headers['cache-control']).toContain('no-store');
    // Nor the details page, the list, the activity log, the app's log or its store on disk.
    for (const path of [`/tokens/${token!.authorizationId}`, '/', '/activity'])
      expect((await browser.get(`${h.appUrl}${path}`)).body).not.toContain(secret.value);
    expect(h.logLines.join('\n')).not.toContain(secret.value);
    // SQLite in WAL mode: recent writes are in the -wal file until a checkpoint.
    for (const file of [h.config.activityFile, h.config.session.sqliteFile]
      .flatMap((base) => [base, `${base}-wal`])
      .filter((path) => existsSync(path))) {
      expect(readFileSync(file).toString('latin1')).not.toContain(secret.value);
    }
    const details = await browser.get(`${h.appUrl}/tokens/${token!.authorizationId}`);
    expect(details.body).toContain(adaVault);
    expect(details.body).toContain('deploy-bot-prod-pat');
  });

  it('refuses a vault host the settings do not allow, and a secret name Key Vault would not accept, creating nothing', async () => {
    const before = h.emulator.control.devops.tokens(ADA.objectId).length;
    for (const [fields, message] of [
      [{ vaultUrl: 'https://evil.example.com' }, 'only writes to vaults whose address ends in .vault.localhost'],
      [{ vaultUrl: `${adaVault}/secrets/x` }, 'with nothing after the host'],
      [{ secretName: 'has spaces_and.dots' }, 'may only hold letters, digits and hyphens'],
    ] as const) {
      const page = await createIntoVault(fields);
      expect(page.status).toBe(422);
      expect(page.body).toContain(message);
    }
    expect(h.emulator.control.devops.tokens(ADA.objectId)).toHaveLength(before);
  });
});

describe('when the vault refuses, nothing is left behind', () => {
  it.each([
    ['no permission (403)', () => {}, { person: GRACE }, 403, 'Key Vault Secrets Officer'],
    ['vault not found (404 from the vault host)', () => {}, { vault: 'nosuch-vault' }, 404, 'There is no key vault at'],
    [
      'a soft-deleted secret name (409)',
      (): string => {
        h.emulator.control.keyVault.putVault('ada-pats', { [ADA.objectId]: 'Key Vault Secrets Officer' });
        return 'gone-pat';
      },
      { secretName: 'gone-pat' },
      409,
      'deleted from',
    ],
    [
      'throttled (429)',
      () =>
        void h.emulator.control.injectFault({
          target: 'keyvault',
          method: 'PUT',
          status: 429,
          headers: { 'Retry-After': '7' },
          body: { error: { code: 'Throttled', message: 'Too many requests.' } },
        }),
      {},
      429,
      'asked PAT Manager to wait 7 seconds',
    ],
    [
      'a timeout',
      () => void h.emulator.control.injectFault({ target: 'keyvault', method: 'PUT', delayMs: 4000 }),
      {},
      502,
      'could not be reached, or did not answer within 2 seconds',
    ],
  ] as Array<[string, () => string | void, Record<string, unknown>, number, string]>)(
    '%s: a clear page, and the token just created is revoked',
    async (_name, arrange, fields, status, message) => {
      const name = `vault-fail-${status}`;
      let page: Page;
      if ('person' in fields) {
        // Grace has a vault but no role on it.
        browser = h.browser();
        await signIn(browser, h.appUrl, GRACE);
        page = await browser.submit(
          await browser.get(`${h.appUrl}/tokens/new`),
          '/tokens',
          form({ displayName: name, vaultUrl: h.emulator.control.keyVault.vaultUrl('grace-pats') }),
        );
        if (page.url.includes('/oauth2/v2.0/authorize'))
          page = await browser.submit(
            await consent(page, GRACE),
            '/tokens',
            form({ displayName: name, vaultUrl: h.emulator.control.keyVault.vaultUrl('grace-pats') }),
          );
      } else {
        const secretName = arrange();
        if (secretName) {
          h.emulator.control.keyVault.purgeSecret('ada-pats', secretName);
          await createIntoVault({ displayName: 'to-delete', secretName });
          expect(h.emulator.control.keyVault.softDeleteSecret('ada-pats', secretName)).toBe(true);
        }
        // A vault the emulator does not have, on its own port (the address is known only once it runs).
        const vaultUrl: Record<string, string> = fields.vault
          ? { vaultUrl: h.emulator.control.keyVault.vaultUrl(String(fields.vault)) }
          : {};
        page = await createIntoVault({
          displayName: name,
          ...(fields.secretName ? { secretName: String(fields.secretName) } : {}),
          ...vaultUrl,
        });
      }
      expect(page.status).toBe(status);
      expect(page.body).toContain(message);
      expect(page.body).toContain('Nothing was left behind');
      expect(page.body).not.toMatch(/at .*\.ts:\d+/);
      const owner = 'person' in fields ? GRACE : ADA;
      expect(allNamed(owner.objectId, name)).toHaveLength(1);
      expect(activeNamed(owner.objectId, name)).toHaveLength(0);
    },
  );
});

it('"Try again" after an unreachable vault opens the form filled with what was sent, saying nothing was created', async () => {
  await createIntoVault({ displayName: 'warm-up-again' });
  h.emulator.control.injectFault({ target: 'keyvault', method: 'PUT', delayMs: 4000 });
  const failed = await createIntoVault({ displayName: 'try-me-again', secretName: 'try-me-again-pat', expiry: '60' });
  expect(failed.status).toBe(502);
  const href = /<a class="button primary" href="([^"]+)">Try again<\/a>/.exec(failed.body)?.[1]?.replace(/&amp;/g, '&');
  expect(href).toMatch(/^\/tokens\/new\?draft=[0-9a-f-]{36}&again=1$/);
  const again = await browser.get(`${h.appUrl}${href}`);
  expect(again.status).toBe(200);
  expect(again.body).toContain('value="try-me-again"');
  expect(again.body).toContain('value="try-me-again-pat"');
  expect(again.body).toContain(`value="${adaVault}"`);
  expect(again.body).toMatch(/id="expiry-60" name="expiry" value="60" checked/);
  expect(again.body).toMatch(/value="vso.code" checked/);
  expect(again.body).toMatch(/id="destination-vault" name="destination" value="vault" checked/);
  expect(again.body).toContain('Your form is as you sent it. Nothing was created');
  h.emulator.control.clearFaults();
  const done = await browser.submit(
    again,
    '/tokens',
    form({ displayName: 'try-me-again', secretName: 'try-me-again-pat' }),
  );
  expect(done.body).toContain('created and stored in Key Vault');
});

it('when the vault refuses and the revoke of the new token fails too, the page says exactly which token exists', async () => {
  await createIntoVault({ displayName: 'warm-up' });
  h.emulator.control.injectFault({ target: 'keyvault', method: 'PUT', status: 503 });
  h.emulator.control.injectFault({ target: 'pats', method: 'DELETE', status: 503 });
  const page = await createIntoVault({ displayName: 'left-behind' });
  const [orphan] = activeNamed(ADA.objectId, 'left-behind');
  expect(orphan).toBeDefined();
  expect(page.status).toBe(502);
  expect(page.body).toContain('A token exists whose secret nobody has');
  expect(page.body).toContain(orphan!.authorizationId);
  expect(page.body).toContain(`href="/tokens/${orphan!.authorizationId}/revoke"`);
  expect(page.body).not.toContain('Nothing was left behind');
});

it("writes through the app's shared keep-alive agent: the second vault write opens no new connection, and each costs the challenge and one PUT", async () => {
  await createIntoVault({ displayName: 'warm-up-2' });
  h.emulator.control.resetStats();
  await createIntoVault({ displayName: 'keep-alive-1' });
  const first = h.emulator.control.stats();
  await createIntoVault({ displayName: 'keep-alive-2' });
  const second = h.emulator.control.stats();
  // The SDK starts each client with one request without a token (answered 401 before any route: the
  // challenge), then the PUT with the token.
  expect([first.requests['PUT [keyvault]'], first.requests['PUT /secrets/:name']]).toEqual([1, 1]);
  expect([second.requests['PUT [keyvault]'], second.requests['PUT /secrets/:name']]).toEqual([2, 2]);
  expect(second.connections.accepted).toBe(first.connections.accepted);
  console.log(
    `vault: ${second.requests['PUT [keyvault]']} challenges and ${second.requests['PUT /secrets/:name']} writes for 2 tokens; TLS connections opened to the emulator: ${first.connections.accepted} during the first create, ${second.connections.accepted - first.connections.accepted} during the second`,
  );
});
