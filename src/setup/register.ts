// `npm run register`: creates (or, run again, finds and updates) PAT Manager's app registration in
// Microsoft Entra ID over Microsoft Graph, and writes what the app needs into .env. `--remove`
// deletes the registration it made. Sign-in: the device code flow, or `--use-az`.
import { REGISTERED_PERMISSIONS } from '../auth/devops-permissions.ts';
import {
  azureDevOpsAccess,
  azureDevOpsPrincipal,
  FULL_ACCESS_PERMISSION,
  listedPermissions,
  PermissionLookupFailed,
} from './devops-access.ts';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Agent } from 'node:https';
import { ConfigError, loadSetupConfig, readEnvironment, type SetupConfig } from '../config/config.ts';
import { proveClientCredential } from '../auth/application-token.ts';
import { createIdentityNetworkClient } from '../auth/identity-network-client.ts';
import { createHttpsAgent } from '../http/https-agent.ts';
import { createLogger } from '../logging.ts';
import {
  addClientSecret,
  applicationFields,
  ensureServicePrincipal,
  findRegistration,
  REGISTER_TAG,
  RegistrationRefused,
} from './app-registration.ts';
import { readCertificateOption, type CertificateOption } from './certificate-option.ts';
import { readEnvFile, writeEnvFile, type EnvFile } from './env-file.ts';
import { DATA_DIR, keepDataPrivate } from '../storage/private-data.ts';
import { createGraphClient, GraphRequestError, type GraphClient } from './graph-client.ts';
import { graphTokenByDeviceCode, graphTokenFromAzureCli, SignInError, type GraphToken } from './graph-token.ts';

const USAGE = `Usage: npm run register -- [options]
  --name NAME            display name of the registration (default "PAT Manager")
  --multi-tenant         let people of any Microsoft Entra tenant sign in (default: this tenant only)
  --certificate FILE     upload this PEM certificate instead of adding a client secret; the private
                         key comes from FILE too, or from --certificate-key KEY
  --use-az               take the Microsoft Graph token from a signed-in Azure CLI (az login)
  --force                replace an AZURE_CLIENT_ID in .env that is not an application of this tenant
  --remove               delete the registration this command made (the one in .env)
  --env-file FILE        the settings file to read and write (default .env)`;

const print = (line = '') => process.stdout.write(`${line}\n`);

