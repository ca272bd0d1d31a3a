// One emulator and one real Azure DevOps client for a test file: real HTTPS, real access tokens,
// the client's log lines kept so tests can check what was (and was not) written.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createDevOpsClient } from '../../src/devops/client.ts';
import type { AccessTokenSource, DevOpsClient } from '../../src/devops/types.ts';
import { demoDirectory, findOrganization } from '../../src/emulator/directory.ts';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import { collectLogLines } from '../support/log-lines.ts';
import { createLogger } from '../../src/logging.ts';

/** People and an organization of the emulator's demo directory. */
export { ADA, GRACE } from '../support/sign-in.ts';
export const CONTOSO_ID = findOrganization(demoDirectory(), 'contoso')!.accountId;

export interface ClientFixture {
  emulator: RunningEmulator;
  client: DevOpsClient;
  /** Everything the client logged, one JSON line each. */
  logLines: string[];
  /** A client with its own timeout (same emulator, same log). */
  clientWithTimeout(timeoutMs: number): DevOpsClient;
  close(): Promise<void>;
}

async function startClientFixture(options: { timeoutMs?: number } = {}): Promise<ClientFixture> {
  const emulator = await startEmulator({ clients: [], seed: 'empty' });
  const { lines: logLines, sink } = collectLogLines();
  const logger = createLogger('trace', sink);
  const clients: DevOpsClient[] = [];
  const clientWithTimeout = (timeoutMs: number) => {
    const client = createDevOpsClient({
      patsBaseUrl: emulator.urls.pats,
      profileBaseUrl: emulator.urls.profile,
      timeoutMs,
      ca: emulator.caCertificatePem,
      logger,
    });
    clients.push(client);
    return client;
  };
  return {
    emulator,
    client: clientWithTimeout(options.timeoutMs ?? 5000),
    logLines,
    clientWithTimeout,
    async close() {
      for (const client of clients) client.close();
      await emulator.close();
    },
  };
}

/**
 * One fixture for a test file, with the usual lifecycle: started before the tests, closed after,
 * and the emulator's tokens and faults reset before each test. Read it inside tests only.
 */
export function useClientFixture(): () => ClientFixture {
  let fixture: ClientFixture | undefined;
  beforeAll(async () => {
    fixture = await startClientFixture();
  });
  afterAll(async () => {
    await fixture?.close();
  });
  beforeEach(() => {
    fixture!.emulator.control.devops.reset();
    fixture!.emulator.control.clearFaults();
  });
  return () => fixture!;
}

export interface RecordingTokenSource {
  source: AccessTokenSource;
  /** `forceRefresh` of each call, in order. */
  calls: boolean[];
  /** Every token it handed out. */
  issued: string[];
}

/** A token source for a demo person: mints a real token first and on every forced refresh. */
export function tokenSourceFor(emulator: RunningEmulator, objectId: string): RecordingTokenSource {
  const recording: RecordingTokenSource = { source: async () => '', calls: [], issued: [] };
  let current: string | undefined;
  recording.source = async ({ forceRefresh }) => {
    recording.calls.push(forceRefresh);
    if (current === undefined || forceRefresh) {
      current = await emulator.control.issueAccessToken(objectId);
      recording.issued.push(current);
    }
    return current;
  };
  return recording;
}

/** A token source that always gives the same (refused) value. */
export function refusedTokenSource(value = 'not-a-valid-access-token'): RecordingTokenSource {
  const recording: RecordingTokenSource = { source: async () => value, calls: [], issued: [] };
  recording.source = async ({ forceRefresh }) => {
    recording.calls.push(forceRefresh);
    recording.issued.push(value);
    return value;
  };
  return recording;
}

export function inDays(days: number, from: Date = new Date()): Date {
  return new Date(from.getTime() + days * 86_400_000);
}
