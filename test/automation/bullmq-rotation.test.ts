// Two PAT Manager instances sharing Redis run their jobs on BullMQ: 100 due rotations, swept by
// both at once, run exactly once each (counted in the emulator). Real redis-server, real BullMQ,
// real msal-node refresh tokens; the instances and the emulator read one clock the test moves.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { settingsForEmulator } from '../../src/demo/demo-environment.ts';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import { createLogger } from '../../src/logging.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { TestBrowser } from '../support/browser.ts';
import { movableClock } from '../support/clock.ts';
import { TEST_CLIENT_ID, freePort } from '../support/harness.ts';
import { startRedis, type TestRedis } from '../support/redis-server.ts';
import { ADA, signIn } from '../support/sign-in.ts';
import { createIntoVault, turnOnAutomation } from '../support/vault-tokens.ts';

const ROTATIONS = 100;
const clock = movableClock();
let redis: TestRedis;
let emulator: RunningEmulator;
const instances: RunningServer[] = [];
let appUrl: string;

beforeAll(async () => {
  redis = await startRedis();
  const ports = [await freePort(), await freePort()];
  appUrl = `http://localhost:${ports[0]}`;
  const clientSecret = randomBytes(24).toString('base64url');
  emulator = await startEmulator({
    port: 0,
    now: clock.now,
    dataDir: mkdtempSync(join(tmpdir(), 'pat-manager-bullmq-emulator-')),
    seed: 'demo',
    clients: [
      {
        clientId: TEST_CLIENT_ID,
        clientSecret,
        redirectUris: [`${appUrl}/getAToken`],
        postLogoutRedirectUris: [`${appUrl}/`],
      },
    ],
  });
  const shared = {
    NODE_ENV: 'test',
    DEMO_MODE: 'true',
    ...settingsForEmulator(emulator, TEST_CLIENT_ID, clientSecret),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    TOKEN_CACHE_KEYS: randomBytes(32).toString('base64'),
    SESSION_STORE: 'redis',
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: 'patmanager-bullmq:',
    SIGN_IN_RATE_LIMIT: '100000',
    JOBS_POLL_SECONDS: '3600',
    LOG_LEVEL: 'warn',
  };
  for (const port of ports) {
    const config = loadConfig({ ...shared, PORT: String(port), BASE_URL: appUrl });
    instances.push(await startServer(config, createLogger(config.logLevel), { clock }));
  }
}, 60_000);

afterAll(async () => {
  for (const instance of instances) await instance.close().catch(() => {});
  await emulator?.close();
  await redis?.close();
});

describe('BullMQ on Redis, two instances', () => {
  it(
    `runs ${ROTATIONS} due rotations exactly once each when both instances sweep at the same moment`,
    { timeout: 240_000 },
    async () => {
      const browser = new TestBrowser(emulator.caCertificatePem);
      await signIn(browser, appUrl, ADA);
      const named = (name: string) =>
        emulator.control.devops.tokens(ADA.objectId).filter((token) => token.displayName === name);
      const session = {
        h: { appUrl } as Parameters<typeof createIntoVault>[0]['h'],
        browser,
        adaVault: emulator.control.keyVault.vaultUrl('ada-pats'),
        named,
      };
      const names = Array.from({ length: ROTATIONS }, (_, index) => `fleet-${String(index).padStart(3, '0')}`);
      const olds = new Map<string, string>();
      for (const name of names) {
        const old = await createIntoVault(session, name);
        olds.set(name, old.authorizationId);
        const on = await turnOnAutomation(session, old.authorizationId, {
          whenDaysLeft: '7',
          lifetimeDays: '30',
          keepOldDays: '0',
        });
        expect(on.url).toMatch(/\/automation$/);
      }
      const creates = () =>
        Object.entries(emulator.control.stats().requests)
          .filter(([route]) => route.startsWith('POST ') && route.includes('/_apis/tokens/pats'))
          .reduce((sum, [, count]) => sum + count, 0);
      const createsBefore = creates();

      clock.advanceDays(23.01);
      const ran = await Promise.all(instances.map((instance) => instance.runDueJobs()));
      expect(ran.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(ROTATIONS);

      expect(creates() - createsBefore).toBe(ROTATIONS);
      for (const name of names) {
        const tokens = named(name);
        expect(tokens, name).toHaveLength(2);
        expect(tokens.find((token) => token.authorizationId === olds.get(name))!.revoked, name).toBe(true);
        const versions = emulator.control.keyVault.secretVersions('ada-pats', `${name}-pat`);
        expect(versions, name).toHaveLength(2);
        expect(versions[1]!.tags).toMatchObject({
          authorizationId: tokens.find((token) => !token.revoked)!.authorizationId,
        });
      }
    },
  );

  it(
    'sends a reminder once when both instances run the day’s reminder job at the same moment',
    { timeout: 60_000 },
    async () => {
      const browser = new TestBrowser(emulator.caCertificatePem);
      await signIn(browser, appUrl, ADA);
      const now = clock.now();
      emulator.control.devops.replaceTokens(ADA.objectId, [
        {
          displayName: 'due-soon',
          scope: 'vso.code',
          validTo: new Date(now + 5 * 86_400_000),
          targetAccounts: ['f9424e7c-ea71-44cb-aa51-cae3213c1e15'],
        },
      ]);
      emulator.control.outbox.clear();
      emulator.control.webhooks.clear();
      const fields = {
        thresholds: '7',
        mail: 'on',
        webhookUrl: 'https://teams.hooks.localhost/workflows/pair',
        webhookFormat: 'teams',
      };
      let page = await browser.submit(await browser.get(`${appUrl}/notifications`), '/notifications', fields);
      if (page.url.includes('/oauth2/v2.0/authorize')) {
        page = await browser.submit(page, 'authorize', { person: ADA.objectId });
        page = await browser.submit(page, '/notifications', fields);
      }
      expect(page.body).toContain('Reminders saved');

      clock.advance(86_400_000 + 60_000);
      await Promise.all(instances.map((instance) => instance.runDueJobs()));
      expect(emulator.control.outbox.sent().filter((mail) => mail.content.includes('due-soon'))).toHaveLength(1);
      expect(
        emulator.control.webhooks.received().filter((hook) => JSON.stringify(hook.body).includes('due-soon')),
      ).toHaveLength(1);
    },
  );
});
