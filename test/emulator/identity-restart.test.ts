// A restart with the same data directory keeps what clients depend on: the CA the app trusts, the
// server certificate, the token-signing key (so issued access tokens still verify) and the
// refresh-token key (so signed-in people stay signed in).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { httpsRequest } from './support/https-request.ts';
import { ADA, AZURE_DEVOPS_SCOPE, msalApp, signIn, startTestEmulator } from './support/test-emulator.ts';

const running: RunningEmulator[] = [];
afterAll(() => Promise.all(running.map((emulator) => emulator.close())));

async function start(dataDir?: string, port = 0): Promise<RunningEmulator> {
  const emulator = await startTestEmulator({ dataDir, port });
  running.push(emulator);
  return emulator;
}

const keysOf = async (emulator: RunningEmulator) =>
  JSON.parse(
    (
      await httpsRequest(`${emulator.origin}/${emulator.tenantId}/discovery/v2.0/keys`, {
        caCertificatePem: emulator.caCertificatePem,
      })
    ).body,
  ) as { keys: { kid: string }[] };

it('keeps the CA, certificates and keys, so tokens issued before the restart still work', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'emulator-restart-')), 'emulator');
  const first = await start(dataDir);
  const app = msalApp(first);
  const { result } = await signIn(app, first, { objectId: ADA.objectId });
  const kid = (await keysOf(first)).keys[0]!.kid;
  const port = Number(new URL(first.origin).port);
  await first.close();

  const second = await start(dataDir, port);
  expect(second.origin).toBe(first.origin);
  expect(second.caCertificatePem).toBe(first.caCertificatePem);
  expect(second.caCertificateFile).toBe(first.caCertificateFile);
  expect(readFileSync(second.caCertificateFile, 'utf8')).toBe(first.caCertificatePem);
  expect((await keysOf(second)).keys[0]!.kid).toBe(kid);

  // The same msal-node app (same CA trust, same cache) carries on: access token, then refresh.
  const profile = await httpsRequest(`${second.urls.profile}/_apis/profile/profiles/me?api-version=7.1`, {
    caCertificatePem: second.caCertificatePem,
    headers: { authorization: `Bearer ${result.accessToken}` },
  });
  expect(profile.status).toBe(200);
  const refreshed = await app.msal.acquireTokenSilent({
    account: result.account!,
    scopes: [AZURE_DEVOPS_SCOPE],
    forceRefresh: true,
  });
  expect(refreshed.fromCache).toBe(false);
  expect(refreshed.account?.homeAccountId).toBe(result.account!.homeAccountId);
});

it('starts with a fresh data directory of its own when none is given', async () => {
  const a = await start();
  const b = await start();
  expect(a.caCertificateFile).not.toBe(b.caCertificateFile);
  expect(a.caCertificatePem).not.toBe(b.caCertificatePem);
});
