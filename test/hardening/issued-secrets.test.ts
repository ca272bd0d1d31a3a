// The emulator remembers every secret it hands out, so a test can look for them in the app's log:
// access, refresh and ID tokens from sign-in and PAT secrets from Create. None may be logged.
import { describe, expect, it } from 'vitest';
import { secretShownOn } from '../support/created-page.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { signedIn } from '../support/signed-in.ts';
import { secretsInLog } from '../support/log-secrets.ts';
import { ADA, signIn } from '../support/sign-in.ts';

let h: Harness;
signedIn({ person: null, once: true }, (session) => ({ h } = session));

describe('secrets the emulator issued', () => {
  it("are recorded: sign-in tokens and a created PAT's secret", async () => {
    const browser = h.browser();
    await signIn(browser, h.appUrl, ADA);
    const form = await browser.get(`${h.appUrl}/tokens/new`);
    const created = await browser.submit(form, '/tokens', {
      displayName: 'logged-nowhere',
      expiry: '7',
      organizations: 'this',
      access: 'custom',
      scopes: 'vso.code',
    });
    const secret = secretShownOn(created.body);
    expect(secret).toBeTruthy();

    const issued = h.emulator.control.issuedSecrets();
    expect(new Set(issued.map((item) => item.kind))).toEqual(
      new Set(['access_token', 'refresh_token', 'id_token', 'pat']),
    );
    expect(issued).toContainEqual({ kind: 'pat', value: secret });
  });

  it('and access tokens made through the control', async () => {
    const token = await h.emulator.control.issueAccessToken(ADA.objectId);
    expect(h.emulator.control.issuedSecrets()).toContainEqual({ kind: 'access_token', value: token });
  });

  it("appear nowhere in the app's log, nor does the client secret", () => {
    const known = [...h.emulator.control.issuedSecrets(), { kind: 'client secret', value: h.clientSecret }];
    expect(h.logLines.length).toBeGreaterThan(0);
    expect(secretsInLog(h.logLines, known)).toEqual([]);
  });

  it('make a harness fail when it closes if one is in its log', async () => {
    const other = await startHarness();
    let closed = false;
    try {
      await signIn(other.browser(), other.appUrl, ADA);
      const [issued] = other.emulator.control.issuedSecrets();
      other.logLines.push(`{"level":30,"msg":"a careless line ${issued!.value}"}`);
      const failure = await other.close().then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      closed = true;
      expect(failure?.message).toMatch(new RegExp(`^secrets in the app's log: ${issued!.kind} \\(log line \\d+\\)$`));
      expect(failure?.message).not.toContain(issued!.value);
    } finally {
      if (!closed) await other.close().catch(() => undefined);
    }
  });

  it('are found when they are there (the check can fail)', () => {
    const [first] = h.emulator.control.issuedSecrets();
    expect(secretsInLog([`{"msg":"oops ${first!.value}"}`], [first!])).toEqual([`${first!.kind} (log line 1)`]);
  });
});
