// The emulated Azure DevOps APIs over real HTTPS with real access tokens from the emulator's
// identity half: every PAT operation and option, the validation and policy refusals, access, and
// Profile/Accounts. The control API sets the stage and reads the final state back.
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { demoDirectory } from '../../src/emulator/directory.ts';
import type { TokenState } from '../../src/emulator/devops/index.ts';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { devOpsApi, PATS_API_VERSION, type DevOpsAnswer, type DevOpsApi, type Query } from './support/devops-api.ts';
import { httpsRequest } from './support/https-request.ts';
import { ADA, GRACE, msalApp, signIn, startTestEmulator } from './support/test-emulator.ts';

const directory = demoDirectory();
const ALAN = directory.people.find((person) => person.displayName === 'Alan Turing')!;
const accountIdOf = (name: string) => directory.organizations.find((org) => org.accountName === name)!.accountId;
const CONTOSO = accountIdOf('contoso');
const FABRIKAM = accountIdOf('fabrikam');
const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY);
const UNKNOWN_ID = '5b0d4c3e-2a1f-4e6d-9c8b-7a6f5e4d3c2b';

let emulator: RunningEmulator;
let api: DevOpsApi;
const tokens: Record<'ada' | 'grace' | 'alan', string> = { ada: '', grace: '', alan: '' };

