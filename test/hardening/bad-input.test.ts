// Every form and route fed with what a careless or hostile client sends: missing fields, wrong
// types, very long and strange strings, unknown scopes, impossible dates, forged CSRF tokens,
// tampered and expired session cookies, off-site return addresses, huge bodies and unexpected
// methods. Each gets a clear 4xx answer (or, for a return address, is sent home) and changes
// nothing: the emulator's token state is the same before and after.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page, TestBrowser } from '../support/browser.ts';
import type { Harness } from '../support/harness.ts';
import { signedIn } from '../support/signed-in.ts';
import { ADA, GRACE, csrfOf, openSignInPage, pickPerson, signIn } from '../support/sign-in.ts';
import { createIntoVault } from '../support/vault-tokens.ts';

const COOKIE = 'patmanager.sid';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const FORM_KEY = '3f1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3';
const KB = 1024;

let h: Harness;
let browser: TestBrowser;
let csrf: string;
/** An active token of Ada's in contoso, and its state before anything was tried. */
let tokenId: string;
/** A global token of Ada's, an expired one, and a global and an expired one of Grace's. */
let globalId: string;
let expiredId: string;
let gracesGlobalId: string;
let gracesExpiredId: string;

signedIn({ once: true, harness: { env: { SESSION_IDLE_MINUTES: '30' } } }, (session) => {
  ({ h, browser } = session);
  if (session.home) csrf = csrfOf(session.home);
});
beforeAll(() => {
  const idOf = (person: typeof ADA, name: string) =>
    h.emulator.control.devops.tokens(person.objectId).find((token) => token.displayName === name)!.authorizationId;
  tokenId = idOf(ADA, 'wiki-export');
  globalId = idOf(ADA, 'helm-chart-publish');
  expiredId = idOf(ADA, 'legacy-jenkins');
  gracesGlobalId = idOf(GRACE, 'mainframe-nightly');
  gracesExpiredId = idOf(GRACE, 'mark-i-archive');
});
afterEach(() => {
  vi.useRealTimers();
});

interface Answer {
  status: number;
  location: string | null;
  body: string;
}

/** One request as a client sends it, with Ada's session cookie unless told otherwise. */
async function send(
  method: string,
  path: string,
  options: {
    form?: Record<string, string | string[]>;
    body?: string | Buffer;
    headers?: Record<string, string>;
    cookie?: string | null;
  } = {},
): Promise<Answer> {
  const cookie = options.cookie === undefined ? await browser.jar.getCookieString(h.appUrl) : options.cookie;
  let body = options.body;
  const headers: Record<string, string> = { ...(cookie ? { cookie } : {}), ...options.headers };
  if (options.form) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(options.form))
      for (const item of [value].flat()) params.append(name, item);
    body = params.toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  const response = await fetch(`${h.appUrl}${path}`, { method, headers, body, redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), body: await response.text() };
}

const post = (path: string, form: Record<string, string | string[]>, cookie?: string | null) =>
  send('POST', path, { form, ...(cookie === undefined ? {} : { cookie }) });

/** The full state of every token of the people this suite signs in as. */
const state = () => JSON.stringify([ADA, GRACE].map((person) => h.emulator.control.devops.tokens(person.objectId)));

/** Runs `attempt` and checks it changed no token anywhere. */
async function unchanged(attempt: () => Promise<Answer>): Promise<Answer> {
  const before = state();
  const answer = await attempt();
  expect(state()).toBe(before);
  return answer;
}

function expectClearRefusal(answer: Answer, status: number, text?: RegExp) {
  expect(answer.status).toBe(status);
  expect(answer.body).not.toMatch(/\bat .+:\d+:\d+/);
  expect(answer.body).not.toMatch(/TypeError|ReferenceError|SyntaxError|node_modules/);
  if (text) expect(answer.body).toMatch(text);
}

