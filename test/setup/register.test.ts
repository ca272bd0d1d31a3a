// `npm run register` against the emulator, with the real msal-node (device code flow) and Microsoft
// Graph over HTTPS: from nothing, again, refused, declined, expired, through a stand-in Azure CLI,
// and --remove; then PAT Manager started from the .env it wrote signs a person in.
import { readFileSync, statSync, writeFileSync, chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { startTestEmulator } from '../emulator/support/test-emulator.ts';
import { startAppProcess, type AppProcess } from '../support/app-process.ts';
import { TestBrowser } from '../support/browser.ts';
import { freePort } from '../support/harness.ts';
import { secretsInLog } from '../support/log-secrets.ts';
import { ADA, ALAN, signIn } from '../support/sign-in.ts';
import { makeClientCertificate } from '../emulator/support/test-emulator.ts';
import { emulatorEnvLines, runDoctor, runRegister, setupFolder } from './support/setup-cli.ts';
import { httpsRequest } from '../emulator/support/https-request.ts';

const AZURE_DEVOPS = '499b84ac-1321-427f-aa17-267ca6975798';
const KEY_VAULT = 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093';
let emulator: RunningEmulator;
let app: AppProcess | undefined;

beforeAll(async () => {
  emulator = await startTestEmulator({ deviceCodeIntervalSeconds: 1 });
});
afterAll(async () => {
  await app?.stop();
  await emulator?.close();
});

const USER_IMPERSONATION_ID = 'ee69721e-6c3a-468f-a9ec-302d16a4c599';
const GRAPH_WRITE = 'https://graph.microsoft.com/Application.ReadWrite.All';

async function graphCall(method: 'GET' | 'PATCH', path: string, body?: unknown): Promise<any> {
  const token = await emulator.control.issueAccessToken(ADA.objectId, { scope: GRAPH_WRITE });
  const answer = await httpsRequest(`${emulator.urls.graph}/v1.0${path}`, {
    method,
    caCertificatePem: emulator.caCertificatePem,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(answer.status).toBeLessThan(300);
  return answer.body ? JSON.parse(answer.body) : undefined;
}

/** The ids Azure DevOps's service principal gives these permissions (what register must have looked up). */
async function devOpsPermissionIds(names: string[]): Promise<string[]> {
  const { value } = await graphCall(
    'GET',
    `/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${AZURE_DEVOPS}'`)}`,
  );
  const scopes = value[0].oauth2PermissionScopes as Array<{ id: string; value: string }>;
  return names.map((name) => scopes.find((scope) => scope.value === name)!.id);
}

/** Changes the registration over Graph, as an administrator could in the admin center. */
async function changeRegistration(id: string, requiredResourceAccess: unknown): Promise<void> {
  await graphCall('PATCH', `/applications/${id}`, { requiredResourceAccess });
}

const envOf = (dir: string) => dotenv.parse(readFileSync(join(dir, '.env'), 'utf8'));
const applications = () => emulator.control.registrations().applications;
const clientSecrets = () => emulator.control.issuedSecrets().filter((secret) => secret.kind === 'client_secret');

describe('npm run register', () => {
  let dir: string;
  let port: number;

  it('registers from nothing: application, service principal, secret, permissions, redirect URIs, and a 0600 .env', async () => {
    port = await freePort();
    dir = setupFolder([...emulatorEnvLines(emulator, `http://localhost:${port}`), '# keep me', 'LOG_LEVEL=info']);
    const run = await runRegister(dir, [], { emulator, login: { objectId: ADA.objectId } });
    expect(run.code, run.output).toBe(0);

    const [registered, ...others] = applications();
    expect(others).toEqual([]);
    expect(registered).toMatchObject({
      displayName: 'PAT Manager',
      signInAudience: 'AzureADMyOrg',
      web: { redirectUris: [`http://localhost:${port}/getAToken`, `http://localhost:${port}/`] },
      tags: ['pat-manager:npm-run-register'],
    });
    // Azure DevOps: exactly PAT Manager's permissions, by the ids its service principal gives them; no user_impersonation.
    expect(registered!.requiredResourceAccess).toEqual([
      { resourceAppId: KEY_VAULT, resourceAccess: [{ id: 'f53da476-18e3-4152-8e01-aec403e6edc0', type: 'Scope' }] },
      {
        resourceAppId: AZURE_DEVOPS,
        resourceAccess: (
          await devOpsPermissionIds([
            'vso.pats',
            'vso.pats_manage',
            'vso.profile',
            'vso.tokenadministration',
            'vso.graph',
            'vso.auditlog',
          ])
        ).map((id) => ({ id, type: 'Scope' })),
      },
    ]);
    expect(JSON.stringify(registered!.requiredResourceAccess)).not.toContain(USER_IMPERSONATION_ID);
    expect(run.output).toContain(
      'Azure DevOps vso.pats, vso.pats_manage, vso.profile, vso.tokenadministration, vso.graph, vso.auditlog',
    );
    expect(registered!.passwordCredentials).toHaveLength(1);
    expect(emulator.control.registrations().servicePrincipals.map((principal) => principal.appId)).toEqual([
      registered!.appId,
    ]);

    const env = envOf(dir);
    const [secret] = clientSecrets();
    expect(env).toMatchObject({
      AZURE_CLIENT_ID: registered!.appId,
      AZURE_TENANT_ID: emulator.tenantId,
      AZURE_CLIENT_SECRET: secret!.value,
      LOG_LEVEL: 'info',
    });
    expect(env.SESSION_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(env.TOKEN_CACHE_KEYS!, 'base64')).toHaveLength(32);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain('# keep me\nLOG_LEVEL=info\n');
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);

    expect(run.output).not.toContain(secret!.value);
    expect(run.output).not.toContain(env.SESSION_SECRET);
    expect(run.output).toContain(
      `https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/${registered!.appId}`,
    );
    expect(run.output).toContain(
      `${emulator.urls.identity}/${emulator.tenantId}/adminconsent?client_id=${registered!.appId}`,
    );
  });

  it('then npm run doctor finds nothing wrong with the written .env', async () => {
    const run = await runDoctor(dir);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('ok    Credential: the identity platform accepts the client secret');
    expect(run.output).toContain(
      `ok    Redirect URI: http://localhost:${port}/getAToken (registered for the application)`,
    );
  });

  it('then npm run doctor fails, naming the permission and the fix, once the registration lacks vso.pats_manage', async () => {
    const [registered] = applications();
    const devOps = registered!.requiredResourceAccess.find((entry) => entry.resourceAppId === AZURE_DEVOPS)!;
    const [managed] = await devOpsPermissionIds(['vso.pats_manage']);
    await changeRegistration(registered!.id, [
      ...registered!.requiredResourceAccess.filter((entry) => entry !== devOps),
      { ...devOps, resourceAccess: devOps.resourceAccess.filter((access) => access.id !== managed) },
    ]);
    const run = await runDoctor(dir);
    expect(run.code, run.output).toBe(1);
    expect(run.output).toMatch(
      /FAIL {2}Azure DevOps permissions: AZURE_CLIENT_ID: the registration lacks the Azure DevOps delegated permission vso\.pats_manage/,
    );
    expect(run.output).toContain('fix: Run `npm run register`');
  });

  it('run again over a registration made before (user_impersonation): takes it off and says so, and puts the missing permission back', async () => {
    const [registered] = applications();
    const others = registered!.requiredResourceAccess.filter((entry) => entry.resourceAppId !== AZURE_DEVOPS);
    await changeRegistration(registered!.id, [
      ...others,
      { resourceAppId: AZURE_DEVOPS, resourceAccess: [{ id: USER_IMPERSONATION_ID, type: 'Scope' }] },
    ]);
    const run = await runRegister(dir, [], { emulator, login: { objectId: ADA.objectId } });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('Removed Azure DevOps user_impersonation (full access) from the registration');
    const devOps = applications()[0]!.requiredResourceAccess.find((entry) => entry.resourceAppId === AZURE_DEVOPS)!;
    expect(devOps.resourceAccess.map((access) => access.id)).toEqual(
      await devOpsPermissionIds([
        'vso.pats',
        'vso.pats_manage',
        'vso.profile',
        'vso.tokenadministration',
        'vso.graph',
        'vso.auditlog',
      ]),
    );
    expect((await runDoctor(dir)).output).toMatch(
      /ok {4}Azure DevOps permissions: the registration lists vso\.pats, vso\.pats_manage/,
    );
  });

  it('then PAT Manager, started from the written .env, signs a person in through the emulator', async () => {
    app = await startAppProcess('registered', port, { ...envOf(dir), NODE_ENV: 'test' });
    const page = await signIn(new TestBrowser(emulator.caCertificatePem), `http://localhost:${port}`, ADA);
    expect(page.status).toBe(200);
    expect(page.url).toBe(`http://localhost:${port}/`);
    expect(page.body).toContain(ADA.displayName);
    const known = [...emulator.control.issuedSecrets(), { kind: 'session_secret', value: envOf(dir).SESSION_SECRET! }];
    expect(secretsInLog(app.lines, known)).toEqual([]);
    await app.stop();
    app = undefined;
  });

  it('run again: the same application, its redirect URIs updated, the secret in .env kept, no duplicate', async () => {
    const before = envOf(dir);
    writeFileSync(
      join(dir, '.env'),
      readFileSync(join(dir, '.env'), 'utf8').replace(
        `BASE_URL=http://localhost:${port}`,
        'BASE_URL=https://pat.example.com',
      ),
    );
    const run = await runRegister(dir, [], { emulator, login: { objectId: ADA.objectId } });
    expect(run.code, run.output).toBe(0);
    expect(applications()).toHaveLength(1);
    expect(applications()[0]!.web.redirectUris).toEqual([
      'https://pat.example.com/getAToken',
      'https://pat.example.com/',
    ]);
    expect(applications()[0]!.passwordCredentials).toHaveLength(1);
    expect(emulator.control.registrations().servicePrincipals).toHaveLength(1);
    const after = envOf(dir);
    expect(after).toMatchObject({
      AZURE_CLIENT_ID: before.AZURE_CLIENT_ID,
      AZURE_CLIENT_SECRET: before.AZURE_CLIENT_SECRET,
      SESSION_SECRET: before.SESSION_SECRET,
      TOKEN_CACHE_KEYS: before.TOKEN_CACHE_KEYS,
    });
    expect(run.output).toContain('Updated the application');
    expect(run.output).toContain(`Removed redirect URIs: http://localhost:${port}/getAToken`);
  });

  it('run again with a secret the identity platform refuses: a new secret replaces it in .env', async () => {
    const before = envOf(dir);
    writeFileSync(
      join(dir, '.env'),
      readFileSync(join(dir, '.env'), 'utf8').replace(
        `AZURE_CLIENT_SECRET=${before.AZURE_CLIENT_SECRET}`,
        'AZURE_CLIENT_SECRET=expired-or-mistyped',
      ),
    );
    const run = await runRegister(dir, [], { emulator, login: { objectId: ADA.objectId } });
    expect(run.code, run.output).toBe(0);
    expect(applications()).toHaveLength(1);
    expect(applications()[0]!.passwordCredentials).toHaveLength(2);
    const newest = clientSecrets().at(-1)!.value;
    expect(envOf(dir)).toMatchObject({ AZURE_CLIENT_ID: before.AZURE_CLIENT_ID, AZURE_CLIENT_SECRET: newest });
    expect(run.output).toContain('Added a client secret');
    expect(run.output).not.toContain(newest);
  });

  it('refuses to replace a different AZURE_CLIENT_ID without --force, and changes nothing', async () => {
    const other = setupFolder([
      ...emulatorEnvLines(emulator, 'http://localhost:5000'),
      'AZURE_CLIENT_ID=11111111-2222-4333-8444-555555555555',
    ]);
    const text = readFileSync(join(other, '.env'), 'utf8');
    const run = await runRegister(other, [], { emulator, login: { objectId: ADA.objectId } });
    expect(run.code).toBe(1);
    expect(run.output).toContain(
      'AZURE_CLIENT_ID=11111111-2222-4333-8444-555555555555, which is not an application in this tenant',
    );
    expect(run.output).toContain('--force');
    expect(readFileSync(join(other, '.env'), 'utf8')).toBe(text);
    expect(applications()).toHaveLength(1);
  });

  it('--remove deletes the registration it made and clears the client id and secret in .env', async () => {
    const run = await runRegister(dir, ['--remove'], { emulator, login: { objectId: ADA.objectId } });
    expect(run.code, run.output).toBe(0);
    expect(applications()).toEqual([]);
    expect(emulator.control.registrations().servicePrincipals).toEqual([]);
    const env = envOf(dir);
    expect(env.AZURE_CLIENT_ID).toBe('');
    expect(env.AZURE_CLIENT_SECRET).toBe('');
    expect(env.BASE_URL).toBe('https://pat.example.com');
  });
});

