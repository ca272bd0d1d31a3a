// Demo mode: with no app registration configured, PAT Manager runs against the local emulator of
// Microsoft's services, with fake people and tokens. This is the only module of the app's start-up
// that knows the emulator exists; the app itself only ever sees base URLs and a demo flag.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../emulator/index.ts';

/** The running demo emulator, as the launcher holds it. */
export type DemoEmulator = RunningEmulator;

const DEMO_CLIENT_ID = '26dbd09d-f263-4386-8ddd-b82864b1b2e1';

/**
 * A random secret made on the first run and kept (readable by its owner only), so demo sessions and
 * their sealed token caches survive a restart, as real ones do with fixed settings.
 */
function keptDemoSecret(dataDir: string, name: string, make: () => string): string {
  const file = join(dataDir, name);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, make(), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/** The settings that point the app at an emulator as the given registered application. */
export function settingsForEmulator(
  emulator: RunningEmulator,
  clientId: string,
  clientSecret: string,
): Record<string, string> {
  return {
    AZURE_CLIENT_ID: clientId,
    AZURE_CLIENT_SECRET: clientSecret,
    AZURE_TENANT_ID: emulator.tenantId,
    IDENTITY_BASE_URL: emulator.urls.identity,
    AZURE_DEVOPS_PATS_BASE_URL: emulator.urls.pats,
    AZURE_DEVOPS_PROFILE_BASE_URL: emulator.urls.profile,
    AZURE_DEVOPS_AUDIT_BASE_URL: emulator.urls.audit,
    UPSTREAM_CA_FILE: emulator.caCertificateFile,
    KEY_VAULT_HOST_SUFFIXES: emulator.urls.keyVaultHostSuffix,
    GRAPH_BASE_URL: emulator.urls.graph,
    // The emulator's webhook sink stands for Teams' and Slack's hosts.
    WEBHOOK_HOSTS: '.hooks.localhost',
    // Its vaults' addresses have no port: the app's HTTPS agent sends `*.localhost` there (demo mode only).
    DEMO_EMULATOR_PORT: new URL(emulator.origin).port,
  };
}

export async function startDemoEmulator(options: {
  dataDir: string;
  port: number;
  baseUrl: URL;
}): Promise<{ emulator: RunningEmulator; settings: Record<string, string> }> {
  // A fresh client secret per run: it only has to match between the app and its emulator.
  const clientSecret = randomBytes(32).toString('base64url');
  const emulator = await startEmulator({
    port: options.port,
    dataDir: join(options.dataDir, 'emulator'),
    seed: 'demo',
    clients: [
      {
        clientId: DEMO_CLIENT_ID,
        clientSecret,
        redirectUris: [new URL('/getAToken', options.baseUrl).href],
        postLogoutRedirectUris: [new URL('/', options.baseUrl).href],
      },
    ],
  });
  return {
    emulator,
    settings: {
      DEMO_MODE: 'true',
      ...settingsForEmulator(emulator, DEMO_CLIENT_ID, clientSecret),
      SESSION_SECRET: keptDemoSecret(options.dataDir, 'demo-session-secret', () =>
        randomBytes(48).toString('base64url'),
      ),
      TOKEN_CACHE_KEYS: keptDemoSecret(options.dataDir, 'demo-token-cache-key', () =>
        randomBytes(32).toString('base64'),
      ),
    },
  };
}

/**
 * The demo emulator keeps each person's first global token in their vault (a secret tagged with it,
 * src/emulator/keyvault/demo-secrets.ts); this links the two in PAT Manager's own records, as the
 * person would have with "Link it to the secret that holds it", so replacing that global token shows
 * its secret following. Written afresh at every start: the emulator's vaults start afresh too.
 */
export async function linkDemoVaultSecrets(emulator: RunningEmulator, vaultLinksFile: string): Promise<void> {
  const { createSqlitePersonRecords } = await import('../storage/person-records.ts');
  const { createVaultLinks } = await import('../keyvault/vault-links.ts');
  const records = createSqlitePersonRecords(vaultLinksFile);
  try {
    const links = createVaultLinks(records);
    const { control, tenantId } = emulator;
    for (const vault of control.keyVault.vaults()) {
      for (const person of control.directory().people) {
        const global = control.devops
          .tokens(person.objectId)
          .find((token) => token.targetAccounts === null && !token.revoked);
        const secretName = global && `${global.displayName}-pat`;
        const version = secretName && control.keyVault.secretVersions(vault.name, secretName).at(-1);
        const organization = person.organizations[0];
        if (!global || !version || !organization || version.tags?.authorizationId !== global.authorizationId) continue;
        await links.save(`${person.objectId}.${tenantId}`, {
          authorizationId: global.authorizationId,
          tokenName: global.displayName,
          organization,
          vaultUrl: vault.url,
          secretName: secretName!,
          version: version.version,
          linkedAt: new Date().toISOString(),
        });
      }
    }
  } finally {
    records.close();
  }
}