const validCreate = () => ({
  _csrf: csrf,
  formKey: crypto.randomUUID(),
  displayName: 'hardening',
  expiry: '30',
  organizations: 'this',
  access: 'custom',
  scopes: ['vso.code'],
});
const validEdit = () => ({
  _csrf: csrf,
  displayName: 'wiki-export',
  expiry: 'keep',
  organizations: 'this',
  access: 'custom',
  scopes: ['vso.wiki'],
});
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('CSRF: every state-changing form refuses a missing, forged or borrowed token', () => {
  const forms = (): Array<[string, Record<string, string | string[]>]> => [
    ['/tokens', validCreate()],
    [`/tokens/${tokenId}`, validEdit()],
    [`/tokens/${tokenId}/revoke`, {}],
    [`/tokens/${tokenId}/extend`, { days: '30', returnTo: '/' }],
    [`/tokens/${tokenId}/regenerate`, { formKey: FORM_KEY, expiry: '30' }],
    ['/tokens/bulk/revoke', { ids: tokenId }],
    ['/tokens', { ...validCreate(), destination: 'vault', vaultUrl: 'https://my-vault.vault.azure.net' }],
    [`/tokens/${tokenId}/vault`, { vaultUrl: 'https://my-vault.vault.azure.net', secretName: 'x' }],
    [`/tokens/${tokenId}/vault/unlink`, {}],
    [`/tokens/${tokenId}/rotate`, { formKey: FORM_KEY, expiry: '30', old: 'revoke' }],
    ['/tokens', { ...validCreate(), organizations: 'several', targetOrganizations: ['contoso', 'fabrikam'] }],
    [`/tokens/${globalId}/replace`, { formKey: FORM_KEY, expiry: '30', targetOrganizations: ['contoso'] }],
    ['/tokens/replace-global', { formKey: FORM_KEY, expiry: '30', targetOrganizations: ['contoso'] }],
    [`/tokens/${expiredId}/renew`, { formKey: FORM_KEY, expiry: '30' }],
    ['/vault/rotate', { formKey: FORM_KEY, expiry: '30', within: '7' }],
    ['/organizations', { organization: 'fabrikam', returnTo: '/' }],
    [`/tokens/${tokenId}/automation`, { whenDaysLeft: '7', lifetimeDays: '30', keepOldDays: '0' }],
    [`/automation/${UNKNOWN_ID}/run`, {}],
    [`/automation/${UNKNOWN_ID}/stop`, {}],
    ['/notifications', { thresholds: '14, 3', mail: 'on' }],
    ['/notifications/test', {}],
    ['/notifications/off', {}],
    ['/leak-notices/dismiss', { id: tokenId }],
    ['/logout', {}],
  ];

  it.each([
    ['missing', () => undefined],
    ['forged', () => 'forged-token-that-was-never-issued'],
    ['empty', () => ''],
    ['two values, one of them right', () => [csrf, 'forged']],
  ])('%s', async (_name, token) => {
    for (const [path, fields] of forms()) {
      const { _csrf: _valid, ...rest } = fields;
      const value = token();
      const answer = await unchanged(() => post(path, value === undefined ? rest : { ...rest, _csrf: value }));
      expectClearRefusal(answer, 403, /Form expired/);
    }
    expect((await send('GET', '/')).body).toContain('Your tokens in contoso');
  });

  it("another person's token", async () => {
    const grace = h.browser();
    const graceCsrf = csrfOf(await signIn(grace, h.appUrl, GRACE));
    for (const [path, fields] of forms())
      expectClearRefusal(await unchanged(() => post(path, { ...fields, _csrf: graceCsrf })), 403);
  });

  it('the right token in the query string instead of the form', async () => {
    expectClearRefusal(
      await unchanged(() => send('POST', `/tokens/${tokenId}/revoke?_csrf=${encodeURIComponent(csrf)}`, { form: {} })),
      403,
    );
  });
});

describe('session cookies', () => {
  async function tamperedCookie(change: (value: string) => string): Promise<string> {
    const value = (await browser.cookie(h.appUrl, COOKIE))!;
    return `${COOKIE}=${change(value)}`;
  }

  it.each([
    ['a changed signature', (value: string) => value.slice(0, -2) + (value.endsWith('AA') ? 'BB' : 'AA')],
    [
      'a changed session id',
      (value: string) => value.replace(/^s%3A(.)/, (_all, first: string) => `s%3A${first === 'x' ? 'y' : 'x'}`),
    ],
    ['a made-up session', () => 's%3Aforged.forged'],
    ['garbage', () => '%%%not-a-cookie'],
    ['6 KB of junk', () => 'x'.repeat(6 * KB)],
  ])('with %s, the person is signed out and nothing can be changed', async (_name, change) => {
    const cookie = await tamperedCookie(change);
    const page = await send('GET', '/tokens/new', { cookie });
    expect(page.status).toBe(303);
    expect(page.location).toBe('/login?returnTo=%2Ftokens%2Fnew');
    expectClearRefusal(await unchanged(() => post('/tokens', validCreate(), cookie)), 403, /Form expired/);
    expectClearRefusal(await unchanged(() => post(`/tokens/${tokenId}/revoke`, { _csrf: csrf }, cookie)), 403);
  });

  it('an expired session is signed out and can change nothing', async () => {
    const other = h.browser();
    const otherCsrf = csrfOf(await signIn(other, h.appUrl, ADA));
    const cookie = await other.jar.getCookieString(h.appUrl);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31 * 60_000);
    const page = await send('GET', '/tokens/new', { cookie });
    expect(page.status).toBe(303);
    expect(page.location).toMatch(/^\/login\?returnTo=/);
    expectClearRefusal(await unchanged(() => post('/tokens', { ...validCreate(), _csrf: otherCsrf }, cookie)), 403);
    expectClearRefusal(await unchanged(() => post(`/tokens/${tokenId}/revoke`, { _csrf: otherCsrf }, cookie)), 403);
  });
});