beforeAll(async () => {
  emulator = await startTestEmulator({ seed: 'demo' });
  api = devOpsApi(emulator);
  tokens.ada = await emulator.control.issueAccessToken(ADA.objectId);
  tokens.grace = await emulator.control.issueAccessToken(GRACE.objectId);
  tokens.alan = await emulator.control.issueAccessToken(ALAN.objectId);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.control.devops.reset());

const control = () => emulator.control.devops;
const stateOf = (objectId: string, authorizationId: string) =>
  control()
    .tokens(objectId)
    .find((token) => token.authorizationId === authorizationId);

function list(query: Query = {}, options: { organization?: string; token?: string } = {}): Promise<DevOpsAnswer> {
  return api.call('GET', api.patsUrl(options.organization ?? 'contoso', query), { token: options.token ?? tokens.ada });
}
const create = (body: unknown, token = tokens.ada, organization = 'contoso') =>
  api.call('POST', api.patsUrl(organization), { token, body });
const update = (body: unknown, token = tokens.ada, organization = 'contoso') =>
  api.call('PUT', api.patsUrl(organization), { token, body });
const get = (authorizationId: string, token = tokens.ada) =>
  api.call('GET', api.patsUrl('contoso', { authorizationId }), { token });
const revoke = (authorizationId: string, token = tokens.ada) =>
  api.call('DELETE', api.patsUrl('contoso', { authorizationId }), { token });

/** Ada's tokens that work in contoso, as the control sees them. */
const adaInContoso = () =>
  control()
    .tokens(ADA.objectId)
    .filter((token) => token.targetAccounts === null || token.targetAccounts.includes(CONTOSO));
const names = (answer: DevOpsAnswer): string[] =>
  answer.body.patTokens.map((token: { displayName: string }) => token.displayName);
const idOf = (name: string, objectId = ADA.objectId) =>
  control()
    .tokens(objectId)
    .find((token) => token.displayName === name)!.authorizationId;

function expectDevOpsError(answer: DevOpsAnswer, status: number, typeKey: string) {
  expect(answer.status).toBe(status);
  expect(answer.body).toMatchObject({ $id: '1', innerException: null, typeKey, errorCode: 0 });
  expect(answer.body.typeName).toMatch(new RegExp(`\\.${typeKey}, `));
  expect(typeof answer.body.message).toBe('string');
}

function expectRefusal(answer: DevOpsAnswer, patTokenError: string) {
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({ patToken: null, patTokenError });
}

describe('List', () => {
  it('defaults to active tokens by name, 20 a page, in the example shape', async () => {
    const answer = await list();
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe(`application/json; charset=utf-8; api-version=${PATS_API_VERSION}`);
    const active = adaInContoso().filter((token) => token.status === 'active');
    expect(active.length).toBeGreaterThan(20);
    expect(answer.body.patTokens).toHaveLength(20);
    expect(answer.body.continuationToken).not.toBe('');
    expect(names(answer)).toEqual(
      active
        .map((token) => token.displayName)
        .sort((a, b) => a.localeCompare(b))
        .slice(0, 20),
    );
    for (const token of answer.body.patTokens) {
      expect(Object.keys(token)).toEqual([
        'displayName',
        'validTo',
        'scope',
        'targetAccounts',
        'validFrom',
        'authorizationId',
        'token',
      ]);
      expect(token.token).toBeNull();
    }
  });

  it.each(['active', 'expired', 'revoked', 'all'] as const)('filters by displayFilterOption=%s', async (filter) => {
    const answer = await list({ displayFilterOption: filter, $top: 100 });
    const expected = adaInContoso().filter((token) => filter === 'all' || token.status === filter);
    expect(expected.length).toBeGreaterThan(filter === 'all' ? 25 : 2);
    expect(new Set(answer.body.patTokens.map((token: { authorizationId: string }) => token.authorizationId))).toEqual(
      new Set(expected.map((token) => token.authorizationId)),
    );
    expect(answer.body.continuationToken).toBe('');
  });

  it('derives status from validTo and revocation: an expired token stays expired (it can no longer be extended), a revoked one stays revoked', async () => {
    control().replaceTokens(ADA.objectId, [
      { displayName: 'past', scope: 'vso.code', validTo: inDays(-1), targetAccounts: [CONTOSO] },
      { displayName: 'revoked-past', scope: 'vso.code', validTo: inDays(-1), targetAccounts: [CONTOSO], revoked: true },
    ]);
    expect(names(await list({ displayFilterOption: 'expired' }))).toEqual(['past']);
    expect(names(await list({ displayFilterOption: 'revoked' }))).toEqual(['revoked-past']);
    expectRefusal(
      await update({ authorizationId: idOf('past'), validTo: inDays(5).toISOString() }),
      'expiredPatCannotBeExtended',
    );
    expect(names(await list({ displayFilterOption: 'expired' }))).toEqual(['past']);
    expect(names(await list())).toEqual([]);
  });

  it('lists only tokens that work in the organization of the URL (its own, or all organizations)', async () => {
    const contoso = names(await list({ displayFilterOption: 'all', $top: 100 }));
    const fabrikam = names(await list({ displayFilterOption: 'all', $top: 100 }, { organization: 'fabrikam' }));
    expect(contoso).not.toContain('fabrikam-deploy');
    expect(fabrikam).toContain('fabrikam-deploy');
    expect(fabrikam).toContain('npm-registry-read'); // all organizations
    expect(fabrikam).not.toContain('ci-pipeline');
    expect(fabrikam).not.toContain('northwind-boards');
  });

  const sortKeys = {
    displayName: (token: TokenState) => token.displayName.toLowerCase(),
    displayDate: (token: TokenState) => Date.parse(token.validTo),
    status: (token: TokenState) => ['active', 'expired', 'revoked'].indexOf(token.status),
  };
  describe.each(Object.keys(sortKeys) as (keyof typeof sortKeys)[])('sortByOption=%s', (sortBy) => {
    it.each([true, false])('isSortAscending=%s', async (ascending) => {
      const answer = await list({
        displayFilterOption: 'all',
        sortByOption: sortBy,
        isSortAscending: ascending,
        $top: 100,
      });
      const byId = new Map(adaInContoso().map((token) => [token.authorizationId, token]));
      const keys = answer.body.patTokens.map((token: { authorizationId: string }) =>
        sortKeys[sortBy](byId.get(token.authorizationId)!),
      );
      expect(keys).toHaveLength(byId.size);
      const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(keys).toEqual(ascending ? sorted : sorted.reverse());
    });
  });

  it('pages with $top and the continuation token, repeating the options, until an empty token', async () => {
    const query = { displayFilterOption: 'all', sortByOption: 'displayDate', isSortAscending: false, $top: 10 };
    const pages: DevOpsAnswer[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await list({ ...query, continuationToken });
      expect(page.status).toBe(200);
      pages.push(page);
      continuationToken = page.body.continuationToken;
    } while (continuationToken);
    const all = adaInContoso();
    expect(pages.length).toBe(Math.ceil(all.length / 10));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.slice(0, -1).every((page) => page.body.patTokens.length === 10)).toBe(true);
    const ids = pages.flatMap((page) =>
      page.body.patTokens.map((token: { authorizationId: string }) => token.authorizationId),
    );
    expect(new Set(ids).size).toBe(all.length);
    expect(ids).toEqual(
      (await list({ ...query, $top: 100 })).body.patTokens.map(
        (token: { authorizationId: string }) => token.authorizationId,
      ),
    );
  });

  it('refuses a continuation token with other options, or one it did not issue', async () => {
    const first = await list({ displayFilterOption: 'all', $top: 10 });
    const { continuationToken } = first.body;
    expectDevOpsError(await list({ $top: 10, continuationToken }), 400, 'ArgumentException');
    expectDevOpsError(
      await list({ displayFilterOption: 'all', sortByOption: 'status', $top: 10, continuationToken }),
      400,
      'ArgumentException',
    );
    expectDevOpsError(
      await list({ displayFilterOption: 'all', isSortAscending: false, $top: 10, continuationToken }),
      400,
      'ArgumentException',
    );
    expectDevOpsError(
      await list({ displayFilterOption: 'all', continuationToken: 'not-a-token' }),
      400,
      'ArgumentException',
    );
    // The same options but another page size is fine.
    expect((await list({ displayFilterOption: 'all', $top: 5, continuationToken })).status).toBe(200);
  });

  it('serves at most 100 a page; $top below 1 and unknown option values are refused', async () => {
    control().replaceTokens(
      GRACE.objectId,
      Array.from({ length: 105 }, (_, index) => ({
        displayName: `bulk-${String(index).padStart(3, '0')}`,
        scope: 'vso.code',
        validTo: inDays(10),
        targetAccounts: [CONTOSO],
      })),
    );
    const page = await list({ $top: 1000 }, { token: tokens.grace });
    expect(page.body.patTokens).toHaveLength(100);
    expect(
      (await list({ $top: 1000, continuationToken: page.body.continuationToken }, { token: tokens.grace })).body
        .patTokens,
    ).toHaveLength(5);
    expectDevOpsError(await list({ $top: 0 }), 400, 'ArgumentException');
    expectDevOpsError(await list({ $top: 'ten' }), 400, 'ArgumentException');
    expectDevOpsError(await list({ displayFilterOption: 'valid' }), 400, 'ArgumentException');
    expectDevOpsError(await list({ sortByOption: 'validTo' }), 400, 'ArgumentException');
    expectDevOpsError(await list({ isSortAscending: 'yes' }), 400, 'ArgumentException');
  });

  it('matches the path, parameter names and option values in any letter case', async () => {
    const url = `${emulator.urls.pats}/Contoso/_apis/Tokens/Pats?API-Version=${PATS_API_VERSION}&DisplayFilterOption=REVOKED&$TOP=2`;
    const answer = await api.call('GET', url, { token: tokens.ada });
    expect(answer.status).toBe(200);
    expect(answer.body.patTokens).toHaveLength(2);
    expect(
      answer.body.patTokens.every(
        (token: { authorizationId: string }) => stateOf(ADA.objectId, token.authorizationId)?.status === 'revoked',
      ),
    ).toBe(true);
  });
});

