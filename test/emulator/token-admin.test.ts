// Graph users and token administration in the emulator, over real HTTPS with real access tokens:
// paging with X-MS-ContinuationToken and continuationToken, the descriptor of a storage key, the
// refusal of anyone but the organization's administrators (401), and revocations that touch exactly
// the tokens named. The demo's large organization is generated at start, the same on every start.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CROWD } from '../../src/emulator/devops/demo-crowd.ts';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { devOpsApi, type DevOpsAnswer, type DevOpsApi, type Query } from './support/devops-api.ts';
import { ADA, GRACE, startTestEmulator } from './support/test-emulator.ts';

let emulator: RunningEmulator;
let api: DevOpsApi;
let grace = '';
let ada = '';

beforeAll(async () => {
  emulator = await startTestEmulator({ seed: 'demo' });
  api = devOpsApi(emulator);
  grace = await emulator.control.issueAccessToken(GRACE.objectId);
  ada = await emulator.control.issueAccessToken(ADA.objectId);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.control.devops.reset());

const vssps = (path: string, query: Query) => {
  const params = new URLSearchParams(
    Object.entries(query).flatMap(([key, value]): [string, string][] =>
      value === undefined ? [] : [[key, String(value)]],
    ),
  );
  return `${emulator.urls.pats}/contoso/_apis/${path}?${params.toString()}`;
};
const users = (query: Query = {}, token = grace) =>
  api.call('GET', vssps('graph/users', { 'api-version': '7.1-preview.1', ...query }), { token });
const patsOf = (descriptor: string, query: Query = {}, token = grace) =>
  api.call(
    'GET',
    vssps(`tokenadmin/personalaccesstokens/${descriptor}`, { 'api-version': '7.1-preview.1', ...query }),
    { token },
  );
const revoke = (ids: string[], token = grace) =>
  api.call('POST', vssps('tokenadmin/revocations', { isPublic: false, 'api-version': '7.1-preview.1' }), {
    token,
    body: ids.map((authorizationId) => ({ authorizationId })),
  });

async function allUsers(query: Query = {}): Promise<{ pages: DevOpsAnswer[]; value: any[] }> {
  const pages: DevOpsAnswer[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await users({ ...query, continuationToken });
    expect(page.status).toBe(200);
    pages.push(page);
    continuationToken = page.headers['x-ms-continuationtoken'];
  } while (continuationToken);
  return { pages, value: pages.flatMap((page) => page.body.value) };
}

describe('Graph users', () => {
  it('lists everyone in pages, the next page named only by the X-MS-ContinuationToken header', async () => {
    const { pages, value } = await allUsers();
    const members = emulator.control.devops.members('contoso');
    expect(pages.length).toBeGreaterThan(1);
    expect(value.map((user) => user.descriptor)).toEqual(members.map((member) => member.descriptor));
    for (const page of pages) expect(page.body.count).toBe(page.body.value.length);
    expect(pages.at(-1)!.headers['x-ms-continuationtoken']).toBeUndefined();
  });

  it('subjectTypes=aad,msa leaves out the service identities', async () => {
    const { value } = await allUsers({ subjectTypes: 'aad,msa' });
    expect(value.length).toBe(DEMO_CROWD.people + 2);
    expect(value.some((user) => user.origin === 'vsts')).toBe(false);
    expect(value.filter((user) => user.isDeletedInOrigin === true).length).toBeGreaterThan(0);
  });

  it("gives originId as Graph documents it: an Entra user's object id, a Microsoft account's PUID in hex", async () => {
    const { value } = await allUsers({ subjectTypes: 'aad,msa' });
    const members = emulator.control.devops.members('contoso');
    const ada = value.find((user) => user.principalName === ADA.username);
    expect(ada.originId).toBe(ADA.objectId);
    const msa = value.filter((user) => user.origin === 'msa');
    expect(msa.length).toBeGreaterThan(0);
    for (const user of msa) {
      expect(user.originId).toMatch(/^[0-9A-F]{16}$/);
      expect(members.some((member) => member.objectId === user.originId)).toBe(false);
    }
  });

  it('a continuation token it did not make is a 400', async () => {
    const answer = await users({ continuationToken: 'bm9uc2Vuc2U' });
    expect(answer.status).toBe(400);
    expect(answer.body.typeKey).toBe('ArgumentException');
  });

  it("resolves a person's storage key (profile id) to their subject descriptor", async () => {
    const answer = await api.call('GET', vssps(`graph/descriptors/${ADA.memberId}`, { 'api-version': '7.1' }), {
      token: ada,
    });
    expect(answer.status).toBe(200);
    const adaMember = emulator.control.devops.members('contoso').find((member) => member.objectId === ADA.objectId)!;
    expect(answer.body.value).toBe(adaMember.descriptor);
    const unknown = await api.call(
      'GET',
      vssps('graph/descriptors/5b0d4c3e-2a1f-4e6d-9c8b-7a6f5e4d3c2b', { 'api-version': '7.1' }),
      { token: ada },
    );
    expect(unknown.status).toBe(404);
  });
});

describe('token administration', () => {
  const adaDescriptor = () =>
    emulator.control.devops.members('contoso').find((member) => member.objectId === ADA.objectId)!.descriptor;

  it("lists a person's tokens in this organization, revoked, expired and global ones with isValid false, page by page (continuationToken), never a secret", async () => {
    const expected = emulator.control.devops
      .tokens(ADA.objectId)
      .filter(
        (token) =>
          token.targetAccounts === null ||
          token.targetAccounts.length === 0 ||
          token.targetAccounts.includes('f9424e7c-ea71-44cb-aa51-cae3213c1e15'),
      );
    expect(expected.some((token) => token.revoked)).toBe(true);
    const seen: any[] = [];
    let continuationToken: string | undefined;
    let pages = 0;
    do {
      const page = await patsOf(adaDescriptor(), { pageSize: 20, continuationToken });
      expect(page.status).toBe(200);
      expect(page.body.value.length).toBeLessThanOrEqual(20);
      seen.push(...page.body.value);
      continuationToken = page.body.continuationToken ?? undefined;
      pages += 1;
    } while (continuationToken);
    expect(pages).toBeGreaterThan(1);
    expect(seen.map((token) => token.authorizationId).sort()).toEqual(
      expected.map((token) => token.authorizationId).sort(),
    );
    expect(seen.every((token) => token.token === null)).toBe(true);
    const valid = new Set(expected.filter((token) => token.status === 'active').map((token) => token.authorizationId));
    for (const token of seen) expect(token.isValid, token.displayName).toBe(valid.has(token.authorizationId));
  });

  it('refuses anyone but an administrator with 401, for listing and for revoking, and changes nothing', async () => {
    const before = emulator.control.devops.tokens(GRACE.objectId);
    const listed = await patsOf(adaDescriptor(), {}, ada);
    expect(listed.status).toBe(401);
    expect(listed.body.typeKey).toBe('UnauthorizedRequestException');
    const revoked = await revoke(
      before.map((token) => token.authorizationId),
      ada,
    );
    expect(revoked.status).toBe(401);
    expect(emulator.control.devops.tokens(GRACE.objectId)).toEqual(before);
  });

  it('an unknown descriptor is a 404; a bad page size or body a 400', async () => {
    expect((await patsOf('aad.bm9ib2R5')).status).toBe(404);
    expect((await patsOf(adaDescriptor(), { pageSize: 0 })).status).toBe(400);
    expect((await revoke([])).status).toBe(400);
    expect((await revoke(['not-a-guid'])).status).toBe(400);
  });

  it('revocations revoke exactly the tokens named (204, no body); the rest stay as they were', async () => {
    const members = emulator.control.devops.members('contoso');
    const before = new Map(
      members.flatMap((member) => member.tokens.map((token) => [token.authorizationId, token.revoked] as const)),
    );
    const crowdMember = members.find((member) => member.tokens.filter((token) => !token.revoked).length >= 3)!;
    const chosen = crowdMember.tokens
      .filter((token) => !token.revoked)
      .slice(0, 2)
      .map((token) => token.authorizationId);
    const answer = await revoke(chosen);
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    const after = emulator.control.devops.members('contoso').flatMap((member) => member.tokens);
    for (const token of after)
      expect(token.revoked).toBe(chosen.includes(token.authorizationId) ? true : before.get(token.authorizationId));
  });

  it('the demo organization is generated the same on every start: a few hundred people, a few thousand tokens', async () => {
    const members = emulator.control.devops.members('contoso');
    const tokenCount = members.reduce((sum, member) => sum + member.tokens.length, 0);
    expect(members.length).toBeGreaterThanOrEqual(300);
    expect(tokenCount).toBeGreaterThanOrEqual(2000);
    const again = await startTestEmulator({ seed: 'demo' });
    try {
      expect(
        again.control.devops
          .members('contoso')
          .map((member) => [member.descriptor, member.tokens.map((token) => [token.authorizationId, token.scope])]),
      ).toEqual(
        members.map((member) => [
          member.descriptor,
          member.tokens.map((token) => [token.authorizationId, token.scope]),
        ]),
      );
    } finally {
      await again.close();
    }
  });
});

describe('revocation rules', () => {
  const createRule = (body: unknown, token = grace) =>
    api.call('POST', vssps('tokenadmin/revocationrules', { 'api-version': '7.2-preview.1' }), { token, body });
  const secret = (name: string) => `${name}-secret-value-long-enough-0123456789`;

  it('rejects at authentication the tokens created before the rule that match any of its scopes (201, no body)', async () => {
    const hour = 3_600_000;
    const validTo = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const contoso = 'f9424e7c-ea71-44cb-aa51-cae3213c1e15';
    const seed = (name: string, scope: string, createdAgoMs: number) => ({
      displayName: name,
      scope,
      validFrom: new Date(Date.now() - createdAgoMs).toISOString(),
      validTo,
      targetAccounts: [contoso],
      secret: secret(name),
    });
    emulator.control.devops.addTokens(ADA.objectId, [
      seed('old-code', 'vso.code vso.work', 2 * hour),
      seed('old-full', 'app_token', 2 * hour),
      seed('old-build', 'vso.build', 2 * hour),
    ]);
    const answer = await createRule({
      scopes: 'vso.code vso.packaging',
      createdBefore: new Date(Date.now() - hour).toISOString(),
    });
    expect(answer.status).toBe(201);
    expect(answer.text).toBe('');
    emulator.control.devops.addTokens(ADA.objectId, [seed('new-code', 'vso.code', 0)]);
    const authenticates = (name: string) => emulator.control.devops.wouldAuthenticate(secret(name), 'contoso');
    expect(authenticates('old-code')).toEqual({ authenticates: false, refused: 'revocationRule' });
    expect(authenticates('old-full')).toEqual({ authenticates: false, refused: 'revocationRule' });
    expect(authenticates('old-build')).toEqual({ authenticates: true, refused: null });
    expect(authenticates('new-code')).toEqual({ authenticates: true, refused: null });
  });

  it('refuses a rule without a scope or with a bad date (400), and anyone but an administrator (401)', async () => {
    expect((await createRule({ createdBefore: new Date().toISOString() })).status).toBe(400);
    expect((await createRule({ scopes: '  ' })).status).toBe(400);
    expect((await createRule({ scopes: 'vso.code', createdBefore: 'yesterday' })).status).toBe(400);
    expect((await createRule({ scopes: 'vso.code' }, ada)).status).toBe(401);
  });
});
