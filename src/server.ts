// Builds the app from its configuration and serves it; stops gracefully on request.
import type { Server } from 'node:http';
import { createIdentityNetworkClient } from './auth/identity-network-client.ts';
import { createAuthService } from './auth/auth-service.ts';
import type { AppConfig } from './config/config.ts';
import { createDevOpsClient } from './devops/client.ts';
import { createAuditLogClient } from './admin/audit-log-client.ts';
import { createTokenAdminClient } from './admin/token-admin-client.ts';
import { gracefulClose } from './http/graceful-close.ts';
import { createHttpsAgent } from './http/https-agent.ts';
import { createVaultLinks } from './keyvault/vault-links.ts';
import { createVaultSecrets } from './keyvault/vault-secrets.ts';
import type { Logger } from './logging.ts';
import { createSealer } from './storage/sealing.ts';
import { createStorage } from './storage/storage.ts';
import { createApp } from './web/app.ts';
import { createLeakNotices } from './admin/leak-notices.ts';
import { tenantOf } from './admin/person-id.ts';
import { leakedTokens } from './admin/token-history.ts';
import { systemClock, type Clock } from './clock.ts';
import { createAutomations } from './automation/automations.ts';
import { createAutomationService } from './automation/automation-service.ts';
import { rotationRun } from './automation/rotation-run.ts';
import { createJobEngine } from './jobs/create-job-engine.ts';
import { handlerByKind, type JobHandler } from './jobs/job-engine.ts';
import { createAuditGatherings } from './admin/audit-gatherings.ts';
import { gatherAudit, type AuditResult } from './admin/gather.ts';
import { notificationSettings } from './notifications/notification-settings.ts';
import { createReminderService } from './notifications/reminder-service.ts';
import { createSenders } from './notifications/senders.ts';
import { createAuditDigest } from './notifications/audit-digest.ts';
import { boundedConcurrency } from './admin/bounded.ts';
import { offlineTokenCaches } from './storage/offline-token-caches.ts';
import { createTokenLifecycle } from './tokens/lifecycle.ts';
import type { Readiness } from './web/routes/health-routes.ts';

export interface RunningServer {
  server: Server;
  url: string;
  /** Runs every job due now and waits for them (the tests' and the demo's "the poll came"). */
  runDueJobs(): Promise<number>;
  close(): Promise<void>;
}

/** With AUTOMATION=false, jobs made while it was on wait (a day at a time) until it is on again. */
const offWhileDisabled = (clock: Clock): JobHandler => ({
  run: async () => ({ next: 'at', runAt: clock.now() + 24 * 3600_000 }),
  gaveUp: async () => {},
});