describe('api-version', () => {
  it.each(['6.1-preview', '6.1-preview.1', '7.0-preview.1', '7.1-preview', '7.1-preview.1', '7.2-preview.1'])(
    'accepts %s',
    async (version) => {
      const answer = await list({ 'api-version': version });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe(
        `application/json; charset=utf-8; api-version=${version.replace(/-preview$/, '-preview.1')}`,
      );
    },
  );

  it('takes it from the Accept header when the query has none', async () => {
    const answer = await api.call('GET', api.patsUrl('contoso', { 'api-version': undefined }), {
      token: tokens.ada,
      headers: { accept: `application/json; api-version=${PATS_API_VERSION}` },
    });
    expect(answer.status).toBe(200);
  });

  it.each([
    [undefined, 'VssVersionNotSpecifiedException'],
    ['', 'VssVersionNotSpecifiedException'],
    ['7.1', 'VssInvalidPreviewVersionException'],
    ['8.0-preview', 'VssVersionOutOfRangeException'],
    ['5.1-preview', 'VssVersionNotSupportedException'],
    ['7.1-preview.2', 'VssInvalidApiResourceVersionException'],
    ['latest', 'VssInvalidApiVersionException'],
  ])('refuses api-version=%s with 400 %s', async (version, typeKey) => {
    expectDevOpsError(await list({ 'api-version': version }), 400, typeKey);
    expectDevOpsError(
      await api.call('POST', api.patsUrl('contoso', { 'api-version': version }), { token: tokens.ada, body: {} }),
      400,
      typeKey,
    );
  });
});

describe('Get', () => {
  it('returns a token by authorizationId without its secret', async () => {
    const id = idOf('ci-pipeline');
    const answer = await get(id);
    expect(answer.status).toBe(200);
    expect(answer.body.patTokenError).toBe('none');
    const { status: _status, revoked: _revoked, ...visible } = stateOf(ADA.objectId, id)!;
    expect(answer.body.patToken).toEqual({ ...visible, token: null });
  });

  it('finds the caller’s tokens whatever organization they target, revoked ones too', async () => {
    expect((await get(idOf('fabrikam-deploy'))).body.patToken.targetAccounts).toEqual([FABRIKAM]);
    expect((await get(idOf('leaked-in-ci-logs'))).body.patTokenError).toBe('none');
  });

  it('answers tokenNotFound for an unknown id and accessDenied for someone else’s token', async () => {
    expectRefusal(await get(UNKNOWN_ID), 'tokenNotFound');
    expectRefusal(await get(idOf('cobol-build', GRACE.objectId)), 'accessDenied');
  });

  it('refuses an authorizationId that is not a GUID', async () => {
    expectDevOpsError(await get('not-a-guid'), 400, 'ArgumentException');
  });
});