describe('--certificate', () => {
  it('uploads the certificate instead of adding a secret, and writes the three certificate settings', async () => {
    const certificate = makeClientCertificate();
    const dir = setupFolder(emulatorEnvLines(emulator, 'http://localhost:5000'));
    writeFileSync(join(dir, 'client.pem'), `${certificate.certificatePem}${certificate.privateKeyPem}`);
    const secretsBefore = clientSecrets().length;
    const run = await runRegister(dir, ['--certificate', 'client.pem', '--name', 'PAT Manager (certificate)'], {
      emulator,
      login: { objectId: ADA.objectId },
    });
    expect(run.code, run.output).toBe(0);
    const registered = applications().find((application) => application.displayName === 'PAT Manager (certificate)')!;
    expect(registered.keyCredentials).toEqual([
      expect.objectContaining({ type: 'AsymmetricX509Cert', usage: 'Verify' }),
    ]);
    expect(registered.passwordCredentials).toEqual([]);
    expect(clientSecrets()).toHaveLength(secretsBefore);
    const env = envOf(dir);
    expect(env).toMatchObject({
      AZURE_CLIENT_ID: registered.appId,
      AZURE_CLIENT_CERTIFICATE_THUMBPRINT: certificate.thumbprintSha256,
      AZURE_CLIENT_CERTIFICATE_FILE: join(dir, 'client.pem'),
      AZURE_CLIENT_CERTIFICATE_KEY_FILE: join(dir, 'client.pem'),
    });
    expect(env.AZURE_CLIENT_SECRET).toBeUndefined();
    expect(run.output).not.toContain('PRIVATE KEY');
    const doctor = await runDoctor(dir);
    expect(doctor.output).toContain('ok    Credential: the identity platform accepts the certificate');
  });
});

