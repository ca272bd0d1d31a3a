// The attacker's afternoon (issue 22), replayed against the real app and emulator: each finding is
// tried the way it was found, and must now be refused, bounded or cleaned up.
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestBrowser } from '../support/browser.ts';
import { get } from 'node:https';
import { createHttpsAgent } from '../../src/http/https-agent.ts';
import { vaultErrorOf } from '../../src/keyvault/errors.ts';
import { parseVaultAddress } from '../../src/keyvault/vault-address.ts';
import { sharedSettings, startAppProcess } from '../support/app-process.ts';
import { freePort, startHarness, type Harness } from '../support/harness.ts';
import { runDoctor, setupFolder } from '../setup/support/setup-cli.ts';
import { ADA, GRACE, csrfOf, openSignInPage, pickPerson, signIn, signInForAudit } from '../support/sign-in.ts';
import { SecretClient } from '@azure/keyvault-secrets';
import { randomBytes } from 'node:crypto';
import { createAuditGatherings } from '../../src/admin/audit-gatherings.ts';
import { systemClock } from '../../src/clock.ts';
import { createSqliteJobEngine } from '../../src/jobs/sqlite-job-engine.ts';
import { createLogger } from '../../src/logging.ts';
import { sqliteAuditGatheringSlots } from '../../src/storage/audit-gathering-slots.ts';
import { createSealer } from '../../src/storage/sealing.ts';
import { boundedConcurrency } from '../../src/admin/bounded.ts';
import { gatherAudit } from '../../src/admin/gather.ts';
import { createTokenAdminClient } from '../../src/admin/token-admin-client.ts';
import { countingTokenAdmin } from '../support/counting-token-admin.ts';

const RATE_LIMIT = 40;
const AUDIT_MAX_PEOPLE = 25;

let h: Harness;
let browser: TestBrowser;

beforeAll(async () => {
  // TRUST_PROXY: the client address is the one X-Forwarded-For names, so a test can be many clients.
  h = await startHarness({
    env: {
      SIGN_IN_RATE_LIMIT: String(RATE_LIMIT),
      SIGN_IN_RATE_WINDOW_MINUTES: '5',
      TRUST_PROXY: 'true',
      AUDIT_MAX_PEOPLE: String(AUDIT_MAX_PEOPLE),
    },
  });
  browser = h.browser();
  await signIn(browser, h.appUrl, ADA);
});
afterAll(async () => {
  await h?.close();
});