describe('Create', () => {
  it('creates a token for this organization and returns its secret once', async () => {
    const validTo = inDays(30);
    const before = Date.now();
    const answer = await create({
      displayName: 'new-token',
      scope: 'vso.code vso.work_write',
      validTo: validTo.toISOString(),
      allOrgs: false,
    });
    expect(answer.status).toBe(200);
    const { patToken, patTokenError } = answer.body;
    expect(patTokenError).toBe('none');
    expect(patToken).toMatchObject({
      displayName: 'new-token',
      scope: 'vso.code vso.work_write',
      targetAccounts: [CONTOSO],
    });
    expect(patToken.token).toMatch(/^[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}$/);
    // Times at the service's precision: 1/300 s, at most seven fractional digits.
    expect(patToken.validFrom).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$/);
    expect(Math.abs(Date.parse(patToken.validTo) - validTo.getTime())).toBeLessThanOrEqual(2);
    expect(Date.parse(patToken.validFrom)).toBeGreaterThanOrEqual(before - 5);
    expect(stateOf(ADA.objectId, patToken.authorizationId)).toMatchObject({
      displayName: 'new-token',
      status: 'active',
    });
    expect((await get(patToken.authorizationId)).body.patToken.token).toBeNull();
  });

  it('prints validTo the way the service rounds it (.319 → .32)', async () => {
    const validTo = new Date(Math.floor(inDays(10).getTime() / 1000) * 1000 + 319);
    const answer = await create({ displayName: 'rounded', scope: 'vso.code', validTo: validTo.toISOString() });
    expect(answer.body.patToken.validTo).toBe(validTo.toISOString().replace('.319Z', '.32Z'));
  });

  it('reads a validTo without an offset as UTC, and converts other offsets', async () => {
    const day = inDays(20).toISOString().slice(0, 10);
    expect(
      (await create({ displayName: 'plain', scope: 'vso.code', validTo: `${day}T10:00:00` })).body.patToken.validTo,
    ).toBe(`${day}T10:00:00Z`);
    expect(
      (await create({ displayName: 'offset', scope: 'vso.code', validTo: `${day}T10:00:00+0530` })).body.patToken
        .validTo,
    ).toBe(`${day}T04:30:00Z`);
  });

  it('refuses a token for all organizations (allOrgs) with globalPATCreationBlocked: global PATs are retired', async () => {
    const before = control().tokens(ADA.objectId).length;
    expectRefusal(
      await create({
        displayName: 'everywhere',
        scope: 'vso.packaging',
        validTo: inDays(5).toISOString(),
        allOrgs: true,
      }),
      'globalPATCreationBlocked',
    );
    expect(control().tokens(ADA.objectId)).toHaveLength(before);
  });

  it('normalizes scope names and treats a missing scope as full access', async () => {
    expect(
      (await create({ displayName: 'mixed', scope: ' VSO.Code  vso.code vso.work ', validTo: inDays(5).toISOString() }))
        .body.patToken.scope,
    ).toBe('vso.code vso.work');
    expect((await create({ displayName: 'no-scope', validTo: inDays(5).toISOString() })).body.patToken.scope).toBe(
      'app_token',
    );
    expect(
      (await create({ displayName: 'full', scope: 'app_token', validTo: inDays(5).toISOString() })).body.patToken.scope,
    ).toBe('app_token');
  });

  it('names a token without a name by a GUID, and defaults validTo to 30 days', async () => {
    const { patToken } = (await create({ scope: 'vso.code' })).body;
    expect(patToken.displayName).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(Date.parse(patToken.validTo) - inDays(30).getTime())).toBeLessThan(60_000);
  });

  it('cuts a validTo beyond one year back to one year', async () => {
    const { patToken } = (
      await create({ displayName: 'too-long', scope: 'vso.code', validTo: inDays(500).toISOString() })
    ).body;
    expect(Math.abs(Date.parse(patToken.validTo) - inDays(365).getTime())).toBeLessThan(60_000);
  });

  it.each([
    ['a blank name', { displayName: '   ' }, 'displayNameRequired'],
    ['a name over 256 characters', { displayName: 'x'.repeat(257) }, 'invalidDisplayName'],
    ['a name with a control character', { displayName: 'bad\nname' }, 'invalidDisplayName'],
    ['an unknown scope', { scope: 'vso.code vso.everything' }, 'invalidScope'],
    ['full access mixed with scopes', { scope: 'app_token vso.code' }, 'invalidScope'],
    ['a validTo in the past', { validTo: inDays(-1).toISOString() }, 'invalidValidTo'],
  ])('refuses %s with HTTP 200 and a patTokenError', async (_case, change, patTokenError) => {
    const before = control().tokens(ADA.objectId).length;
    expectRefusal(
      await create({ displayName: 'ok-name', scope: 'vso.code', validTo: inDays(5).toISOString(), ...change }),
      patTokenError,
    );
    expect(control().tokens(ADA.objectId)).toHaveLength(before);
  });

  it('refuses bodies that are not the request: 400 in the service’s shapes', async () => {
    const malformed = await api.call('POST', api.patsUrl('contoso'), {
      token: tokens.ada,
      rawBody: '{"displayName": ',
    });
    expectDevOpsError(malformed, 400, 'JsonReaderException');
    expect(malformed.body.eventId).toBe(0);
    expect(malformed.body.message).toMatch(/^TF400898: An Internal Error Occurred\. Activity Id: [0-9a-f-]{36}\.$/);
    expectDevOpsError(await create({ displayName: 'x', validTo: 'next tuesday' }), 400, 'JsonReaderException');
    expectDevOpsError(await create({ displayName: 'x', allOrgs: 'yes' }), 400, 'JsonReaderException');
    expectDevOpsError(
      await api.call('POST', api.patsUrl('contoso'), { token: tokens.ada }),
      400,
      'ArgumentNullException',
    );
  });

  describe('organization policies', () => {
    it('lets only the allowlist create under the restrict-creation policy, packaging-only tokens excepted when the policy says so', async () => {
      control().setPolicies('contoso', {
        restrictPatCreation: { allowlist: [GRACE.objectId], allowPackagingScopes: true },
      });
      expectRefusal(await create({ displayName: 'r', scope: 'vso.code' }), 'disablePatCreationPolicyViolation');
      expect((await create({ displayName: 'r', scope: 'vso.packaging vso.packaging_write' })).body.patTokenError).toBe(
        'none',
      );
      expect((await create({ displayName: 'r', scope: 'vso.code' }, tokens.grace)).body.patTokenError).toBe('none');
      control().setPolicies('contoso', { restrictPatCreation: { allowlist: [], allowPackagingScopes: false } });
      expectRefusal(await create({ displayName: 'r', scope: 'vso.packaging' }), 'disablePatCreationPolicyViolation');
    });

    it('refuses full-access tokens under the full-scope policy', async () => {
      control().setPolicies('contoso', { restrictFullScopePats: true });
      expectRefusal(await create({ displayName: 'f', scope: 'app_token' }), 'fullScopePatPolicyViolation');
      expectRefusal(await create({ displayName: 'f' }), 'fullScopePatPolicyViolation');
      expect((await create({ displayName: 'f', scope: 'vso.code' })).body.patTokenError).toBe('none');
    });

    it('shortens a lifetime beyond the maximum lifespan policy to that maximum (tokens 7.2), instead of refusing it', async () => {
      control().setPolicies('contoso', { maxPatLifespanDays: 7 });
      const shortened = (await create({ displayName: 'l', scope: 'vso.code', validTo: inDays(8).toISOString() })).body;
      expect(shortened.patTokenError).toBe('none');
      expect(Math.abs(Date.parse(shortened.patToken.validTo) - inDays(7).getTime())).toBeLessThan(60_000);
      const asked = inDays(6);
      expect(
        Math.abs(
          Date.parse(
            (await create({ displayName: 'l', scope: 'vso.code', validTo: asked.toISOString() })).body.patToken.validTo,
          ) - asked.getTime(),
        ),
      ).toBeLessThan(10);
    });

    it('applies the policies of the organization in the URL only, until reset', async () => {
      control().setPolicies('fabrikam', { restrictFullScopePats: true, restrictGlobalPats: true });
      expect(control().policies('fabrikam')).toEqual({
        restrictGlobalPats: true,
        restrictFullScopePats: true,
        maxPatLifespanDays: null,
        restrictPatCreation: null,
      });
      expect((await create({ displayName: 'c', scope: 'app_token' })).body.patTokenError).toBe('none');
      expectRefusal(
        await create({ displayName: 'c', scope: 'app_token' }, tokens.ada, 'fabrikam'),
        'fullScopePatPolicyViolation',
      );
      control().reset();
      expect(control().policies('fabrikam')).toEqual({
        restrictGlobalPats: false,
        restrictFullScopePats: false,
        maxPatLifespanDays: null,
        restrictPatCreation: null,
      });
    });
  });

  it('answers queued domain faults for the next N calls, then works again', async () => {
    control().failNext('create', 'patLifespanPolicyViolation', 2);
    const body = { displayName: 'queued', scope: 'vso.code', validTo: inDays(5).toISOString() };
    expectRefusal(await create(body), 'patLifespanPolicyViolation');
    expectRefusal(await create(body), 'patLifespanPolicyViolation');
    expect((await create(body)).body.patTokenError).toBe('none');
  });
});

