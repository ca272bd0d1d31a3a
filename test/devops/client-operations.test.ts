// Each operation of the Azure DevOps client against the emulator, over real HTTPS.
import { describe, expect, it } from 'vitest';
import { createDevOpsClient } from '../../src/devops/client.ts';
import { DevOpsError } from '../../src/devops/errors.ts';
import { createHttpsAgent } from '../../src/http/https-agent.ts';
import { MESSAGES } from '../../src/devops/messages.ts';
import { ADA, CONTOSO_ID, inDays, useClientFixture, tokenSourceFor } from './client-fixture.ts';

const fixture = useClientFixture();

const ada = () => tokenSourceFor(fixture().emulator, ADA.objectId).source;
const AUTHORIZATION_ID = '4c60c9ed-a378-4883-af16-d655ca025b11';

describe('profile and organizations', () => {
  it('gets the signed-in person’s profile', async () => {
    expect(await fixture().client.getMyProfile(ada())).toEqual({
      id: ADA.memberId,
      displayName: 'Ada Lovelace',
      emailAddress: 'ada@contoso.example',
    });
  });

  it('lists the organizations the person belongs to', async () => {
    const organizations = await fixture().client.listOrganizations(ada(), ADA.memberId);
    expect(organizations.map((org) => org.accountName).sort()).toEqual(['contoso', 'fabrikam', 'northwind']);
    expect(organizations.find((org) => org.accountName === 'contoso')).toEqual({
      accountId: CONTOSO_ID,
      accountName: 'contoso',
    });
  });
});