describe('when register cannot go on, it says why and writes nothing', () => {
  async function expectNothingDone(
    login: Parameters<typeof runRegister>[2]['login'],
    message: RegExp,
    args: string[] = [],
  ): Promise<void> {
    const dir = setupFolder(emulatorEnvLines(emulator, 'http://localhost:5000'));
    const text = readFileSync(join(dir, '.env'), 'utf8');
    const before = applications().length;
    const run = await runRegister(dir, args, { emulator, login });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(message);
    expect(run.output).not.toMatch(/\n\s+at /); // no stack trace
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe(text);
    expect(applications()).toHaveLength(before);
  }

  it('an option it does not know, before signing anyone in', async () => {
    await expectNothingDone('none', /Unknown option '--colour'[\s\S]*Usage: npm run register/, ['--colour', 'blue']);
  });

  it('a person the tenant does not let register applications', async () => {
    await expectNothingDone(
      { objectId: ALAN.objectId },
      /Insufficient privileges to complete the operation\. \(Authorization_RequestDenied\)\. Your account may not register applications/,
    );
  });

  it('the person declines the device code sign-in', async () => {
    await expectNothingDone('decline', /You declined the sign-in, so nothing was changed/);
  });

  it('the device code expires before the person signs in', async () => {
    await expectNothingDone('let-expire', /The code expired before you signed in/);
  });
});