describe('Update', () => {
  it('changes only the fields it is given', async () => {
    const id = idOf('ci-pipeline');
    const before = stateOf(ADA.objectId, id)!;
    const answer = await update({ authorizationId: id, displayName: 'ci-pipeline-v2' });
    expect(answer.status).toBe(200);
    expect(answer.body.patTokenError).toBe('none');
    const { status: _status, revoked: _revoked, ...visible } = before;
    expect(answer.body.patToken).toEqual({ ...visible, displayName: 'ci-pipeline-v2', token: null });
  });

  it('updates scope, validTo and organizations, but never to all organizations', async () => {
    const id = idOf('ci-pipeline');
    const validTo = inDays(60);
    expectRefusal(await update({ authorizationId: id, allOrgs: true }), 'globalPATCreationBlocked');
    const wide = await update({
      authorizationId: id.toUpperCase(),
      scope: 'vso.build vso.code_write',
      validTo: validTo.toISOString(),
    });
    expect(wide.body.patToken).toMatchObject({
      authorizationId: id,
      scope: 'vso.build vso.code_write',
      targetAccounts: [CONTOSO],
    });
    expect(Math.abs(Date.parse(wide.body.patToken.validTo) - validTo.getTime())).toBeLessThanOrEqual(2);
    const narrow = await update({ authorizationId: id, allOrgs: false }, tokens.ada, 'fabrikam');
    expect(narrow.body.patToken.targetAccounts).toEqual([FABRIKAM]);
    expect(stateOf(ADA.objectId, id)).toMatchObject({ scope: 'vso.build vso.code_write', targetAccounts: [FABRIKAM] });
  });

  it('refuses revoked, unknown, someone else’s and unnamed tokens with a patTokenError', async () => {
    expectRefusal(await update({ authorizationId: idOf('leaked-in-ci-logs'), displayName: 'x' }), 'invalidToken');
    expectRefusal(await update({ authorizationId: UNKNOWN_ID, displayName: 'x' }), 'tokenNotFound');
    expectRefusal(
      await update({ authorizationId: idOf('cobol-build', GRACE.objectId), displayName: 'x' }),
      'accessDenied',
    );
    expectRefusal(await update({ displayName: 'x' }), 'invalidAuthorizationId');
    expectRefusal(
      await update({ authorizationId: '00000000-0000-0000-0000-000000000000', displayName: 'x' }),
      'invalidAuthorizationId',
    );
    expectRefusal(
      await update({ authorizationId: idOf('ci-pipeline'), validTo: inDays(-2).toISOString() }),
      'invalidValidTo',
    );
  });

  it('refuses an invalid name or scope with 400 ArgumentException, and leaves the token alone', async () => {
    const id = idOf('ci-pipeline');
    const before = stateOf(ADA.objectId, id);
    expectDevOpsError(await update({ authorizationId: id, scope: 'vso.nothing' }), 400, 'ArgumentException');
    expectDevOpsError(await update({ authorizationId: id, displayName: 'y'.repeat(300) }), 400, 'ArgumentException');
    expectDevOpsError(await update({ authorizationId: 'abc', displayName: 'x' }), 400, 'JsonReaderException');
    expect(stateOf(ADA.objectId, id)).toEqual(before);
  });

  it('applies the organization policies to the token as it would become', async () => {
    const id = idOf('ci-pipeline');
    control().setPolicies('contoso', { restrictFullScopePats: true, maxPatLifespanDays: 90 });
    expectRefusal(await update({ authorizationId: id, scope: 'app_token' }), 'fullScopePatPolicyViolation');
    // The maximum counts from the token's creation on update (the 7.2 file's PatTokenUpdateRequest).
    const { validFrom } = stateOf(ADA.objectId, id)!;
    const shortened = (await update({ authorizationId: id, validTo: inDays(120).toISOString() })).body.patToken;
    expect(Date.parse(shortened.validTo)).toBe(Date.parse(validFrom) + 90 * 86_400_000);
  });

  it('answers a queued domain fault', async () => {
    control().failNext('update', 'failedToUpdateAccessToken');
    expectRefusal(
      await update({ authorizationId: idOf('ci-pipeline'), displayName: 'x' }),
      'failedToUpdateAccessToken',
    );
    expect((await update({ authorizationId: idOf('ci-pipeline'), displayName: 'x' })).body.patTokenError).toBe('none');
  });
});

