// The emulator's Key Vault, driven by the real msal-node and the official @azure/keyvault-secrets
// SecretClient: incremental consent (AADSTS65001 until the person signs in with the scope), tokens
// with Key Vault's audience, the bearer challenge, versions and attributes, RBAC 403, 409 for a
// soft-deleted name, and faults through the control surface.
import { CryptoProvider, InteractionRequiredAuthError, type AccountInfo } from '@azure/msal-node';
import { SecretClient } from '@azure/keyvault-secrets';
import type { TokenCredential } from '@azure/core-auth';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { createHttpsAgent } from '../../src/http/https-agent.ts';
import { signInThroughEmulator } from '../emulator/support/emulator-sign-in.ts';
import { httpsRequest } from '../emulator/support/https-request.ts';
import {
  ADA,
  AZURE_DEVOPS_SCOPE,
  GRACE,
  REDIRECT_URI,
  msalApp,
  signIn,
  startTestEmulator,
  type TestApp,
} from '../emulator/support/test-emulator.ts';

const KEY_VAULT_SCOPE = 'https://vault.azure.net/user_impersonation';
let emulator: RunningEmulator;
let agent: ReturnType<typeof createHttpsAgent>;

beforeAll(async () => {
  emulator = await startTestEmulator();
  // The emulator's vaults have no port in their address, as Key Vault's: the demo's agent maps them.
  agent = createHttpsAgent({
    ca: emulator.caCertificatePem,
    localhostNamesToPort: Number(new URL(emulator.origin).port),
  });
});
afterAll(async () => {
  agent?.destroy();
  await emulator?.close();
});
beforeEach(() => emulator.control.clearFaults());

/** A sign-in that also asks consent for Key Vault (msal's extraScopesToConsent), as PAT Manager's. */
async function signInWithKeyVault(app: TestApp, objectId: string): Promise<AccountInfo> {
  const crypto = new CryptoProvider();
  const { verifier, challenge } = await crypto.generatePkceCodes();
  const state = crypto.createNewGuid();
  const url = await app.msal.getAuthCodeUrl({
    scopes: [AZURE_DEVOPS_SCOPE],
    extraScopesToConsent: [KEY_VAULT_SCOPE],
    redirectUri: REDIRECT_URI,
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    state,
    prompt: 'select_account',
  });
  const code = new URL(
    await signInThroughEmulator(url, { objectId }, { caCertificatePem: emulator.caCertificatePem }),
  ).searchParams.get('code')!;
  const result = await app.msal.acquireTokenByCode(
    { code, codeVerifier: verifier, redirectUri: REDIRECT_URI, scopes: [AZURE_DEVOPS_SCOPE], state },
    { code, state },
  );
  return result.account!;
}

function credentialFor(app: TestApp, account: AccountInfo): TokenCredential {
  return {
    async getToken() {
      const result = await app.msal.acquireTokenSilent({ account, scopes: [KEY_VAULT_SCOPE] });
      return { token: result.accessToken, expiresOnTimestamp: result.expiresOn!.getTime() };
    },
  };
}

function secretClient(
  vault: string,
  credential: TokenCredential,
  options: { verifyChallenge?: boolean } = {},
): SecretClient {
  return new SecretClient(emulator.control.keyVault.vaultUrl(vault), credential, {
    agent,
    retryOptions: { maxRetries: 0 },
    disableChallengeResourceVerification: !options.verifyChallenge,
  });
}

async function signedInWithKeyVault(person = ADA) {
  const app = msalApp(emulator);
  const account = await signInWithKeyVault(app, person.objectId);
  return { app, account, credential: credentialFor(app, account) };
}

