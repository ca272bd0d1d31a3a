// A rotation the process dies in, at each recorded phase: the app restarts (same files), the dead
// run's lease runs out, and the rotation resumes from its record: one new token, the vault's new
// version holds it, the old token revoked, and never a revoked token without its replacement stored.
import { describe, expect, it } from 'vitest';
import { LEASE_MS } from '../../src/jobs/sqlite-job-engine.ts';
import type { TestBrowser } from '../support/browser.ts';
import type { Harness } from '../support/harness.ts';
import { signedInWithVault, type SignedInWithVault } from '../support/signed-in.ts';
import { createIntoVault, turnOnAutomation } from '../support/vault-tokens.ts';

let h: Harness;
let browser: TestBrowser;
let adaVault: string;
let named: SignedInWithVault['named'];
let issuedPats: SignedInWithVault['issuedPats'];
/** The phase the next run dies after (its record saved, the next step not begun). */
let dieAfter: string | undefined;
signedInWithVault((session) => ({ h, browser, adaVault, named, issuedPats } = session), {
  harness: {
    afterRotationPhase: (phase) => {
      if (phase !== dieAfter) return;
      dieAfter = undefined;
      throw new Error(`the process died after "${phase}"`);
    },
  },
});

describe('a rotation interrupted at any phase resumes after a restart', () => {
  it.each(['creating', 'created', 'stored', 'keeping-old'])(
    'dies after "%s": one new token, stored as the secret’s new version, and the old one revoked only after that',
    async (phase) => {
      const name = `resume-${phase}`;
      const old = await createIntoVault({ h, browser, adaVault, named }, name);
      await turnOnAutomation({ h, browser }, old.authorizationId, {
        whenDaysLeft: '7',
        lifetimeDays: '30',
        keepOldDays: '0',
      });
      dieAfter = phase;
      h.clock.advanceDays(23.01);
      await h.app.runDueJobs();
      expect(dieAfter).toBeUndefined();
      // Whatever the phase, the old token still works unless the vault already holds its replacement.
      const versions = () => h.emulator.control.keyVault.secretVersions('ada-pats', `${name}-pat`);
      const oldRevoked = () => named(name).find((token) => token.authorizationId === old.authorizationId)!.revoked;
      if (oldRevoked()) expect(versions()).toHaveLength(2);

      await h.restartApp();
      expect(await h.app.runDueJobs()).toBe(0); // the dead run's claim still holds
      h.clock.advance(LEASE_MS + 1000);
      expect(await h.app.runDueJobs()).toBe(1);

      const live = named(name).filter((token) => !token.revoked);
      expect(live).toHaveLength(1);
      expect(live[0]!.authorizationId).not.toBe(old.authorizationId);
      expect(oldRevoked()).toBe(true);
      expect(versions()).toHaveLength(2);
      expect(versions()[1]!.tags).toMatchObject({ authorizationId: live[0]!.authorizationId });
      expect(versions()[1]!.value).toBe(issuedPats().at(-1));
      // Exactly one token was made for this rotation.
      expect(named(name)).toHaveLength(2);
    },
  );

  it('a token Azure DevOps made whose answer was lost (malformed JSON) is revoked before the next is made: one live new token', async () => {
    const name = 'resume-lost-answer';
    const old = await createIntoVault({ h, browser, adaVault, named }, name);
    await turnOnAutomation({ h, browser }, old.authorizationId, {
      whenDaysLeft: '7',
      lifetimeDays: '30',
      keepOldDays: '0',
    });
    h.emulator.control.injectFault({ target: 'pats', method: 'POST', malformed: true, times: 1 });
    h.clock.advanceDays(23.01);
    expect(await h.app.runDueJobs()).toBe(1);
    // Made upstream, its secret never read: the rotation cannot use it.
    expect(named(name).filter((token) => !token.revoked)).toHaveLength(2);

    h.clock.advance(10 * 60_000);
    expect(await h.app.runDueJobs()).toBe(1);
    const all = named(name);
    expect(all).toHaveLength(3);
    const live = all.filter((token) => !token.revoked);
    expect(live).toHaveLength(1);
    const versions = h.emulator.control.keyVault.secretVersions('ada-pats', `${name}-pat`);
    expect(versions.at(-1)!.tags).toMatchObject({ authorizationId: live[0]!.authorizationId });
    expect((await browser.get(`${h.appUrl}/activity`)).body).toContain(
      'an interrupted automatic rotation lost its secret',
    );
  });
});
