// `npm run emulator`: the emulator on its own, for demos and for running the app against it by hand.
// EMULATOR_PORT (default 5443); data in .data/emulator (the CA to trust stays the same between runs);
// one demo application from EMULATOR_CLIENT_ID / EMULATOR_CLIENT_SECRET / EMULATOR_REDIRECT_URI.
// A secret given in the environment is never printed; a generated one is, since nobody else knows it.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { CONTROL_KEY_HEADER, startEmulator } from './index.ts';

const DEFAULTS = {
  port: 5443,
  clientId: '26dbd09d-f263-4386-8ddd-b82864b1b2e1',
  redirectUri: 'http://localhost:5000/getAToken',
};

const env = process.env;
const port = Number(env.EMULATOR_PORT ?? DEFAULTS.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`EMULATOR_PORT must be a port number, not "${env.EMULATOR_PORT}"`);
  process.exit(1);
}
const clientId = env.EMULATOR_CLIENT_ID ?? DEFAULTS.clientId;
const secretFromEnv = env.EMULATOR_CLIENT_SECRET;
const clientSecret = secretFromEnv ?? randomBytes(24).toString('base64url');
const redirectUri = env.EMULATOR_REDIRECT_URI ?? DEFAULTS.redirectUri;
const appOrigin = new URL(redirectUri).origin;

const emulator = await startEmulator({
  port,
  dataDir: resolve('.data/emulator'),
  clients: [{ clientId, clientSecret, redirectUris: [redirectUri], postLogoutRedirectUris: [`${appOrigin}/`] }],
});

console.log(`Local Microsoft identity platform and Azure DevOps emulator (demo people, fake data)
  origin           ${emulator.origin}
  tenant           ${emulator.tenantId}
  authority        ${emulator.urls.identity}/${emulator.tenantId}  (or ${emulator.urls.identity}/organizations)
  Azure DevOps     ${emulator.urls.pats}  (for https://vssps.dev.azure.com)
                   ${emulator.urls.profile}  (for https://app.vssps.visualstudio.com)
  Microsoft Graph  ${emulator.urls.graph}  (for https://graph.microsoft.com: GRAPH_BASE_URL)
  Key Vault        ${emulator.control.keyVault
    .vaults()
    .map((vault) => vault.url)
    .join(', ')}  (set KEY_VAULT_HOST_SUFFIXES=${emulator.urls.keyVaultHostSuffix})
  CA to trust      ${emulator.caCertificateFile}
  application      client id ${clientId}, redirect URI ${redirectUri}
  client secret    ${secretFromEnv ? '(from EMULATOR_CLIENT_SECRET)' : `${clientSecret}  (generated; set EMULATOR_CLIENT_SECRET to choose one)`}
  control          ${emulator.origin}/_emulator/*  with header ${CONTROL_KEY_HEADER}: ${emulator.controlKey}
Ctrl+C stops it.`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: closing the emulator`);
  await emulator.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