describe('consent and tokens for Key Vault', () => {
  it("refuses a Key Vault token to a person who has not consented (invalid_grant, AADSTS65001, consent_required), then gives one with Key Vault's audience once they sign in for it", async () => {
    const app = msalApp(emulator);
    const { result } = await signIn(app, emulator, { objectId: ADA.objectId });
    const refused = await app.msal
      .acquireTokenSilent({ account: result.account!, scopes: [KEY_VAULT_SCOPE] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InteractionRequiredAuthError);
    expect((refused as InteractionRequiredAuthError).subError).toBe('consent_required');
    expect((refused as InteractionRequiredAuthError).errorMessage).toContain('AADSTS65001');

    const account = await signInWithKeyVault(app, ADA.objectId);
    const vaultToken = await app.msal.acquireTokenSilent({ account, scopes: [KEY_VAULT_SCOPE] });
    const claims = decodeJwt(vaultToken.accessToken);
    expect(claims.aud).toBe('https://vault.azure.net');
    expect(claims.scp).toBe('user_impersonation');
    expect(claims.oid).toBe(ADA.objectId);
    // A Key Vault token is not an Azure DevOps token.
    const devops = await httpsRequest(`${emulator.urls.profile}/_apis/profile/profiles/me?api-version=7.1`, {
      caCertificatePem: emulator.caCertificatePem,
      headers: { authorization: `Bearer ${vaultToken.accessToken}` },
    });
    expect(devops.status).toBe(401);
  });
});

describe('secrets through the official SDK', () => {
  it("answers a request without a token with the bearer challenge naming Key Vault's resource and the tenant", async () => {
    const answer = await httpsRequest(`${emulator.control.keyVault.vaultUrl('ada-pats')}/secrets/x?api-version=7.4`, {
      agent,
    });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe(
      `Bearer authorization="${emulator.urls.identity}/${emulator.tenantId}", resource="https://vault.azure.net"`,
    );
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'Unauthorized' } });
  });

  it("is refused by the SDK's challenge check unless it is turned off: the emulator's host is not under vault.azure.net", async () => {
    const { credential } = await signedInWithKeyVault();
    await expect(secretClient('ada-pats', credential, { verifyChallenge: true }).getSecret('anything')).rejects.toThrow(
      /does not match the requested domain/,
    );
  });

  it('sets versions with contentType, expiry and tags, gets the latest or one version, lists versions and updates attributes', async () => {
    const { credential } = await signedInWithKeyVault();
    const client = secretClient('ada-pats', credential);
    const expiresOn = new Date(Math.floor(Date.now() / 1000 + 86_400) * 1000);
    const first = await client.setSecret('sdk-test', 'value-one', {
      contentType: 'Azure DevOps personal access token',
      expiresOn,
      tags: { authorizationId: 'a1', organization: 'contoso' },
    });
    expect(first.properties).toMatchObject({
      name: 'sdk-test',
      contentType: 'Azure DevOps personal access token',
      enabled: true,
      recoveryLevel: 'Recoverable+Purgeable',
      tags: { authorizationId: 'a1', organization: 'contoso' },
    });
    expect(first.properties.expiresOn?.getTime()).toBe(expiresOn.getTime());
    expect(first.properties.version).toMatch(/^[0-9a-f]{32}$/);
    const second = await client.setSecret('sdk-test', 'value-two');
    expect((await client.getSecret('sdk-test')).value).toBe('value-two');
    expect((await client.getSecret('sdk-test', { version: first.properties.version! })).value).toBe('value-one');
    const versions = [];
    for await (const properties of client.listPropertiesOfSecretVersions('sdk-test')) versions.push(properties.version);
    expect(versions.sort()).toEqual([first.properties.version, second.properties.version].sort());
    const updated = await client.updateSecretProperties('sdk-test', first.properties.version!, {
      enabled: false,
      tags: { retired: 'yes' },
    });
    expect(updated).toMatchObject({ enabled: false, tags: { retired: 'yes' } });
    expect(emulator.control.keyVault.secretVersions('ada-pats', 'sdk-test').map((version) => version.enabled)).toEqual([
      false,
      true,
    ]);
    await expect(client.getSecret('never-set')).rejects.toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
  });

  it('refuses a person without a role (403 ForbiddenByRbac), and lets a Secrets User read but not write', async () => {
    const { credential } = await signedInWithKeyVault(GRACE);
    const client = secretClient('grace-pats', credential);
    await expect(client.setSecret('x', 'y')).rejects.toMatchObject({ statusCode: 403, code: 'Forbidden' });
    emulator.control.keyVault.putVault('grace-pats', { [GRACE.objectId]: 'Key Vault Secrets User' });
    await expect(client.getSecret('x')).rejects.toMatchObject({ statusCode: 404 });
    await expect(client.setSecret('x', 'y')).rejects.toMatchObject({ statusCode: 403 });
    emulator.control.keyVault.putVault('grace-pats', {});
  });

  it('refuses to set a soft-deleted name (409 ObjectIsDeletedButRecoverable) until it is purged', async () => {
    const { credential } = await signedInWithKeyVault();
    const client = secretClient('ada-pats', credential);
    await client.setSecret('deleted-one', 'v');
    expect(emulator.control.keyVault.softDeleteSecret('ada-pats', 'deleted-one')).toBe(true);
    const conflict = (await client.setSecret('deleted-one', 'v2').then(
      () => undefined,
      (error: unknown) => error,
    )) as { statusCode: number; code: string; message: string };
    expect(conflict).toMatchObject({ statusCode: 409, code: 'Conflict' });
    expect(conflict.message).toContain('deleted but recoverable');
    await expect(client.getSecret('deleted-one')).rejects.toMatchObject({ statusCode: 404 });
    emulator.control.keyVault.purgeSecret('ada-pats', 'deleted-one');
    await expect(client.setSecret('deleted-one', 'v3')).resolves.toMatchObject({ value: 'v3' });
  });

  it('fails as the control surface says: 429 with Retry-After, and a reset connection', async () => {
    const { credential } = await signedInWithKeyVault();
    const client = secretClient('ada-pats', credential);
    emulator.control.injectFault({
      target: 'keyvault',
      status: 429,
      headers: { 'Retry-After': '3' },
      body: { error: { code: 'Throttled', message: 'Too many requests' } },
    });
    const throttled = (await client.getSecret('x').then(
      () => undefined,
      (error: unknown) => error,
    )) as { statusCode: number; response?: { headers: { get(name: string): string | undefined } } };
    expect(throttled.statusCode).toBe(429);
    expect(throttled.response?.headers.get('retry-after')).toBe('3');
    emulator.control.clearFaults();
    emulator.control.injectFault({ target: 'keyvault', reset: true });
    await expect(client.getSecret('x')).rejects.toMatchObject({ name: 'RestError', code: 'ECONNRESET' });
  });

  it('checks the api-version and names, and answers a vault that does not exist with 404', async () => {
    const { credential } = await signedInWithKeyVault();
    const token = (await credential.getToken(KEY_VAULT_SCOPE))!.token;
    const call = (url: string, method: 'GET' | 'PUT' = 'GET', body?: string) =>
      httpsRequest(url, {
        agent,
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body ? { body } : {}),
      });
    const vault = emulator.control.keyVault.vaultUrl('ada-pats');
    expect((await call(`${vault}/secrets/x`)).status).toBe(400);
    expect((await call(`${vault}/secrets/bad_name?api-version=7.4`, 'PUT', '{"value":"v"}')).status).toBe(400);
    expect((await call(`${vault}/secrets/ok?api-version=7.4`, 'PUT', '{"nope":1}')).status).toBe(400);
    expect(
      (
        await call(
          `${vault}/secrets/ok?api-version=7.4`,
          'PUT',
          JSON.stringify({
            value: 'v',
            tags: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, 'x'])),
          }),
        )
      ).status,
    ).toBe(400);
    expect(
      (await call(`${emulator.control.keyVault.vaultUrl('no-such-vault')}/secrets/x?api-version=7.4`)).status,
    ).toBe(404);
  });
});