describe('whether a PAT value would authenticate (control)', () => {
  it('a new token does where it was made for; revoked, expired and global ones no longer do', async () => {
    const created = (await create({ displayName: 'auth-check', scope: 'vso.code', validTo: inDays(5).toISOString() }))
      .body.patToken;
    expect(control().wouldAuthenticate(created.token, 'contoso')).toEqual({ authenticates: true, refused: null });
    expect(control().wouldAuthenticate(created.token, 'fabrikam')).toEqual({
      authenticates: false,
      refused: 'otherOrganization',
    });
    await revoke(created.authorizationId);
    expect(control().wouldAuthenticate(created.token, 'contoso')).toEqual({ authenticates: false, refused: 'revoked' });
    control().addTokens(ADA.objectId, [
      {
        displayName: 'old-global',
        scope: 'vso.code',
        validTo: inDays(100),
        targetAccounts: null,
        secret: 'g'.repeat(52),
      },
      {
        displayName: 'old-expired',
        scope: 'vso.code',
        validTo: inDays(-1),
        targetAccounts: [CONTOSO],
        secret: 'e'.repeat(52),
      },
    ]);
    // Global tokens are still listed, with their old expiry, but stopped authenticating on 1 December 2026.
    expect(names(await list({ $top: 100 }))).toContain('old-global');
    expect(control().wouldAuthenticate('g'.repeat(52), 'contoso')).toEqual({ authenticates: false, refused: 'global' });
    expect(control().wouldAuthenticate('e'.repeat(52), 'contoso')).toEqual({
      authenticates: false,
      refused: 'expired',
    });
    expect(control().wouldAuthenticate('never-handed-out-value-000000', 'contoso')).toEqual({
      authenticates: false,
      refused: 'unknown',
    });
  });
});

describe('Revoke', () => {
  it('revokes with 204 and no body; the token is then listed as revoked', async () => {
    const id = idOf('ci-pipeline');
    const answer = await revoke(id);
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    expect(stateOf(ADA.objectId, id)).toMatchObject({ status: 'revoked', revoked: true });
    expect(names(await list())).not.toContain('ci-pipeline');
    expect(names(await list({ displayFilterOption: 'revoked' }))).toContain('ci-pipeline');
  });

  it('answers an unknown or already revoked id with SessionTokenNotFoundException (HTTP 500)', async () => {
    expectDevOpsError(await revoke(UNKNOWN_ID), 500, 'SessionTokenNotFoundException');
    expectDevOpsError(await revoke(idOf('leaked-in-ci-logs')), 500, 'SessionTokenNotFoundException');
  });

  it('refuses someone else’s token with 403, and a missing or malformed id with 400', async () => {
    const graces = idOf('cobol-build', GRACE.objectId);
    expectDevOpsError(await revoke(graces), 403, 'AccessCheckException');
    expect(stateOf(GRACE.objectId, graces)?.revoked).toBe(false);
    expectDevOpsError(await revoke('not-a-guid'), 400, 'ArgumentException');
    expectDevOpsError(
      await api.call('DELETE', api.patsUrl('contoso'), { token: tokens.ada }),
      400,
      'ArgumentException',
    );
  });
});

