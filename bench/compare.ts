// `npx node bench/compare.ts`: what the token list page costs beyond its ceiling, function by function.
// The app and the ceiling (bench/ceiling-process.ts) serve the same page under the same load, one
// after the other, each profiled; every function's self time (or, with BENCH_ALLOCATIONS=1, the
// bytes it allocated) is divided by the pages served, and the ceiling's is subtracted. What is left
// is the price of the session, sign-in, CSRF, security headers and log, and where it is paid.
// Settings: BENCH_CONNECTIONS (10), BENCH_SECONDS per profile (8), BENCH_TOP (30).
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEnvironment, BENCH_CLIENT_ID } from './environment.ts';
import { createHttpClient } from './http-client.ts';
import { runLoad } from './load.ts';
import { ADA_ID, DEMO_ORGANIZATIONS } from './people.ts';
import { place, selfTimeByPlace } from './profile-summary.ts';
import { signInMany } from './sessions.ts';
import type { Child } from './child.ts';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CONNECTIONS = setting('BENCH_CONNECTIONS', 10);
const SECONDS = setting('BENCH_SECONDS', 8);
const TOP = setting('BENCH_TOP', 30);
const ALLOCATIONS = process.env.BENCH_ALLOCATIONS === '1';
/** The app needs longer than the ceiling before its CPU per page settles (see the README). */
const WARM_UP_SECONDS = { app: 20, ceiling: 5 };

interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  id: number;
  children?: AllocationNode[];
}

/** Bytes allocated by function, from a sampling heap profile. */
function allocationsByPlace(file: string): Map<string, number> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    head: AllocationNode;
    samples: Array<{ nodeId: number; size: number }>;
  };
  const frames = new Map<number, AllocationNode['callFrame']>();
  const visit = (node: AllocationNode) => {
    frames.set(node.id, node.callFrame);
    node.children?.forEach(visit);
  };
  visit(profile.head);
  const byPlace = new Map<string, number>();
  for (const sample of profile.samples) {
    const where = place(frames.get(sample.nodeId)!);
    byPlace.set(where, (byPlace.get(where) ?? 0) + sample.size);
  }
  return byPlace;
}

async function perPage(
  server: Child<unknown>,
  url: string,
  cookies: string[] | undefined,
): Promise<Map<string, number>> {
  const file = join(tmpdir(), `pat-manager-compare-${process.pid}-${Date.now()}.json`);
  await server.call('startProfile', ALLOCATIONS ? 'allocations' : 'cpu');
  const run = await runLoad({ url, connections: CONNECTIONS, seconds: SECONDS, ...(cookies ? { cookies } : {}) });
  await server.call('stopProfile', file);
  const byPlace = ALLOCATIONS ? allocationsByPlace(file) : selfTimeByPlace(file).byPlace;
  rmSync(file, { force: true });
  return new Map([...byPlace].map(([where, amount]) => [where, amount / run.count]));
}

const env = await startEnvironment();
try {
  const { emulator, app, appUrl } = env;
  const ca = emulator.ready.caCertificatePem;
  await emulator.call('injectFault', { target: 'pats', delayMs: 20 });
  const cookies = await signInMany({
    appUrl,
    ca,
    objectId: ADA_ID,
    count: CONNECTIONS,
    concurrency: 8,
    progress: async () => {},
  });
  const client = createHttpClient();
  for (const cookie of cookies) await client.send('GET', `${appUrl}/`, { headers: { cookie } });
  client.close();
  const ceiling = await env.startCeiling(
    DEMO_ORGANIZATIONS,
    await emulator.call<string>('issueAccessToken', ADA_ID, BENCH_CLIENT_ID),
  );
  await runLoad({ url: `${appUrl}/`, connections: CONNECTIONS, seconds: WARM_UP_SECONDS.app, cookies });
  await runLoad({ url: `${ceiling.ready.url}/`, connections: CONNECTIONS, seconds: WARM_UP_SECONDS.ceiling });
  const page = await perPage(app, `${appUrl}/`, cookies);
  const bare = await perPage(ceiling, `${ceiling.ready.url}/`, undefined);
  await ceiling.stop();

  const unit = ALLOCATIONS ? { name: 'bytes', digits: 0 } : { name: 'µs', digits: 1 };
  const total = (byPlace: Map<string, number>) => [...byPlace.values()].reduce((sum, value) => sum + value, 0);
  const rows = [...new Set([...page.keys(), ...bare.keys()])].map((where) => ({
    where,
    app: page.get(where) ?? 0,
    ceiling: bare.get(where) ?? 0,
  }));
  rows.sort((a, b) => b.app - b.ceiling - (a.app - a.ceiling));
  const cell = (value: number) => value.toFixed(unit.digits).padStart(8);
  console.log(
    `${ALLOCATIONS ? 'Allocated' : 'Self time'} per list page at ${CONNECTIONS} sessions, ${unit.name}: app ${cell(total(page))}, ceiling ${cell(total(bare))} (profiled ${SECONDS} s each, one after the other)`,
  );
  console.log(`${'app - ceiling'.padStart(13)} ${'app'.padStart(8)} ${'ceiling'.padStart(8)}  where`);
  for (const row of rows.slice(0, TOP))
    console.log(`${cell(row.app - row.ceiling).padStart(13)} ${cell(row.app)} ${cell(row.ceiling)}  ${row.where}`);
} finally {
  await env.stop();
}