describe('tokens', () => {
  it('creates a token and hands back its secret apart from the record', async () => {
    const validTo = inDays(30);
    const created = await fixture().client.createToken(ada(), 'contoso', {
      displayName: 'deploy',
      scope: 'vso.code vso.build_execute',
      validTo,
      allOrgs: false,
    });
    expect(created.secret).toMatch(/^\w{20,}$/);
    expect(created.token).toEqual({
      authorizationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      displayName: 'deploy',
      scopes: ['vso.code', 'vso.build_execute'],
      targetAccounts: [CONTOSO_ID],
      validFrom: expect.any(Date),
      validTo: expect.any(Date),
    });
    expect(JSON.stringify(created.token)).not.toContain(created.secret);
    // The service keeps 1/300 s steps, so the date comes back within a few milliseconds.
    expect(Math.abs(created.token.validTo.getTime() - validTo.getTime())).toBeLessThan(5);
  });

  it('reads a token the organization shortened to its maximum lifetime: validTo earlier than asked', async () => {
    fixture().emulator.control.devops.setPolicies('contoso', { maxPatLifespanDays: 7 });
    const { token } = await fixture().client.createToken(ada(), 'contoso', {
      displayName: 'shortened',
      scope: 'vso.code',
      validTo: inDays(30),
      allOrgs: false,
    });
    expect(Math.abs(token.validTo.getTime() - inDays(7).getTime())).toBeLessThan(60_000);
  });

  it('gets one token, with the service’s 7-digit fractional seconds read', async () => {
    fixture().emulator.control.devops.addTokens(ADA.objectId, [
      {
        authorizationId: AUTHORIZATION_ID,
        displayName: 'analytics',
        scope: 'vso.analytics',
        validFrom: new Date('2020-10-24T03:04:19.1466667Z'),
        validTo: new Date('2099-11-23T04:04:38.5233333Z'),
        targetAccounts: [CONTOSO_ID],
      },
    ]);
    const token = await fixture().client.getToken(ada(), 'contoso', AUTHORIZATION_ID);
    expect(token).toEqual({
      authorizationId: AUTHORIZATION_ID,
      displayName: 'analytics',
      scopes: ['vso.analytics'],
      targetAccounts: [CONTOSO_ID],
      validFrom: new Date('2020-10-24T03:04:19.146Z'),
      validTo: new Date('2099-11-23T04:04:38.523Z'),
    });
  });

  it('updates only what it is given', async () => {
    const { token } = await fixture().client.createToken(ada(), 'contoso', {
      displayName: 'old',
      scope: 'vso.work',
      validTo: inDays(10),
      allOrgs: false,
    });
    const renamed = await fixture().client.updateToken(ada(), 'contoso', {
      authorizationId: token.authorizationId,
      displayName: 'new',
    });
    expect(renamed).toMatchObject({ displayName: 'new', scopes: ['vso.work'], targetAccounts: [CONTOSO_ID] });
    expect(renamed.validTo).toEqual(token.validTo);

    const widened = await fixture().client.updateToken(ada(), 'contoso', {
      authorizationId: token.authorizationId,
      scope: 'vso.work_write vso.code',
      validTo: inDays(20),
    });
    expect(widened).toMatchObject({
      displayName: 'new',
      scopes: ['vso.work_write', 'vso.code'],
      targetAccounts: [CONTOSO_ID],
    });
  });

  it('revokes a token', async () => {
    const { token } = await fixture().client.createToken(ada(), 'contoso', {
      displayName: 'short-lived',
      scope: 'vso.code',
      validTo: inDays(1),
      allOrgs: false,
    });
    await expect(fixture().client.revokeToken(ada(), 'contoso', token.authorizationId)).resolves.toBeUndefined();
    const [state] = fixture().emulator.control.devops.tokens(ADA.objectId);
    expect(state).toMatchObject({ authorizationId: token.authorizationId, revoked: true });
  });

  it('revoking a token that is already revoked is notFound, not "unavailable"', async () => {
    const { token } = await fixture().client.createToken(ada(), 'contoso', {
      displayName: 'twice',
      scope: 'vso.code',
      validTo: inDays(1),
      allOrgs: false,
    });
    await fixture().client.revokeToken(ada(), 'contoso', token.authorizationId);
    await expect(fixture().client.revokeToken(ada(), 'contoso', token.authorizationId)).rejects.toMatchObject({
      kind: 'notFound',
      status: 500,
    });
  });

  it('lists a page at a time with the continuation token, repeating filter and sort', async () => {
    const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
    fixture().emulator.control.devops.addTokens(
      ADA.objectId,
      names.map((displayName) => ({
        displayName,
        scope: 'vso.code',
        validTo: inDays(30),
        targetAccounts: [CONTOSO_ID],
      })),
    );
    const options = { filter: 'active', sortBy: 'displayName', ascending: false, top: 2 } as const;
    const seen: string[] = [];
    let continuationToken: string | undefined;
    let pages = 0;
    do {
      const page = await fixture().client.listTokens(ada(), 'contoso', { ...options, continuationToken });
      seen.push(...page.tokens.map((token) => token.displayName));
      continuationToken = page.continuationToken ?? undefined;
      pages += 1;
    } while (continuationToken);
    expect(pages).toBe(3);
    expect(seen).toEqual([...names].reverse());
  });

  it('filters by status', async () => {
    fixture().emulator.control.devops.addTokens(ADA.objectId, [
      { displayName: 'live', scope: 'vso.code', validTo: inDays(30), targetAccounts: null },
      { displayName: 'old', scope: 'vso.code', validFrom: inDays(-60), validTo: inDays(-30), targetAccounts: null },
      { displayName: 'gone', scope: 'vso.code', validTo: inDays(30), targetAccounts: null, revoked: true },
    ]);
    const names = async (filter: 'active' | 'expired' | 'revoked' | 'all') =>
      (
        await fixture().client.listTokens(ada(), 'contoso', {
          filter,
          sortBy: 'displayName',
          ascending: true,
          top: 100,
        })
      ).tokens.map((token) => token.displayName);
    expect(await names('active')).toEqual(['live']);
    expect(await names('expired')).toEqual(['old']);
    expect(await names('revoked')).toEqual(['gone']);
    expect(await names('all')).toEqual(['gone', 'live', 'old']);
    const last = await fixture().client.listTokens(ada(), 'contoso', {
      filter: 'all',
      sortBy: 'status',
      ascending: true,
      top: 100,
    });
    expect(last.continuationToken).toBeNull();
  });

  it('refuses a page size outside 1 to 100 before calling', async () => {
    await expect(
      fixture().client.listTokens(ada(), 'contoso', { filter: 'all', sortBy: 'status', ascending: true, top: 101 }),
    ).rejects.toThrow(RangeError);
  });
});

