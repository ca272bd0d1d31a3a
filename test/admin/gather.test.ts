// The gatherer over real HTTPS against the emulator's large demo organization, with the real
// token-administration client: every person and token, never more calls in flight than allowed,
// progress that ends at "all read", and a person whose list fails kept with the reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherAudit, type AuditProgress } from '../../src/admin/gather.ts';
import { createTokenAdminClient, type TokenAdminClient } from '../../src/admin/token-admin-client.ts';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { GRACE, startTestEmulator } from '../emulator/support/test-emulator.ts';
import { countingTokenAdmin } from '../support/counting-token-admin.ts';

let emulator: RunningEmulator;
let client: TokenAdminClient;
let token = '';

beforeAll(async () => {
  emulator = await startTestEmulator({ seed: 'demo' });
  client = createTokenAdminClient({ baseUrl: emulator.urls.pats, timeoutMs: 2000, ca: emulator.caCertificatePem });
  token = await emulator.control.issueAccessToken(GRACE.objectId);
});
afterAll(() => emulator.close());

describe('gathering an audit', () => {
  it('reads every person and token with at most `concurrency` calls in flight', async () => {
    emulator.control.injectFault({ path: '/vssps/*/_apis/tokenadmin/*', delayMs: 15 });
    const { seen, client: watched } = countingTokenAdmin(client);
    const progress: AuditProgress[] = [];
    let audit: Awaited<ReturnType<typeof gatherAudit>>;
    try {
      audit = await gatherAudit({
        client: watched,
        accessToken: async () => token,
        organization: 'contoso',
        concurrency: 8,
        onProgress: (p) => progress.push(p),
      });
    } finally {
      emulator.control.clearFaults();
    }
    expect(seen.peak).toBe(8);
    expect(audit.upstreamCalls).toBe(seen.calls);
    const people = emulator.control.devops.members('contoso').filter((member) => member.origin !== 'vsts');
    expect(audit.people.map((entry) => entry.person.descriptor).sort()).toEqual(
      people.map((member) => member.descriptor).sort(),
    );
    expect(audit.failures).toEqual([]);
    const tokens = audit.people.reduce((sum, entry) => sum + entry.tokens.length, 0);
    expect(tokens).toBeGreaterThan(2000);
    expect(progress.at(-1)).toEqual({
      peopleKnown: people.length,
      peopleRead: people.length,
      peopleListComplete: true,
    });
  });

  it('keeps a person whose list fails, with the reason, and everyone else', async () => {
    const victim = emulator.control.devops.members('contoso')[7]!;
    emulator.control.injectFault({
      path: `/vssps/contoso/_apis/tokenadmin/personalaccesstokens/${victim.descriptor}`,
      status: 503,
    });
    let audit: Awaited<ReturnType<typeof gatherAudit>>;
    try {
      audit = await gatherAudit({ client, accessToken: async () => token, organization: 'contoso', concurrency: 4 });
    } finally {
      emulator.control.clearFaults();
    }
    expect(audit.failures.map((failure) => failure.person.descriptor)).toEqual([victim.descriptor]);
    expect(audit.failures[0]!.reason).toMatch(/could not be reached/);
    expect(audit.people.some((entry) => entry.person.descriptor === victim.descriptor)).toBe(false);
    expect(audit.people.length + audit.failures.length).toBe(
      emulator.control.devops.members('contoso').filter((member) => member.origin !== 'vsts').length,
    );
  });
});
