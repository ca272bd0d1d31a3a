// `npm run bench`: PAT Manager against the emulator on loopback, with an injected upstream delay,
// measured against two baselines (the same page from a bare Express + EJS server, and the upstream
// call alone). Prints the figures, the ratios and a verdict per target. About seven minutes on two
// cores. Settings (environment): BENCH_SESSIONS (10000), BENCH_UPSTREAM_DELAY_MS (20),
// BENCH_SECONDS per measurement window (6), BENCH_ROUNDS of the list page against the ceiling (5),
// BENCH_MEMORY_SECONDS (60), BENCH_ROTATIONS (1000, 0 leaves them out); BENCH_PROFILE=file.cpuprofile
// keeps the CPU profile of the app whose top functions are printed (a window of its own at 10
// sessions, apart from the timed ones).
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEnvironment, BENCH_CLIENT_ID } from './environment.ts';
import { coldStartMs } from './cold-start.ts';
import { crossOrganization } from './cross-organization.ts';
import { measureAudit } from './audit.ts';
import { createFlow } from './create-flow.ts';
import { createHttpClient } from './http-client.ts';
import { runLoad } from './load.ts';
import { ADA_ID, DEMO_ORGANIZATIONS } from './people.ts';
import { load, machine, MB, mb, ms, percent, table, verdicts, type Row, type Verdict } from './report.ts';
import { alternate, cpuOf, median, medianWindow } from './paired.ts';
import { topSelfTime } from './profile-summary.ts';
import { renewals } from './renewals.ts';
import { measureRotations } from './rotations.ts';
import { signInMany } from './sessions.ts';
import type { SqlTraffic, StoreTraffic } from './store-traffic.ts';
import { runUpstream } from './upstream.ts';
import type { Memory } from './child.ts';
import type { EmulatorStats } from '../src/emulator/index.ts';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SESSIONS = setting('BENCH_SESSIONS', 10_000);
const DELAY_MS = setting('BENCH_UPSTREAM_DELAY_MS', 20);
const SECONDS = setting('BENCH_SECONDS', 6);
/** Rounds of back-to-back windows of the list page and the ceiling (bench/paired.ts). */
const ROUNDS = setting('BENCH_ROUNDS', 5);
const MEMORY_SECONDS = setting('BENCH_MEMORY_SECONDS', 60);
/** Due automatic rotations, run by one instance and then by two (bench/rotations.ts). */
const ROTATIONS = setting('BENCH_ROTATIONS', 1000);
const WARM_UP_SECONDS = 2;
/**
 * Right after the burst of sign-ins, the app's heap and its CPU per page take about 40 s of pages at
 * 50 sessions to settle (RSS every 10 s from the first page: 227, 227, 235, 245, 245, 245 MB); the
 * memory run, and everything after it, measure the app as it then stays.
 */
const MEMORY_WARM_UP_SECONDS = 40;
const FEW = 10;
const MANY = 50;
/** The profile and the session store's traffic are measured in windows of their own. */
const PROFILE_SECONDS = 5;
const STORE_TRAFFIC_SECONDS = 3;
const COLD_STARTS = 3;
const RENEWAL_ROUNDS = 5;
/**
 * Keep-alive: every connection the app opens to Azure DevOps serves many calls. (Not "at most one
 * per session": idle connections close after 30 s by design, and the list page idles at 50
 * sessions while the ceiling and the 10-session windows run.)
 */
const MIN_CALLS_PER_CONNECTION = 100;

const began = performance.now();
const log = (line: string) => console.log(line);
const elapsed = () => `${((performance.now() - began) / 1000).toFixed(0)} s`;

log(`PAT Manager benchmark, ${new Date().toISOString().slice(0, 16)}Z`);
log(`Machine: ${machine()}; ${load()} at the start`);
log(`Upstream: the emulator over HTTPS on loopback, every PAT call delayed ${DELAY_MS} ms (injected fault)`);
log('');

// 0. Cold start, before anything else runs: `npm start` in demo mode to the first 200 on /healthz.
const coldStarts: number[] = [];
for (let run = 0; run < COLD_STARTS; run++) coldStarts.push(await coldStartMs());
const coldStart = [...coldStarts].sort((a, b) => a - b)[Math.floor(COLD_STARTS / 2)]!;
log(
  `Cold start (npm start, demo mode, to the first 200 on /healthz): ${coldStarts.map((value) => value.toFixed(0)).join(', ')} ms [${elapsed()}]`,
);

