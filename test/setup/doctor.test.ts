// `npm run doctor` as a person runs it, in a folder with its .env: all pass in demo mode and with a
// good registration against the emulator; then each problem (a wrong secret, in a tenant or through
// organizations, an identity platform
// that does not answer, a clock five minutes off, a SQLite folder that cannot be written, a Redis
// that is down, token-cache keys that open none of the stored caches) fails on a line of its own that
// names the setting, and the exit code is 1.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppSession } from '../../src/session/session-types.ts';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { createSealer } from '../../src/storage/sealing.ts';
import { SqliteSessionStore } from '../../src/storage/sqlite-session-store.ts';
import { startTestEmulator } from '../emulator/support/test-emulator.ts';
import { freePort } from '../support/harness.ts';
import { startRedis, type TestRedis } from '../support/redis-server.ts';
import { emulatorEnvLines, runDoctor, setupFolder, type CommandRun } from './support/setup-cli.ts';

const CLIENT_ID = '7d0c6a55-31c4-4f1e-9a57-0c2b7e3d9f10';
const CLIENT_SECRET = randomBytes(24).toString('base64url');
const BASE_URL = 'http://localhost:5000';
let emulator: RunningEmulator;
let redis: TestRedis | undefined;

beforeAll(async () => {
  emulator = await startTestEmulator();
  emulator.control.registerClient({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [`${BASE_URL}/getAToken`, `${BASE_URL}/`],
  });
});
afterAll(async () => {
  await redis?.close();
  await emulator?.close();
});

/** A registration the emulator knows, as `npm run register` would have written it, with changes. */
function configured(changes: Record<string, string> = {}): string {
  const settings: Record<string, string> = {
    AZURE_CLIENT_ID: CLIENT_ID,
    AZURE_CLIENT_SECRET: CLIENT_SECRET,
    AZURE_TENANT_ID: emulator.tenantId,
    SESSION_SECRET: randomBytes(48).toString('base64url'),
    TOKEN_CACHE_KEYS: randomBytes(32).toString('base64'),
    ...changes,
  };
  return setupFolder([
    ...emulatorEnvLines(emulator, BASE_URL),
    ...Object.entries(settings).map(([name, value]) => `${name}=${value}`),
  ]);
}

const statusLines = (run: CommandRun) => run.lines.filter((line) => /^\s+(ok|FAIL|skip)\s/.test(line));
const failures = (run: CommandRun) => run.lines.filter((line) => /^\s+FAIL\s/.test(line));

function expectOneFailure(run: CommandRun, check: string, naming: string): void {
  expect(run.code, run.output).toBe(1);
  const [failure, ...others] = failures(run);
  expect(others, run.output).toEqual([]);
  expect(failure).toMatch(new RegExp(`^\\s+FAIL\\s+${check}: ${naming}`));
  // The fix is on the next line.
  expect(run.lines[run.lines.indexOf(failure!) + 1]).toMatch(/^\s+fix: \S/);
  expect(run.output).not.toContain(CLIENT_SECRET);
}

