// The device code flow and the client credentials grant, driven by the real msal-node against the
// emulator: a public client (Microsoft Graph Command Line Tools) polls while a person signs in on
// /devicelogin, declines, or lets the code expire; a confidential client gets a token for itself.
import { LogLevel, PublicClientApplication, type DeviceCodeRequest } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { completeDeviceLogin } from './support/device-login.ts';
import { httpsRequest } from './support/https-request.ts';
import { emulatorNetworkClient } from './support/msal-network-client.ts';
import { ADA, SECRET_CLIENT, msalApp, startTestEmulator } from './support/test-emulator.ts';

type DeviceCodeResponse = Parameters<DeviceCodeRequest['deviceCodeCallback']>[0];
const GRAPH_CLI_CLIENT_ID = '14d82eec-204b-4c2f-b7e8-296a70dab67e';
const GRAPH_WRITE = 'https://graph.microsoft.com/Application.ReadWrite.All';
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({ deviceCodeIntervalSeconds: 1 });
});
afterAll(async () => {
  await emulator?.close();
});

function publicClient(): PublicClientApplication {
  const authority = `${emulator.urls.identity}/organizations`;
  return new PublicClientApplication({
    auth: { clientId: GRAPH_CLI_CLIENT_ID, authority, knownAuthorities: [new URL(authority).host] },
    system: {
      networkClient: emulatorNetworkClient(emulator.caCertificatePem),
      loggerOptions: { logLevel: LogLevel.Error, loggerCallback: () => {} },
    },
  });
}

/** Starts msal-node's device code flow; resolves with the code it was told to show, and its outcome. */
async function startDeviceCode(): Promise<{ shown: DeviceCodeResponse; outcome: Promise<unknown> }> {
  let show!: (response: DeviceCodeResponse) => void;
  const shown = new Promise<DeviceCodeResponse>((resolve) => (show = resolve));
  const outcome = publicClient().acquireTokenByDeviceCode({ scopes: [GRAPH_WRITE], deviceCodeCallback: show });
  outcome.catch(() => {});
  return { shown: await shown, outcome };
}

describe('device code flow', () => {
  it('tells the application what to show, then gives tokens once the person signs in', async () => {
    const { shown, outcome } = await startDeviceCode();
    expect(shown.userCode).toMatch(/^[A-Z2-9]{9}$/);
    expect(shown.verificationUri).toBe(`${emulator.origin}/devicelogin`);
    expect(shown.message).toContain(shown.userCode);
    expect(shown.interval).toBe(1);
    // Polling has begun and gets authorization_pending until the person acts.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const page = await completeDeviceLogin(
      shown.verificationUri,
      shown.userCode,
      { objectId: ADA.objectId },
      emulator.caCertificatePem,
    );
    expect(page).toContain('You have signed in');
    const result = (await outcome) as { accessToken: string; account: { username: string }; tenantId: string };
    expect(result.account.username).toBe(ADA.username);
    expect(result.tenantId).toBe(emulator.tenantId);
    const claims = decodeJwt(result.accessToken);
    expect(claims.aud).toBe('00000003-0000-0000-c000-000000000000');
    expect(claims.scp).toContain('Application.ReadWrite.All');
    expect(claims.appid).toBe(GRAPH_CLI_CLIENT_ID);
    expect(claims.appidacr).toBe('0');
  });

  it('ends with authorization_declined when the person declines', async () => {
    const { shown, outcome } = await startDeviceCode();
    await completeDeviceLogin(shown.verificationUri, shown.userCode, 'decline', emulator.caCertificatePem);
    await expect(outcome).rejects.toMatchObject({ errorMessage: expect.stringContaining('authorization_declined') });
  });

  it('ends with expired_token when the code expires before the person signs in', async () => {
    const { shown, outcome } = await startDeviceCode();
    emulator.control.expireDeviceCodes();
    await expect(outcome).rejects.toMatchObject({ errorMessage: expect.stringContaining('expired_token') });
    const page = await httpsRequest(shown.verificationUri, {
      method: 'POST',
      caCertificatePem: emulator.caCertificatePem,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `otc=${shown.userCode}`,
    });
    expect(page.status).toBe(400);
    expect(page.body).toContain('not valid, or it has expired');
  });

  it('answers a poll with an unknown device code with bad_verification_code', async () => {
    const answer = await httpsRequest(`${emulator.origin}/organizations/oauth2/v2.0/token`, {
      method: 'POST',
      caCertificatePem: emulator.caCertificatePem,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: GRAPH_CLI_CLIENT_ID,
        device_code: 'nonsense',
      }).toString(),
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toBe('bad_verification_code');
  });
});

describe('client credentials grant', () => {
  it('gives a confidential client a token for itself, with no person in it', async () => {
    const app = msalApp(emulator);
    const result = await app.msal.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    const claims = decodeJwt(result!.accessToken);
    expect(claims.idtyp).toBe('app');
    expect(claims.appid).toBe(SECRET_CLIENT.clientId);
    expect(claims.scp).toBeUndefined();
    expect(claims.upn).toBeUndefined();
  });

  it('refuses a wrong secret with invalid_client (AADSTS7000215)', async () => {
    const app = msalApp(emulator, { credential: { clientSecret: 'not-the-secret' } });
    await expect(
      app.msal.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }),
    ).rejects.toMatchObject({
      errorCode: 'invalid_client',
      errorMessage: expect.stringContaining('AADSTS7000215'),
    });
  });

  it('wants a resource/.default scope and a tenant, not organizations', async () => {
    const delegated = msalApp(emulator);
    await expect(
      delegated.msal.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/User.Read'] }),
    ).rejects.toMatchObject({ errorMessage: expect.stringContaining('AADSTS1002012') });
    // msal-node refuses organizations itself; the emulator answers a raw request as the service would.
    const answer = await httpsRequest(`${emulator.origin}/organizations/oauth2/v2.0/token`, {
      method: 'POST',
      caCertificatePem: emulator.caCertificatePem,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: SECRET_CLIENT.clientId,
        client_secret: SECRET_CLIENT.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error_codes).toEqual([50059]);
  });
});