// Then automatic rotation, in environments of its own (one instance on SQLite, two on BullMQ), stopped
// before the main one starts.
const rotations =
  ROTATIONS > 0
    ? await measureRotations({
        count: ROTATIONS,
        delayMs: DELAY_MS,
        progress: (line) => log(`${line} [${elapsed()}]`),
      })
    : undefined;

const env = await startEnvironment();
try {
  const { emulator, app, appUrl } = env;
  const ca = emulator.ready.caCertificatePem;
  await emulator.call('injectFault', { target: 'pats', delayMs: DELAY_MS });

  // 1. Sessions through the real sign-in flow, and the app's memory as they pile up.
  const atStart = await app.memory();
  let atThousand: Memory | undefined;
  const signInStarted = performance.now();
  const cookies = await signInMany({
    appUrl,
    ca,
    objectId: ADA_ID,
    count: SESSIONS,
    concurrency: 8,
    progress: async (done) => {
      if (done === 1_000) atThousand = await app.memory();
    },
  });
  const signInSeconds = (performance.now() - signInStarted) / 1000;
  const atAll = await app.memory();
  log(
    `Sessions: ${cookies.length} signed in through /login, the emulator's authorize and /getAToken in ${signInSeconds.toFixed(1)} s (${(cookies.length / signInSeconds).toFixed(0)}/s) [${elapsed()}]`,
  );

  // Every load session opens its first page once (its organizations are listed then, not measured).
  const loadSessions = cookies.slice(0, MANY);
  const client = createHttpClient();
  for (const cookie of loadSessions) {
    const page = await client.send('GET', `${appUrl}/`, { headers: { cookie } });
    if (page.status !== 200) throw new Error(`the token list answered ${page.status} to a fresh session`);
  }
  client.close();

  // 2. The upstream call alone, with the app's own client.
  const upstreamTarget = {
    ca,
    patsBaseUrl: emulator.ready.urls.pats,
    profileBaseUrl: emulator.ready.urls.profile,
    organization: 'contoso',
    accessToken: await emulator.call<string>('issueAccessToken', ADA_ID, BENCH_CLIENT_ID),
  };
  await runUpstream(upstreamTarget, { concurrency: FEW, seconds: WARM_UP_SECONDS });
  const upstream = {
    few: await runUpstream(upstreamTarget, { concurrency: FEW, seconds: SECONDS / 2 }),
    many: await runUpstream(upstreamTarget, { concurrency: MANY, seconds: SECONDS / 2 }),
  };
  const single = await runUpstream(upstreamTarget, { concurrency: 1, seconds: 2 });

  // Every TLS connection the emulator accepts while the list page is measured is one the app opened.
  const appUpstream = { connections: 0, patCalls: 0 };
  const patCallsIn = (stats: EmulatorStats) =>
    Object.entries(stats.requests)
      .filter(([route]) => route.includes('tokens/pats'))
      .reduce((sum, [, count]) => sum + count, 0);
  const listAt = async (connections: number, seconds = SECONDS, everySecond?: () => void) => {
    const before = await emulator.call<EmulatorStats>('stats');
    const run = await runLoad({
      url: `${appUrl}/`,
      connections,
      seconds,
      cookies: loadSessions.slice(0, connections),
      server: app,
      ...(everySecond ? { everySecond } : {}),
    });
    const after = await emulator.call<EmulatorStats>('stats');
    appUpstream.connections += after.connections.accepted - before.connections.accepted;
    appUpstream.patCalls += patCallsIn(after) - patCallsIn(before);
    return run;
  };

  // 3. The token list page's memory over a long run at 50 sessions, after a warm-up: after the
  // burst of sign-ins the app takes about a minute of pages before its heap and its CPU per page
  // settle (V8 optimizing the page's code, the sign-ins' garbage being collected), where the
  // ceiling, a handful of functions, settles within seconds. The run's own figures are printed.
  await listAt(MANY, MEMORY_WARM_UP_SECONDS);
  const samples: Memory[] = [];
  const listMany = await listAt(MANY, MEMORY_SECONDS, () => void app.memory().then((memory) => samples.push(memory)));
  log(`Token list page's memory measured (${MEMORY_SECONDS} s at ${MANY} sessions) [${elapsed()}]`);

  // 4. The token list page and the ceiling (the same page from a bare Express + EJS server), in
  // alternating windows at 10 and at 50 sessions (bench/paired.ts).
  const ceilingServer = await env.startCeiling(DEMO_ORGANIZATIONS, upstreamTarget.accessToken);
  const ceilingAt = (connections: number, seconds = SECONDS) =>
    runLoad({ url: `${ceilingServer.ready.url}/`, connections, seconds, server: ceilingServer });
  for (const connections of [FEW, MANY]) {
    await ceilingAt(connections, WARM_UP_SECONDS);
    await listAt(connections, WARM_UP_SECONDS);
  }
  const paired = {
    few: await alternate(ROUNDS, { app: () => listAt(FEW), ceiling: () => ceilingAt(FEW) }),
    many: await alternate(ROUNDS, { app: () => listAt(MANY), ceiling: () => ceilingAt(MANY) }),
  };
  await ceilingServer.stop();
  const ceiling = {
    few: medianWindow(
      paired.few.map((pair) => pair.ceiling),
      cpuOf,
    ),
    many: medianWindow(
      paired.many.map((pair) => pair.ceiling),
      (run) => run.perSecond,
    ),
  };
  const list = {
    few: medianWindow(
      paired.few.map((pair) => pair.app),
      cpuOf,
    ),
    many: medianWindow(
      paired.many.map((pair) => pair.app),
      (run) => run.perSecond,
    ),
  };
  log(`Token list page and ceiling measured, ${ROUNDS} rounds [${elapsed()}]`);

  // 5. Where the list page's CPU goes, and what it costs the session store, each in a window of its own.
  const profileFile = process.env.BENCH_PROFILE ?? join(tmpdir(), `pat-manager-bench-${process.pid}.cpuprofile`);
  await app.call('startProfile');
  await listAt(FEW, PROFILE_SECONDS);
  const profile = topSelfTime(await app.call<string>('stopProfile', profileFile), 10);
  if (!process.env.BENCH_PROFILE) rmSync(profileFile, { force: true });
  await app.call('countStoreTraffic');
  const trafficRun = await listAt(FEW, STORE_TRAFFIC_SECONDS);
  const traffic = await app.call<StoreTraffic>('storeTraffic');
  log(`Token list page's profile and store traffic measured [${elapsed()}]`);

  // 6. The create flow, 7. cross-organization data.
  const create = await createFlow({
    appUrl,
    ca,
    app,
    connections: FEW,
    seconds: SECONDS,
    warmUpSeconds: WARM_UP_SECONDS,
  });
  const crossOrg = await crossOrganization({ appUrl, ca, emulator, roundTripMs: single.p50 });
  const audit = await measureAudit({ appUrl, ca, emulator, app, delayMs: DELAY_MS });
  const final = await app.memory();
  const renewed = await renewals({ appUrl, ca, emulator, rounds: RENEWAL_ROUNDS });
  log(`Create flow, cross-organization and renewals measured [${elapsed()}]`);
  log('');

  const sizes = [
    ['few', FEW],
    ['many', MANY],
  ] as const;
  const rows: Row[] = [
    ...sizes.map(([size, connections]) => ({
      name: 'upstream call alone (GET pats)',
      concurrency: connections,
      summary: upstream[size],
    })),
    ...sizes.map(([size, connections]) => ({
      name: 'ceiling: bare Express+EJS page',
      concurrency: connections,
      summary: ceiling[size],
      overheadMs: ceiling[size].p50 - upstream[size].p50,
      cpuMs: ceiling[size].cpuMsPerRequest,
      note: 'median window',
    })),
    ...sizes.map(([size, connections]) => ({
      name: 'token list page (GET /)',
      concurrency: connections,
      summary: list[size],
      overheadMs: list[size].p50 - upstream[size].p50,
      cpuMs: list[size].cpuMsPerRequest,
      note: 'median window',
    })),
    {
      name: `token list page (GET /), ${MEMORY_SECONDS} s`,
      concurrency: MANY,
      summary: listMany,
      overheadMs: listMany.p50 - upstream.many.p50,
      cpuMs: listMany.cpuMsPerRequest,
      note: 'the memory run',
    },
    {
      name: 'create (POST /tokens, new form)',
      concurrency: FEW,
      summary: create,
      overheadMs: create.p50 - upstream.few.p50,
      cpuMs: create.cpuMsPerRequest,
      note: 'upstream: one POST (overhead against the GET)',
    },
  ];
  log("Throughput and latency (closed loop, one session per connection; overhead = p50 minus the upstream call's p50)");
  log(table(rows));
  const unexpected = [...paired.few, ...paired.many]
    .flatMap((pair) => [pair.app, pair.ceiling])
    .concat(listMany, create)
    .filter((run) => Object.keys(run.statuses).some((status) => status !== '200') || run.errors > 0);
  log('');

  log(
    `Token list page against the ceiling, ${ROUNDS} rounds of back-to-back windows of ${SECONDS} s (bench/paired.ts; verdicts take the medians)`,
  );
  const throughputRatios = {
    few: paired.few.map((pair) => pair.app.perSecond / pair.ceiling.perSecond),
    many: paired.many.map((pair) => pair.app.perSecond / pair.ceiling.perSecond),
  };
  const cpuRatios = paired.few.map((pair) => cpuOf(pair.app) / cpuOf(pair.ceiling));
  for (const [size, connections] of sizes) {
    const windows = paired[size];
    log(
      `  at ${connections}: throughput ${windows.map((pair) => `${pair.app.perSecond.toFixed(0)}/${pair.ceiling.perSecond.toFixed(0)}`).join(', ')} req/s (page/ceiling) = ${throughputRatios[size].map(percent).join(', ')}, median ${percent(median(throughputRatios[size]))}; ${percent(list[size].perSecond / upstream[size].perSecond)} of the upstream call's alone`,
    );
    log(
      `  at ${connections}: CPU per page ${windows.map((pair) => `${ms(cpuOf(pair.app))}/${ms(cpuOf(pair.ceiling))}`).join(', ')} ms (page/ceiling); p50 ${(list[size].p50 / ceiling[size].p50).toFixed(2)}x the ceiling's, ${(list[size].p50 / upstream[size].p50).toFixed(2)}x the upstream call's`,
    );
  }
  const cpuFew = median(paired.few.map((pair) => cpuOf(pair.app)));
  const cpuRatio = median(cpuRatios);
  log(
    `  CPU per page at ${FEW}: median ${ms(cpuFew)} ms, ${cpuRatio.toFixed(2)}x the ceiling's (median of the rounds' ratios; once the CPU is the limit, throughput is about ${percent(1 / cpuRatio)} of the ceiling's)`,
  );
  const steady = samples.slice(Math.min(5, samples.length - 1));
  const first = steady[0]!;
  const last = steady.at(-1)!;
  const growth = (last.rssBytes - first.rssBytes) / first.rssBytes;
  const peakDuringRun = Math.max(...samples.map((sample) => sample.rssBytes));
  log('');
  log('Memory (app process)');
  const rssAndHeap = (memory: Memory | undefined) =>
    memory ? `${mb(memory.rssBytes)} (heap ${mb(memory.heapUsedBytes)} of ${mb(memory.heapTotalBytes)})` : 'n/a';
  log(
    `  RSS at start ${rssAndHeap(atStart)}; after 1,000 sessions ${rssAndHeap(atThousand)}; after ${cookies.length.toLocaleString('en')} ${rssAndHeap(atAll)}; peak RSS ${mb(final.peakRssBytes)}`,
  );
  log(
    `  ${MEMORY_SECONDS} s at ${MANY} sessions (after ${MEMORY_WARM_UP_SECONDS} s of warm-up): RSS ${mb(first.rssBytes)} at ${5} s, ${mb(last.rssBytes)} at the end, ${mb(peakDuringRun)} at most (heap ${mb(first.heapUsedBytes)} -> ${mb(last.heapUsedBytes)})`,
  );
  log(
    `  RSS every 10 s: ${samples
      .filter((_, index) => index % 10 === 9)
      .map((sample) => (sample.rssBytes / MB).toFixed(0))
      .join(', ')} MB`,
  );
  log('');
  const perPage = (value: number) => value / Math.max(trafficRun.count, 1);
  const sqlLine = (what: string, counted: SqlTraffic) =>
    `  ${what}: ${perPage(counted.reads).toFixed(2)} reads (${(perPage(counted.readBytes) / 1024).toFixed(2)} KB), ${perPage(counted.writes).toFixed(2)} writes (${(perPage(counted.writeBytes) / 1024).toFixed(2)} KB), ${perPage(counted.unchanged).toFixed(2)} statements that changed nothing`;
  log(
    `SQLite per list page (${trafficRun.count} pages at ${FEW} sessions, every statement counted at node:sqlite in the app's process)`,
  );
  log(sqlLine('session store (sessions, token_caches)', traffic.sessions));
  log(sqlLine('everything else (activity log, vault links)', traffic.other));
  log('');
  log(
    `Where the list page's CPU goes (${PROFILE_SECONDS} s at ${FEW} sessions, ${profile.busyMs.toFixed(0)} ms busy; self time, top ten)`,
  );
  for (const entry of profile.top) log(`  ${percent(entry.share).padStart(4)}  ${entry.where}`);
  log('');
  const { connections, patCalls } = appUpstream;
  log(`Upstream connections while the token list was measured (every window above, at ${FEW} and ${MANY} sessions)`);
  log(
    `  the app opened ${connections} TLS connections to the emulator for ${patCalls} PAT calls (${(patCalls / Math.max(connections, 1)).toFixed(0)} calls per connection)`,
  );
  log('');
  log(
    'Cross-organization data (a person in 5 organizations, one upstream round trip = the call alone at concurrency 1)',
  );
  log(crossOrg.lines.map((line) => `  ${line}`).join('\n'));
  log('');
  const callsPerRenewal = renewed.tokenEndpointCalls / renewed.rounds;
  log(
    `Token renewals (${renewed.rounds} times: the access token expired, then ${renewed.pagesPerRound} pages of the same person at once)`,
  );
  log(
    `  ${renewed.tokenEndpointCalls} token endpoint calls, ${renewed.refreshGrants} refresh-token grants: ${callsPerRenewal.toFixed(2)} calls per renewal`,
  );
  log('');
  log('Organization audit (bench/audit.ts)');
  log(audit.map((line) => `  ${line}`).join('\n'));
  log('');
  if (rotations) {
    log('Automatic rotation (bench/rotations.ts)');
    log(rotations.lines.map((line) => `  ${line}`).join('\n'));
    log('');
  }

  const listRatio = median(throughputRatios.many);
  const overheadFew = list.few.p50 - upstream.few.p50;
  const targets: Verdict[] = [
    {
      target: 'app CPU per list page <= 1.3 ms at 10 sessions',
      pass: cpuFew <= 1.3,
      detail: `${ms(cpuFew)} ms, median of ${ROUNDS} windows (the ceiling's: ${ms(median(paired.few.map((pair) => cpuOf(pair.ceiling))))} ms)`,
    },
    {
      target: 'overhead p50 < 1.5 ms at 10 sessions',
      pass: overheadFew < 1.5,
      detail: `${ms(overheadFew)} ms (page p50 ${ms(list.few.p50)} ms, upstream p50 ${ms(upstream.few.p50)} ms)`,
    },
    {
      target: "list page >= 90% of the ceiling's throughput at 50 sessions",
      pass: listRatio >= 0.9,
      detail: `${percent(listRatio)}, median of ${ROUNDS} paired windows (${throughputRatios.many.map(percent).join(', ')}); ${percent(median(throughputRatios.few))} at ${FEW}`,
    },
    {
      target: `RSS after ${cookies.length.toLocaleString('en')} signed-in sessions <= 200 MB`,
      pass: atAll.rssBytes <= 200 * MB,
      detail: mb(atAll.rssBytes),
    },
    {
      target: `RSS during ${MEMORY_SECONDS} s at ${MANY} sessions <= 250 MB`,
      pass: peakDuringRun <= 250 * MB,
      detail: `${mb(peakDuringRun)} at most`,
    },
    {
      target: `memory flat (< 10% growth) over ${MEMORY_SECONDS} s at ${MANY} sessions`,
      pass: growth < 0.1,
      detail: `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}% (${mb(first.rssBytes)} -> ${mb(last.rssBytes)})`,
    },
    {
      target: 'one identity-platform renewal per person at a time',
      pass: renewed.tokenEndpointCalls === renewed.rounds,
      detail: `${callsPerRenewal.toFixed(2)} token endpoint calls per renewal (${renewed.pagesPerRound} pages at once)`,
    },
    {
      target: 'cold start < 1.5 s',
      pass: coldStart < 1500,
      detail: `${coldStart.toFixed(0)} ms (median of ${COLD_STARTS}: npm start in demo mode to the first 200 on /healthz)`,
    },
    {
      target: 'cross-organization data in about one upstream round trip',
      pass: crossOrg.pass,
      detail: crossOrg.detail,
    },
    {
      target: 'upstream connections reused',
      pass: patCalls >= MIN_CALLS_PER_CONNECTION * Math.max(connections, 1),
      detail: `${patCalls} PAT calls over ${connections} TLS connections, at least ${MIN_CALLS_PER_CONNECTION} per connection (one each without keep-alive)`,
    },
    {
      target: 'every measured answer was a 200 (an error page would make a fast, wrong figure)',
      pass: unexpected.length === 0,
      detail:
        unexpected.length === 0
          ? 'all windows'
          : `not in ${unexpected.length} windows: ${unexpected.map((run) => `${JSON.stringify(run.statuses)}${run.errors > 0 ? ` and ${run.errors} errors` : ''}`).join(' ')}`,
    },
    ...(rotations?.verdicts ?? []),
  ];
  log('Verdicts');
  log(verdicts(targets));
  log('');
  log(`Whole run: ${elapsed()}; ${load()} at the end`);
} finally {
  await env.stop();
}
