// Automatic rotation at scale (issue 24): BENCH_ROTATIONS (1,000) tokens in Ada's vault, each with
// rotation turned on, all due at once, with every Azure DevOps PAT call and every Key Vault call
// delayed. Run by one instance on the embedded SQLite job engine, then, in a second environment, by
// two instances sharing Redis on BullMQ, both sweeping at the same moment. Each instance is a
// process of its own (bench/app-process.ts), so the two use both cores; the emulator and
// redis-server are processes of their own too. Setup goes through the app's pages (the new-token
// form into the vault, then "Rotate automatically") and is not timed. Then the emulator's clock and
// the apps' move past the due day and `runDueJobs()` is timed until nothing is left to run. Each
// rotation is checked to have happened exactly once, in the emulator. `npx node bench/rotations.ts`
// runs it on its own.
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DAY_MS } from '../src/days.ts';
import type { EmulatorStats } from '../src/emulator/index.ts';
import { startRedis } from '../test/support/redis-server.ts';
import type { Child, Memory } from './child.ts';
import type { EmulatorReady, TokenSummary } from './emulator-process.ts';
import { startInstances, type Instances } from './environment.ts';
import { createHttpClient, form, setCookie, type HttpClient } from './http-client.ts';
import { ADA_ID } from './people.ts';
import { load, machine, mb, verdicts, type Verdict } from './report.ts';
import { signIn } from './sessions.ts';

const VAULT = 'ada-pats';
/** Sessions of Ada's that set the rotations up, each one form at a time. */
const SETUP_SESSIONS = 12;
const TURN_ON = { whenDaysLeft: '7', lifetimeDays: '30', keepOldDays: '0' };
/** A 30-day token with "rotate when 7 days are left" is due after 23 days; a little more, for the setup's minute. */
const ADVANCE_MS = 23.01 * DAY_MS;
const SAMPLE_MS = 100;

interface Measured {
  label: string;
  instances: number;
  seconds: number;
  /** Sweeps until one ran nothing (a kept-old step due at once needs another on BullMQ). */
  sweeps: number;
  upstream: { total: number; byRoute: Array<[string, number]> };
  /** Per instance, during the timed run (sampled every 100 ms) and since it started (setup included). */
  peakRssBytes: number[];
  maxRssSinceStartBytes: number[];
  /** CPU time per rotation: each instance's, and the emulator's. */
  cpuMsPerRotation: number[];
  emulatorCpuMsPerRotation: number;
  check: { ok: boolean; detail: string };
}

export async function measureRotations(options: {
  count: number;
  delayMs: number;
  progress?: (line: string) => void;
}): Promise<{ lines: string[]; verdicts: Verdict[] }> {
  const { count, delayMs } = options;
  const progress = options.progress ?? (() => undefined);

  const one = await inEnvironment({ instances: 1, movableClock: true, settings: jobSettings }, (env) =>
    setUpAndRun(env, 'one instance, embedded SQLite job engine', count, delayMs, progress),
  );
  const redis = await startRedis();
  // Instances sharing Redis share their secrets too: either must open the other's sessions and caches.
  const sharedSecrets = {
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    TOKEN_CACHE_KEYS: randomBytes(32).toString('base64'),
  };
  let two: Measured;
  try {
    two = await inEnvironment(
      {
        instances: 2,
        movableClock: true,
        settings: (context) => ({
          ...jobSettings(context),
          ...sharedSecrets,
          SESSION_STORE: 'redis',
          REDIS_URL: redis.url,
          REDIS_KEY_PREFIX: 'patmanager-bench:',
        }),
      },
      (env) => setUpAndRun(env, 'two instances, BullMQ on one Redis', count, delayMs, progress),
    );
  } finally {
    await redis.close();
  }

  const speedUp = one.seconds / two.seconds;
  const lines = [
    `${count} due rotations (30-day tokens in Key Vault, rotate at 7 days left, old token revoked at once); every PAT and Key Vault call delayed ${delayMs} ms; each instance a process of its own, 8 rotations at a time per instance (the engines' concurrency)`,
    ...[one, two].flatMap((run) => describe(run, count)),
    `  speed-up of two instances over one: ${speedUp.toFixed(2)}x (${(count / one.seconds).toFixed(1)} -> ${(count / two.seconds).toFixed(1)} rotations/s)`,
  ];
  const verdicts: Verdict[] = [
    ...[one, two].map((run) => ({
      target: `every due rotation runs exactly once (${run.label})`,
      pass: run.check.ok,
      detail: run.check.detail,
    })),
    {
      target: 'two instances on BullMQ against one on SQLite',
      pass: undefined,
      detail: `${speedUp.toFixed(2)}x the rotations per second (${one.seconds.toFixed(1)} s -> ${two.seconds.toFixed(1)} s for ${count} rotations)`,
    },
  ];
  return { lines, verdicts };
}

