// The token lifecycle called as a background job will call it: no request, no session, no Express;
// an Actor made of a person id, an access-token provider and a Key Vault credential. Real HTTPS to
// the emulator through the real Azure DevOps client and the official Key Vault SDK.
import type { TokenCredential } from '@azure/core-auth';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDevOpsClient } from '../../src/devops/client.ts';
import type { DevOpsClient } from '../../src/devops/types.ts';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import { createHttpsAgent } from '../../src/http/https-agent.ts';
import { parseVaultAddress } from '../../src/keyvault/vault-address.ts';
import { createVaultLinks } from '../../src/keyvault/vault-links.ts';
import { createVaultSecrets } from '../../src/keyvault/vault-secrets.ts';
import { createLogger } from '../../src/logging.ts';
import { createSqliteActivityLog, type ActivityLog } from '../../src/storage/activity-log.ts';
import { createSqlitePersonRecords } from '../../src/storage/person-records.ts';
import { createTokenLifecycle, type TokenLifecycle } from '../../src/tokens/lifecycle.ts';
import type { Actor } from '../../src/tokens/types.ts';
import { tokenSourceFor } from '../devops/client-fixture.ts';
import { ADA } from '../support/sign-in.ts';

let emulator: RunningEmulator;
let agent: ReturnType<typeof createHttpsAgent>;
let devops: DevOpsClient;
let activity: ActivityLog;
let lifecycle: TokenLifecycle;
let records: ReturnType<typeof createSqlitePersonRecords>;
let actor: Actor;

beforeAll(async () => {
  emulator = await startEmulator({ clients: [], seed: 'empty' });
  // As demo mode builds it: vault names under .localhost reach the emulator's port.
  agent = createHttpsAgent({
    ca: emulator.caCertificatePem,
    localhostNamesToPort: Number(new URL(emulator.origin).port),
  });
  devops = createDevOpsClient({
    patsBaseUrl: emulator.urls.pats,
    profileBaseUrl: emulator.urls.profile,
    timeoutMs: 5000,
    httpsAgent: agent,
  });
});
afterAll(async () => {
  records?.close();
  activity?.close();
  agent?.destroy();
  await emulator?.close();
});
beforeEach(() => {
  emulator.control.devops.reset();
  emulator.control.clearFaults();
  records?.close();
  activity?.close();
  records = createSqlitePersonRecords(':memory:');
  activity = createSqliteActivityLog(':memory:', createLogger('silent'));
  const hostSuffixes = [emulator.urls.keyVaultHostSuffix];
  lifecycle = createTokenLifecycle({
    devops,
    activity,
    vaultSecrets: createVaultSecrets({ agent, timeoutMs: 5000 }),
    vaultLinks: createVaultLinks(records),
    hostSuffixes,
  });
  // What a job holds instead of a session: who, a way to get their tokens, the organization.
  const vaultCredential: TokenCredential = {
    async getToken() {
      return {
        token: await emulator.control.issueAccessToken(ADA.objectId, {
          scope: 'https://vault.azure.net/user_impersonation',
        }),
        expiresOnTimestamp: Date.now() + 3_600_000,
      };
    },
  };
  actor = {
    person: 'ada-home-account',
    accessToken: tokenSourceFor(emulator, ADA.objectId).source,
    vaultCredential,
    organization: 'contoso',
  };
});

const request = {
  displayName: 'nightly-build',
  scope: 'vso.build vso.code',
  validTo: new Date(Date.now() + 10 * 86_400_000),
  allOrgs: false,
};

describe('the token lifecycle, with nobody signed in', () => {
  it('regenerates: a new token like the old one, the old one revoked, the steps and the activity recorded', async () => {
    const { token: old } = await lifecycle.create(actor, request);
    const outcome = await lifecycle.regenerate(actor, old, 30);
    expect(outcome.oldRevoked).toBe(true);
    expect(outcome.steps.map((step) => [step.label, step.ok])).toEqual([
      ['Create the new token', true],
      ['Revoke the old token', true],
    ]);
    expect(outcome.created.token).toMatchObject({ displayName: 'nightly-build', scopes: ['vso.build', 'vso.code'] });
    expect((await lifecycle.getToken(actor, old.authorizationId)).revoked).toBe(true);
    expect((await lifecycle.getToken(actor, outcome.created.token.authorizationId)).revoked).toBe(false);
    const { entries } = await activity.list(actor.person, 1, 10);
    expect(entries.map((entry) => entry.action)).toEqual(['regenerate', 'create']);
    expect(entries[0]!.changes).toContain(`replaces ${old.authorizationId}`);
  });

  it("rotates a token kept in Key Vault: the new secret becomes the secret's new version, the link follows, the old token is revoked", async () => {
    const vault = parseVaultAddress(emulator.control.keyVault.vaultUrl('ada-pats'), [emulator.urls.keyVaultHostSuffix]);
    if (!vault.ok) throw new Error(vault.message);
    const { created, stored } = await lifecycle.createIntoVault(actor, request, vault.address, 'nightly-build-pat');
    expect(stored.ok).toBe(true);
    const rotated = await lifecycle.rotate(actor, created.token, { days: 30, keepOldUntil: undefined });
    expect(rotated.steps.filter((step) => !step.ok)).toEqual([]);
    expect(rotated.ok).toBe(true);
    const versions = emulator.control.keyVault.secretVersions('ada-pats', 'nightly-build-pat');
    expect(versions).toHaveLength(2);
    expect(versions.at(-1)!.tags?.authorizationId).toBe(rotated.newToken!.authorizationId);
    expect((await lifecycle.getToken(actor, created.token.authorizationId)).revoked).toBe(true);
    const links = await createVaultLinks(records).links(actor.person);
    expect(links.map((link) => link.authorizationId)).toEqual([rotated.newToken!.authorizationId]);
  });

  it('when the vault refuses the write, revokes the token it just created and says so in its steps', async () => {
    const vault = parseVaultAddress(emulator.control.keyVault.vaultUrl('ada-pats'), [emulator.urls.keyVaultHostSuffix]);
    if (!vault.ok) throw new Error(vault.message);
    emulator.control.injectFault({
      target: 'keyvault',
      method: 'PUT',
      status: 500,
      body: { error: { code: 'InternalError', message: 'boom' } },
    });
    const { created, stored } = await lifecycle.createIntoVault(actor, request, vault.address, 'nightly-build-pat');
    expect(stored.ok).toBe(false);
    expect(stored.steps.map((step) => [step.label, step.ok])).toEqual([
      ['Store the secret in Key Vault', false],
      ['Revoke the token just created', true],
    ]);
    expect((await lifecycle.getToken(actor, created.token.authorizationId)).revoked).toBe(true);
  });
});
