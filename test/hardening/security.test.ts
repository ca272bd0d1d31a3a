// The attacker's afternoon (issue 22), replayed against the real app and emulator: each finding is
// tried the way it was found, and must now be refused, bounded or cleaned up.
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestBrowser } from '../support/browser.ts';
import { startHarness, type Harness } from '../support/harness.ts';
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
