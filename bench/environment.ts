// Starts what the benchmark measures, each in a process of its own on loopback: the emulator, PAT
// Manager wired to it (as the tests wire it), the ceiling server, and for bench/versus.ts the app of
// another checkout.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startChild, type Child } from './child.ts';
import { createHttpClient } from './http-client.ts';
import type { EmulatorReady } from './emulator-process.ts';
import { freePort } from '../test/support/harness.ts';

export const BENCH_CLIENT_ID = '7d2e9f40-1c3b-4a5d-8e6f-9a0b1c2d3e4f';

/** A PAT Manager process and the address it listens on (http://127.0.0.1:port). */
export interface RunningApp {
  app: Child<{ url: string }>;
  appUrl: string;
}

export interface Environment extends RunningApp {
  emulator: Child<EmulatorReady>;
  /** The app of another checkout (`otherTree`), wired the same way with files of its own. */
  other: RunningApp | undefined;
  /** The ceiling server, given the access token it lists with; it throws unless its page answers 200. */
  startCeiling(
    organizations: Array<{ accountId: string; accountName: string }>,
    accessToken: string,
  ): Promise<Child<{ url: string }>>;
  stop(): Promise<void>;
}

/** Every app started, the first also as `app` and `appUrl`. */
export type Instances = Omit<Environment, 'other'> & { apps: RunningApp[] };

/** The Node options `npm start` runs the app with (package.json), so the measured app has them too. */
function startOptions(): string[] {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string };
  };
  return manifest.scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/**
 * Starts the emulator and this checkout's app; with `otherTree` (the root of another checkout of
 * PAT Manager, e.g. a `git worktree` of an earlier commit), that checkout's app as well.
 */
export async function startEnvironment(options: { otherTree?: string } = {}): Promise<Environment> {
  const scripts = [
    new URL('./app-process.ts', import.meta.url).pathname,
    ...(options.otherTree ? [resolve(options.otherTree, 'bench/app-process.ts')] : []),
  ];
  const env = await start(scripts, { movableClock: false, settings: () => ({}) });
  return { ...env, other: env.apps[1] };
}

/** The emulator and `instances` of this checkout's app, with settings of their own added (e.g. Redis). */
export async function startInstances(options: {
  instances: number;
  /** The emulator's clock moves with `advanceClock` (the apps' always can). */
  movableClock: boolean;
  settings(context: { index: number; files: string; emulator: EmulatorReady }): Record<string, string>;
}): Promise<Instances> {
  const script = new URL('./app-process.ts', import.meta.url).pathname;
  return start(
    Array.from({ length: options.instances }, () => script),
    options,
  );
}

async function start(
  scripts: string[],
  options: Omit<Parameters<typeof startInstances>[0], 'instances'>,
): Promise<Instances> {
  const ports = await Promise.all(scripts.map(() => freePort()));
  const baseUrls = ports.map((port) => `http://localhost:${port}`);
  const clientSecret = randomBytes(24).toString('base64url');
  const client = {
    clientId: BENCH_CLIENT_ID,
    clientSecret,
    redirectUris: baseUrls.map((url) => `${url}/getAToken`),
    postLogoutRedirectUris: baseUrls.map((url) => `${url}/`),
  };
  const children: Array<Child<unknown>> = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'pat-manager-bench-'));
  const emulator = await startChild<EmulatorReady>('./emulator-process.ts', {
    BENCH_CLIENT: JSON.stringify(client),
    ...(options.movableClock ? { BENCH_MOVABLE_CLOCK: '1' } : {}),
  });
  children.push(emulator);
  const apps: RunningApp[] = [];
  for (const [index, script] of scripts.entries()) {
    // Each app's SQLite files are its own (a process claims them), in a folder of their own.
    const files = join(dataDir, `app-${index}`);
    const app = await startChild<{ url: string }>(
      script,
      {
        NODE_ENV: 'production',
        PORT: String(ports[index]),
        HOST: '127.0.0.1',
        BASE_URL: baseUrls[index]!,
        DEMO_MODE: 'true',
        AZURE_CLIENT_ID: BENCH_CLIENT_ID,
        AZURE_CLIENT_SECRET: clientSecret,
        AZURE_TENANT_ID: emulator.ready.tenantId,
        IDENTITY_BASE_URL: emulator.ready.urls.identity,
        AZURE_DEVOPS_PATS_BASE_URL: emulator.ready.urls.pats,
        AZURE_DEVOPS_PROFILE_BASE_URL: emulator.ready.urls.profile,
        AZURE_DEVOPS_AUDIT_BASE_URL: emulator.ready.urls.audit,
        UPSTREAM_CA_FILE: emulator.ready.caCertificateFile,
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        TOKEN_CACHE_KEYS: randomBytes(32).toString('base64'),
        SESSION_STORE: 'sqlite',
        SESSION_SQLITE_FILE: join(files, 'sessions.sqlite'),
        ACTIVITY_SQLITE_FILE: join(files, 'activity.sqlite'),
        VAULT_LINKS_SQLITE_FILE: join(files, 'vault-links.sqlite'),
        JOBS_SQLITE_FILE: join(files, 'jobs.sqlite'),
        LOG_LEVEL: 'info',
        // Thousands of sign-ins from one address are what the bench does, not what it measures.
        SIGN_IN_RATE_LIMIT: '100000',
        ...options.settings({ index, files, emulator: emulator.ready }),
      },
      // BENCH_APP_LOG=1 shows the app's log; BENCH_APP_NODE_OPTIONS=--cpu-prof profiles it (after npm start's own).
      {
        quiet: !process.env.BENCH_APP_LOG,
        execArgv: [...startOptions(), ...(process.env.BENCH_APP_NODE_OPTIONS ?? '').split(' ').filter(Boolean)],
      },
    );
    children.push(app);
    apps.push({ app, appUrl: `http://127.0.0.1:${ports[index]}` });
  }

  return {
    emulator,
    ...apps[0]!,
    apps,
    async startCeiling(organizations, accessToken) {
      const ceiling = await startChild<{ url: string }>(
        './ceiling-process.ts',
        {
          BENCH_CA_FILE: emulator.ready.caCertificateFile,
          BENCH_PATS_URL: emulator.ready.urls.pats,
          BENCH_PROFILE_URL: emulator.ready.urls.profile,
          BENCH_ORGANIZATIONS: JSON.stringify(organizations),
        },
        { execArgv: startOptions() },
      ); // the same runtime (heap sizes) as the app, so their CPU compares
      children.push(ceiling);
      await ceiling.call('useAccessToken', accessToken);
      // A baseline that answers with an error page is fast and wrong: refuse to measure it.
      const client = createHttpClient();
      const probe = await client.send('GET', `${ceiling.ready.url}/`).finally(() => client.close());
      if (probe.status !== 200)
        throw new Error(`the ceiling's page answered ${probe.status}: ${probe.body.slice(0, 300)}`);
      return ceiling;
    },
    async stop() {
      for (const child of children.reverse()) await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
