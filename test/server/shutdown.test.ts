// `npm start` on SIGTERM, as an orchestrator stops an instance: it stops accepting connections at
// once, lets the request in flight finish, closes the session store, logs it and exits 0; a request
// still running at SHUTDOWN_TIMEOUT_MS is cut off rather than holding the process. Also /readyz.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import { startAppProcess, sharedSettings, type AppProcess } from '../support/app-process.ts';
import { TestBrowser } from '../support/browser.ts';
import { TEST_CLIENT_ID, freePort } from '../support/harness.ts';
import { eventually } from '../support/processes.ts';
import { signIn } from '../support/sign-in.ts';

const SHUTDOWN_TIMEOUT_MS = 2000;
let emulator: RunningEmulator;
const apps: AppProcess[] = [];
const ports: number[] = [];
let clientSecret: string;

beforeAll(async () => {
  ports.push(await freePort(), await freePort());
  clientSecret = randomBytes(24).toString('base64url');
  emulator = await startEmulator({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'pat-manager-shutdown-emulator-')),
    seed: 'demo',
    clients: [
      {
        clientId: TEST_CLIENT_ID,
        clientSecret,
        redirectUris: ports.map((port) => `http://127.0.0.1:${port}/getAToken`),
        postLogoutRedirectUris: [],
      },
    ],
  });
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop(2000)));
  await emulator?.close();
});

async function start(port: number): Promise<AppProcess> {
  const url = `http://127.0.0.1:${port}`;
  const app = await startAppProcess(`shutdown-${port}`, port, {
    ...sharedSettings(emulator, clientSecret, url),
    SESSION_STORE: 'sqlite',
    SESSION_SQLITE_FILE: 'sessions.sqlite',
    SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
  });
  apps.push(app);
  return app;
}

async function refusesConnections(url: string): Promise<boolean> {
  return fetch(`${url}/healthz`).then(
    () => false,
    (error: { cause?: { code?: string } }) => error.cause?.code === 'ECONNREFUSED',
  );
}

describe('shutdown on SIGTERM', () => {
  it('answers /readyz while its store answers', async () => {
    const app = await start(ports[0]!);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('finishes the request in flight, refuses new connections, closes the store and exits 0', async () => {
    const app = apps[0]!;
    const browser = new TestBrowser(emulator.caCertificatePem);
    await signIn(browser, app.url);
    // The token list waits 1.2 s for Azure DevOps: the request is in flight when SIGTERM comes.
    emulator.control.injectFault({ target: 'pats', method: 'GET', delayMs: 1200, times: 1 });
    const inFlight = browser.get(`${app.url}/`);
    await eventually('the app asked Azure DevOps', async () => emulator.control.faults()[0]?.triggered === 1, 5000, 20);
    app.child.kill('SIGTERM');
    await eventually('new connections are refused', () => refusesConnections(app.url), 1000, 20);

    const page = await inFlight;
    expect(page.status).toBe(200);
    expect(page.body).toContain('Ada Lovelace');
    // A whole page, not a reset connection: it finished before the deadline (the next test shows
    // what the deadline does). Wall time is not compared here: on a loaded machine the exit itself
    // can take longer than the deadline after the request has finished.
    expect(await app.exited).toEqual({ code: 0, signal: null });
    const messages = app.logs().map((entry) => entry.msg);
    expect(messages).toContain('shutting down: no new connections, finishing requests in flight');
    expect(messages.at(-1)).toBe('stopped');
  });

  it('cuts off a request still running at SHUTDOWN_TIMEOUT_MS, and still exits 0', async () => {
    const app = await start(ports[1]!);
    const browser = new TestBrowser(emulator.caCertificatePem);
    await signIn(browser, app.url);
    emulator.control.clearFaults();
    emulator.control.injectFault({ target: 'pats', method: 'GET', delayMs: 10_000, times: 1 });
    const inFlight = browser.get(`${app.url}/`).then(
      (page) => `answered ${page.status}`,
      (error: { code?: string }) => `cut off (${error.code})`,
    );
    await eventually('the app asked Azure DevOps', async () => emulator.control.faults()[0]?.triggered === 1, 5000, 20);
    const signalled = performance.now();
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
    const stoppedInMs = performance.now() - signalled;
    expect(stoppedInMs).toBeGreaterThanOrEqual(SHUTDOWN_TIMEOUT_MS - 50);
    expect(stoppedInMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 2000);
    expect(await inFlight).toBe('cut off (ECONNRESET)');
  });
});
