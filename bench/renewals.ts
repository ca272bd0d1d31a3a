// Renewals of an expired access token: a person in five organizations opens three pages at once
// (all organizations with revoked tokens: ten calls; the expiry watch: five; one organization's
// list), each time just after the emulator expired their access tokens. One renewal per person at
// a time means one call to the identity platform's token endpoint per round, however many calls
// and pages met the expired token.
import type { Child } from './child.ts';
import type { EmulatorReady } from './emulator-process.ts';
import type { EmulatorStats } from '../src/emulator/index.ts';
import { createHttpClient } from './http-client.ts';
import { MULTI_ORG_PERSON } from './people.ts';
import { signIn } from './sessions.ts';

const PAGES = ['/all?status=all&size=100', '/expiring?within=30', '/?status=all'];

export interface RenewalResult {
  rounds: number;
  pagesPerRound: number;
  tokenEndpointCalls: number;
  refreshGrants: number;
}

function identityCalls(stats: EmulatorStats): { tokenEndpoint: number; refreshGrants: number } {
  const tokenEndpoint = Object.entries(stats.requests)
    .filter(([route]) => route.startsWith('POST ') && route.endsWith('/oauth2/v2.0/token'))
    .reduce((sum, [, count]) => sum + count, 0);
  return { tokenEndpoint, refreshGrants: stats.grants.refresh_token ?? 0 };
}

export async function renewals(options: {
  appUrl: string;
  ca: string;
  emulator: Child<EmulatorReady>;
  rounds: number;
}): Promise<RenewalResult> {
  const { appUrl, emulator } = options;
  const client = createHttpClient({ ca: options.ca });
  try {
    const cookie = await signIn(client, appUrl, MULTI_ORG_PERSON.objectId);
    // The first page lists the person's organizations; the rounds are about their tokens.
    await client.send('GET', `${appUrl}/`, { headers: { cookie } });
    const before = identityCalls(await emulator.call<EmulatorStats>('stats'));
    for (let round = 0; round < options.rounds; round++) {
      await emulator.call('expireAccessTokens', MULTI_ORG_PERSON.objectId);
      const pages = await Promise.all(
        PAGES.map((path) => client.send('GET', `${appUrl}${path}`, { headers: { cookie } })),
      );
      const failed = pages.find((page) => page.status !== 200);
      if (failed) throw new Error(`a page answered ${failed.status} after the access token expired`);
    }
    const after = identityCalls(await emulator.call<EmulatorStats>('stats'));
    return {
      rounds: options.rounds,
      pagesPerRound: PAGES.length,
      tokenEndpointCalls: after.tokenEndpoint - before.tokenEndpoint,
      refreshGrants: after.refreshGrants - before.refreshGrants,
    };
  } finally {
    client.close();
  }
}
