// After sign-in: msal-node's silent renewal from its cache and by refresh token, and the control
// levers that end a session early (revoked refresh tokens, expired access tokens, removed people).
import { InteractionRequiredAuthError, type AccountInfo } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { httpsRequest } from './support/https-request.ts';
import {
  ADA,
  AZURE_DEVOPS_SCOPE,
  GRACE,
  msalApp,
  signIn,
  startTestEmulator,
  type TestApp,
} from './support/test-emulator.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.control.setAccessTokenLifetime(3600));

async function signedIn(person = ADA): Promise<{ app: TestApp; account: AccountInfo; accessToken: string }> {
  const app = msalApp(emulator);
  const { result } = await signIn(app, emulator, { objectId: person.objectId });
  return { app, account: result.account!, accessToken: result.accessToken };
}

function silent(app: TestApp, account: AccountInfo, options: { forceRefresh?: boolean; scopes?: string[] } = {}) {
  return app.msal.acquireTokenSilent({
    account,
    scopes: options.scopes ?? [AZURE_DEVOPS_SCOPE],
    forceRefresh: options.forceRefresh ?? false,
  });
}

async function profileStatus(accessToken: string): Promise<number> {
  const answer = await httpsRequest(`${emulator.urls.profile}/_apis/profile/profiles/me?api-version=7.1`, {
    caCertificatePem: emulator.caCertificatePem,
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return answer.status;
}

const refreshes = () => emulator.control.stats().grants.refresh_token ?? 0;

it('serves acquireTokenSilent from the cache, then refreshes once the token is near expiry', async () => {
  const { app, account, accessToken } = await signedIn();
  const before = refreshes();
  const cached = await silent(app, account);
  expect(cached.fromCache).toBe(true);
  expect(cached.accessToken).toBe(accessToken);
  expect(refreshes()).toBe(before);

  // Tokens of 60 s are inside msal-node's 5-minute renewal window: each silent call refreshes.
  emulator.control.setAccessTokenLifetime(60);
  const forced = await silent(app, account, { forceRefresh: true });
  expect(forced.fromCache).toBe(false);
  expect(decodeJwt(forced.accessToken).exp! - decodeJwt(forced.accessToken).iat!).toBe(60);
  const renewed = await silent(app, account);
  expect(renewed.fromCache).toBe(false);
  expect(renewed.accessToken).not.toBe(forced.accessToken);
  expect(refreshes()).toBe(before + 2);
  expect(await profileStatus(renewed.accessToken)).toBe(200);
});

it('gives a new refresh token on each refresh and keeps the old one valid, as Microsoft documents', async () => {
  const { app, account } = await signedIn();
  const cache = () =>
    JSON.parse(app.msal.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> };
  const first = Object.values(cache().RefreshToken)[0]!.secret;
  await silent(app, account, { forceRefresh: true });
  const second = Object.values(cache().RefreshToken)[0]!.secret;
  expect(second).not.toBe(first);
  const again = await app.msal.acquireTokenByRefreshToken({ refreshToken: first, scopes: [AZURE_DEVOPS_SCOPE] });
  expect(again?.account?.homeAccountId).toBe(account.homeAccountId);
});

it('refuses a revoked refresh token with invalid_grant and bad_token, which msal-node turns into InteractionRequiredAuthError', async () => {
  const { app, account } = await signedIn(GRACE);
  emulator.control.revokeRefreshTokens(GRACE.objectId);
  const error = await silent(app, account, { forceRefresh: true }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(InteractionRequiredAuthError);
  expect(error).toMatchObject({ errorCode: 'invalid_grant', subError: 'bad_token' });
  expect((error as Error).message).toContain('AADSTS50173');

  // Signing in again after the revocation works, and its refresh token does.
  const fresh = await signedIn(GRACE);
  expect((await silent(fresh.app, fresh.account, { forceRefresh: true })).fromCache).toBe(false);
});

it('rejects access tokens the control expired: the next Azure DevOps call gets 401, a refreshed token works', async () => {
  const { app, account, accessToken } = await signedIn();
  expect(await profileStatus(accessToken)).toBe(200);
  emulator.control.expireAccessTokens(ADA.objectId);
  expect(await profileStatus(accessToken)).toBe(401);
  const refreshed = await silent(app, account, { forceRefresh: true });
  expect(await profileStatus(refreshed.accessToken)).toBe(200);
});

it('does not let Azure DevOps accept a token for another resource (Microsoft Graph)', async () => {
  const { app, account } = await signedIn();
  const graph = await silent(app, account, { scopes: ['User.Read'] });
  expect(decodeJwt(graph.accessToken)).toMatchObject({
    aud: '00000003-0000-0000-c000-000000000000',
    scp: 'openid profile User.Read',
  });
  expect(await profileStatus(graph.accessToken)).toBe(401);
});

it('refuses to refresh for a person removed from the directory', async () => {
  const person = {
    ...ADA,
    objectId: '0d8f1c52-8a4e-4f0a-9d57-1c2b3a4d5e6f',
    username: 'temp@contoso.example',
    memberId: '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b',
  };
  emulator.control.addPerson(person);
  const { app, account } = await signedIn(person);
  emulator.control.removePerson(person.objectId);
  const error = await silent(app, account, { forceRefresh: true }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(InteractionRequiredAuthError);
  expect((error as Error).message).toContain('AADSTS50034');
});

it('mints access tokens for tests through the control, in process and over HTTP', async () => {
  expect(await profileStatus(await emulator.control.issueAccessToken(GRACE.objectId))).toBe(200);
  const short = await emulator.control.issueAccessToken(GRACE.objectId, { lifetimeSeconds: 1 });
  expect(decodeJwt(short).exp! - decodeJwt(short).iat!).toBe(1);

  const overHttp = await httpsRequest(`${emulator.origin}/_emulator/people/${GRACE.objectId}/access-tokens`, {
    method: 'POST',
    caCertificatePem: emulator.caCertificatePem,
    headers: { 'content-type': 'application/json', 'x-emulator-control-key': emulator.controlKey },
    body: '{}',
  });
  expect(overHttp.status).toBe(201);
  expect(await profileStatus((JSON.parse(overHttp.body) as { access_token: string }).access_token)).toBe(200);
  await expect(emulator.control.issueAccessToken('not-a-person')).rejects.toThrow(/no person/);
});
