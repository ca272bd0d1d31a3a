// Cold start: from `npm start` (demo mode: the emulator starts in the same process) to the first
// 200 from /healthz, as a person or an orchestrator sees it. Each run is a process group of its
// own on free ports with its own session files, stopped with SIGTERM before the next one.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../test/support/harness.ts';

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));
const GIVE_UP_MS = 30_000;

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(url, { timeout: 1_000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

function groupAlive(groupId: number): boolean {
  try {
    process.kill(-groupId, 0);
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds from spawning `npm start` to the first 200 on /healthz. */
export async function coldStartMs(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pat-manager-cold-start-'));
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: REPOSITORY,
    detached: true,
    stdio: 'ignore',
    env: {
      ...process.env,
      // Demo mode even where a .env configures Azure: an empty setting counts as absent.
      AZURE_CLIENT_ID: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      BASE_URL: `http://localhost:${port}`,
      DEMO_EMULATOR_PORT: String(await freePort()),
      SESSION_SQLITE_FILE: join(dataDir, 'sessions.sqlite'),
      ACTIVITY_SQLITE_FILE: join(dataDir, 'activity.sqlite'),
      VAULT_LINKS_SQLITE_FILE: join(dataDir, 'vault-links.sqlite'),
    },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    while (!(await healthy(`http://127.0.0.1:${port}/healthz`))) {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}) before /healthz answered`);
      if (performance.now() - started > GIVE_UP_MS)
        throw new Error(`/healthz did not answer within ${GIVE_UP_MS / 1000} s of npm start`);
      await sleep(5);
    }
    return performance.now() - started;
  } finally {
    // npm and the node it started share the group this run made: stop them both.
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    while (groupAlive(child.pid!)) await sleep(20);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
