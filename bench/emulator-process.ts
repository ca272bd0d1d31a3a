// The emulator in a process of its own, for the benchmark: the demo directory plus one person who
// belongs to five organizations with tokens in each. The parent drives it over IPC, so the control
// calls do not show up in the emulator's request counters. With BENCH_MOVABLE_CLOCK=1 its services
// count with the real time plus an offset the parent moves (`advanceClock`), as the app's jobs do.
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { demoDirectory, type Directory } from '../src/emulator/directory.ts';
import { startEmulator, type FaultSpec } from '../src/emulator/index.ts';
import { serveParent } from './child.ts';
import { MULTI_ORG_PERSON } from './people.ts';

export interface EmulatorReady {
  origin: string;
  tenantId: string;
  caCertificatePem: string;
  caCertificateFile: string;
  urls: { identity: string; pats: string; profile: string; audit: string; keyVaultHostSuffix: string };
}

/** A token as the emulator holds it, as much of it as the benchmark checks. */
export interface TokenSummary {
  displayName: string;
  authorizationId: string;
  revoked: boolean;
}

function benchDirectory(): Directory {
  const directory = demoDirectory();
  directory.organizations.push(
    { accountId: '2a7f4c1e-3b5d-4e6f-8a9b-0c1d2e3f4a5b', accountName: 'adatum' },
    { accountId: '3b8a5d2f-4c6e-4f7a-9b0c-1d2e3f4a5b6c', accountName: 'tailspin' },
  );
  directory.people.push(MULTI_ORG_PERSON);
  return directory;
}

const dataDir = mkdtempSync(join(tmpdir(), 'pat-manager-bench-emulator-'));
let clockOffsetMs = 0;
const emulator = await startEmulator({
  // Passed only when asked for: with a `now` of its own the emulator sets a Date header on every answer.
  ...(process.env.BENCH_MOVABLE_CLOCK === '1' ? { now: () => Date.now() + clockOffsetMs } : {}),
  port: 0,
  dataDir,
  seed: 'demo',
  directory: benchDirectory(),
  clients: [JSON.parse(process.env.BENCH_CLIENT!)],
});
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);
const directory = emulator.control.directory();
for (const name of MULTI_ORG_PERSON.organizations) {
  const accountId = directory.organizations.find((org) => org.accountName === name)!.accountId;
  emulator.control.devops.addTokens(
    MULTI_ORG_PERSON.objectId,
    Array.from({ length: 8 }, (_, index) => ({
      displayName: `${name}-token-${index + 1}`,
      scope: 'vso.code',
      validTo: inDays(10 + index),
      targetAccounts: [accountId],
    })),
  );
}

const { control } = emulator;
serveParent(
  {
    origin: emulator.origin,
    tenantId: emulator.tenantId,
    caCertificatePem: emulator.caCertificatePem,
    caCertificateFile: emulator.caCertificateFile,
    urls: emulator.urls,
  } satisfies EmulatorReady,
  {
    injectFault: (spec: FaultSpec) => control.injectFault(spec),
    removeFault: (id: string) => control.removeFault(id),
    clearFaults: () => control.clearFaults(),
    stats: () => control.stats(),
    resetStats: () => control.resetStats(),
    issueAccessToken: (objectId: string, clientId: string) => control.issueAccessToken(objectId, { clientId }),
    expireAccessTokens: (objectId: string) => control.expireAccessTokens(objectId),
    tokenCount: (objectId: string) => control.devops.tokens(objectId).length,
    tokens: (objectId: string): TokenSummary[] =>
      control.devops.tokens(objectId).map(({ displayName, authorizationId, revoked }) => ({
        displayName,
        authorizationId,
        revoked,
      })),
    vaultUrl: (vault: string) => control.keyVault.vaultUrl(vault),
    secretVersionCounts: (vault: string, secrets: string[]) =>
      secrets.map((secret) => control.keyVault.secretVersions(vault, secret).length),
    advanceClock: (ms: number) => {
      if (process.env.BENCH_MOVABLE_CLOCK !== '1') throw new Error('started without BENCH_MOVABLE_CLOCK=1');
      clockOffsetMs += ms;
      return clockOffsetMs;
    },
  },
  async () => {
    await emulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  },
);
