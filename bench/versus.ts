// `npx node bench/versus.ts <other checkout>`: this checkout's token list page against another
// checkout's (e.g. `git worktree add /tmp/before HEAD~1`, then `npm ci` there or a symlink to this
// node_modules), on the same emulator, in alternating windows (bench/paired.ts). Figures from runs
// minutes apart differ by more than most changes are worth on a shared machine; windows back to
// back, whichever goes first alternating, compare the code.
// Settings: BENCH_CONNECTIONS (50), BENCH_SESSIONS signed in to each app (2000), BENCH_ROUNDS (6),
// BENCH_SECONDS per window (6).
import { createHttpClient } from './http-client.ts';
import { runLoad, type LoadResult } from './load.ts';
import { alternate, cpuOf, median } from './paired.ts';
import { ADA_ID } from './people.ts';
import { signInMany } from './sessions.ts';
import { startEnvironment, type RunningApp } from './environment.ts';

const otherTree = process.argv[2];
if (!otherTree) {
  console.error('usage: npx node bench/versus.ts <path to another checkout of PAT Manager>');
  process.exit(2);
}
const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CONNECTIONS = setting('BENCH_CONNECTIONS', 50);
const SESSIONS = setting('BENCH_SESSIONS', 2000);
const ROUNDS = setting('BENCH_ROUNDS', 6);
const SECONDS = setting('BENCH_SECONDS', 6);
const WARM_UP_SECONDS = 20;

const env = await startEnvironment({ otherTree });
try {
  await env.emulator.call('injectFault', { target: 'pats', delayMs: 20 });
  const ca = env.emulator.ready.caCertificatePem;

  /** Signs the app's sessions in, opens each one's first page, and returns how to load its list. */
  async function prepare({ app, appUrl }: RunningApp): Promise<(seconds: number) => Promise<LoadResult>> {
    const cookies = (await signInMany({ appUrl, ca, objectId: ADA_ID, count: SESSIONS, concurrency: 8 })).slice(
      0,
      CONNECTIONS,
    );
    const client = createHttpClient();
    for (const cookie of cookies) {
      const page = await client.send('GET', `${appUrl}/`, { headers: { cookie } });
      if (page.status !== 200) throw new Error(`${appUrl}/ answered ${page.status} to a fresh session`);
    }
    client.close();
    return (seconds) => runLoad({ url: `${appUrl}/`, connections: CONNECTIONS, seconds, cookies, server: app });
  }

  const here = await prepare(env);
  const there = await prepare(env.other!);
  await here(WARM_UP_SECONDS);
  await there(WARM_UP_SECONDS);
  // alternate() calls its two sides app and ceiling: here the other checkout takes the ceiling's place.
  const pairs = await alternate(ROUNDS, { app: () => here(SECONDS), ceiling: () => there(SECONDS) });

  console.log(
    `This checkout against ${otherTree}: the token list page at ${CONNECTIONS} sessions, ${ROUNDS} rounds of back-to-back ${SECONDS} s windows`,
  );
  for (const [round, { app: mine, ceiling: theirs }] of pairs.entries()) {
    console.log(
      `  round ${round + 1}: ${mine.perSecond.toFixed(0)}/${theirs.perSecond.toFixed(0)} req/s = ${((mine.perSecond / theirs.perSecond) * 100).toFixed(1)}%; CPU per page ${cpuOf(mine).toFixed(3)}/${cpuOf(theirs).toFixed(3)} ms = ${(cpuOf(mine) / cpuOf(theirs)).toFixed(3)}x`,
    );
  }
  const throughput = median(pairs.map((pair) => pair.app.perSecond / pair.ceiling.perSecond));
  const cpu = median(pairs.map((pair) => cpuOf(pair.app) / cpuOf(pair.ceiling)));
  console.log(
    `  median: throughput ${(throughput * 100).toFixed(1)}% of the other's, CPU per page ${cpu.toFixed(3)}x the other's`,
  );
} finally {
  await env.stop();
}