describe('access', () => {
  const expectChallenge = (answer: DevOpsAnswer) => {
    expectDevOpsError(answer, 401, 'UnauthorizedRequestException');
    expect(answer.headers['www-authenticate']).toBe(
      `Bearer authorization_uri=${emulator.urls.identity}/${emulator.tenantId}`,
    );
    expect(answer.headers['x-vss-resourcetenant']).toBe(emulator.tenantId);
    expect(answer.body.message).toMatch(/^TF400813: /);
  };

  it('answers 401 with a Bearer challenge without a token, or with a malformed one', async () => {
    expectChallenge(await api.call('GET', api.patsUrl('contoso')));
    expectChallenge(
      await api.call('GET', api.patsUrl('contoso'), {
        authorization: `Basic ${Buffer.from(`:${'x'.repeat(52)}`).toString('base64')}`,
      }),
    );
    expectChallenge(await api.call('GET', api.patsUrl('contoso'), { token: 'not.a.jwt' }));
    expectChallenge(await api.call('GET', api.profileUrl('/_apis/profile/profiles/me')));
  });

  it('answers 401 for a token whose signature does not match', async () => {
    const [header, payload, signature] = tokens.ada.split('.') as [string, string, string];
    const middle = Math.floor(signature.length / 2);
    const flipped = signature.slice(0, middle) + (signature[middle] === 'A' ? 'B' : 'A') + signature.slice(middle + 1);
    expectChallenge(await list({}, { token: `${header}.${payload}.${flipped}` }));
  });

  it('answers 401 for a token issued for another resource (Microsoft Graph)', async () => {
    const app = msalApp(emulator);
    const { result } = await signIn(app, emulator, { objectId: ADA.objectId });
    expect((await list({}, { token: result.accessToken })).status).toBe(200);
    const graph = await app.msal.acquireTokenSilent({ account: result.account!, scopes: ['User.Read'] });
    expect(decodeJwt(graph.accessToken).aud).not.toBe(decodeJwt(result.accessToken).aud);
    expectChallenge(await list({}, { token: graph.accessToken }));
  });

  it('answers 401 for an expired token, and for tokens the control expired', async () => {
    const shortLived = await emulator.control.issueAccessToken(ADA.objectId, { lifetimeSeconds: 1 });
    expect((await list({}, { token: shortLived })).status).toBe(200);
    // The emulator runs in this process: its clock is moved past the expiry (and its leeway) instead of waited for.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      vi.setSystemTime(Date.now() + 2_100);
      expectChallenge(await list({}, { token: shortLived }));
    } finally {
      vi.useRealTimers();
    }

    const grace = await emulator.control.issueAccessToken(GRACE.objectId);
    emulator.control.expireAccessTokens(GRACE.objectId);
    expectChallenge(await list({}, { token: grace }));
    tokens.grace = await emulator.control.issueAccessToken(GRACE.objectId);
    expect((await list({}, { token: tokens.grace })).status).toBe(200);
  });

  it('answers 401 (TF400813) to a signed-in person who is not a member of the organization', async () => {
    const alan = await list({}, { token: tokens.alan });
    expectChallenge(alan);
    expect(alan.body.message).toContain(ALAN.username);
    expectChallenge(await list({}, { token: tokens.grace, organization: 'fabrikam' }));
    expect((await list({}, { token: tokens.grace })).status).toBe(200);
  });

  it('answers 404 for an organization that does not exist', async () => {
    expectDevOpsError(await list({}, { organization: 'no-such-org' }), 404, 'HostDoesNotExistException');
  });

  it('answers 405 for methods the resource does not have', async () => {
    const answer = await api.call('PATCH', api.patsUrl('contoso'), { token: tokens.ada, body: {} });
    expect(answer.status).toBe(405);
    expect(answer.body.Message).toContain("does not support http method 'PATCH'");
  });
});

