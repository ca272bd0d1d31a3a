// The create flow under load: sessions of one person each post the "New token" form (with their
// CSRF token and a fresh form key, as a fresh form carries) and get the page with the secret.
import { randomUUID } from 'node:crypto';
import type { Memory } from './child.ts';
import { createHttpClient, form } from './http-client.ts';
import { runLoad, type LoadResult } from './load.ts';
import { GRACE_ID } from './people.ts';
import { signInMany } from './sessions.ts';

export async function createFlow(options: {
  appUrl: string;
  ca: string;
  app: { memory(): Promise<Memory> };
  connections: number;
  seconds: number;
  warmUpSeconds: number;
}): Promise<LoadResult> {
  const { appUrl } = options;
  const cookies = await signInMany({
    appUrl,
    ca: options.ca,
    objectId: GRACE_ID,
    count: options.connections,
    concurrency: options.connections,
  });
  const csrfOf = new Map<string, string>();
  const client = createHttpClient();
  for (const cookie of cookies) {
    const page = await client.send('GET', `${appUrl}/tokens/new`, { headers: { cookie } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (page.status !== 200 || !csrf) throw new Error(`the new token form answered ${page.status}`);
    csrfOf.set(cookie, csrf);
  }
  client.close();
  let created = 0;
  const body = (cookie: string | undefined) =>
    form({
      _csrf: csrfOf.get(cookie ?? '') ?? '',
      formKey: randomUUID(),
      displayName: `bench-${++created}`,
      expiry: '30',
      organizations: 'this',
      access: 'custom',
      scopes: ['vso.code', 'vso.build'],
    });
  const run = (seconds: number) =>
    runLoad({
      url: `${appUrl}/tokens`,
      method: 'POST',
      connections: options.connections,
      seconds,
      cookies,
      body,
      server: options.app,
    });
  await run(options.warmUpSeconds);
  return run(options.seconds);
}