const OPTIONS = {
  name: { type: 'string', default: 'PAT Manager' },
  'multi-tenant': { type: 'boolean', default: false },
  certificate: { type: 'string' },
  'certificate-key': { type: 'string' },
  'use-az': { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  remove: { type: 'boolean', default: false },
  'env-file': { type: 'string', default: '.env' },
  help: { type: 'boolean', default: false },
} as const;

/** The command line, or a refusal that says what is wrong and how it is used. */
function readOptions() {
  let values;
  try {
    ({ values } = parseArgs({ options: OPTIONS }));
  } catch (error) {
    throw new RegistrationRefused(`${(error as Error).message}\n${USAGE}`);
  }
  if (!values.name.trim() || values.name.length > 120)
    throw new RegistrationRefused('--name: give a display name of 1 to 120 characters.');
  return values;
}

async function main(): Promise<number> {
  // The .env it writes holds the client secret; nothing it makes may be readable by others.
  keepDataPrivate(DATA_DIR, { create: false });
  const options = readOptions();
  if (options.help) {
    print(USAGE);
    return 0;
  }
  const envFile = readEnvFile(resolve(options['env-file']));
  const setup = loadSetupConfig(readEnvironment(envFile.path));
  const certificate = options.certificate
    ? readCertificateOption(options.certificate, options['certificate-key'])
    : undefined;
  const agent = createHttpsAgent({ ca: setup.upstream.ca });
  try {
    const token = await signIn(options['use-az'], setup, agent);
    print(`Signed in as ${token.who} (tenant ${token.tenantId}).`);
    const graph = createGraphClient({
      baseUrl: setup.graphBaseUrl,
      accessToken: token.accessToken,
      agent,
      timeoutMs: setup.upstream.timeoutMs,
    });
    if (options.remove) return await remove(graph, envFile, options.force);
    await register(graph, envFile, token, {
      name: options.name,
      multiTenant: options['multi-tenant'],
      force: options.force,
      certificate,
      baseUrl: setup.baseUrl,
      identityBaseUrl: setup.identityBaseUrl,
      agent,
      timeoutMs: setup.upstream.timeoutMs,
    });
    return 0;
  } finally {
    agent.destroy();
  }
}

function signIn(useAz: boolean, setup: SetupConfig, agent: Agent): Promise<GraphToken> {
  if (useAz) return graphTokenFromAzureCli({ timeoutMs: Math.max(setup.upstream.timeoutMs, 30_000) });
  // A specific tenant when .env names one; otherwise the person's own (organizations).
  const tenant = /^(organizations|common)$/i.test(setup.tenant) ? 'organizations' : setup.tenant;
  return graphTokenByDeviceCode({
    identityBaseUrl: setup.identityBaseUrl,
    tenant,
    agent,
    timeoutMs: setup.upstream.timeoutMs,
    logger: createLogger('silent'),
    show: (message) => print(message),
  });
}

interface RegisterOptions {
  name: string;
  multiTenant: boolean;
  force: boolean;
  certificate: CertificateOption | undefined;
  baseUrl: URL;
  identityBaseUrl: string;
  agent: Agent;
  timeoutMs: number;
}

async function register(
  graph: GraphClient,
  envFile: EnvFile,
  token: GraphToken,
  options: RegisterOptions,
): Promise<void> {
  const currentClientId = envFile.values.AZURE_CLIENT_ID || undefined;
  const desired = {
    displayName: options.name,
    multiTenant: options.multiTenant,
    baseUrl: options.baseUrl,
    currentClientId,
    force: options.force,
  };
  const existing = await findRegistration(graph, desired);
  const devOps = await azureDevOpsPrincipal(graph);
  const fields = applicationFields(desired, existing, azureDevOpsAccess(devOps));
  const listedBefore = existing ? listedPermissions(existing.requiredResourceAccess, devOps) : [];
  const application = existing ?? (await graph.createApplication(fields));
  if (existing) await graph.updateApplication(existing.id, fields);
  print(
    `${existing ? 'Updated' : 'Created'} the application "${fields.displayName}" (client id ${application.appId}).`,
  );
  print(
    `  Sign-in audience: ${options.multiTenant ? 'any Microsoft Entra tenant (AzureADMultipleOrgs)' : 'this tenant only (AzureADMyOrg)'}`,
  );
  print(`  Redirect URIs (Web): ${fields.web!.redirectUris.join(', ')}`);
  const before = existing?.web?.redirectUris.filter((uri) => !fields.web!.redirectUris.includes(uri)) ?? [];
  if (before.length) print(`  Removed redirect URIs: ${before.join(', ')}`);
  print(
    `  API permissions (delegated): Azure DevOps ${REGISTERED_PERMISSIONS.join(', ')} (ids looked up in Azure DevOps's service principal); Azure Key Vault user_impersonation`,
  );
  if (listedBefore.includes(FULL_ACCESS_PERMISSION)) {
    print(
      `  Removed Azure DevOps ${FULL_ACCESS_PERMISSION} (full access) from the registration: PAT Manager no longer asks for it. An administrator's consent given for it does not cover the new permissions: grant consent again (link below).`,
    );
  }
  print(
    (await ensureServicePrincipal(graph, application.appId))
      ? 'Created its service principal.'
      : 'Its service principal was already there.',
  );

  const settings: Record<string, string> = {
    AZURE_CLIENT_ID: application.appId,
    AZURE_TENANT_ID: options.multiTenant ? 'organizations' : token.tenantId,
  };
  if (options.certificate) {
    await graph.updateApplication(application.id, {
      keyCredentials: [
        {
          type: 'AsymmetricX509Cert',
          usage: 'Verify',
          key: options.certificate.derBase64,
          displayName: 'PAT Manager (npm run register)',
        },
      ],
    });
    Object.assign(settings, {
      AZURE_CLIENT_CERTIFICATE_THUMBPRINT: options.certificate.thumbprintSha256,
      AZURE_CLIENT_CERTIFICATE_FILE: options.certificate.certificateFile,
      AZURE_CLIENT_CERTIFICATE_KEY_FILE: options.certificate.keyFile,
    });
    print(
      `Uploaded the certificate (SHA-256 thumbprint ${options.certificate.thumbprintSha256}); it replaces any certificate the registration had.`,
    );
  } else if (
    application.appId === currentClientId &&
    envFile.values.AZURE_CLIENT_SECRET &&
    (await secretStillWorks(application.appId, envFile.values.AZURE_CLIENT_SECRET, token, options))
  ) {
    print('Kept the client secret already in .env: the identity platform still accepts it.');
  } else {
    const secret = await addClientSecret(graph, application);
    settings.AZURE_CLIENT_SECRET = secret.secretText;
    print(
      `Added a client secret (expires ${secret.endDateTime.slice(0, 10)}); it is written to .env and shown nowhere else.`,
    );
  }
  // Without these the app does not start outside the demo; random, and never printed.
  if (!envFile.values.SESSION_SECRET) settings.SESSION_SECRET = randomBytes(48).toString('base64url');
  if (!envFile.values.TOKEN_CACHE_KEYS) settings.TOKEN_CACHE_KEYS = randomBytes(32).toString('base64');
  writeEnvFile(envFile, settings);
  print(`Wrote ${envFile.path} (mode 0600): ${Object.keys(settings).join(', ')}; every other line is as it was.`);
  print();
  print('The registration in the Microsoft Entra admin center:');
  print(
    `  https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/${application.appId}`,
  );
  print('One step needs an administrator of the tenant (skip it if people may consent for themselves):');
  print('grant tenant-wide consent to the Azure DevOps and Key Vault permissions, at');
  print(`  ${options.identityBaseUrl}/${token.tenantId}/adminconsent?client_id=${application.appId}`);
  print('Then check everything with `npm run doctor`, and start PAT Manager with `npm start`.');
}

/** A client-credentials request with the secret in .env: an expired or wrong one is replaced. */
async function secretStillWorks(
  clientId: string,
  clientSecret: string,
  token: GraphToken,
  options: RegisterOptions,
): Promise<boolean> {
  const identity = {
    authorityHost: options.identityBaseUrl,
    tenant: token.tenantId,
    clientId,
    credential: { kind: 'secret' as const, clientSecret },
  };
  try {
    await proveClientCredential(
      identity,
      createIdentityNetworkClient({
        agent: options.agent,
        timeoutMs: options.timeoutMs,
        logger: createLogger('silent'),
      }),
    );
    return true;
  } catch {
    return false;
  }
}

async function remove(graph: GraphClient, envFile: EnvFile, force: boolean): Promise<number> {
  const clientId = envFile.values.AZURE_CLIENT_ID;
  if (!clientId)
    throw new RegistrationRefused(`${envFile.path} has no AZURE_CLIENT_ID: there is no registration to remove.`);
  const [application] = await graph.findApplications({ appId: clientId });
  if (!application)
    throw new RegistrationRefused(`No application with client id ${clientId} in this tenant; nothing was removed.`);
  if (!application.tags.includes(REGISTER_TAG) && !force) {
    throw new RegistrationRefused(
      `The application "${application.displayName}" (${clientId}) was not made by npm run register; nothing was removed. Run again with --force to delete it anyway.`,
    );
  }
  await graph.deleteApplication(application.id);
  writeEnvFile(envFile, { AZURE_CLIENT_ID: '', AZURE_CLIENT_SECRET: '' });
  print(`Deleted the application "${application.displayName}" (client id ${clientId}) and its service principal.`);
  print(
    `Cleared AZURE_CLIENT_ID and AZURE_CLIENT_SECRET in ${envFile.path}: \`npm start\` runs the demo again until you register anew.`,
  );
  return 0;
}

/** One clear line for what a person can act on; anything else is a bug worth its stack. */
function explain(error: unknown): string | undefined {
  if (
    error instanceof ConfigError ||
    error instanceof SignInError ||
    error instanceof RegistrationRefused ||
    error instanceof PermissionLookupFailed
  )
    return error.message;
  if (error instanceof GraphRequestError) {
    if (error.code === 'Authorization_RequestDenied') {
      return `Microsoft Graph refused: ${error.message} (${error.code}). Your account may not register applications in this tenant, so nothing was changed: ask an administrator to run this command, or to give you the Application Developer role.`;
    }
    return `Microsoft Graph refused: ${error.message} (${error.code}, HTTP ${error.status}). Nothing after this step was done.`;
  }
  return undefined;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = explain(error);
    if (message) console.error(`npm run register: ${message}`);
    else console.error('npm run register failed:', error);
    process.exit(1);
  },
);
