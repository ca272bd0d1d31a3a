// Sign-in against the emulator with the real msal-node, as PAT Manager does it: authorization code
// flow with PKCE, code redemption, the ID token, client_info and the account msal-node builds.
import type { NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { readSignInForm, submitSignIn } from './support/emulator-sign-in.ts';
import { httpsRequest } from './support/https-request.ts';
import {
  ADA,
  AZURE_DEVOPS_SCOPE,
  CERTIFICATE,
  GRACE,
  msalApp,
  REDIRECT_URI,
  SECRET_CLIENT,
  signIn,
  startTestEmulator,
} from './support/test-emulator.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());

describe.each(['tenant', 'organizations'] as const)('sign-in through the %s authority', (authority) => {
  it('redeems the code for tokens describing the person who was picked', async () => {
    const app = msalApp(emulator, { authority });
    const { result, nonce } = await signIn(app, emulator, { objectId: ADA.objectId });

    const idToken = decodeJwt(result.idToken);
    expect(idToken).toMatchObject({
      iss: `${emulator.origin}/${emulator.tenantId}/v2.0`,
      aud: SECRET_CLIENT.clientId,
      nonce,
      oid: ADA.objectId,
      tid: emulator.tenantId,
      name: ADA.displayName,
      preferred_username: ADA.username,
      ver: '2.0',
    });
    expect(typeof idToken.sub).toBe('string');
    expect(idToken.exp! - idToken.iat!).toBe(3600);
    expect(idToken.nbf).toBe(idToken.iat);

    // msal-node builds the account from client_info: home account id is uid.utid.
    expect(result.account).toMatchObject({
      homeAccountId: `${ADA.objectId}.${emulator.tenantId}`,
      localAccountId: ADA.objectId,
      tenantId: emulator.tenantId,
      username: ADA.username,
      name: ADA.displayName,
      environment: new URL(emulator.origin).host,
    });

    const accessToken = decodeJwt(result.accessToken);
    expect(accessToken).toMatchObject({
      aud: '499b84ac-1321-427f-aa17-267ca6975798',
      iss: `https://sts.windows.net/${emulator.tenantId}/`,
      oid: ADA.objectId,
      tid: emulator.tenantId,
      upn: ADA.username,
      unique_name: ADA.username,
      name: ADA.displayName,
      scp: 'user_impersonation vso.pats vso.pats_manage vso.profile vso.tokenadministration vso.graph vso.auditlog',
      appidacr: '1',
      ver: '1.0',
    });
    expect(result.scopes).toEqual(
      expect.arrayContaining(['499b84ac-1321-427f-aa17-267ca6975798/user_impersonation', AZURE_DEVOPS_SCOPE]),
    );
    expect(result.tokenType).toBe('Bearer');

    // The Azure DevOps half accepts the access token.
    const profile = await httpsRequest(`${emulator.urls.profile}/_apis/profile/profiles/me?api-version=7.1`, {
      caCertificatePem: emulator.caCertificatePem,
      headers: { authorization: `Bearer ${result.accessToken}` },
    });
    expect(profile.status).toBe(200);
  });
});

it('answers the token request with the fields msal-node expects, and no-store headers', async () => {
  const app = msalApp(emulator);
  const seen: { status: number; headers: Record<string, string>; body: Record<string, unknown> }[] = [];
  const send = app.network.sendPostRequestAsync.bind(app.network);
  app.network.sendPostRequestAsync = async <T>(
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> => {
    const answer = await send<T>(url, options);
    // Copied before msal-node reads (and adds to) it.
    seen.push(structuredClone(answer) as (typeof seen)[number]);
    return answer;
  };
  await signIn(app, emulator, { username: GRACE.username });
  const [answer] = seen;
  expect(answer!.status).toBe(200);
  expect(answer!.headers['cache-control']).toBe('no-store, no-cache');
  expect(answer!.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(Object.keys(answer!.body)).toEqual([
    'token_type',
    'scope',
    'expires_in',
    'ext_expires_in',
    'access_token',
    'refresh_token',
    'id_token',
    'client_info',
  ]);
  expect(answer!.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600 });
  // The scope of a `.default` request names the granted permissions and `.default`, not the OIDC scopes.
  const granted = [
    'user_impersonation',
    'vso.pats',
    'vso.pats_manage',
    'vso.profile',
    'vso.tokenadministration',
    'vso.graph',
    'vso.auditlog',
  ].map((name) => `499b84ac-1321-427f-aa17-267ca6975798/${name}`);
  expect(answer!.body.scope).toBe(`${granted.join(' ')} ${AZURE_DEVOPS_SCOPE}`);
  expect(JSON.parse(Buffer.from(String(answer!.body.client_info), 'base64url').toString())).toEqual({
    uid: GRACE.objectId,
    utid: emulator.tenantId,
  });
});

it('accepts a certificate client assertion (msal-node clientCertificate: PS256, x5t#S256)', async () => {
  const app = msalApp(emulator, { credential: { certificate: CERTIFICATE } });
  const { result } = await signIn(app, emulator, { objectId: ADA.objectId });
  expect(decodeJwt(result.accessToken)).toMatchObject({ oid: ADA.objectId, appidacr: '2' });
});

it('puts the request in the sign-in form and the state and client_info in the redirect', async () => {
  const app = msalApp(emulator);
  const url = new URL(
    await app.msal.getAuthCodeUrl({ scopes: [AZURE_DEVOPS_SCOPE], redirectUri: REDIRECT_URI, state: 'state-123' }),
  );
  const page = await httpsRequest(url.href, { caCertificatePem: emulator.caCertificatePem });
  expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  expect(page.body).toContain(
    '<title>Pick an account · Local Microsoft identity platform emulator — demo people, fake data</title>',
  );
  expect(page.body).not.toContain('<script');
  const form = readSignInForm(page.body)!;
  expect(form.hidden).toEqual(Object.fromEntries(url.searchParams));
  expect(form.people.map((person) => person.username)).toEqual([
    'ada@contoso.example',
    'grace@contoso.example',
    'alan@contoso.example',
  ]);

  const answer = await submitSignIn(
    url.href,
    { objectId: ADA.objectId },
    { caCertificatePem: emulator.caCertificatePem },
  );
  const location = new URL(answer.headers.location!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
  expect([...location.searchParams.keys()]).toEqual(['code', 'client_info', 'session_state', 'state']);
  expect(location.searchParams.get('state')).toBe('state-123');
  expect(answer.headers['cache-control']).toBe('no-store');
});