describe('connections', () => {
  it('keeps one connection alive across calls', async () => {
    const client = fixture().clientWithTimeout(5000);
    const source = ada();
    fixture().emulator.control.resetStats();
    for (let call = 0; call < 5; call += 1) await client.getMyProfile(source);
    expect(fixture().emulator.control.stats().connections.accepted).toBe(1);
  });

  it('can use the app’s shared agent, and leaves it open when closed', async () => {
    const agent = createHttpsAgent({ ca: fixture().emulator.caCertificatePem });
    const options = {
      patsBaseUrl: fixture().emulator.urls.pats,
      profileBaseUrl: fixture().emulator.urls.profile,
      timeoutMs: 5000,
      httpsAgent: agent,
    };
    const source = ada();
    fixture().emulator.control.resetStats();
    try {
      const first = createDevOpsClient(options);
      await expect(first.getMyProfile(source)).resolves.toMatchObject({ id: ADA.memberId });
      first.close();
      // The agent's kept-alive connection survives the first client and serves the second.
      await expect(createDevOpsClient(options).getMyProfile(source)).resolves.toMatchObject({ id: ADA.memberId });
      expect(fixture().emulator.control.stats().connections.accepted).toBe(1);
    } finally {
      agent.destroy();
    }
  });
});

describe('user input never changes the path', () => {
  it.each(['..', 'contoso/../fabrikam', 'contoso?x=1', 'contoso#x', '%2e%2e', 'con toso', '', 'a'.repeat(51)])(
    'refuses the organization name %j without calling',
    async (organization) => {
      fixture().emulator.control.resetStats();
      const error = await fixture()
        .client.listTokens(ada(), organization, { filter: 'all', sortBy: 'status', ascending: true, top: 10 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DevOpsError);
      expect(error).toMatchObject({ kind: 'notFound', userMessage: MESSAGES.organizationNameInvalid });
      expect(fixture().emulator.control.stats().requestsTotal).toBe(0);
    },
  );

  it('refuses an authorizationId that is not a GUID without calling', async () => {
    fixture().emulator.control.resetStats();
    await expect(fixture().client.getToken(ada(), 'contoso', '../x')).rejects.toMatchObject({
      kind: 'notFound',
      userMessage: MESSAGES.tokenIdInvalid,
    });
    await expect(fixture().client.revokeToken(ada(), 'contoso', 'x&authorizationId=y')).rejects.toMatchObject({
      kind: 'notFound',
    });
    expect(fixture().emulator.control.stats().requestsTotal).toBe(0);
  });

  it('sends a continuation token with base64 characters as one intact query value', async () => {
    fixture().emulator.control.devops.addTokens(
      ADA.objectId,
      ['one', 'two', 'three'].map((displayName) => ({
        displayName,
        scope: 'vso.code',
        validTo: inDays(30),
        targetAccounts: null,
      })),
    );
    const options = { filter: 'all', sortBy: 'displayName', ascending: true, top: 1 } as const;
    const first = await fixture().client.listTokens(ada(), 'contoso', options);
    // The emulator's tokens are base64url; the same bytes in padded standard base64 decode to the
    // same place only if '=' (and '+' or '/', when present) arrive as sent.
    const variant = Buffer.from(first.continuationToken!, 'base64url').toString('base64');
    expect(variant).toMatch(/=$/);
    const second = await fixture().client.listTokens(ada(), 'contoso', { ...options, continuationToken: variant });
    expect(second.tokens.map((token) => token.displayName)).toEqual(['three']);
  });
});