describe('npm run doctor', () => {
  it('passes every check in demo mode, against the emulator it starts as npm start does', async () => {
    const run = await runDoctor(setupFolder(['# no AZURE_CLIENT_ID: the demo']));
    expect(run.code, run.output).toBe(0);
    expect(run.lines[0]).toMatch(/demo mode .* local emulator at https:\/\/localhost:\d+/);
    // The demo's application is not one Microsoft Graph holds, so its permissions are not read (skipped, not failed).
    expect(statusLines(run).map((line) => line.trim().split(/\s+/)[0])).toEqual([
      'ok',
      'ok',
      'ok',
      'skip',
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
    ]);
  });

  it('passes every check for a good registration', async () => {
    const run = await runDoctor(configured());
    expect(run.code, run.output).toBe(0);
    expect(failures(run)).toEqual([]);
    expect(run.output).toContain(`ok    Credential: the identity platform accepts the client secret of ${CLIENT_ID}`);
    expect(run.output).toContain(`ok    Redirect URI: ${BASE_URL}/getAToken (registered for the application)`);
  });

  it('a wrong secret', async () => {
    expectOneFailure(
      await runDoctor(configured({ AZURE_CLIENT_SECRET: 'not-the-secret-at-all' })),
      'Credential',
      'AZURE_CLIENT_SECRET: the identity platform refused it \\(AADSTS7000215',
    );
  });

  it('a redirect URI the registration does not list', async () => {
    expectOneFailure(
      await runDoctor(configured({ BASE_URL: 'https://pat.example.com' })),
      'Redirect URI',
      'BASE_URL: sign-in sends https://pat.example.com/getAToken, which the registration does not list',
    );
  });

  it('a single-tenant registration used through organizations', async () => {
    const singleTenant = {
      clientId: '3f9c2a71-5d0e-4b8a-9c61-2e7d4f0a8b35',
      clientSecret: randomBytes(24).toString('base64url'),
    };
    emulator.control.registerClient({
      ...singleTenant,
      redirectUris: [`${BASE_URL}/getAToken`],
      signInAudience: 'AzureADMyOrg',
    });
    const run = await runDoctor(
      configured({
        AZURE_CLIENT_ID: singleTenant.clientId,
        AZURE_CLIENT_SECRET: singleTenant.clientSecret,
        AZURE_TENANT_ID: 'organizations',
      }),
    );
    expectOneFailure(
      run,
      'Redirect URI',
      'AZURE_TENANT_ID: "organizations" lets any tenant sign in, but the registration is for its own tenant only \\(AADSTS50194\\)',
    );
    expect(run.output).toContain(
      `ok    Credential: the identity platform accepts the client secret of ${singleTenant.clientId}`,
    );
  });

  it('a wrong secret through organizations, where the app can have no token of its own', async () => {
    expectOneFailure(
      await runDoctor(configured({ AZURE_TENANT_ID: 'organizations', AZURE_CLIENT_SECRET: 'not-the-secret-at-all' })),
      'Credential',
      'AZURE_CLIENT_SECRET: the identity platform refused it \\(AADSTS7000215',
    );
  });

  it('the right secret through organizations', async () => {
    const run = await runDoctor(configured({ AZURE_TENANT_ID: 'organizations' }));
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(`ok    Credential: the identity platform accepts the client secret of ${CLIENT_ID}`);
  });

  it('an identity platform that does not answer', async () => {
    const closedPort = await freePort();
    const run = await runDoctor(configured({ IDENTITY_BASE_URL: `https://localhost:${closedPort}` }));
    expectOneFailure(run, 'Identity platform', `IDENTITY_BASE_URL: https://localhost:${closedPort} did not answer`);
    expect(run.output).toContain('skip  Credential: not checked: the identity platform did not answer');
  });

  it("a clock more than five minutes off the identity platform's", async () => {
    emulator.control.setClockOffset(-600);
    try {
      expectOneFailure(
        await runDoctor(configured()),
        'Clock',
        "system clock: (599|600|601) s ahead of the identity platform's",
      );
    } finally {
      emulator.control.setClockOffset(0);
    }
  });

  it('a SQLite folder that cannot be written', async () => {
    const dir = configured();
    writeFileSync(join(dir, 'not-a-folder'), 'a file where the folder should be');
    writeFileSync(join(dir, '.env'), `SESSION_SQLITE_FILE=not-a-folder/sessions.sqlite\n`, { flag: 'a' });
    expectOneFailure(
      await runDoctor(dir),
      'Session store',
      `SESSION_SQLITE_FILE: cannot write ${join(dir, 'not-a-folder', 'sessions.sqlite')}`,
    );
  });

  it('a Redis that answers, then one that is down', async () => {
    redis = await startRedis();
    const dir = configured({ SESSION_STORE: 'redis', REDIS_URL: redis.url });
    const up = await runDoctor(dir);
    expect(up.code, up.output).toBe(0);
    expect(up.output).toContain(`ok    Session store: Redis at 127.0.0.1:${redis.port} answers PING`);
    await redis.stop();
    expectOneFailure(
      await runDoctor(dir),
      'Session store',
      `REDIS_URL: Redis at 127.0.0.1:${redis.port} is not reachable`,
    );
  });

  it('settings that do not parse: one line naming the setting, the other checks wait for it', async () => {
    const run = await runDoctor(configured({ UPSTREAM_TIMEOUT_MS: 'soon' }));
    expectOneFailure(run, 'Settings', 'UPSTREAM_TIMEOUT_MS: invalid value');
    expect(statusLines(run).filter((line) => line.includes('not checked until the settings parse'))).toHaveLength(8);
  });

  it('token-cache keys that open none of the stored token caches, then the same after a rotation', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const dir = configured({ TOKEN_CACHE_KEYS: newKey.toString('base64') });
    // A person signed in while the old key sealed: their token cache, as the app stores it.
    mkdirSync(join(dir, '.data'));
    const store = new SqliteSessionStore(join(dir, '.data', 'sessions.sqlite'), 3_600_000);
    const session = {
      id: 'signed-in-session',
      cookie: { expires: new Date(Date.now() + 3_600_000) },
    } as unknown as AppSession;
    await store.tokenCacheSlot.write(
      session,
      createSealer([oldKey]).seal('{"RefreshToken":{}}', 'token-cache:signed-in-session'),
    );
    store.close();

    expectOneFailure(
      await runDoctor(dir),
      'Token-cache keys',
      'TOKEN_CACHE_KEYS: none of the 1 stored token caches opens with these keys',
    );
    const rotated = await runDoctor(dir, {
      TOKEN_CACHE_KEYS: `${newKey.toString('base64')},${oldKey.toString('base64')}`,
    });
    expect(rotated.code, rotated.output).toBe(0);
    expect(rotated.output).toContain(
      'ok    Token-cache keys: 2 keys (the first seals, the others only open); 1 of 1 stored token caches open; 1 still sealed with an older key',
    );
  });
});
