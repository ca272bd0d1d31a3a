// A person in five organizations: how many upstream round trips their cross-organization data
// costs. With an all-organizations view (/all) that is one page load; without one it is a page per
// organization, switching between them. Measured one request at a time, so the figures are round
// trips and not queueing.
import { performance } from 'node:perf_hooks';
import type { Child } from './child.ts';
import type { EmulatorReady } from './emulator-process.ts';
import { createHttpClient, form, type HttpClient } from './http-client.ts';
import { MULTI_ORG_PERSON } from './people.ts';
import { signIn } from './sessions.ts';

const SAMPLES = 20;
const CROSS_ORGANIZATION_PATH = '/all';

export interface CrossOrganizationResult {
  lines: string[];
  pass: boolean | undefined;
  detail: string;
}

async function timed(client: HttpClient, url: string, cookie: string): Promise<number> {
  const started = performance.now();
  const page = await client.send('GET', url, { headers: { cookie } });
  if (page.status !== 200) throw new Error(`${new URL(url).pathname} answered ${page.status}`);
  return performance.now() - started;
}

async function median(samples: number, measure: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) times.push(await measure());
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

export async function crossOrganization(options: {
  appUrl: string;
  ca: string;
  emulator: Child<EmulatorReady>;
  roundTripMs: number;
}): Promise<CrossOrganizationResult> {
  const { appUrl, roundTripMs } = options;
  const client = createHttpClient({ ca: options.ca });
  const trips = (ms: number) => `${ms.toFixed(1)} ms = ${(ms / roundTripMs).toFixed(1)} round trips`;
  try {
    const cookie = await signIn(client, appUrl, MULTI_ORG_PERSON.objectId);
    // The first page lists the person's organizations (profile, then accounts): delay those too.
    const delayMs = Math.round(roundTripMs);
    const faults = await Promise.all(
      ['profile', 'accounts'].map((target) =>
        options.emulator.call<{ id: string }>('injectFault', { target, delayMs }),
      ),
    );
    const firstPage = await timed(client, `${appUrl}/`, cookie);
    await Promise.all(faults.map((fault) => options.emulator.call('removeFault', fault.id)));
    const onePage = await median(SAMPLES, () => timed(client, `${appUrl}/`, cookie));
    const lines = [
      `first page after sign-in (lists the organizations, then one organization's tokens): ${trips(firstPage)}`,
      `one organization's token list: ${trips(onePage)}`,
    ];

    const probe = await client.send('GET', `${appUrl}${CROSS_ORGANIZATION_PATH}`, { headers: { cookie } });
    if (probe.status === 200) {
      const all = await median(SAMPLES, () => timed(client, `${appUrl}${CROSS_ORGANIZATION_PATH}`, cookie));
      const roundTrips = all / roundTripMs;
      lines.push(
        `all ${MULTI_ORG_PERSON.organizations.length} organizations in one view (${CROSS_ORGANIZATION_PATH}): ${trips(all)}`,
      );
      return {
        lines,
        pass: roundTrips < 1.5 + (onePage / roundTripMs - 1),
        detail: `${CROSS_ORGANIZATION_PATH} takes ${roundTrips.toFixed(1)} round trips for ${MULTI_ORG_PERSON.organizations.length} organizations (one organization's page: ${(onePage / roundTripMs).toFixed(1)})`,
      };
    }

    // No cross-organization view: the person switches organization and loads each list in turn.
    const csrf =
      /name="_csrf" value="([^"]+)"/.exec(
        (await client.send('GET', `${appUrl}/organizations`, { headers: { cookie } })).body,
      )?.[1] ?? '';
    const started = performance.now();
    for (const organization of MULTI_ORG_PERSON.organizations) {
      const switched = await client.send('POST', `${appUrl}/organizations`, {
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ _csrf: csrf, organization, returnTo: '/' }),
      });
      if (switched.status !== 303) throw new Error(`switching to ${organization} answered ${switched.status}`);
      await timed(client, `${appUrl}/`, cookie);
    }
    const everyOne = performance.now() - started;
    lines.push(
      `no cross-organization view (${CROSS_ORGANIZATION_PATH} answered ${probe.status}): seeing all ${MULTI_ORG_PERSON.organizations.length} means switching and loading each: ${trips(everyOne)}`,
    );
    return {
      lines,
      pass: undefined,
      detail: `no cross-organization view yet; one organization's list costs ${(onePage / roundTripMs).toFixed(1)} round trips, all five one after another ${(everyOne / roundTripMs).toFixed(1)}`,
    };
  } finally {
    client.close();
  }
}
