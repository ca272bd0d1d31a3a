// The emulator's Microsoft Graph subset: app registrations and service principals as Graph v1.0
// shows them, its error shape, and an application created here becoming a client the identity
// platform's token endpoint accepts (its secret, its certificate, its redirect URIs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { demoDirectory } from '../../src/emulator/directory.ts';
import { httpsRequest, type HttpsAnswer } from './support/https-request.ts';
import { ADA, CERTIFICATE, msalApp, startTestEmulator } from './support/test-emulator.ts';

const ALAN = demoDirectory().people.find((person) => person.displayName === 'Alan Turing')!;
const GRAPH_WRITE = 'https://graph.microsoft.com/Application.ReadWrite.All';
let emulator: RunningEmulator;
let adaToken: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  adaToken = await emulator.control.issueAccessToken(ADA.objectId, { scope: GRAPH_WRITE });
});
afterAll(async () => {
  await emulator?.close();
});

async function graph(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  token = adaToken,
): Promise<HttpsAnswer & { json: any }> {
  const answer = await httpsRequest(`${emulator.urls.graph}/v1.0${path}`, {
    method,
    caCertificatePem: emulator.caCertificatePem,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { ...answer, json: answer.body ? JSON.parse(answer.body) : undefined };
}

describe('applications', () => {
  it('creates, lists by displayName and appId, changes and deletes an application', async () => {
    const created = await graph('POST', '/applications', {
      displayName: "Bob's app",
      signInAudience: 'AzureADMyOrg',
      web: { redirectUris: ['https://app.example/getAToken'] },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      displayName: "Bob's app",
      signInAudience: 'AzureADMyOrg',
      web: { redirectUris: ['https://app.example/getAToken'] },
      passwordCredentials: [],
    });
    const { id, appId } = created.json;

    const byName = await graph('GET', `/applications?$filter=${encodeURIComponent("displayName eq 'Bob''s app'")}`);
    expect(byName.json.value.map((app: { id: string }) => app.id)).toEqual([id]);
    const byAppId = await graph('GET', `/applications?$filter=${encodeURIComponent(`appId eq '${appId}'`)}`);
    expect(byAppId.json.value).toHaveLength(1);

    expect(
      (await graph('PATCH', `/applications/${id}`, { web: { redirectUris: ['https://other.example/getAToken'] } }))
        .status,
    ).toBe(204);
    expect((await graph('GET', `/applications/${id}`)).json.web.redirectUris).toEqual([
      'https://other.example/getAToken',
    ]);

    expect((await graph('DELETE', `/applications/${id}`)).status).toBe(204);
    const gone = await graph('GET', `/applications/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.json.error.code).toBe('Request_ResourceNotFound');
  });

  it('gives a secret once, which the token endpoint then accepts for the new application', async () => {
    const { json: app } = await graph('POST', '/applications', { displayName: 'With a secret' });
    const password = await graph('POST', `/applications/${app.id}/addPassword`, {
      passwordCredential: { displayName: 'test' },
    });
    expect(password.status).toBe(200);
    expect(password.json.secretText).toMatch(/^.{3}8Q~/);
    expect((await graph('GET', `/applications/${app.id}`)).json.passwordCredentials).toEqual([
      expect.objectContaining({ secretText: null, hint: password.json.secretText.slice(0, 3) }),
    ]);
    expect(emulator.control.issuedSecrets()).toContainEqual({ kind: 'client_secret', value: password.json.secretText });

    const client = msalApp(emulator, { clientId: app.appId, credential: { clientSecret: password.json.secretText } });
    const result = await client.msal.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    expect(result?.accessToken).toBeTruthy();
    await graph('DELETE', `/applications/${app.id}`);
    await expect(
      client.msal.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'], skipCache: true }),
    ).rejects.toMatchObject({ errorMessage: expect.stringContaining('AADSTS700016') });
  });

  it('takes a certificate as a key credential, which then signs client assertions', async () => {
    const { json: app } = await graph('POST', '/applications', { displayName: 'With a certificate' });
    const der = CERTIFICATE.certificatePem.replace(/-----[^-]+-----|\s/g, '');
    expect(
      (
        await graph('PATCH', `/applications/${app.id}`, {
          keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: der }],
        })
      ).status,
    ).toBe(204);
    const client = msalApp(emulator, { clientId: app.appId, credential: { certificate: CERTIFICATE } });
    expect(
      (await client.msal.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }))
        ?.accessToken,
    ).toBeTruthy();
  });

  it("keeps a single-tenant application (AzureADMyOrg) to its own tenant's authority (AADSTS50194 at organizations)", async () => {
    const redirectUri = 'https://single.example/getAToken';
    const { json: app } = await graph('POST', '/applications', {
      displayName: 'Single tenant',
      signInAudience: 'AzureADMyOrg',
      web: { redirectUris: [redirectUri] },
    });
    const authorize = (segment: string) =>
      httpsRequest(
        `${emulator.origin}/${segment}/oauth2/v2.0/authorize?${new URLSearchParams({ client_id: app.appId, response_type: 'code', scope: 'openid', redirect_uri: redirectUri })}`,
        { caCertificatePem: emulator.caCertificatePem },
      );
    const refused = await authorize('organizations');
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('AADSTS50194');
    expect((await authorize(emulator.tenantId)).status).toBe(200);
    await graph('PATCH', `/applications/${app.id}`, { signInAudience: 'AzureADMultipleOrgs' });
    expect((await authorize('organizations')).status).toBe(200);
  });

  it('creates one service principal per application', async () => {
    const { json: app } = await graph('POST', '/applications', { displayName: 'With a principal' });
    const principal = await graph('POST', '/servicePrincipals', { appId: app.appId });
    expect(principal.status).toBe(201);
    expect(principal.json).toMatchObject({
      appId: app.appId,
      servicePrincipalType: 'Application',
      appOwnerOrganizationId: emulator.tenantId,
    });
    const again = await graph('POST', '/servicePrincipals', { appId: app.appId });
    expect(again.json.error.code).toBe('Request_MultipleObjectsWithSameKeyValue');
  });
});

describe("refusals, in Graph's error shape", () => {
  it('403 Authorization_RequestDenied for a person the tenant does not let register applications', async () => {
    const alanToken = await emulator.control.issueAccessToken(ALAN.objectId, { scope: GRAPH_WRITE });
    const before = emulator.control.registrations().applications.length;
    const refused = await graph('POST', '/applications', { displayName: 'Not allowed' }, alanToken);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatchObject({
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
      innerError: { 'request-id': expect.any(String) },
    });
    expect(emulator.control.registrations().applications).toHaveLength(before);
  });

  it('401 without a token, 403 with a token that lacks Application.ReadWrite.All', async () => {
    expect((await graph('GET', '/applications', undefined, '')).json.error.code).toBe('InvalidAuthenticationToken');
    const readOnly = await emulator.control.issueAccessToken(ADA.objectId, {
      scope: 'https://graph.microsoft.com/User.Read',
    });
    expect((await graph('GET', '/applications', undefined, readOnly)).status).toBe(403);
    const devops = await emulator.control.issueAccessToken(ADA.objectId);
    expect((await graph('GET', '/applications', undefined, devops)).status).toBe(401);
  });

  it('400 for an unknown property, an unsupported filter or unreadable JSON', async () => {
    expect((await graph('POST', '/applications', { displayName: 'x', colour: 'blue' })).json.error.message).toContain(
      "Property 'colour' does not exist",
    );
    expect(
      (await graph('GET', `/applications?$filter=${encodeURIComponent("startswith(displayName,'P')")}`)).json.error
        .code,
    ).toBe('Request_UnsupportedQuery');
    const broken = await httpsRequest(`${emulator.urls.graph}/v1.0/applications`, {
      method: 'POST',
      caCertificatePem: emulator.caCertificatePem,
      headers: { authorization: `Bearer ${adaToken}`, 'content-type': 'application/json' },
      body: '{"displayName":',
    });
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body).error.code).toBe('Request_BadRequest');
  });
});
