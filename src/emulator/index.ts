// The local emulator of the Microsoft identity platform and the Azure DevOps APIs: real HTTPS on
// localhost, so the app's real msal-node and HTTP client talk to it exactly as they would to Azure.
// Start it with `startEmulator`; drive it with `control` (or the same over HTTP under /_emulator).
import { randomBytes } from 'node:crypto';
import { resolveDataDir } from './data-dir.ts';
import { createClock } from './clock.ts';
import { createControlRouter, createEmulatorControl, type EmulatorControl } from './control.ts';
import { createDevOps } from './devops/index.ts';
import { demoDirectory, type Directory } from './directory.ts';
import { createFaults } from './faults.ts';
import { createGraph } from './graph/index.ts';
import { createIdentityPlatform, type EmulatorClient } from './identity/index.ts';
import { createIssuedSecrets } from './issued-secrets.ts';
import { createKeyVault } from './keyvault/index.ts';
import { createWebhookSink } from './webhooks.ts';
import { seedDemoVaultSecrets } from './keyvault/demo-secrets.ts';
import { CONTROL_PATH, createEmulatorApp, listenHttps } from './server.ts';
import { loadOrCreateSigningKey } from './signing-keys.ts';
import { createStats } from './stats.ts';
import { loadOrCreateTls } from './tls.ts';

export { CONTROL_KEY_HEADER } from './control.ts';
export type { FaultSpec } from './faults.ts';
export type { EmulatorStats } from './stats.ts';
export type { IssuedSecret } from './issued-secrets.ts';
export type { Person } from './directory.ts';

export interface StartEmulatorOptions {
  /** 0 (default) takes a free port. The server listens on 127.0.0.1; its origin names `localhost`. */
  port?: number;
  /** Keeps the CA, server certificate and token keys between runs; default: a fresh temp dir. */
  dataDir?: string;
  /** Registered applications. */
  clients: EmulatorClient[];
  /** Copied, then changed only through `control`. Default: the demo directory. */
  directory?: Directory;
  /** Passed to the Azure DevOps half: demo tokens, or none. Default 'demo'. */
  seed?: 'demo' | 'empty';
  /** Default 3600. */
  accessTokenLifetimeSeconds?: number;
  /** The device code flow's polling interval (default 5 s, as the real service) and code lifetime (900 s). */
  deviceCodeIntervalSeconds?: number;
  deviceCodeLifetimeSeconds?: number;
  /** The time its services count with (default: the real time); tests pass the clock they move. */
  now?: () => number;
}

export interface RunningEmulator {
  /** e.g. https://localhost:5443 */
  origin: string;
  tenantId: string;
  /** The CA the app must trust, and the PEM file holding it (in the data directory). */
  caCertificatePem: string;
  caCertificateFile: string;
  urls: {
    /** The authority host: authorities are `${identity}/${tenant}`. */
    identity: string;
    /** Stands for https://vssps.dev.azure.com */
    pats: string;
    /** Stands for https://app.vssps.visualstudio.com */
    profile: string;
    /** Stands for https://auditservice.dev.azure.com (the Auditing API). */
    audit: string;
    /** Stands for https://graph.microsoft.com (calls go to `${graph}/v1.0/...`). */
    graph: string;
    /** Vaults are `https://{name}${keyVaultHostSuffix}` (stands for `.vault.azure.net`), reached on the emulator's port. */
    keyVaultHostSuffix: string;
  };
  /** The per-run key the HTTP control surface requires (header `x-emulator-control-key`). */
  controlKey: string;
  /** In-process control, with the same powers as the HTTP control surface. */
  control: EmulatorControl;
  /** Closes the server and all its sockets, kept-alive ones too. Calling it again is harmless. */
  close(): Promise<void>;
}

export async function startEmulator(options: StartEmulatorOptions): Promise<RunningEmulator> {
  const dataDir = resolveDataDir(options.dataDir);
  const tls = loadOrCreateTls(dataDir);
  const signingKey = loadOrCreateSigningKey(dataDir);
  const directory = structuredClone(options.directory ?? demoDirectory());
  const stats = createStats();
  const issued = createIssuedSecrets();
  const faults = createFaults({ exemptPathPrefix: CONTROL_PATH });
  const server = await listenHttps({ port: options.port ?? 0, tls, stats });
  const clock = createClock(options.now);
  const origin = `https://localhost:${server.port}`;

  const identity = createIdentityPlatform({
    origin,
    directory,
    clients: options.clients,
    signingKey,
    dataDir,
    accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? 3600,
    ...(options.deviceCodeIntervalSeconds === undefined
      ? {}
      : { deviceCodeIntervalSeconds: options.deviceCodeIntervalSeconds }),
    ...(options.deviceCodeLifetimeSeconds === undefined
      ? {}
      : { deviceCodeLifetimeSeconds: options.deviceCodeLifetimeSeconds }),
    onGrant: (grantType) => stats.grant(grantType),
    now: clock.now,
  });
  const devops = createDevOps({
    directory,
    seed: options.seed ?? 'demo',
    verifyAccessToken: identity.verifyAccessToken,
    origin,
    now: clock.now,
  });
  const graph = createGraph({
    directory,
    identity,
    onSecretIssued: (secret) => issued.record('client_secret', secret),
    now: clock.now,
  });
  const keyVault = createKeyVault({ directory, origin, verifyAccessToken: identity.verifyAccessToken });
  if ((options.seed ?? 'demo') === 'demo') seedDemoVaultSecrets(directory, devops.control, keyVault.control);
  const webhooks = createWebhookSink(clock.now);
  const control = createEmulatorControl({
    directory,
    identity,
    faults,
    stats,
    issued,
    devops: devops.control,
    graph: graph.applications,
    clock,
    keyVault: keyVault.control,
    outbox: graph.outbox,
    webhooks: webhooks.control,
  });
  const controlKey = randomBytes(24).toString('base64url');
  const controlRouter = createControlRouter(control, {
    controlKey,
    devopsControlRouter: devops.controlRouter,
    keyVaultControlRouter: keyVault.controlRouter,
  });
  let closing: Promise<void> | undefined;
  server.serve(
    createEmulatorApp(
      {
        identity: identity.router,
        pats: devops.patsRouter,
        profile: devops.profileRouter,
        audit: devops.auditRouter,
        control: controlRouter,
        graph: graph.router,
        keyVault: keyVault.router,
        webhooks: webhooks.handler,
      },
      { faults, stats, issued, clock },
    ),
  );

  return {
    origin,
    tenantId: directory.tenantId,
    caCertificatePem: tls.caCertificatePem,
    caCertificateFile: tls.caCertificateFile,
    urls: {
      identity: origin,
      pats: `${origin}/vssps`,
      profile: `${origin}/app-vssps`,
      audit: `${origin}/auditservice`,
      graph: `${origin}/graph`,
      keyVaultHostSuffix: '.vault.localhost',
    },
    controlKey,
    control,
    close() {
      // Idempotent: a test's own close and its cleanup hook may both call it.
      closing ??= (faults.dispose(), server.close());
      return closing;
    },
  };
}
