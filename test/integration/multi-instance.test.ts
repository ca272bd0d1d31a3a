// Two PAT Manager instances behind nginx (round robin), sharing sessions and token caches in
// Redis, signing in at the emulator: a person is served by both without noticing, keeps working
// when one instance stops, sees a clear 503 page while Redis is down, and carries on, still signed
// in, when it is back. Every process here (redis-server, nginx, two `node src/main.ts`) runs on
// loopback from a temp dir and is stopped in afterAll, within a time limit, whatever happened.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import { startAppProcess, sharedSettings, type AppProcess } from '../support/app-process.ts';
import { TestBrowser, type Page } from '../support/browser.ts';
import { TEST_CLIENT_ID, freePort } from '../support/harness.ts';
import { startNginx, type TestNginx } from '../support/nginx.ts';
import { eventually } from '../support/processes.ts';
import { startRedis, type TestRedis } from '../support/redis-server.ts';
import { ADA, GRACE, signIn, signInForAudit } from '../support/sign-in.ts';
import { followGathering } from '../support/audit-page.ts';

const KEY_PREFIX = 'patmanager-test:';
const IDLE_MINUTES = 60;
const REDIS_TIMEOUT_MS = 500;

let redis: TestRedis;
let emulator: RunningEmulator;
let nginx: TestNginx;
const instances: Record<'a' | 'b', AppProcess | undefined> = { a: undefined, b: undefined };
let browser: TestBrowser;
let publicUrl: string;

beforeAll(async () => {
  const [nginxPort, portA, portB] = [await freePort(), await freePort(), await freePort()];
  publicUrl = `http://127.0.0.1:${nginxPort}`;
  redis = await startRedis();
  const clientSecret = randomBytes(24).toString('base64url');
  emulator = await startEmulator({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'pat-manager-multi-emulator-')),
    seed: 'demo',
    // One app registration for the deployment: its redirect URI is the load balancer's address.
    clients: [
      {
        clientId: TEST_CLIENT_ID,
        clientSecret,
        redirectUris: [`${publicUrl}/getAToken`],
        postLogoutRedirectUris: [`${publicUrl}/`],
      },
    ],
  });
  const settings = {
    ...sharedSettings(emulator, clientSecret, publicUrl),
    SESSION_STORE: 'redis',
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: KEY_PREFIX,
    REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS),
    SESSION_IDLE_MINUTES: String(IDLE_MINUTES),
    TRUST_PROXY: 'true',
    SHUTDOWN_TIMEOUT_MS: '3000',
  };
  [instances.a, instances.b] = await Promise.all([
    startAppProcess('instance-a', portA, settings),
    startAppProcess('instance-b', portB, settings),
  ]);
  for (const instance of [instances.a, instances.b]) {
    await eventually(
      `${instance.name} is ready`,
      async () => (await fetch(`${instance.url}/readyz`)).status === 200,
      10_000,
    );
  }
  nginx = await startNginx(nginxPort, [portA, portB]);
  browser = new TestBrowser(emulator.caCertificatePem);
}, 60_000);

afterAll(async () => {
  // Each stop is bounded (SIGTERM, then SIGKILL) and runs even if another fails.
  await Promise.allSettled([instances.a?.stop(5000), instances.b?.stop(5000), nginx?.close()]);
  await Promise.allSettled([redis?.close(), emulator?.close()]);
}, 30_000);

/** Which instance wrote the request log line with this response's X-Request-Id (it arrives through a pipe, so wait a little). */
async function servedBy(page: Page): Promise<'a' | 'b'> {
  const requestId = page.headers['x-request-id'];
  if (!requestId) throw new Error(`no X-Request-Id on ${page.url}`);
  let instance: 'a' | 'b' | undefined;
  await eventually(
    `a request log line for ${requestId}`,
    async () => {
      instance = instances.a?.servedRequestIds().has(requestId)
        ? 'a'
        : instances.b?.servedRequestIds().has(requestId)
          ? 'b'
          : undefined;
      return instance !== undefined;
    },
    2000,
    20,
  );
  return instance!;
}

/** Which instance nginx sent the last request for this method and path to. */
function upstreamOf(method: string, path: string): 'a' | 'b' | undefined {
  const entry = nginx
    .accessLog()
    .filter((line) => line.method === method && line.path === path)
    .at(-1);
  const port = entry?.upstreamPort;
  return port === undefined ? undefined : port === Number(new URL(instances.a!.url).port) ? 'a' : 'b';
}