/** Key Vault on the emulator (as the demo sets it up), and jobs run only when the benchmark says. */
function jobSettings({ emulator }: { emulator: EmulatorReady }): Record<string, string> {
  return {
    KEY_VAULT_HOST_SUFFIXES: emulator.urls.keyVaultHostSuffix,
    // Its vaults' addresses have no port: the app's HTTPS agent sends `*.localhost` there (demo mode only).
    DEMO_EMULATOR_PORT: new URL(emulator.origin).port,
    // Only the benchmark's runDueJobs() runs jobs: the poll would otherwise come in the middle.
    JOBS_POLL_SECONDS: '3600',
  };
}

function describe(run: Measured, count: number): string[] {
  const perRotation = run.upstream.total / count;
  const routes = run.upstream.byRoute.map(([route, calls]) => `${(calls / count).toFixed(2)} ${route}`).join(', ');
  const each = (values: number[], format: (value: number) => string) => values.map(format).join(' and ');
  return [
    `  ${run.label}: ${run.seconds.toFixed(1)} s, ${(count / run.seconds).toFixed(1)} rotations/s (${run.sweeps} sweeps, the last finding nothing)`,
    `    upstream calls per rotation: ${perRotation.toFixed(2)} (${routes})`,
    `    CPU per rotation: the app's ${each(run.cpuMsPerRotation, (ms) => `${ms.toFixed(1)} ms`)}${run.instances > 1 ? ` (${run.cpuMsPerRotation.reduce((sum, ms) => sum + ms, 0).toFixed(1)} ms in all)` : ''}, the emulator's ${run.emulatorCpuMsPerRotation.toFixed(1)} ms`,
    `    peak RSS during the run ${each(run.peakRssBytes, mb)} (most since start, setup included: ${each(run.maxRssSinceStartBytes, mb)})`,
  ];
}

async function inEnvironment<T>(
  options: Parameters<typeof startInstances>[0],
  body: (env: Instances) => Promise<T>,
): Promise<T> {
  const env = await startInstances(options);
  try {
    return await body(env);
  } finally {
    await env.stop();
  }
}