describe('--use-az', () => {
  it('takes the Graph token from a signed-in Azure CLI (a stand-in az on PATH printing its JSON)', async () => {
    const token = await emulator.control.issueAccessToken(ADA.objectId, {
      clientId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
      scope: 'https://graph.microsoft.com/Application.ReadWrite.All',
    });
    const bin = mkdtempSync(join(tmpdir(), 'pat-manager-az-'));
    const answer = JSON.stringify({
      accessToken: token,
      expiresOn: '2026-12-01 10:00:00.000000',
      expires_on: 1764583200,
      tenant: emulator.tenantId,
      tokenType: 'Bearer',
    });
    // The stand-in answers only the exact command the Azure CLI documents.
    writeFileSync(
      join(bin, 'az'),
      `#!/bin/sh\nif [ "$*" = "account get-access-token --resource-type ms-graph --output json" ]; then\n  echo '${answer}'\nelse\n  echo "az: unexpected arguments: $*" >&2; exit 2\nfi\n`,
    );
    chmodSync(join(bin, 'az'), 0o755);
    const dir = setupFolder(emulatorEnvLines(emulator, 'http://localhost:5000'));
    const run = await runRegister(dir, ['--use-az', '--name', 'PAT Manager (az)', '--multi-tenant'], {
      emulator,
      login: 'none',
      pathPrefix: bin,
    });
    expect(run.code, run.output).toBe(0);
    expect(run.output).not.toContain('enter the code');
    const registered = applications().find((application) => application.displayName === 'PAT Manager (az)');
    expect(registered).toMatchObject({ signInAudience: 'AzureADMultipleOrgs' });
    expect(envOf(dir)).toMatchObject({ AZURE_CLIENT_ID: registered!.appId, AZURE_TENANT_ID: 'organizations' });
    expect(run.output).not.toContain(token);
  });

  it('says how to fix an Azure CLI that is not signed in', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'pat-manager-az-'));
    writeFileSync(join(bin, 'az'), `#!/bin/sh\necho "ERROR: Please run 'az login' to setup account." >&2\nexit 1\n`);
    chmodSync(join(bin, 'az'), 0o755);
    const dir = setupFolder(emulatorEnvLines(emulator, 'http://localhost:5000'));
    const run = await runRegister(dir, ['--use-az'], { emulator, login: 'none', pathPrefix: bin });
    expect(run.code).toBe(1);
    expect(run.output).toContain(
      "The Azure CLI gave no Microsoft Graph token (ERROR: Please run 'az login' to setup account.). Run `az login` first.",
    );
  });
});