export async function startServer(
  config: AppConfig,
  logger: Logger,
  options: {
    port?: number;
    /** What jobs take for now: the tests' and the demo's movable clock. */
    clock?: Clock;
    /** Called after each phase of an automatic rotation is saved (the tests' crash point). */
    afterRotationPhase?: (phase: string) => void | Promise<void>;
  } = {},
): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const agent = createHttpsAgent({ ca: config.upstream.ca, localhostNamesToPort: config.demoEmulatorPort });
  const networkClient = createIdentityNetworkClient({ agent, timeoutMs: config.upstream.timeoutMs, logger });
  const sealer = createSealer(config.tokenCacheKeys);
  const storage = createStorage(config, logger, sealer);
  const auth = createAuthService({
    config,
    networkClient,
    tokenCache: storage.tokenCache,
    sealer,
    logger,
    offlineCaches: offlineTokenCaches(storage.offlineCaches, sealer, logger),
  });
  const readiness = async (): Promise<Readiness> => {
    if (closer.closing) return 'stopping';
    return storage.ping().then(
      () => 'ready' as const,
      () => 'store-unavailable' as const,
    );
  };
  const devops = createDevOpsClient({
    patsBaseUrl: config.devops.patsBaseUrl,
    profileBaseUrl: config.devops.profileBaseUrl,
    timeoutMs: config.upstream.timeoutMs,
    httpsAgent: agent,
    logger,
  });
  const tokenAdmin = createTokenAdminClient({
    baseUrl: config.devops.patsBaseUrl,
    timeoutMs: config.upstream.timeoutMs,
    httpsAgent: agent,
    logger,
  });
  const auditLog = createAuditLogClient({
    baseUrl: config.devops.auditBaseUrl,
    timeoutMs: config.upstream.timeoutMs,
    httpsAgent: agent,
    logger,
  });
  const vaultSecrets = createVaultSecrets({ agent, timeoutMs: config.upstream.timeoutMs });
  const vaultLinks = createVaultLinks(storage.records);
  const lifecycle = createTokenLifecycle({
    devops,
    activity: storage.activity,
    vaultSecrets,
    vaultLinks,
    hostSuffixes: config.keyVault.hostSuffixes,
  });
  const automations = createAutomations(storage.records);
  const engine = createJobEngine(storage.jobs, { clock, pollSeconds: config.automation.pollSeconds, logger });
  const reminderSettings = notificationSettings(storage.records);
  const senders = createSenders({ graphBaseUrl: config.graph.baseUrl, agent, timeoutMs: config.upstream.timeoutMs });
  const reminders = createReminderService({
    settings: reminderSettings,
    deliveries: storage.deliveries,
    engine,
    auth,
    devops,
    automations,
    senders,
    sealer,
    clock,
    baseUrl: config.baseUrl,
    at: config.reminders.at,
    record: (person, entry) => storage.activity.record(person, { action: 'remind', ...entry }),
  });
  const automation = createAutomationService({
    automations,
    engine,
    auth,
    clock,
    logger,
    run: rotationRun({
      devops,
      vaultSecrets,
      vaultLinks,
      lifecycle,
      automations,
      sealer,
      clock,
      hostSuffixes: config.keyVault.hostSuffixes,
      afterPhase: options.afterRotationPhase,
    }),
    offlineAccessNeeded: async (person) => (await reminderSettings.get(person)) !== undefined,
    record: (person, item, changes) =>
      storage.activity.record(person, {
        action: 'edit',
        organization: item.organization,
        tokenId: item.authorizationId,
        tokenName: item.tokenName,
        changes,
      }),
  });
  const auditLimiter = boundedConcurrency(config.auditConcurrency);
  // Leak notices (issue 26): after every gathered audit (the page's or the weekly digest's), the owners
  // of leaked tokens are told on their token list. Never throws. A job has no session: the tenant is
  // the administrator's, from their person id.
  const leakNotices = createLeakNotices(storage.records, logger);
  const recordLeaks = (person: string, audit: AuditResult) =>
    leakNotices.record(audit, leakedTokens(audit, new Date(clock.now())), tenantOf(person));
  const digest = createAuditDigest({
    settings: reminderSettings,
    deliveries: storage.deliveries,
    records: storage.records,
    engine,
    auth,
    devops,
    tokenAdmin,
    auditLog,
    onGathered: recordLeaks,
    limiter: auditLimiter,
    limits: config.auditLimits,
    senders,
    sealer,
    clock,
    baseUrl: config.baseUrl,
    at: config.reminders.at,
  });
  const auditGatherings = createAuditGatherings({
    slots: storage.auditGatherings,
    sealer,
    engine,
    logger,
    onGathered: recordLeaks,
    gather: (options) =>
      gatherAudit({
        client: tokenAdmin,
        auditLog,
        now: () => clock.now(),
        limiter: auditLimiter,
        limits: config.auditLimits,
        ...options,
      }),
  });
  // The audit always runs on the engine; with AUTOMATION=false, nothing else does.
  const automatic = config.automation.enabled
    ? { rotation: automation.handler, reminders: reminders.handler, digest: digest.handler }
    : { rotation: offWhileDisabled(clock), reminders: offWhileDisabled(clock), digest: offWhileDisabled(clock) };
  engine.start(handlerByKind({ ...automatic, audit: auditGatherings.handler }));
  const app = createApp({
    config,
    logger,
    auth,
    devops,
    tokenAdmin,
    auditGatherings,
    clock,
    activity: storage.activity,
    leakNotices,
    sessionStore: storage.sessionStore,
    claims: storage.claims,
    readiness,
    vaultSecrets,
    vaultLinks,
    lifecycle,
    automation: config.automation.enabled ? automation : undefined,
    reminders: config.automation.enabled ? reminders : undefined,
    digest: config.automation.enabled ? digest : undefined,
    auditLimiter,
    rateLimitStore: storage.rateLimitStore,
  });

  const server = await new Promise<Server>((resolve, reject) => {
    // Express 5 calls this callback with the error too (a taken port): only no error means listening.
    const listening = app.listen(options.port ?? config.port, config.host, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  }).catch(async (error: unknown) => {
    // Not serving after all: don't leave a Redis connection retrying in the background.
    await engine.close();
    await storage.close();
    agent.destroy();
    throw error;
  });
  const closer = gracefulClose(server);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  return {
    server,
    url: `http://localhost:${port}`,
    runDueJobs: () => engine.runDue(),
    // Stop accepting, let requests in flight finish (until the deadline), then release the store
    // and upstream sockets.
    async close() {
      await closer.close(config.shutdownTimeoutMs);
      await engine.close();
      await storage.close();
      agent.destroy();
    },
  };
}
