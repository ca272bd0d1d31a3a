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
import { ADA, openSignInPage, pickPerson, signIn } from '../support/sign-in.ts';

const RATE_LIMIT = 40;

let h: Harness;
let browser: TestBrowser;

beforeAll(async () => {
  // TRUST_PROXY: the client address is the one X-Forwarded-For names, so a test can be many clients.
  h = await startHarness({ env: { SIGN_IN_RATE_LIMIT: String(RATE_LIMIT), SIGN_IN_RATE_WINDOW_MINUTES: '5', TRUST_PROXY: 'true' } });
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
  fetch(`${h.appUrl}${path}`, { redirect: 'manual', headers: { 'x-forwarded-for': address, ...(cookie ? { cookie } : {}) } });

describe('pending sign-ins cost the session store nothing until a sign-in completes', () => {
  it('200 cookieless GET /login from 200 addresses add no session row', async () => {
    const before = sessionRows();
    for (let n = 0; n < 200; n++) {
      const answer = await from(`198.51.${Math.floor(n / 250)}.${n % 250}`, `/login?returnTo=${encodeURIComponent(`/${'x'.repeat(2000)}`)}`);
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
    const answer = await from('198.51.100.8', '/getAToken?state=forged&code=forged', 'patmanager.signin=v1.AAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
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
    const tokenId = h.emulator.control.devops.tokens(ADA.objectId).find((token) => token.status === 'active')!.authorizationId;
    const paths = ['/', '/tokens/new', `/tokens/${tokenId}`, `/tokens/${tokenId}/edit`, '/all', '/expiring', '/activity', '/organizations', '/export?format=csv', '/export?format=json', '/audit'];
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
    const hostile = ['\n=1+1', ' =cmd|"/c calc"!A0', '\t@SUM(A1)', '＝HYPERLINK("http://evil.example")', '＋1', '－1', '＠SUM(1)', '\u3000=1', '\u00a0+1', '\r-1'];
    h.emulator.control.devops.addTokens(ADA.objectId, hostile.map((displayName) => ({ displayName, scope: 'vso.code', validTo: new Date(Date.now() + 5 * DAY), targetAccounts: null })));
    const csv = await browser.get(`${h.appUrl}/export?format=csv&status=all`);
    expect(csv.status).toBe(200);
    const cells = csv.body.match(/(?<=,|^)("(?:[^"]|"")*"|[^,\r\n]*)/gm)!.map((text) => (text.startsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text));
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

describe('.data/ is the app user\'s alone, whichever command made it', () => {
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
    const app = await startAppProcess('private-data', await freePort(), sharedSettings(h.emulator, h.clientSecret, 'http://localhost:1'));
    const data = join(app.dataDir, '.data');
    try {
      expect(readdirSync(data)).toEqual(expect.arrayContaining(['compile-cache', 'sessions.sqlite', 'activity.sqlite']));
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
    const where = { operation: 'set secret', vaultUrl: 'https://ada-pats.vault.azure.net', secretName: 's', timeoutMs: 2000 };
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

  it('only the demo\'s agent takes *.localhost to loopback (and a vault address without a port to the emulator)', async () => {
    const port = Number(new URL(h.emulator.origin).port);
    const demo = createHttpsAgent({ ca: h.emulator.caCertificatePem, localhostNamesToPort: port });
    const production = createHttpsAgent({ ca: h.emulator.caCertificatePem });
    try {
      expect(await status('https://ada-pats.vault.localhost/secrets?api-version=7.4', demo)).toBe(401);
      // Outside demo mode the name is the system resolver's to answer (glibc: no such host), even with the emulator's port.
      expect(await status(`https://ada-pats.vault.localhost:${port}/secrets?api-version=7.4`, production)).toBe('ENOTFOUND');
    } finally {
      demo.destroy();
      production.destroy();
    }
  });
});
