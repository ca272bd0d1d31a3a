// One emulator and one real Azure DevOps client for a test file: real HTTPS, real access tokens,
// the client's log lines kept so tests can check what was (and was not) written.
import { Writable } from 'node:stream';
import { createDevOpsClient } from '../../src/devops/client.ts';
import type { AccessTokenSource, DevOpsClient } from '../../src/devops/types.ts';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import { createLogger } from '../../src/logging.ts';

/** People of the emulator's demo directory (src/emulator/directory.ts). */
export const ADA = { objectId: '32cdad68-e89d-42ea-90fd-a3da24f086c0', memberId: '8ed93371-1a81-4012-ab51-9dd996b1c150' };
export const GRACE = { objectId: 'bdfc34ea-84a9-48ad-bcff-534a79e7b0d5', memberId: 'eed893a6-5a8f-4072-88c4-b155c846eff3' };
export const CONTOSO_ID = 'f9424e7c-ea71-44cb-aa51-cae3213c1e15';

export interface ClientFixture {
  emulator: RunningEmulator;
  client: DevOpsClient;
  /** Everything the client logged, one JSON line each. */
  logLines: string[];
  /** A client with its own timeout (same emulator, same log). */
  clientWithTimeout(timeoutMs: number): DevOpsClient;
  close(): Promise<void>;
}

export async function startClientFixture(options: { timeoutMs?: number } = {}): Promise<ClientFixture> {
  const emulator = await startEmulator({ clients: [], seed: 'empty' });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
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