describe('the create form', () => {
  it.each<[string, Record<string, string | string[]>, RegExp]>([
    [
      'no fields at all',
      { displayName: '', expiry: '', organizations: '', access: '', scopes: [] },
      /Give the token a name/,
    ],
    ['a name sent twice (an array)', { displayName: ['one', 'two'] }, /Give the token a name/],
    ['a 60 KB name', { displayName: 'n'.repeat(60 * KB) }, /Keep the name to 100 characters/],
    ['a NUL in the name', { displayName: 'bad\u0000name' }, /control characters/],
    ['a line break in the name', { displayName: 'two\nlines' }, /control characters/],
    ['a bell in the name', { displayName: 'ding\u0007' }, /control characters/],
    ['DEL in the name', { displayName: 'del\u007f' }, /control characters/],
    ['a C1 control (NEL) in the name', { displayName: 'next\u0085line' }, /control characters/],
    ['a right-to-left override in the name', { displayName: 'invoice\u202efdp.exe' }, /control characters/],
    ['a zero-width space in the name', { displayName: 'deploy\u200bkey' }, /invisible \(zero-width\) characters/],
    ['a line separator in the name', { displayName: 'two\u2028lines' }, /control characters/],
    ['a paragraph separator in the name', { displayName: 'two\u2029paragraphs' }, /control characters/],
    ['a word joiner in the name', { displayName: 'word\u2060joiner' }, /control characters/],
    ['a byte-order mark inside the name', { displayName: 'b\ufeffom' }, /control characters/],
    ['a zero-width joiner beside ASCII', { displayName: 'ci\u200d-deploy' }, /control characters/],
    ['a zero-width non-joiner at the end', { displayName: 'deploy\u200c' }, /control characters/],
    ['a soft hyphen in the name', { displayName: 'de\u00adploy' }, /control characters/],
    ['an unknown scope', { scopes: ['vso.code', 'vso.made_up'] }, /does not know this scope: vso\.made_up/],
    ['a scope that looks like a path', { scopes: ['../../etc/passwd'] }, /does not know this scope/],
    ['no scope', { scopes: [] }, /Choose at least one scope/],
    ['a date in the past', { expiry: 'custom', customDate: '2020-01-01' }, /cannot expire in the past/],
    [
      'today',
      { expiry: 'custom', customDate: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10) },
      /cannot expire in the past/,
    ],
    ['a date beyond one year', { expiry: 'custom', customDate: inDays(400) }, /at most one year/],
    ['a date in the year 99999', { expiry: 'custom', customDate: '99999-01-01' }, /year-month-day/],
    ['a date that does not exist', { expiry: 'custom', customDate: '2027-02-30' }, /year-month-day/],
    ['a date in another format', { expiry: 'custom', customDate: '31/12/2026' }, /year-month-day/],
    ['two dates (an array)', { expiry: 'custom', customDate: [inDays(10), inDays(20)] }, /year-month-day/],
    ['an expiry that is not offered', { expiry: '3650' }, /Choose when the token expires/],
    ['expiry "keep" (only editing keeps)', { expiry: 'keep' }, /Choose when the token expires/],
    ['an unknown organization choice', { organizations: 'everyone' }, /Choose this organization, or several of yours/],
    ['several organizations, none chosen', { organizations: 'several' }, /Choose at least one organization/],
    [
      "several organizations, one not the person's",
      { organizations: 'several', targetOrganizations: ['contoso', 'tailspin'] },
      /You are not a member of &#34;tailspin&#34;/,
    ],
    [
      'several organizations, named in a way the form never sends',
      { organizations: 'several', targetOrganizations: ['CONTOSO '] },
      /not a member of/,
    ],
    [
      'a vault on a host not allowed',
      { destination: 'vault', vaultUrl: 'https://evil.example' },
      /only writes to vaults whose address ends in/,
    ],
    [
      'a vault address with a path',
      { destination: 'vault', vaultUrl: 'https://my-vault.vault.azure.net/secrets/x' },
      /nothing after the host/,
    ],
    ['a vault address that is javascript:', { destination: 'vault', vaultUrl: 'javascript:alert(1)' }, /https address/],
    [
      'a vault address with a port',
      { destination: 'vault', vaultUrl: 'https://my-vault.vault.azure.net:8443' },
      /has no port/,
    ],
    [
      'two vault addresses (an array)',
      { destination: 'vault', vaultUrl: ['https://a-vault.vault.azure.net', 'https://b-vault.vault.azure.net'] },
      /Enter the vault/,
    ],
    [
      'a secret name Key Vault refuses',
      { destination: 'vault', vaultUrl: 'https://my-vault.vault.azure.net', secretName: 'a b/c' },
      /letters, digits and hyphens/,
    ],
    [
      'a 60 KB secret name',
      { destination: 'vault', vaultUrl: 'https://my-vault.vault.azure.net', secretName: 's'.repeat(60 * KB) },
      /at most 127/,
    ],
  ])('%s: 422 with the reason, nothing created', async (_name, fields, reason) => {
    const answer = await unchanged(() => post('/tokens', { ...validCreate(), ...fields }));
    expectClearRefusal(answer, 422, reason);
    expect(answer.body).toContain('class="error-summary"');
  });

  it.each<[string, Record<string, string | string[]>]>([
    ['organizations=all (the choice the form no longer offers)', { organizations: 'all' }],
    ["allOrgs=true (the API's own field)", { allOrgs: 'true' }],
    ['allOrgs=false beside this organization', { allOrgs: 'false' }],
    [
      'allOrgs=true beside several organizations',
      { organizations: 'several', targetOrganizations: ['contoso', 'fabrikam'], allOrgs: 'true' },
    ],
  ])(
    'a forged request for a global token, %s: 400 explaining their retirement, nothing created',
    async (_name, fields) => {
      const answer = await unchanged(() => post('/tokens', { ...validCreate(), ...fields }));
      expectClearRefusal(answer, 400, /stopped working on 1 December 2026/);
    },
  );

  it.each([
    ['missing', undefined],
    ['not a GUID', 'abc'],
    ['two of them', [FORM_KEY, FORM_KEY]],
  ])('a form key %s: 400, nothing created', async (_name, formKey) => {
    const { formKey: _key, ...rest } = validCreate();
    const answer = await unchanged(() => post('/tokens', formKey === undefined ? rest : { ...rest, formKey }));
    expectClearRefusal(answer, 400, /Form incomplete/);
  });

  it.each([
    ['other scripts and emoji', 'Zürich 東京 🚀 مرحبا'],
    [
      'a Persian word with its zero-width non-joiner, and an emoji sequence with its joiner',
      'می\u200cخواهم 👩\u200d💻',
    ],
  ])('a name in %s is kept exactly as typed', async (_what, name) => {
    const answer = await post('/tokens', { ...validCreate(), displayName: name });
    expect(answer.status).toBe(200);
    expect(h.emulator.control.devops.tokens(ADA.objectId).some((token) => token.displayName === name)).toBe(true);
  });
});

