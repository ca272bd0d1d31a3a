// Starts the emulator and the real app wired to it, on free ports, for one test file. Everything
// is real: msal-node, the HTTP client, the session store, the templates; only the base URLs point
// at the emulator. Log lines are kept so tests can inspect them (and check no secret is there).
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../../src/config/config.ts';
import { settingsForEmulator } from '../../src/demo/demo-environment.ts';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from '../../src/emulator/index.ts';
import { createLogger } from '../../src/logging.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { TestBrowser } from './browser.ts';
import { collectLogLines } from './log-lines.ts';
import { secretsInLog } from './log-secrets.ts';
import { movableClock, type MovableClock } from './clock.ts';

export const TEST_CLIENT_ID = '0b1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3';

export interface Harness {
  emulator: RunningEmulator;
  app: RunningServer;
  appUrl: string;
  config: AppConfig;
  clientSecret: string;
  logLines: string[];
  browser(): TestBrowser;
  /** The data folder of this run (session and activity files, the emulator's CA). */
  dataDir: string;
  /** The one clock the app's jobs and the emulator's token times read; tests move it instead of waiting. */
  clock: MovableClock;
  /** Restarts the app (same session file; the same settings but for `changes`) as a deployment would. */
  restartApp(changes?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface HarnessOptions {
  emulator?: Partial<StartEmulatorOptions>;
  env?: Record<string, string>;
  /** Called after each phase of an automatic rotation is saved: a throw there plays a process that dies. */
  afterRotationPhase?: (phase: string) => void | Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pat-manager-test-'));
  const port = await freePort();
  const appUrl = `http://localhost:${port}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const clock = movableClock();
  const emulator = await startEmulator({
    now: clock.now,
    port: 0,
    dataDir: join(dataDir, 'emulator'),
    seed: 'demo',
    clients: [
      {
        clientId: TEST_CLIENT_ID,
        clientSecret,
        redirectUris: [`${appUrl}/getAToken`],
        postLogoutRedirectUris: [`${appUrl}/`],
      },
    ],
    ...options.emulator,
  });
  const settings = {
    NODE_ENV: 'test',
    PORT: String(port),
    DEMO_MODE: 'true',
    ...settingsForEmulator(emulator, TEST_CLIENT_ID, clientSecret),
    UPSTREAM_TIMEOUT_MS: '2000',
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    TOKEN_CACHE_KEYS: randomBytes(32).toString('base64'),
    SESSION_SQLITE_FILE: join(dataDir, 'sessions.sqlite'),
    ACTIVITY_SQLITE_FILE: join(dataDir, 'activity.sqlite'),
    VAULT_LINKS_SQLITE_FILE: join(dataDir, 'vault-links.sqlite'),
    JOBS_SQLITE_FILE: join(dataDir, 'jobs.sqlite'),
    // Jobs run when a test says so (runDueJobs), never behind its back.
    JOBS_POLL_SECONDS: '3600',
    // Suites sign in hundreds of times from one address; the security suite tests the limit itself.
    SIGN_IN_RATE_LIMIT: '100000',
    LOG_LEVEL: 'info',
    ...options.env,
  };
  let config = loadConfig(settings);
  const { lines: logLines, sink } = collectLogLines();
  const logger = createLogger(config.logLevel, sink);
  const serverOptions = { clock, afterRotationPhase: (phase: string) => options.afterRotationPhase?.(phase) };
  let app = await startServer(config, logger, serverOptions);

  return {
    emulator,
    get app() {
      return app;
    },
    appUrl,
    get config() {
      return config;
    },
    dataDir,
    clientSecret,
    clock,
    logLines,
    browser: () => new TestBrowser(emulator.caCertificatePem),
    async restartApp(changes = {}) {
      await app.close();
      config = loadConfig({ ...settings, ...changes });
      app = await startServer(config, logger, serverOptions);
    },
    async close() {
      await app.close();
      // No access, refresh or ID token, PAT secret or client secret may ever reach the log.
      const leaked = secretsInLog(logLines, [
        ...emulator.control.issuedSecrets(),
        { kind: 'client secret', value: clientSecret },
      ]);
      await emulator.close();
      if (leaked.length > 0) throw new Error(`secrets in the app's log: ${leaked.join(', ')}`);
    },
  };
}
