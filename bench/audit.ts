// The organization audit at the demo's size (contoso: a few hundred people, a few thousand tokens),
// as its administrator (Grace) opens it: wall time from the first request to the finished page,
// with the audit log's 90 days of token events, Azure DevOps calls by kind, and the app's memory
// while three audits run one after another (each "Gather again" replaces the last, so memory must
// not grow with them). Every Graph, token administration and audit log call is delayed like the PAT
// calls. `npx node bench/audit.ts` runs it on its own.
import { performance } from 'node:perf_hooks';
import type { EmulatorStats } from '../src/emulator/index.ts';
import type { Child, Memory } from './child.ts';
import type { EmulatorReady } from './emulator-process.ts';
import { createHttpClient, form, type HttpClient } from './http-client.ts';
import { GRACE_ID } from './people.ts';
import { MB, mb } from './report.ts';
import { signIn } from './sessions.ts';

const RUNS = 3;

interface AuditRun {
  wallMs: number;
  people: number;
  tokens: number;
  graphCalls: number;
  tokenListCalls: number;
  auditLogCalls: number;
  /** The audit log's token events the audit read (its JSON export's `events`). */
  events: number;
  peakRssBytes: number;
  heapAfterBytes: number;
  /** The audit page's CSRF token, for the next run's "Gather again". */
  csrf: string;
}

/** The first run opens /audit; the next ones press "Gather again" (a form POST) with the last page's CSRF token. */
async function runOnce(
  client: HttpClient,
  appUrl: string,
  cookie: string,
  emulator: Child<EmulatorReady>,
  app: Child<unknown>,
  gatherAgainCsrf: string | undefined,
): Promise<AuditRun> {
  await emulator.call('resetStats');
  let peakRssBytes = 0;
  const sampler = setInterval(
    () => void app.memory().then((memory) => (peakRssBytes = Math.max(peakRssBytes, memory.rssBytes))),
    100,
  );
  const started = performance.now();
  let page = gatherAgainCsrf
    ? await client.send('POST', `${appUrl}/audit/gather-again`, {
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ _csrf: gatherAgainCsrf }),
      })
    : await client.send('GET', `${appUrl}/audit`, { headers: { cookie } });
  if (page.status === 303) page = await client.send('GET', `${appUrl}/audit`, { headers: { cookie } });
  while (page.headers.refresh) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    page = await client.send('GET', `${appUrl}/audit`, { headers: { cookie } });
  }
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  if (page.status !== 200) throw new Error(`/audit answered ${page.status}`);
  const summary = /<strong>(\d+)<\/strong> people, <strong>(\d+)<\/strong> tokens/.exec(page.body);
  if (!summary) throw new Error('the audit page has no summary');
  const stats = await emulator.call<EmulatorStats>('stats');
  const count = (part: string) =>
    Object.entries(stats.requests)
      .filter(([route]) => route.includes(part))
      .reduce((sum, [, n]) => sum + n, 0);
  const memory: Memory = await app.memory();
  const exported = await client.send('GET', `${appUrl}/audit/export?format=json`, { headers: { cookie } });
  if (exported.status !== 200) throw new Error(`the audit's export answered ${exported.status}`);
  return {
    wallMs,
    people: Number(summary[1]),
    tokens: Number(summary[2]),
    graphCalls: count('graph/users'),
    tokenListCalls: count('tokenadmin/personalaccesstokens'),
    auditLogCalls: count('audit/auditlog'),
    events: (JSON.parse(exported.body) as { events: unknown[] }).events.length,
    peakRssBytes: Math.max(peakRssBytes, memory.rssBytes),
    heapAfterBytes: memory.heapUsedBytes,
    csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '',
  };
}

export async function measureAudit(options: {
  appUrl: string;
  ca: string;
  emulator: Child<EmulatorReady>;
  app: Child<unknown>;
  delayMs: number;
}): Promise<string[]> {
  const { appUrl, emulator, app } = options;
  const client = createHttpClient({ ca: options.ca, maxSockets: 4 });
  const faults = await Promise.all(
    ['/vssps/*/_apis/graph/*', '/vssps/*/_apis/tokenadmin/*', '/auditservice/*'].map((path) =>
      emulator.call<{ id: string }>('injectFault', { path, delayMs: options.delayMs }),
    ),
  );
  try {
    // The audit asks its permissions the first time it is opened: a consent sign-in after the sign-in.
    const signedIn = await signIn(client, appUrl, GRACE_ID);
    const cookie = await signIn(client, appUrl, GRACE_ID, { start: '/audit/consent?returnTo=%2F', cookie: signedIn });
    const before = await app.memory();
    const runs: AuditRun[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await runOnce(client, appUrl, cookie, emulator, app, runs.at(-1)?.csrf));
    const first = runs[0]!;
    const upstream = first.graphCalls + first.tokenListCalls + first.auditLogCalls;
    return [
      `audit of contoso as its administrator: ${first.people} people, ${first.tokens} tokens and ${first.events} audit log events of the last 90 days in ${(first.wallMs / 1000).toFixed(2)} s wall time; ${upstream} upstream calls (${first.graphCalls} Graph users pages, ${first.tokenListCalls} token lists, ${first.auditLogCalls} audit log pages), at most 8 at once, each delayed ${options.delayMs} ms`,
      `again (Gather again): ${runs
        .slice(1)
        .map((run) => `${(run.wallMs / 1000).toFixed(2)} s`)
        .join(', ')}`,
      `app memory: before ${mb(before.rssBytes)} RSS (heap ${mb(before.heapUsedBytes)}); peak RSS during the ${RUNS} audits ${mb(Math.max(...runs.map((run) => run.peakRssBytes)))}; heap after each ${runs.map((run) => (run.heapAfterBytes / MB).toFixed(0)).join(', ')} MB`,
    ];
  } finally {
    client.close();
    await Promise.all(faults.map((fault) => emulator.call('removeFault', fault.id)));
  }
}

if (import.meta.main) {
  const { startEnvironment } = await import('./environment.ts');
  const env = await startEnvironment();
  try {
    const lines = await measureAudit({
      appUrl: env.appUrl,
      ca: env.emulator.ready.caCertificatePem,
      emulator: env.emulator,
      app: env.app,
      delayMs: Number(process.env.BENCH_UPSTREAM_DELAY_MS ?? 20),
    });
    console.log(lines.join('\n'));
  } finally {
    await env.stop();
  }
}