describe('replacing global tokens and renewing expired ones', () => {
  const replace = (fields: Record<string, string | string[]>) => ({
    _csrf: csrf,
    formKey: crypto.randomUUID(),
    expiry: '30',
    targetOrganizations: ['contoso', 'fabrikam'],
    ...fields,
  });

  it.each<[string, string, Record<string, string | string[]>, number, RegExp]>([
    [
      "replace: an organization that is not the person's",
      'one',
      { targetOrganizations: ['contoso', 'tailspin'] },
      422,
      /You are not a member of &#34;tailspin&#34;/,
    ],
    ['replace: no organization', 'one', { targetOrganizations: [] }, 422, /Choose at least one organization/],
    ['replace: an expiry not offered', 'one', { expiry: '3650' }, 422, /Choose how long the new tokens last/],
    ['replace: a forged allOrgs', 'one', { allOrgs: 'true' }, 400, /stopped working on 1 December 2026/],
    [
      "replace all: an organization that is not the person's",
      'all',
      { targetOrganizations: ['tailspin'] },
      422,
      /You are not a member of &#34;tailspin&#34;/,
    ],
    ['replace all: no organization', 'all', { targetOrganizations: [] }, 422, /Choose at least one organization/],
    ['replace all: a forged allOrgs', 'all', { allOrgs: 'true' }, 400, /stopped working on 1 December 2026/],
    ['replace all: no form key', 'all', { formKey: [] }, 400, /Form incomplete/],
  ])('%s: nothing created or revoked', async (_name, which, fields, status, reason) => {
    const path = which === 'one' ? `/tokens/${globalId}/replace` : '/tokens/replace-global';
    expectClearRefusal(await unchanged(() => post(path, replace(fields))), status, reason);
  });

  it('renew: an expiry not offered, or a forged allOrgs: nothing created', async () => {
    expectClearRefusal(
      await unchanged(() => post(`/tokens/${expiredId}/renew`, { _csrf: csrf, formKey: FORM_KEY, expiry: '3650' })),
      400,
      /Choose an expiry/,
    );
    expectClearRefusal(
      await unchanged(() =>
        post(`/tokens/${expiredId}/renew`, { _csrf: csrf, formKey: FORM_KEY, expiry: '30', allOrgs: 'true' }),
      ),
      400,
      /stopped working on 1 December 2026/,
    );
  });

  // Azure DevOps answers another person's token id with an access check (403), and so does the emulator.
  it("someone else's token id: replace and renew are refused as Azure DevOps refuses them, and nothing changes", async () => {
    for (const path of [`/tokens/${gracesGlobalId}/replace`, `/tokens/${gracesExpiredId}/renew`]) {
      expectClearRefusal(await unchanged(() => send('GET', path)), 403, /You are not allowed to do this/);
    }
    expectClearRefusal(
      await unchanged(() => post(`/tokens/${gracesGlobalId}/replace`, replace({}))),
      403,
      /You are not allowed to do this/,
    );
    expectClearRefusal(
      await unchanged(() => post(`/tokens/${gracesExpiredId}/renew`, { _csrf: csrf, formKey: FORM_KEY, expiry: '30' })),
      403,
      /You are not allowed to do this/,
    );
  });

  it('a token of the wrong kind: only global tokens are replaced, only expired ones renewed', async () => {
    expectClearRefusal(
      await unchanged(() => post(`/tokens/${tokenId}/replace`, replace({}))),
      409,
      /Only global tokens are replaced/,
    );
    expectClearRefusal(
      await unchanged(() => post(`/tokens/${tokenId}/renew`, { _csrf: csrf, formKey: FORM_KEY, expiry: '30' })),
      409,
      /Only expired tokens are renewed/,
    );
    expectClearRefusal(
      await unchanged(() => post(`/tokens/${globalId}/renew`, { _csrf: csrf, formKey: FORM_KEY, expiry: '30' })),
      409,
      /Global tokens cannot be changed/,
    );
  });
});

