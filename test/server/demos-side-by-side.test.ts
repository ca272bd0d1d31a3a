// Two `npm start` demos at once (two clones, two ports): the second finds the emulator's usual port
// taken and uses a free one, saying so in one line; a port that is asked for and taken, for the
// emulator or the app, stops the start with one line that names it, not an error object.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/harness.ts';
import { startChild, type ChildService } from '../support/processes.ts';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'main.ts');
const USUAL_EMULATOR_PORT = 5443;
const START_TIMEOUT_MS = 30_000;

function startDemo(name: string, port: number, extra: Record<string, string> = {}): ChildService {
  // Each demo runs from a folder of its own, as a second clone would: its own .data.
  const cwd = mkdtempSync(join(tmpdir(), `pat-manager-${name}-`));
  return startChild(name, process.execPath, [MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...extra },
  });
}

/** Holds the usual port for the test, unless something else (a developer's demo) already does. */
async function holdPort(port: number): Promise<Server | undefined> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('two demos on one machine', () => {
  let holder: Server | undefined;
  const started: ChildService[] = [];

  beforeAll(async () => {
    holder = await holdPort(USUAL_EMULATOR_PORT);
  });
  afterAll(async () => {
    await Promise.all(started.map((child) => child.stop(2000)));
    holder?.close();
  });

  it('both start while the usual emulator port is taken, each saying where its emulator is, and both serve sign-in', async () => {
    const ports = [await freePort(), await freePort()];
    const demos = ports.map((port, index) => startDemo(`demo-${index}`, port));
    started.push(...demos);
    const origins = await Promise.all(
      demos.map(async (demo) => {
        const line = await demo.waitForLine(/so this demo's emulator is at https:\/\/localhost:\d+/, START_TIMEOUT_MS);
        await demo.waitForLine(/PAT Manager demo/, START_TIMEOUT_MS);
        return /https:\/\/localhost:(\d+)/.exec(line)?.[1];
      }),
    );
    expect(origins[0]).not.toBe(String(USUAL_EMULATOR_PORT));
    expect(origins[0]).not.toBe(origins[1]);
    for (const port of ports) {
      const login = await fetch(`http://127.0.0.1:${port}/login`, { redirect: 'manual' });
      expect(login.status).toBe(303);
      expect(login.headers.get('location')).toMatch(/^https:\/\/localhost:\d+\//);
    }
  });

  it('stops with one line when DEMO_EMULATOR_PORT is taken', async () => {
    const demo = startDemo('demo-chosen-port', await freePort(), { DEMO_EMULATOR_PORT: String(USUAL_EMULATOR_PORT) });
    started.push(demo);
    const line = await demo.waitForLine(/PAT Manager cannot start/, START_TIMEOUT_MS);
    expect(line).toBe(
      `PAT Manager cannot start: DEMO_EMULATOR_PORT ${USUAL_EMULATOR_PORT} is in use (another demo?): choose another port, or leave it unset to take a free one.`,
    );
    expect((await demo.exited).code).toBe(1);
    expect(demo.lines.join('\n')).not.toMatch(/\n\s+at |EADDRINUSE/);
  });

  it("stops with one line when the app's own PORT is taken", async () => {
    const taken = await freePort();
    const blocker = await holdPort(taken);
    try {
      const demo = startDemo('demo-app-port', taken);
      started.push(demo);
      const line = await demo.waitForLine(/PAT Manager cannot start/, START_TIMEOUT_MS);
      expect(line).toBe(
        `PAT Manager cannot start: port ${taken} is in use (another PAT Manager?). Set PORT to a free port.`,
      );
      expect((await demo.exited).code).toBe(1);
    } finally {
      blocker?.close();
    }
  });
});