async function setUpAndRun(
  env: Instances,
  label: string,
  count: number,
  delayMs: number,
  progress: (line: string) => void,
): Promise<Measured> {
  const { emulator, apps } = env;
  const setupStarted = performance.now();
  const names = Array.from({ length: count }, (_, index) => `rotation-${String(index + 1).padStart(5, '0')}`);
  const olds = await setUp(env, names);
  progress(
    `Rotations (${label}): ${count} set up through the pages in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
  );

  const faults = await Promise.all(
    (['pats', 'keyvault'] as const).map((target) => emulator.call<{ id: string }>('injectFault', { target, delayMs })),
  );
  await emulator.call('advanceClock', ADVANCE_MS);
  for (const { app } of apps) await app.call('advanceClock', ADVANCE_MS);
  const children: Array<Child<unknown>> = [...apps.map(({ app }) => app), emulator];
  const before = await Promise.all(children.map((child) => child.memory()));
  const statsBefore = await emulator.call<EmulatorStats>('stats');
  const peaks = apps.map(() => 0);
  const sampler = setInterval(() => {
    for (const [index, { app }] of apps.entries())
      void app.memory().then((memory) => (peaks[index] = Math.max(peaks[index]!, memory.rssBytes)));
  }, SAMPLE_MS);

  const started = performance.now();
  let sweeps = 0;
  for (;;) {
    sweeps += 1;
    const ran = await Promise.all(apps.map(({ app }) => app.call<number>('runDueJobs')));
    if (ran.every((jobs) => jobs === 0)) break;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);

  const statsAfter = await emulator.call<EmulatorStats>('stats');
  const after = await Promise.all(children.map((child) => child.memory()));
  for (const fault of faults) await emulator.call('removeFault', fault.id);
  const check = await checkOnce(emulator, names, olds, countCreates(statsAfter) - countCreates(statsBefore));
  progress(`Rotations (${label}): ${count} run in ${seconds.toFixed(1)} s`);

  const cpuPerRotation = (index: number) => (after[index]!.cpuMs - before[index]!.cpuMs) / count;
  return {
    label,
    instances: apps.length,
    seconds,
    sweeps,
    upstream: {
      total: statsAfter.requestsTotal - statsBefore.requestsTotal,
      byRoute: Object.entries(statsAfter.requests)
        .map(([route, calls]): [string, number] => [route, calls - (statsBefore.requests[route] ?? 0)])
        .filter(([, calls]) => calls > 0)
        .sort((a, b) => b[1] - a[1]),
    },
    peakRssBytes: peaks.map((peak, index) => Math.max(peak, after[index]!.rssBytes)),
    maxRssSinceStartBytes: after.slice(0, apps.length).map((memory: Memory) => memory.peakRssBytes),
    cpuMsPerRotation: apps.map((_, index) => cpuPerRotation(index)),
    emulatorCpuMsPerRotation: cpuPerRotation(apps.length),
    check,
  };
}

const countCreates = (stats: EmulatorStats) =>
  Object.entries(stats.requests)
    .filter(([route]) => route.startsWith('POST ') && route.includes('/_apis/tokens/pats'))
    .reduce((sum, [, calls]) => sum + calls, 0);

/** Each name: its old token revoked, exactly one new one live, the secret's second version; one create each. */
async function checkOnce(
  emulator: Child<EmulatorReady>,
  names: string[],
  olds: Map<string, string>,
  creates: number,
): Promise<{ ok: boolean; detail: string }> {
  const tokens = await emulator.call<TokenSummary[]>('tokens', ADA_ID);
  const versions = await emulator.call<number[]>(
    'secretVersionCounts',
    VAULT,
    names.map((name) => `${name}-pat`),
  );
  const wrong = names.filter((name, index) => {
    const named = tokens.filter((token) => token.displayName === name);
    const old = named.find((token) => token.authorizationId === olds.get(name));
    const live = named.filter((token) => !token.revoked);
    return named.length !== 2 || !old?.revoked || live.length !== 1 || versions[index] !== 2;
  });
  const ok = wrong.length === 0 && creates === names.length;
  return {
    ok,
    detail: `${creates} tokens created for ${names.length} rotations; ${names.length - wrong.length} with the old token revoked, one new token live and a second secret version${wrong.length ? `; not so: ${wrong.slice(0, 3).join(', ')}` : ''}`,
  };
}

/**
 * Through the first instance's pages, as Ada: every token made into her vault with the new-token
 * form, then rotation turned on from its page. Sessions work side by side, each one form at a time.
 */
async function setUp(env: Instances, names: string[]): Promise<Map<string, string>> {
  const { emulator, appUrl } = env;
  const client = createHttpClient({ ca: emulator.ready.caCertificatePem, maxSockets: SETUP_SESSIONS * 2 });
  try {
    const vaultUrl = await emulator.call<string>('vaultUrl', VAULT);
    const sessions = await Promise.all(
      Array.from({ length: Math.min(SETUP_SESSIONS, names.length) }, () => vaultSession(client, appUrl)),
    );
    const share = (index: number) => names.filter((_, at) => at % sessions.length === index);
    await Promise.all(
      sessions.map(async (session, index) => {
        for (const name of share(index)) await createIntoVault(client, appUrl, session, name, vaultUrl);
      }),
    );
    const ids = new Map(
      (await emulator.call<TokenSummary[]>('tokens', ADA_ID))
        .filter((token) => !token.revoked)
        .map((token) => [token.displayName, token.authorizationId]),
    );
    await Promise.all(
      sessions.map(async (session, index) => {
        for (const name of share(index)) await turnOn(client, appUrl, session, ids.get(name)!);
      }),
    );
    return new Map(names.map((name) => [name, ids.get(name)!]));
  } finally {
    client.close();
  }
}

interface Session {
  cookie: string;
  csrf: string;
}

/** Signed in, consented to Key Vault (the sign-in that asks for it, as a first vault form would), with the session's CSRF token. */
async function vaultSession(client: HttpClient, appUrl: string): Promise<Session> {
  const signedIn = await signIn(client, appUrl, ADA_ID);
  const consent = await client.send('GET', `${appUrl}/vault/consent?returnTo=%2F`, { headers: { cookie: signedIn } });
  const started = setCookie(consent.headers, 'patmanager.signin');
  if (consent.status !== 303 || !started || !consent.headers.location)
    throw new Error(`/vault/consent answered ${consent.status}`);
  const authorize = new URL(consent.headers.location);
  const reply = await client.send('POST', `${authorize.origin}${authorize.pathname}`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ ...Object.fromEntries(authorize.searchParams), person: ADA_ID }),
  });
  if (reply.status !== 302 || !reply.headers.location)
    throw new Error(`the emulator's authorize answered ${reply.status} to the Key Vault consent`);
  const back = await client.send('GET', reply.headers.location, { headers: { cookie: `${signedIn}; ${started}` } });
  const cookie = setCookie(back.headers, 'patmanager.sid');
  if (back.status !== 303 || !cookie) throw new Error(`/getAToken answered ${back.status} to the Key Vault consent`);
  const page = await client.send('GET', `${appUrl}/tokens/new`, { headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (page.status !== 200 || !csrf) throw new Error(`the new token form answered ${page.status}`);
  return { cookie, csrf };
}

async function post(client: HttpClient, url: string, session: Session, fields: Record<string, string | string[]>) {
  return client.send('POST', url, {
    headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ _csrf: session.csrf, ...fields }),
  });
}

async function createIntoVault(client: HttpClient, appUrl: string, session: Session, name: string, vaultUrl: string) {
  const page = await post(client, `${appUrl}/tokens`, session, {
    formKey: randomUUID(),
    displayName: name,
    expiry: '30',
    organizations: 'this',
    access: 'custom',
    scopes: ['vso.code'],
    destination: 'vault',
    vaultUrl,
    secretName: `${name}-pat`,
  });
  if (page.status !== 200 || !page.body.includes('created and stored in Key Vault'))
    throw new Error(`creating ${name} into the vault answered ${page.status}: ${errorsOn(page.body)}`);
}

async function turnOn(client: HttpClient, appUrl: string, session: Session, authorizationId: string) {
  const page = await post(client, `${appUrl}/tokens/${authorizationId}/automation`, session, TURN_ON);
  if (page.status !== 303 || !page.headers.location?.endsWith('/automation'))
    throw new Error(`turning rotation on for ${authorizationId} answered ${page.status}: ${errorsOn(page.body)}`);
}

/** What a page sent back says is wrong, for the error a failed setup throws. */
const errorsOn = (body: string) =>
  [...body.matchAll(/<li[^>]*>\s*<a href="#[^"]*">([^<]+)<\/a>/g)].map((match) => match[1]).join('; ') ||
  body
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .slice(0, 300);

if (import.meta.main) {
  const began = performance.now();
  const startLoad = load();
  const { lines, verdicts: targets } = await measureRotations({
    count: Number(process.env.BENCH_ROTATIONS ?? 1000),
    delayMs: Number(process.env.BENCH_UPSTREAM_DELAY_MS ?? 20),
    progress: (line) => console.log(`${line} [${((performance.now() - began) / 1000).toFixed(0)} s]`),
  });
  console.log(
    [
      '',
      `Automatic rotation (bench/rotations.ts), ${new Date().toISOString().slice(0, 16)}Z`,
      `Machine: ${machine()}; ${startLoad} at the start, ${load()} at the end`,
      ...lines,
      '',
      verdicts(targets),
    ].join('\n'),
  );
}