describe('the other forms', () => {
  it.each<[string, Record<string, string | string[]>, number, RegExp]>([
    ['edit: no name', { ...validEditFields(), displayName: '' }, 422, /Give the token a name/],
    ['edit: a 60 KB name', { ...validEditFields(), displayName: 'n'.repeat(60 * KB) }, 422, /100 characters/],
    ['edit: an unknown scope', { ...validEditFields(), scopes: ['vso.nope'] }, 422, /does not know this scope/],
    ['edit: a date in the past', { ...validEditFields(), expiry: 'custom', customDate: '2001-01-01' }, 422, /past/],
    [
      'edit: beyond one year',
      { ...validEditFields(), expiry: 'custom', customDate: inDays(500) },
      422,
      /at most one year/,
    ],
  ])('%s', async (_name, fields, status, reason) => {
    expectClearRefusal(await unchanged(() => post(`/tokens/${tokenId}`, { _csrf: csrf, ...fields })), status, reason);
  });

  it.each<[string, Record<string, string | string[]>]>([
    ['no id', {}],
    ['two ids', { id: [tokenId, tokenId] }],
    ['a 60 KB id', { id: 'x'.repeat(60 * KB) }],
    ['an id that names no notice', { id: UNKNOWN_ID }],
  ])('dismissing a leak notice with %s: 404', async (_name, fields) => {
    expectClearRefusal(
      await unchanged(() => post('/leak-notices/dismiss', { _csrf: csrf, ...fields })),
      404,
      /You have no such notice/,
    );
  });

  it.each([['45'], ['-30'], ['1e9'], ['thirty']])('extend by %s days: 400', async (days) => {
    expectClearRefusal(
      await unchanged(() => post(`/tokens/${tokenId}/extend`, { _csrf: csrf, days, returnTo: '/' })),
      400,
      /extended by 30 or 90 days/,
    );
  });

  it('extend with two values: 400', async () => {
    expectClearRefusal(
      await unchanged(() => post(`/tokens/${tokenId}/extend`, { _csrf: csrf, days: ['30', '30'], returnTo: '/' })),
      400,
    );
  });

  it.each([['365'], [''], ['keep']])('regenerate with expiry %j: 400', async (expiry) => {
    expectClearRefusal(
      await unchanged(() => post(`/tokens/${tokenId}/regenerate`, { _csrf: csrf, formKey: FORM_KEY, expiry })),
      400,
      /Choose an expiry/,
    );
  });

  it('regenerate without a form key: 400', async () => {
    expectClearRefusal(
      await unchanged(() => post(`/tokens/${tokenId}/regenerate`, { _csrf: csrf, expiry: '30' })),
      400,
      /Form incomplete/,
    );
  });

  it.each<[string, Record<string, string | string[]>, RegExp]>([
    ['no ids', {}, /No tokens selected/],
    ['an id that is not a GUID', { ids: 'x' }, /Unknown tokens/],
    ['a path for an id', { ids: '../../_apis' }, /Unknown tokens/],
    [
      '101 ids',
      { ids: Array.from({ length: 101 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`) },
      /at most 100/,
    ],
  ])('bulk revoke with %s: 400', async (_name, fields, reason) => {
    expectClearRefusal(await unchanged(() => post('/tokens/bulk/revoke', { _csrf: csrf, ...fields })), 400, reason);
    const query = new URLSearchParams();
    for (const id of [fields.ids ?? []].flat()) query.append('ids', id);
    // Asking to confirm an empty selection goes back to the list with a message (the next test).
    if (query.size > 0)
      expectClearRefusal(await unchanged(() => send('GET', `/tokens/bulk?${query.toString()}`)), 400, reason);
  });

  it('bulk confirm with nothing ticked: back to the list it came from, saying so, nothing changed', async () => {
    const answer = await unchanged(() =>
      send('GET', `/tokens/bulk?returnTo=${encodeURIComponent('/?status=expired')}`),
    );
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/?status=expired');
    expect((await send('GET', '/?status=expired')).body).toContain('No tokens were selected, so nothing was changed.');
  });

  it.each([['evilcorp'], [''], ['../contoso'], ['contoso\u0000']])(
    'choose organization %j: 400, still in contoso',
    async (organization) => {
      expectClearRefusal(
        await unchanged(() => post('/organizations', { _csrf: csrf, organization, returnTo: '/' })),
        400,
        /not a member of that organization/,
      );
      expect((await send('GET', '/')).body).toContain('Your tokens in contoso');
    },
  );

  it('choose organization with two values: 400', async () => {
    expectClearRefusal(
      await unchanged(() =>
        post('/organizations', { _csrf: csrf, organization: ['fabrikam', 'contoso'], returnTo: '/' }),
      ),
      400,
    );
  });
});

function validEditFields() {
  return { displayName: 'wiki-export', expiry: 'keep', organizations: 'this', access: 'custom', scopes: ['vso.wiki'] };
}

describe('automatic rotation', () => {
  const settings = { whenDaysLeft: '7', lifetimeDays: '30', keepOldDays: '0' };
  const noneYet = async () =>
    expect((await send('GET', '/automation')).body).toContain('No token rotates automatically yet');

  it('turning it on for a token that is not in Key Vault: 409, nothing kept', async () => {
    expectClearRefusal(
      await unchanged(() => post(`/tokens/${tokenId}/automation`, { _csrf: csrf, ...settings })),
      409,
      /not linked to a Key Vault secret/,
    );
    await noneYet();
  });

  it.each<[string, Record<string, string | string[]>, RegExp]>([
    ['no days left', { whenDaysLeft: '0' }, /Days left must be a whole number of days from 1 to 60/],
    ['61 days left', { whenDaysLeft: '61' }, /from 1 to 60/],
    ['days left in words', { whenDaysLeft: 'seven' }, /from 1 to 60/],
    ['a fraction', { whenDaysLeft: '7.5' }, /from 1 to 60/],
    ['two values', { whenDaysLeft: ['7', '8'] }, /from 1 to 60/],
    ['a lifetime of 500 days', { lifetimeDays: '500' }, /New lifetime must be a whole number of days from 1 to 365/],
    [
      'a lifetime no longer than the days left',
      { whenDaysLeft: '30', lifetimeDays: '30' },
      /fewer than the new lifetime/,
    ],
    ['the old one kept 15 days', { keepOldDays: '15' }, /from 0 to 14/],
    ['a 60 KB value', { keepOldDays: '1'.repeat(60 * KB) }, /from 0 to 14/],
  ])('%s: 400 with the reason, nothing kept', async (_name, fields, reason) => {
    const linked = await createIntoVault(
      {
        h,
        browser,
        adaVault: h.emulator.control.keyVault.vaultUrl('ada-pats'),
        named: (name) => h.emulator.control.devops.tokens(ADA.objectId).filter((token) => token.displayName === name),
      },
      `bad-automation-${crypto.randomUUID().slice(0, 8)}`,
    );
    csrf = csrfOf(await browser.get(`${h.appUrl}/`));
    const answer = await unchanged(() =>
      post(`/tokens/${linked.authorizationId}/automation`, { _csrf: csrf, ...settings, ...fields }),
    );
    expectClearRefusal(answer, 400, reason);
    expect(answer.body).toContain('Please correct this');
    await noneYet();
  });

  it("someone else's automatic rotation, or an id that is none: 404, and it goes on", async () => {
    const adaVault = h.emulator.control.keyVault.vaultUrl('ada-pats');
    const named = (name: string) =>
      h.emulator.control.devops.tokens(ADA.objectId).filter((token) => token.displayName === name);
    const linked = await createIntoVault({ h, browser, adaVault, named }, 'automation-owned');
    csrf = csrfOf(await browser.get(`${h.appUrl}/`));
    expect((await post(`/tokens/${linked.authorizationId}/automation`, { _csrf: csrf, ...settings })).status).toBe(303);
    const id = /action="\/automation\/([0-9a-f-]{36})\/stop"/.exec((await send('GET', '/automation')).body)![1]!;

    const grace = h.browser();
    const graceCsrf = csrfOf(await signIn(grace, h.appUrl, GRACE));
    const graceCookie = await grace.jar.getCookieString(h.appUrl);
    for (const action of ['run', 'stop'])
      expectClearRefusal(
        await post(`/automation/${id}/${action}`, { _csrf: graceCsrf }, graceCookie),
        404,
        /no automatic rotation of yours/,
      );
    for (const bad of [UNKNOWN_ID, 'not-an-id', '..%2F..%2Factivity'])
      expect((await post(`/automation/${bad}/stop`, { _csrf: csrf })).status).toBe(404);
    expect((await send('GET', '/automation')).body).toContain('automation-owned');
    // Tidy: this suite's later tests expect no rotation of Ada's.
    expect((await post(`/automation/${id}/stop`, { _csrf: csrf })).status).toBe(303);
  });
});

describe('the notifications form', () => {
  const off = async () => expect((await send('GET', '/notifications')).body).toContain('Reminders are off.');

  it.each<[string, Record<string, string | string[]>, RegExp]>([
    ['no days', { thresholds: '', mail: 'on' }, /whole numbers from 1 to 60/],
    ['0 days', { thresholds: '0', mail: 'on' }, /whole numbers from 1 to 60/],
    ['61 days', { thresholds: '61', mail: 'on' }, /whole numbers from 1 to 60/],
    ['days in words', { thresholds: 'fourteen', mail: 'on' }, /whole numbers from 1 to 60/],
    ['six numbers', { thresholds: '1, 2, 3, 4, 5, 6', mail: 'on' }, /at most 5/],
    ['two values', { thresholds: ['14', '3'], mail: 'on' }, /whole numbers from 1 to 60/],
    ['no way to be told', { thresholds: '14' }, /at least one way to be told/],
    [
      'a webhook over http',
      { thresholds: '14', webhookUrl: 'http://teams.hooks.localhost/x', webhookFormat: 'teams' },
      /https, with no port/,
    ],
    [
      'a webhook with a port',
      { thresholds: '14', webhookUrl: 'https://teams.hooks.localhost:8443/x', webhookFormat: 'teams' },
      /no port/,
    ],
    [
      'a webhook with a password',
      { thresholds: '14', webhookUrl: 'https://u:p@teams.hooks.localhost/x', webhookFormat: 'teams' },
      /no port, user or password/,
    ],
    [
      'a webhook elsewhere',
      { thresholds: '14', webhookUrl: 'https://169.254.169.254/latest', webhookFormat: 'teams' },
      /is not one of them/,
    ],
    [
      'a host that only ends like an allowed one',
      { thresholds: '14', webhookUrl: 'https://evilhooks.localhost/x', webhookFormat: 'teams' },
      /is not one of them/,
    ],
    [
      'a 5 KB webhook address',
      { thresholds: '14', webhookUrl: `https://teams.hooks.localhost/${'a'.repeat(5 * KB)}`, webhookFormat: 'teams' },
      /at most 2048 characters/,
    ],
    [
      'a webhook of no known kind',
      { thresholds: '14', webhookUrl: 'https://teams.hooks.localhost/x', webhookFormat: 'irc' },
      /Teams \(Workflows\) or Slack-compatible/,
    ],
  ])('%s: 400 with the reason, nothing kept', async (_name, fields, reason) => {
    const answer = await unchanged(() => post('/notifications', { _csrf: csrf, ...fields }));
    expectClearRefusal(answer, 400, reason);
    expect(answer.body).not.toContain('value="https://');
    await off();
  });

  it('"Send a test" and "Turn off" with nothing saved: back to the page, nothing sent', async () => {
    const before = h.emulator.control.outbox.sent().length;
    for (const path of ['/notifications/test', '/notifications/off']) {
      const answer = await post(path, { _csrf: csrf });
      expect(answer.status).toBe(303);
      expect(answer.location).toBe('/notifications');
    }
    expect(h.emulator.control.outbox.sent()).toHaveLength(before);
    await off();
  });
});

describe('addresses and query strings', () => {
  it.each([
    ['/?status=everything', 400],
    ['/?size=1000', 400],
    ['/?page=-1&after=x', 400],
    ['/?sort=secret', 400],
    ['/?status=active&status=all', 400],
    ['/all?page=0', 400],
    ['/all?size=7', 400],
    ['/expiring?within=365', 400],
    ['/export?format=xml', 400],
    ['/export?format=csv&scope=everyone', 400],
    ['/activity?page=abc', 400],
    ['/tokens/not-a-guid', 404],
    [`/tokens/${'a'.repeat(2 * KB)}`, 404],
    ['/tokens/%00', 404],
    ['/tokens/..%2F..%2F_apis%2Ftokens', 404],
    ['/tokens/%F0%9F%9A%80/edit', 404],
    [`/tokens/${UNKNOWN_ID}`, 404],
    [`/tokens/${UNKNOWN_ID}/edit`, 404],
    [`/tokens/${UNKNOWN_ID}/regenerate`, 404],
    ['/tokens/%E0%A4%A', 400],
    ['/no/such/page', 404],
  ])('GET %s: %i', async (path, status) => {
    const answer = await unchanged(() => send('GET', path));
    expectClearRefusal(answer, status);
    expect(answer.body).toContain('Request id:');
  });

  it('a 100 KB query string: 431 from the server, nothing else', async () => {
    expectClearRefusal(await unchanged(() => send('GET', `/?status=${'a'.repeat(100 * KB)}`)), 431);
  });

  it('the sign-in redirect with a bad answer: a clear 400, no sign-in loop', async () => {
    expectClearRefusal(
      await send('GET', '/getAToken?state=forged&code=forged', { cookie: null }),
      400,
      /Sign-in expired/,
    );
    expectClearRefusal(await send('GET', '/getAToken?state=a&state=b', { cookie: null }), 400);
    expectClearRefusal(await send('GET', `/getAToken?error=${'x'.repeat(10 * KB)}`, { cookie: null }), 400);
  });
});

describe('return addresses that point off-site are replaced by the home page', () => {
  const offSite = [
    '//evil.example',
    'https://evil.example',
    'https://evil.example/',
    '/\\evil.example',
    '\\\\evil.example',
    '/%2Fevil.example',
    '%2F%2Fevil.example',
    '/%5Cevil.example',
    '\t//evil.example',
    '/\t/evil.example',
    'javascript:alert(1)',
    'http:evil.example',
    `/${'x'.repeat(3 * KB)}`,
    '/login?returnTo=//evil.example',
    // Dot segments: the raw form starts with one slash, what resolution makes of it with two.
    '/..//evil.example/phish',
    '/.//evil.example',
    '/%2e%2e//evil.example',
    '/a/../..//evil.example',
    '/../\\evil.example',
  ];

  it.each(offSite)('after sign-in: %j', async (returnTo) => {
    const fresh = h.browser();
    const signInPage = await openSignInPage(fresh, h.appUrl, returnTo);
    const emulatorAnswer = await pickPerson(fresh, signInPage, ADA, { follow: false });
    const back = await fresh.get(emulatorAnswer.headers.location!, { follow: false });
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe('/');
  });

  it.each(offSite)('after choosing an organization: %j', async (returnTo) => {
    const answer = await post('/organizations', { _csrf: csrf, organization: 'contoso', returnTo });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/');
  });

  it('a doubly encoded one stays a path on this site (a browser does not decode a Location twice)', async () => {
    const answer = await post('/organizations', {
      _csrf: csrf,
      organization: 'contoso',
      returnTo: '/%252F%252Fevil.example',
    });
    expect(answer.location).toMatch(/^\/[^/\\]/);
    expect(decodeURIComponent(answer.location!)).toMatch(/^\/[^/\\]/);
  });

  it('a page of this site is kept', async () => {
    const answer = await post('/organizations', { _csrf: csrf, organization: 'contoso', returnTo: '/all?status=all' });
    expect(answer.location).toBe('/all?status=all');
  });
});

describe('bodies', () => {
  it('a 100 KB form: 413, nothing created', async () => {
    expectClearRefusal(
      await unchanged(() => post('/tokens', { ...validCreate(), displayName: 'n'.repeat(100 * KB) })),
      413,
      /Too much data/,
    );
  });

  it('a 5 MB form: 413', async () => {
    expectClearRefusal(
      await unchanged(() =>
        send('POST', '/tokens', {
          body: `_csrf=${csrf}&x=${'y'.repeat(5 * KB * KB)}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      ),
      413,
    );
  });

  it('more than 200 fields: 413', async () => {
    const scopes = Array.from({ length: 250 }, (_, i) => `vso.scope${i}`);
    expectClearRefusal(await unchanged(() => post('/tokens', { ...validCreate(), scopes })), 413);
  });

  it('JSON instead of a form: refused (no form, no CSRF token)', async () => {
    const body = JSON.stringify(validCreate());
    expectClearRefusal(
      await unchanged(() => send('POST', '/tokens', { body, headers: { 'content-type': 'application/json' } })),
      403,
    );
  });

  it('a form in an unsupported character set: 415', async () => {
    expectClearRefusal(
      await unchanged(() =>
        send('POST', '/tokens', {
          form: validCreate(),
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=koi8-r' },
        }),
      ),
      415,
    );
  });

  it('a gzip body that is not gzip: 400', async () => {
    expectClearRefusal(
      await unchanged(() =>
        send('POST', '/tokens', {
          body: 'not gzip at all',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
        }),
      ),
      400,
    );
  });

  it('an unknown content encoding: 415', async () => {
    expectClearRefusal(
      await unchanged(() =>
        send('POST', '/tokens', {
          body: 'x=1',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'br-nope' },
        }),
      ),
      415,
    );
  });
});

describe('unexpected methods', () => {
  const paths = () => [
    '/',
    '/tokens',
    '/tokens/new',
    `/tokens/${tokenId}`,
    `/tokens/${tokenId}/revoke`,
    '/organizations',
    '/login',
    '/logout',
    '/all',
    '/healthz',
  ];

  it.each(['PUT', 'DELETE', 'PATCH'])('%s with no CSRF token: 403 everywhere', async (method) => {
    for (const path of paths()) expectClearRefusal(await unchanged(() => send(method, path, { form: {} })), 403);
  });

  it.each(['PUT', 'DELETE', 'PATCH'])('%s even with a valid CSRF token: 404 everywhere', async (method) => {
    for (const path of paths())
      expectClearRefusal(
        await unchanged(() => send(method, path, { form: { ...validEdit(), _csrf: csrf } })),
        404,
        /Page not found/,
      );
  });

  it('POST to pages that only show: 404', async () => {
    for (const path of ['/tokens/new', `/tokens/${tokenId}/edit`, '/all', '/expiring', '/activity', '/healthz']) {
      expectClearRefusal(await unchanged(() => post(path, { _csrf: csrf })), 404);
    }
  });
});

describe('after all of that', () => {
  it('the person is still signed in and the app still works', async () => {
    const home: Page = await browser.get(`${h.appUrl}/`);
    expect(home.status).toBe(200);
    expect(home.body).toContain('Ada Lovelace');
  });
});