describe('Profile and Accounts', () => {
  it('gives the signed-in person’s profile for me and for their own id', async () => {
    const me = await api.call('GET', api.profileUrl('/_apis/profile/profiles/me'), { token: tokens.ada });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      displayName: ADA.displayName,
      publicAlias: ADA.memberId,
      emailAddress: ADA.username,
      coreRevision: expect.any(Number),
      timeStamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/),
      id: ADA.memberId,
      revision: expect.any(Number),
    });
    const byId = await api.call(
      'GET',
      api.profileUrl(`/_apis/profile/profiles/${ADA.memberId}`, { 'api-version': '1.0' }),
      { token: tokens.ada },
    );
    expect(byId.body).toEqual(me.body);
    expectDevOpsError(
      await api.call('GET', api.profileUrl(`/_apis/profile/profiles/${GRACE.memberId}`), { token: tokens.ada }),
      404,
      'ProfileDoesNotExistException',
    );
    expectDevOpsError(
      await api.call('GET', api.profileUrl('/_apis/profile/profiles/me', { 'api-version': undefined }), {
        token: tokens.ada,
      }),
      400,
      'VssVersionNotSpecifiedException',
    );
    expectDevOpsError(
      await api.call('GET', api.profileUrl('/_apis/profile/profiles/me', { 'api-version': '9.0' }), {
        token: tokens.ada,
      }),
      400,
      'VssVersionOutOfRangeException',
    );
  });

  it('lists the organizations a member belongs to, in the { count, value } wrapper', async () => {
    const accounts = (token: string, memberId: string) =>
      api.call('GET', api.profileUrl('/_apis/accounts', { memberId }), { token });
    const ada = await accounts(tokens.ada, ADA.memberId);
    expect(ada.status).toBe(200);
    expect(ada.body.count).toBe(3);
    expect(ada.body.value[0]).toEqual({
      accountId: CONTOSO,
      accountUri: `${emulator.urls.pats}/contoso/`,
      accountName: 'contoso',
      properties: {},
    });
    expect((await accounts(tokens.grace, GRACE.memberId)).body).toMatchObject({
      count: 1,
      value: [{ accountName: 'contoso' }],
    });
    expect((await accounts(tokens.alan, ALAN.memberId)).body).toEqual({ count: 0, value: [] });
  });

  it('lists the organizations a person owns with ownerId', async () => {
    const owned = await api.call('GET', api.profileUrl('/_apis/accounts', { ownerId: ADA.memberId }), {
      token: tokens.ada,
    });
    expect(owned.body.value.map((account: { accountName: string }) => account.accountName)).toEqual([
      'fabrikam',
      'northwind',
    ]);
    const graces = await api.call('GET', api.profileUrl('/_apis/accounts', { ownerId: GRACE.memberId }), {
      token: tokens.grace,
    });
    expect(graces.body.value.map((account: { accountName: string }) => account.accountName)).toEqual(['contoso']);
  });

  it('refuses other people’s ids, malformed ids and a call naming neither', async () => {
    expectDevOpsError(
      await api.call('GET', api.profileUrl('/_apis/accounts', { memberId: GRACE.memberId }), { token: tokens.ada }),
      403,
      'AccessCheckException',
    );
    expectDevOpsError(
      await api.call('GET', api.profileUrl('/_apis/accounts', { memberId: 'me' }), { token: tokens.ada }),
      400,
      'ArgumentException',
    );
    expectDevOpsError(
      await api.call('GET', api.profileUrl('/_apis/accounts'), { token: tokens.ada }),
      400,
      'ArgumentException',
    );
  });
});

describe('control over HTTP', () => {
  const controlCall = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) => {
    const answer = await httpsRequest(`${emulator.origin}/_emulator/devops${path}`, {
      method,
      caCertificatePem: emulator.caCertificatePem,
      headers: {
        'x-emulator-control-key': emulator.controlKey,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: answer.status, body: answer.body === '' ? undefined : JSON.parse(answer.body) };
  };

  it('seeds, reads, replaces and clears a person’s tokens', async () => {
    const seed = {
      authorizationId: UNKNOWN_ID,
      displayName: 'from-http',
      scope: 'vso.code',
      validTo: inDays(3).toISOString(),
      targetAccounts: [CONTOSO],
    };
    const added = await controlCall('POST', `/people/${GRACE.objectId}/tokens`, { tokens: [seed] });
    expect(added.status).toBe(201);
    expect(added.body).toHaveLength(6);
    expect((await get(UNKNOWN_ID, tokens.grace)).body.patToken.displayName).toBe('from-http');
    expect((await controlCall('POST', `/people/${GRACE.objectId}/tokens`, { tokens: [seed] })).status).toBe(409);
    expect(
      (await controlCall('PUT', `/people/${GRACE.objectId}/tokens`, { tokens: [{ ...seed, revoked: true }] })).body,
    ).toEqual([expect.objectContaining({ authorizationId: UNKNOWN_ID, status: 'revoked' })]);
    expect((await controlCall('DELETE', `/people/${GRACE.objectId}/tokens`)).status).toBe(204);
    expect((await controlCall('GET', `/people/${GRACE.objectId}/tokens`)).body).toEqual([]);
    expect((await controlCall('GET', `/people/not-a-person/tokens`)).status).toBe(404);
    expect(
      (await controlCall('PUT', `/people/${GRACE.objectId}/tokens`, { tokens: [{ displayName: 'no dates' }] })).status,
    ).toBe(400);
  });

  it('sets policies, queues faults and resets', async () => {
    expect(
      (await controlCall('PATCH', '/organizations/contoso/policies', { restrictFullScopePats: true })).body,
    ).toEqual({
      restrictGlobalPats: false,
      restrictFullScopePats: true,
      maxPatLifespanDays: null,
      restrictPatCreation: null,
    });
    expectRefusal(
      await create({ displayName: 'p', scope: 'app_token', validTo: inDays(10).toISOString() }),
      'fullScopePatPolicyViolation',
    );
    expect(
      (await controlCall('POST', '/faults', { operation: 'get', patTokenError: 'failedToReadTenantPolicy' })).status,
    ).toBe(204);
    expectRefusal(await get(idOf('ci-pipeline')), 'failedToReadTenantPolicy');
    expect((await controlCall('POST', '/faults', { operation: 'revoke', patTokenError: 'tokenNotFound' })).status).toBe(
      400,
    );
    expect((await controlCall('POST', '/reset')).status).toBe(204);
    expect(
      (await create({ displayName: 'p', scope: 'app_token', validTo: inDays(10).toISOString() })).body.patTokenError,
    ).toBe('none');
  });
});