/** The session id inside the signed session cookie (`s:<id>.<signature>`). */
async function sessionId(): Promise<string> {
  const cookie = await browser.cookie(publicUrl, 'patmanager.sid');
  const match = /^s:([^.]+)\./.exec(decodeURIComponent(cookie ?? ''));
  if (!match) throw new Error('no session cookie');
  return match[1]!;
}

async function withRedis<T>(work: (client: RedisClientType) => Promise<T>): Promise<T> {
  const client = createClient({ url: redis.url });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    client.destroy();
  }
}

const tokensOfAda = () => emulator.control.devops.tokens(ADA.objectId);
const tokenListCalls = () =>
  emulator.control.stats().requests[
    'GET /vssps/:organization/_apis/tokenadmin/personalaccesstokens/:subjectDescriptor'
  ] ?? 0;

describe('two instances behind nginx, one Redis', () => {
  it('signs in with /login answered by one instance and /getAToken by the other', async () => {
    const home = await signIn(browser, publicUrl, ADA);
    expect(home.status).toBe(200);
    expect(home.url).toBe(`${publicUrl}/`);
    expect(home.body).toContain('Signed in as Ada Lovelace.');
    // The PKCE verifier, state and nonce went into Redis on one instance and came out on the other.
    const login = upstreamOf('GET', '/login');
    const redirect = upstreamOf('GET', '/getAToken');
    expect(login).toBeDefined();
    expect(redirect).toBeDefined();
    expect(redirect).not.toBe(login);
  });

  it('keeps the session and the msal-node token cache in Redis, each with the idle time as TTL', async () => {
    const id = await sessionId();
    await withRedis(async (client) => {
      expect(await client.exists(`${KEY_PREFIX}sess:${id}`)).toBe(1);
      expect(await client.exists(`${KEY_PREFIX}msal:${id}`)).toBe(1);
      for (const key of ['sess', 'msal']) {
        const ttl = await client.ttl(`${KEY_PREFIX}${key}:${id}`);
        expect(ttl).toBeGreaterThan(IDLE_MINUTES * 60 - 30);
        expect(ttl).toBeLessThanOrEqual(IDLE_MINUTES * 60);
      }
      // The session itself holds no token cache when Redis keeps it.
      expect(await client.get(`${KEY_PREFIX}sess:${id}`)).not.toContain('RefreshToken');
    });
  });

  it('serves the signed-in person from both instances, each getting the token silently', async () => {
    const served: Array<'a' | 'b'> = [];
    for (let i = 0; i < 6; i++) {
      const page = await browser.get(`${publicUrl}/`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('Your tokens in contoso');
      served.push(await servedBy(page));
    }
    expect(new Set(served)).toEqual(new Set(['a', 'b']));
  });

  it('creates a token on one instance after the form came from the other, then revokes it the same way', async () => {
    const form = await browser.get(`${publicUrl}/tokens/new`);
    expect(form.status).toBe(200);
    const created = await browser.submit(form, '/tokens', {
      displayName: 'multi-instance-bot',
      expiry: '30',
      organizations: 'this',
      access: 'custom',
      scopes: ['vso.code'],
    });
    expect(created.status).toBe(200);
    expect(created.body).toContain('multi-instance-bot');
    // The CSRF token and the one-time form key were checked on the instance that did not make them.
    expect(await servedBy(created)).not.toBe(await servedBy(form));
    const token = tokensOfAda().find((candidate) => candidate.displayName === 'multi-instance-bot')!;
    expect(token.status).toBe('active');

    const confirm = await browser.get(`${publicUrl}/tokens/${token.authorizationId}/revoke`);
    const revoked = await browser.submit(confirm, `/tokens/${token.authorizationId}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toContain('Revoked &#34;multi-instance-bot&#34;.');
    expect(upstreamOf('POST', `/tokens/${token.authorizationId}/revoke`)).not.toBe(await servedBy(confirm));
    expect(tokensOfAda().find((candidate) => candidate.authorizationId === token.authorizationId)!.status).toBe(
      'revoked',
    );
  });

  it('creates one token when a double click sends the same form to both instances at once', async () => {
    // A slow create keeps the first request in flight while the second arrives at the other instance.
    const slowCreate = emulator.control.injectFault({ target: 'pats', method: 'POST', delayMs: 400 });
    const form = await browser.get(`${publicUrl}/tokens/new`);
    const send = () =>
      browser.submit(form, '/tokens', {
        displayName: 'double-click-bot',
        expiry: '30',
        organizations: 'this',
        access: 'custom',
        scopes: ['vso.code'],
      });
    const pages = await Promise.all([send(), send()]);
    expect(new Set(await Promise.all(pages.map(servedBy)))).toEqual(new Set(['a', 'b']));
    expect(pages.map((page) => page.status).sort()).toEqual([200, 409]);
    expect(tokensOfAda().filter((candidate) => candidate.displayName === 'double-click-bot')).toHaveLength(1);
    emulator.control.removeFault(slowCreate.id);
  });

  it('shows the same activity log from both instances (kept in Redis)', async () => {
    const pages = [await browser.get(`${publicUrl}/activity`), await browser.get(`${publicUrl}/activity`)];
    expect(new Set(await Promise.all(pages.map(servedBy)))).toEqual(new Set(['a', 'b']));
    for (const page of pages) {
      expect(page.body).toContain('double-click-bot');
      expect(page.body).toContain('multi-instance-bot');
    }
  });

  it('gathers the organization audit once on the job engine (BullMQ) and shows it from both instances (kept in Redis)', async () => {
    const admin = new TestBrowser(emulator.caCertificatePem);
    await signInForAudit(admin, publicUrl, GRACE);
    emulator.control.resetStats();
    await followGathering(admin, publicUrl);
    const gathered = tokenListCalls();
    expect(gathered).toBeGreaterThan(10);
    const served = new Set<'a' | 'b'>();
    for (let i = 0; i < 4; i++) {
      const page = await admin.get(`${publicUrl}/audit`);
      expect(page.status).toBe(200);
      expect(page.headers.refresh).toBeUndefined();
      expect(page.body).toContain('<h1>Audit of contoso</h1>');
      served.add(await servedBy(page));
    }
    expect([...served].sort()).toEqual(['a', 'b']);
    // No gathering again: each page asks token administration once, to check Grace is still an administrator.
    expect(tokenListCalls()).toBe(gathered + 4);
  });

  it('keeps working through the other instance when one stops', async () => {
    const stopped = await instances.a!.stop(5000);
    expect(stopped).toEqual({ code: 0, signal: null });
    for (let i = 0; i < 4; i++) {
      const page = await browser.get(`${publicUrl}/`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('Ada Lovelace');
      expect(await servedBy(page)).toBe('b');
    }
  });

  it('answers a clear 503 page at once while Redis is down, and stays up', async () => {
    await redis.stop();
    const started = performance.now();
    const page = await browser.get(`${publicUrl}/`);
    const tookMs = performance.now() - started;
    expect(page.status).toBe(503);
    expect(page.body).toContain('<h1 id="error-title">Temporarily unavailable</h1>');
    expect(page.body).toContain('cannot reach the store that keeps sign-ins');
    expect(tookMs).toBeLessThan(REDIS_TIMEOUT_MS);
    const b = instances.b!;
    const readiness = await fetch(`${b.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toEqual({ status: 'store-unavailable' });
    expect((await fetch(`${b.url}/healthz`)).status).toBe(200);
    // Pages that need no session still work.
    expect((await new TestBrowser(emulator.caCertificatePem).get(`${publicUrl}/`)).status).toBe(200);
    expect(b.child.exitCode).toBeNull();
    expect(b.lines.join('\n')).not.toMatch(/unhandled|uncaught/i);
  });

  it('recovers by itself when Redis is back, with the person still signed in', async () => {
    await redis.start();
    const recoveredInMs = await eventually(
      'the app serves the token list again',
      async () => (await browser.get(`${publicUrl}/`)).status === 200,
      10_000,
    );
    const page = await browser.get(`${publicUrl}/`);
    expect(page.body).toContain('Ada Lovelace');
    expect(page.body).toContain('Your tokens in contoso');
    expect(recoveredInMs).toBeLessThan(5000);
    expect((await fetch(`${instances.b!.url}/readyz`)).status).toBe(200);
  });

  it('leaves nothing in Redis after sign-out', async () => {
    const id = await sessionId();
    const page = await browser.get(`${publicUrl}/logout`);
    await browser.submit(page, '/logout');
    await withRedis(async (client) => {
      expect(await client.exists([`${KEY_PREFIX}sess:${id}`, `${KEY_PREFIX}msal:${id}`])).toBe(0);
    });
  });

  it('wrote no secret into any log', () => {
    const logs = [...instances.a!.lines, ...instances.b!.lines, ...nginx.service.lines].join('\n');
    expect(logs).not.toMatch(/"(access|refresh|id)_?token"\s*:\s*"ey/i);
    expect(logs).not.toContain('RefreshToken');
    expect(nginx.accessLog().every((entry) => !entry.path.includes('?'))).toBe(true);
  });
});