const sessionRows = () => {
  const database = new DatabaseSync(h.config.session.sqliteFile, { readOnly: true });
  try {
    return (database.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
  } finally {
    database.close();
  }
};

/** A request from the client at `address`, as the proxy in front reports it. */
const from = (address: string, path: string, cookie?: string) =>
  fetch(`${h.appUrl}${path}`, {
    redirect: 'manual',
    headers: { 'x-forwarded-for': address, ...(cookie ? { cookie } : {}) },
  });

describe('pending sign-ins cost the session store nothing until a sign-in completes', () => {
  it('200 cookieless GET /login from 200 addresses add no session row', async () => {
    const before = sessionRows();
    for (let n = 0; n < 200; n++) {
      const answer = await from(
        `198.51.${Math.floor(n / 250)}.${n % 250}`,
        `/login?returnTo=${encodeURIComponent(`/${'x'.repeat(2000)}`)}`,
      );
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toContain('/oauth2/v2.0/authorize');
    }
    expect(sessionRows()).toBe(before);
  });

  it('the sign-in in progress travels in a sealed cookie that names neither the return address nor the PKCE verifier', async () => {
    const answer = await from('198.51.100.7', '/login?returnTo=%2Factivity%3Fmarker%3Dreturn-here');
    const cookie = answer.headers.getSetCookie().find((line) => line.startsWith('patmanager.signin='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Max-Age=900/);
    expect(decodeURIComponent(cookie!)).not.toMatch(/return-here|codeVerifier|activity/);
  });

  it('a sign-in still completes (and returns where it was asked) with that cookie alone, and only then is a session row written', async () => {
    const fresh = h.browser();
    const before = sessionRows();
    const page = await pickPerson(fresh, await openSignInPage(fresh, h.appUrl, '/activity'), ADA);
    expect(page.url).toBe(`${h.appUrl}/activity`);
    expect(page.body).toContain('Signed in as Ada Lovelace');
    expect(sessionRows()).toBe(before + 1);
  });

  it('a forged or tampered sign-in cookie is worth nothing: "Sign-in expired", no session', async () => {
    const before = sessionRows();
    const answer = await from(
      '198.51.100.8',
      '/getAToken?state=forged&code=forged',
      'patmanager.signin=v1.AAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    );
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('Sign-in expired');
    expect(sessionRows()).toBe(before);
  });
});

describe('sign-in routes are rate limited per client address', () => {
  it(`past ${RATE_LIMIT} requests in the window: 429 with Retry-After and a page in words; another address is unaffected`, async () => {
    for (let n = 0; n < RATE_LIMIT; n++) expect((await from('203.0.113.50', '/login')).status).toBe(303);
    const refused = await from('203.0.113.50', '/login');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(5 * 60);
    const page = await refused.text();
    expect(page).toContain('Too many sign-ins were started from your network');
    expect(page).not.toMatch(/\bat .+:\d+:\d+/);
    // The callback counts against the same address too.
    expect((await from('203.0.113.50', '/getAToken?state=x&code=y')).status).toBe(429);
    expect((await from('203.0.113.51', '/login')).status).toBe(303);
  });
});

const DAY = 86_400_000;

describe('hygiene', () => {
  it('every signed-in page, form, export and redirect says Cache-Control: no-store; signed-out pages do not need to', async () => {
    const tokenId = h.emulator.control.devops
      .tokens(ADA.objectId)
      .find((token) => token.status === 'active')!.authorizationId;
    const paths = [
      '/',
      '/tokens/new',
      `/tokens/${tokenId}`,
      `/tokens/${tokenId}/edit`,
      '/all',
      '/expiring',
      '/activity',
      '/organizations',
      '/export?format=csv',
      '/export?format=json',
      '/audit',
    ];
    for (const path of paths) {
      const page = await browser.get(`${h.appUrl}${path}`, { follow: false });
      expect([200, 303, 403], path).toContain(page.status);
      expect(page.headers['cache-control'], path).toBe('no-store');
    }
    const signedOut = await fetch(`${h.appUrl}/`);
    expect(signedOut.headers.get('cache-control')).not.toBe('no-store');
  });

  it('a session used without pause ends SESSION_MAX_HOURS (12) after its sign-in, and the person is asked to sign in again', async () => {
    const busy = h.browser();
    await signIn(busy, h.appUrl, ADA);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      // Used every 7 hours (within the 8-hour idle time): 7 hours in, still signed in.
      vi.setSystemTime(Date.now() + 7 * 60 * 60_000);
      const stillIn = await busy.get(`${h.appUrl}/activity`, { follow: false });
      expect(stillIn.status).toBe(200);
      // 12 hours and a minute after the sign-in: out, whatever the idle time says.
      vi.setSystemTime(Date.now() + 5 * 60 * 60_000 + 60_000);
      const out = await busy.get(`${h.appUrl}/activity`, { follow: false });
      expect(out.status).toBe(303);
      expect(out.headers.location).toBe('/login?returnTo=%2Factivity');
      const tokens = await busy.get(`${h.appUrl}/tokens/new`, { follow: false });
      expect(tokens.status).toBe(303);
    } finally {
      vi.useRealTimers();
    }
  });

  it('the CSV export defuses a leading line feed, whitespace before a formula, fullwidth ＝ ＋ － ＠', async () => {
    const hostile = [
      '\n=1+1',
      ' =cmd|"/c calc"!A0',
      '\t@SUM(A1)',
      '＝HYPERLINK("http://evil.example")',
      '＋1',
      '－1',
      '＠SUM(1)',
      '\u3000=1',
      '\u00a0+1',
      '\r-1',
    ];
    h.emulator.control.devops.addTokens(
      ADA.objectId,
      hostile.map((displayName) => ({
        displayName,
        scope: 'vso.code',
        validTo: new Date(Date.now() + 5 * DAY),
        targetAccounts: null,
      })),
    );
    const csv = await browser.get(`${h.appUrl}/export?format=csv&status=all`);
    expect(csv.status).toBe(200);
    const cells = csv.body
      .match(/(?<=,|^)("(?:[^"]|"")*"|[^,\r\n]*)/gm)!
      .map((text) => (text.startsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text));
    for (const name of hostile) expect(cells, JSON.stringify(name)).toContain(`'${name}`);
    // And nothing that a spreadsheet would start running (after skipping whitespace) is left undefused.
    expect(cells.filter((text) => /^[\s=+\-@＝＋－＠]/u.test(text))).toEqual([]);
  });
});

/** Every folder and file under `dir` with a group or other permission bit, as `path mode`. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  const visit = (path: string) => {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) found.push(`${path} ${mode.toString(8)}`);
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return found;
}

describe(".data/ is the app user's alone, whichever command made it", () => {
  it('npm run doctor (demo mode) leaves .data 0700 and every file in it 0600, and tightens what an older version left open', async () => {
    const dir = setupFolder([]);
    mkdirSync(join(dir, '.data', 'compile-cache'), { recursive: true, mode: 0o755 });
    chmodSync(join(dir, '.data'), 0o755);
    writeFileSync(join(dir, '.data', 'sessions.sqlite'), '', { mode: 0o644 });
    const run = await runDoctor(dir);
    expect(run.output).toContain('demo mode');
    expect(readdirSync(join(dir, '.data')).length).toBeGreaterThan(2);
    expect(openToOthers(join(dir, '.data'))).toEqual([]);
  });

  it('npm start leaves .data (sessions, activity, compile cache) 0700 and every file in it 0600', async () => {
    const app = await startAppProcess(
      'private-data',
      await freePort(),
      sharedSettings(h.emulator, h.clientSecret, 'http://localhost:1'),
    );
    const data = join(app.dataDir, '.data');
    try {
      expect(readdirSync(data)).toEqual(
        expect.arrayContaining(['compile-cache', 'sessions.sqlite', 'activity.sqlite']),
      );
      expect(openToOthers(data)).toEqual([]);
    } finally {
      await app.stop(2000);
    }
    // Node writes the compile cache as the process ends.
    expect(readdirSync(join(data, 'compile-cache'), { recursive: true }).length).toBeGreaterThan(0);
    expect(openToOthers(data)).toEqual([]);
  });
});

describe('vault addresses and the HTTPS agent', () => {
  it('a vault address with a port is refused, whatever the port (Key Vault has none)', () => {
    for (const port of ['8443', '6379', '22', '5443']) {
      const parsed = parseVaultAddress(`https://ada-pats.vault.localhost:${port}`, ['.vault.localhost']);
      expect(parsed).toMatchObject({ ok: false, message: expect.stringContaining('has no port') });
    }
  });

  it('every vault that gives no answer gets the same words and status: no name, refused, reset, TLS failure, timeout', () => {
    const where = {
      operation: 'set secret',
      vaultUrl: 'https://ada-pats.vault.azure.net',
      secretName: 's',
      timeoutMs: 2000,
    };
    const failures = [
      { name: 'RestError', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' },
      { name: 'RestError', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:443' },
      { name: 'RestError', code: 'ECONNRESET', message: 'socket hang up' },
      { name: 'RestError', code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'wrong version number' },
      Object.assign(new Error('aborted'), { name: 'AbortError' }),
      new TypeError('fetch failed'),
    ];
    const answers = failures.map((failure) => vaultErrorOf(failure, where));
    expect(new Set(answers.map((answer) => `${answer.kind} ${answer.userMessage}`)).size).toBe(1);
    expect(answers[0]!.userMessage).toContain('could not be reached');
  });

  const status = (url: string, agent: ReturnType<typeof createHttpsAgent>) =>
    new Promise<number | string>((resolve) => {
      get(url, { agent }, (response) => {
        response.resume();
        resolve(response.statusCode!);
      }).on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.name));
    });

  it("only the demo's agent takes *.localhost to loopback (and a vault address without a port to the emulator)", async () => {
    const port = Number(new URL(h.emulator.origin).port);
    const demo = createHttpsAgent({ ca: h.emulator.caCertificatePem, localhostNamesToPort: port });
    const production = createHttpsAgent({ ca: h.emulator.caCertificatePem });
    try {
      expect(await status('https://ada-pats.vault.localhost/secrets?api-version=7.4', demo)).toBe(401);
      // Outside demo mode the name is the system resolver's to answer (glibc: no such host), even with the emulator's port.
      expect(await status(`https://ada-pats.vault.localhost:${port}/secrets?api-version=7.4`, production)).toBe(
        'ENOTFOUND',
      );
    } finally {
      demo.destroy();
      production.destroy();
    }
  });
});

const GRAPH_USERS = 'GET /vssps/:organization/_apis/graph/users';
const REVOCATIONS = 'POST /vssps/:organization/_apis/tokenadmin/revocations';
const calls = (label: string) => h.emulator.control.stats().requests[label] ?? 0;

/** Opens /audit and follows its "gathering" page until the audit is shown (polling, as its Refresh header asks). */
async function openAudit(admin: TestBrowser) {
  let page = await admin.get(`${h.appUrl}/audit`);
  for (let i = 0; i < 60 && page.headers.refresh; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    page = await admin.get(`${h.appUrl}/audit`);
  }
  expect(page.body).toContain('<h1>Audit of contoso</h1>');
  return page;
}

describe('administrator rights are checked again before the audit shows or changes anything', () => {
  it('someone removed as administrator loses the audit, its export, revoke and offboard at once, and the gathered audit is dropped', async () => {
    const grace = h.browser();
    await signInForAudit(grace, h.appUrl, GRACE);
    const audit = await openAudit(grace);
    const csrf = csrfOf(audit);
    const exported = (
      JSON.parse((await grace.get(`${h.appUrl}/audit/export?format=json`)).body) as {
        tokens: Array<{ authorizationId: string; person: string }>;
      }
    ).tokens;
    expect(exported.length).toBeGreaterThan(0);
    const victim = exported[0]!;
    const before = JSON.stringify(h.emulator.control.devops.members('contoso').map((member) => member.tokens));
    try {
      h.emulator.control.devops.setAdministrators('contoso', []);
      for (const path of [
        '/audit',
        '/audit/export?format=json',
        '/audit/export?format=csv',
        `/audit/revoke?ids=${victim.authorizationId}`,
      ]) {
        const page = await grace.get(`${h.appUrl}${path}`, { follow: false });
        expect(page.status, path).toBe(403);
        expect(page.body, path).toContain('The audit is for organization administrators');
        expect(page.body, path).not.toContain(victim.authorizationId);
      }
      const revokes = calls(REVOCATIONS);
      const revoke = await grace.post(
        `${h.appUrl}/audit/revoke`,
        { _csrf: csrf, ids: victim.authorizationId, reason: 'should not happen' },
        { follow: false },
      );
      // Refused here, with the reason, instead of upstream with "your sign-in has expired".
      expect(revoke.status).toBe(403);
      expect(revoke.body).toContain('The audit is for organization administrators');
      expect(revoke.body).not.toContain('your sign-in has expired');
      expect(calls(REVOCATIONS)).toBe(revokes);
      expect(JSON.stringify(h.emulator.control.devops.members('contoso').map((member) => member.tokens))).toBe(before);
    } finally {
      h.emulator.control.devops.setAdministrators('contoso', [GRACE.objectId]);
    }
    // Made administrator again, Grace is let in once the refusal is asked again (11 minutes on), and
    // gets a new audit: the one gathered before (which would be kept 15 minutes) was dropped.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 11 * 60_000);
      const listed = calls(GRAPH_USERS);
      await openAudit(grace);
      expect(calls(GRAPH_USERS)).toBeGreaterThan(listed);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('audit work is started only by a form, one at a time, within process-wide bounds', () => {
  it('"Gather again" is a POST with a CSRF token: the old ?refresh=1 link and a forged form start nothing', async () => {
    const grace = h.browser();
    await signInForAudit(grace, h.appUrl, GRACE);
    const audit = await openAudit(grace);
    expect(audit.body).toMatch(/<form method="post" action="\/audit\/gather-again"/);
    const listed = calls(GRAPH_USERS);
    await grace.get(`${h.appUrl}/audit?refresh=1`);
    expect(calls(GRAPH_USERS)).toBe(listed);
    const forged = await grace.post(`${h.appUrl}/audit/gather-again`, { _csrf: 'forged' }, { follow: false });
    expect(forged.status).toBe(403);
    expect(calls(GRAPH_USERS)).toBe(listed);
    const again = await grace.submit(audit, '/audit/gather-again', {}, { follow: false });
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/audit');
    await openAudit(grace);
    expect(calls(GRAPH_USERS)).toBeGreaterThan(listed);
  });

  it(`an audit keeps at most AUDIT_MAX_PEOPLE (${AUDIT_MAX_PEOPLE}) people and says so on the page`, async () => {
    const grace = h.browser();
    await signInForAudit(grace, h.appUrl, GRACE);
    const page = await openAudit(grace);
    expect(page.body).toContain('This audit is incomplete: it reached its limit');
    expect(page.body).toContain(`It holds the first ${AUDIT_MAX_PEOPLE} people Azure DevOps listed`);
    const people = new Set(
      (
        JSON.parse((await grace.get(`${h.appUrl}/audit/export?format=json`)).body) as {
          tokens: Array<{ principalName: string }>;
        }
      ).tokens.map((row) => row.principalName),
    );
    expect(people.size).toBeLessThanOrEqual(AUDIT_MAX_PEOPLE);
  });

  const adminClient = () =>
    createTokenAdminClient({ baseUrl: h.emulator.urls.pats, timeoutMs: 2000, ca: h.emulator.caCertificatePem });

  it('two gatherings at once share one process-wide limit of upstream calls', async () => {
    const token = await h.emulator.control.issueAccessToken(GRACE.objectId);
    h.emulator.control.injectFault({ path: '/vssps/*/_apis/tokenadmin/*', delayMs: 10 });
    const { seen, client } = countingTokenAdmin(adminClient());
    const limiter = boundedConcurrency(4);
    try {
      await Promise.all(
        [1, 2].map(() => gatherAudit({ client, accessToken: async () => token, organization: 'contoso', limiter })),
      );
    } finally {
      h.emulator.control.clearFaults();
    }
    expect(seen.peak).toBe(4);
  });

  it('a gathering replaced by a newer one of the same administrator and organization (from any session) is cancelled: it starts no further call, and only the newer one is kept', async () => {
    const token = await h.emulator.control.issueAccessToken(GRACE.objectId);
    const database = new DatabaseSync(':memory:');
    const logger = createLogger('silent');
    const engine = createSqliteJobEngine({ database, clock: systemClock, pollSeconds: 3600, logger });
    /** Each gathering's own count of calls, in the order they started. */
    const calls: { calls: number }[] = [];
    let callsWhenReplaced = 0;
    let replacement: Promise<unknown> | undefined;
    const gatherings = createAuditGatherings({
      slots: sqliteAuditGatheringSlots(database),
      sealer: createSealer([randomBytes(32)]),
      engine,
      logger,
      gather: (options) => {
        const { seen, client } = countingTokenAdmin(adminClient());
        calls.push(seen);
        const first = calls.length === 1;
        return gatherAudit({
          client,
          concurrency: 2,
          ...options,
          onProgress: (progress) => {
            options.onProgress(progress);
            // Replaced as soon as its first people are being read.
            if (first && progress.peopleRead === 1 && !replacement) {
              callsWhenReplaced = seen.calls;
              replacement = gatherings.start('grace', 'contoso', 'session-2', token, { waitMs: 0 });
            }
          },
        });
      },
    });
    engine.start(gatherings.handler);
    await gatherings.start('grace', 'contoso', 'session-1', token, { waitMs: 60_000 });
    await replacement;
    await engine.close(); // waits for the replacement's run
    expect(calls).toHaveLength(2);
    // Only the calls already in flight (at most the two slots) finished after the replacement.
    expect(calls[0]!.calls - callsWhenReplaced).toBeLessThanOrEqual(2);
    // The first session's audit is gone; the second session's is kept.
    expect(await gatherings.get('grace', 'contoso', 'session-1')).toBeUndefined();
    const kept = await gatherings.get('grace', 'contoso', 'session-2');
    expect(kept?.state).toBe('done');
    expect(kept?.result?.upstreamCalls).toBe(calls[1]!.calls);
    database.close();
  });

  it('a gathering keeps at most `limits.tokens` tokens and names the people it did not read', async () => {
    const token = await h.emulator.control.issueAccessToken(GRACE.objectId);
    const audit = await gatherAudit({
      client: adminClient(),
      accessToken: async () => token,
      organization: 'contoso',
      concurrency: 1,
      limits: { people: 10_000, tokens: 30 },
    });
    expect(audit.people.reduce((sum, entry) => sum + entry.tokens.length, 0)).toBe(30);
    expect(audit.limitsReached).toEqual({ tokens: 30 });
    expect(audit.failures.length).toBeGreaterThan(0);
    expect(audit.failures.every((failure) => failure.reason.includes('limit of 30 tokens'))).toBe(true);
  });
});

describe("a vault link never writes one token over another consumer's secret unconfirmed", () => {
  const DAY_MS = 86_400_000;
  let ada: TestBrowser;
  let vaultUrl: string;
  const tokensOf = () => h.emulator.control.devops.tokens(ADA.objectId);
  const versions = (secret: string) => h.emulator.control.keyVault.secretVersions('ada-pats', secret);

  beforeAll(async () => {
    vaultUrl = h.emulator.control.keyVault.vaultUrl('ada-pats');
    ada = h.browser();
    await signIn(ada, h.appUrl, ADA);
  });

  /** A token whose secret the app wrote into Ada's vault (consenting to Key Vault the first time). */
  async function inVault(name: string) {
    const fields = {
      displayName: name,
      expiry: '7',
      organizations: 'this',
      access: 'custom',
      scopes: ['vso.code'],
      destination: 'vault',
      vaultUrl,
      secretName: `${name}-pat`,
    };
    let page = await ada.submit(await ada.get(`${h.appUrl}/tokens/new`), '/tokens', fields);
    if (page.url.includes('/oauth2/v2.0/authorize'))
      page = await ada.submit(await ada.submit(page, 'authorize', { person: ADA.objectId }), '/tokens', fields);
    expect(page.body).toContain('created and stored in Key Vault');
    return tokensOf().find((token) => token.displayName === name && !token.revoked)!;
  }

  /** Someone else (another consumer, or a colleague's PAT Manager) writes the secret directly. */
  async function writtenByOthers(secret: string, tags: Record<string, string>) {
    const token = await h.emulator.control.issueAccessToken(ADA.objectId, {
      scope: 'https://vault.azure.net/user_impersonation',
    });
    const agent = createHttpsAgent({
      ca: h.emulator.caCertificatePem,
      localhostNamesToPort: Number(new URL(h.emulator.origin).port),
    });
    try {
      const client = new SecretClient(
        vaultUrl,
        { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) },
        { agent, retryOptions: { maxRetries: 0 }, disableChallengeResourceVerification: true },
      );
      await client.setSecret(secret, 'a value PAT Manager never saw', { tags });
    } finally {
      agent.destroy();
    }
  }

  const plainToken = (name: string) => {
    h.emulator.control.devops.addTokens(ADA.objectId, [
      { displayName: name, scope: 'vso.code', validTo: new Date(Date.now() + 5 * DAY_MS), targetAccounts: null },
    ]);
    return tokensOf().find((token) => token.displayName === name)!;
  };
  const linkForm = (id: string, secretName: string) =>
    ada
      .get(`${h.appUrl}/tokens/${id}/vault`)
      .then((page) => ada.submit(page, `/tokens/${id}/vault`, { vaultUrl, secretName }));

  it('linking a token to a secret that holds another token shows both and changes nothing; confirming links it and unlinks the other', async () => {
    const first = await inVault('first');
    const second = plainToken('second');
    const asked = await linkForm(second.authorizationId, 'first-pat');
    expect(asked.body).toContain('The secret "first-pat" is in use');
    for (const text of ['first', first.authorizationId, 'second', second.authorizationId])
      expect(asked.body).toContain(text);
    expect((await ada.get(`${h.appUrl}/tokens/${second.authorizationId}`)).body).toContain(
      'not linked to a Key Vault secret',
    );
    expect(versions('first-pat')).toHaveLength(1);

    const confirmed = await ada.submit(asked, `/tokens/${second.authorizationId}/vault`);
    expect(confirmed.body).toContain('is linked to the secret');
    expect((await ada.get(`${h.appUrl}/tokens/${first.authorizationId}`)).body).toContain(
      'not linked to a Key Vault secret',
    );
    expect(versions('first-pat')).toHaveLength(1);
  });

  it('linking to a secret holding a value PAT Manager did not put there asks first too', async () => {
    await writtenByOthers('hand-made', {});
    const token = plainToken('hand-linked');
    const asked = await linkForm(token.authorizationId, 'hand-made');
    expect(asked.body).toContain('a value PAT Manager did not put there');
    expect((await ada.get(`${h.appUrl}/tokens/${token.authorizationId}`)).body).toContain(
      'not linked to a Key Vault secret',
    );
  });

  it('creating a token into a secret name that already holds something is refused before any token is created', async () => {
    await inVault('taken');
    const before = tokensOf().length;
    const page = await ada.submit(await ada.get(`${h.appUrl}/tokens/new`), '/tokens', {
      displayName: 'newcomer',
      expiry: '7',
      organizations: 'this',
      access: 'custom',
      scopes: ['vso.code'],
      destination: 'vault',
      vaultUrl,
      secretName: 'taken-pat',
    });
    expect(page.status).toBe(422);
    expect(page.body).toContain('already holds another token, &#34;taken&#34;');
    expect(tokensOf()).toHaveLength(before);
    expect(versions('taken-pat')).toHaveLength(1);
  });

  it('a rotation whose secret now holds another token (written since the link) changes nothing and says why', async () => {
    const third = await inVault('third');
    await writtenByOthers('third-pat', {
      authorizationId: '11111111-2222-4333-8444-555555555555',
      source: 'PAT Manager',
      organization: 'fabrikam',
    });
    const form = await ada.get(`${h.appUrl}/tokens/${third.authorizationId}/rotate`);
    const result = await ada.submit(form, `/tokens/${third.authorizationId}/rotate`, { expiry: '30', old: 'revoke' });
    expect(result.body).toContain('third: not rotated');
    expect(result.body).toContain('now holds another token');
    expect(result.body).toContain('11111111-2222-4333-8444-555555555555');
    expect(tokensOf().filter((token) => token.displayName === 'third')).toHaveLength(1);
    expect(versions('third-pat')).toHaveLength(2);
  });

  it('two tokens already linked to one secret (from before) are a conflict on the bulk page, and bulk rotation writes neither', async () => {
    const kept = await inVault('dup-a');
    const other = plainToken('dup-b');
    // A link recorded by an older version, which accepted it without a word: written while the app is stopped.
    await h.app.close();
    const database = new DatabaseSync(h.config.vaultLinksFile);
    const row = database
      .prepare("SELECT person, data FROM person_records WHERE kind = 'vault-link' AND id = ?")
      .get(kept.authorizationId) as { person: string; data: string };
    const duplicate = {
      ...(JSON.parse(row.data) as Record<string, unknown>),
      authorizationId: other.authorizationId,
      tokenName: 'dup-b',
      version: undefined,
    };
    database
      .prepare("INSERT INTO person_records (person, kind, id, data) VALUES (?, 'vault-link', ?, ?)")
      .run(row.person, other.authorizationId, JSON.stringify(duplicate));
    database.close();
    await h.restartApp();

    const bulk = await ada.get(`${h.appUrl}/vault/rotate?within=7`);
    expect(bulk.body).toContain('linked to more than one token');
    const conflict = /<li><code>dup-a-pat<\/code>[^\n]*<\/li>/.exec(bulk.body)?.[0] ?? '';
    expect(conflict).toContain(`href="/tokens/${kept.authorizationId}/vault">dup-a</a>`);
    expect(conflict).toContain(`href="/tokens/${other.authorizationId}/vault">dup-b</a>`);
    expect(bulk.body).not.toMatch(/<li><strong>dup-[ab]<\/strong>, expires/);
    if (bulk.body.includes('action="/vault/rotate"')) await ada.submit(bulk, '/vault/rotate', { expiry: '30' });
    expect(versions('dup-a-pat')).toHaveLength(1);
    // Rotating either one alone says what to do.
    const single = await ada.submit(
      await ada.get(`${h.appUrl}/tokens/${kept.authorizationId}/rotate`),
      `/tokens/${kept.authorizationId}/rotate`,
      { expiry: '30', old: 'revoke' },
    );
    expect(single.body).toContain('is also linked to &#34;dup-b&#34;');
    expect(versions('dup-a-pat')).toHaveLength(1);
  });
});
