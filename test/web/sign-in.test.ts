// Sign-in and sign-out through the real app, real msal-node and the emulator over HTTPS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { ADA, GRACE, csrfOf, openSignInPage, pickPerson, signIn } from '../support/sign-in.ts';

const COOKIE = 'patmanager.sid';
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('signed out', () => {
  it('shows the welcome page with a sign-in button and the demo banner', async () => {
    const page = await h.browser().get(`${h.appUrl}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('href="/login"');
    expect(page.body).toMatch(/Demo:<\/strong>.*fake/s);
  });

  it("warns, in the demo, that the emulator's sign-in page has a certificate of its own, and names the file to trust", async () => {
    const page = await h.browser().get(`${h.appUrl}/`);
    expect(page.body).toContain('your browser may warn that the connection is not private');
    expect(page.body).toContain('<code>.data/emulator/ca-certificate.pem</code>');
  });

  it('lists each demo person on the sign-in page with what they let you try', async () => {
    const signInPage = await openSignInPage(h.browser(), h.appUrl);
    const text = signInPage.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toMatch(/Grace Hopper grace@contoso\.example Administers contoso, so she sees its organization audit/);
    expect(text).toMatch(/Ada Lovelace ada@contoso\.example In contoso, fabrikam and northwind/);
    expect(text).toMatch(/Alan Turing alan@contoso\.example In no organization yet/);
  });

  it('sends strict security headers: CSP without inline script, no framing, no sniffing', async () => {
    const page = await h.browser().get(`${h.appUrl}/`);
    const csp = page.headers['content-security-policy']!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-powered-by']).toBeUndefined();
  });

  it('answers /healthz', async () => {
    const page = await h.browser().get(`${h.appUrl}/healthz`);
    expect(page.status).toBe(200);
    expect(JSON.parse(page.body)).toEqual({ status: 'ok' });
  });

  it('sends a signed-out person who asks for a page to sign in, then back to that page', async () => {
    const browser = h.browser();
    const signInPage = await browser.get(`${h.appUrl}/tokens/new`);
    expect(signInPage.trail[1]).toBe(`${h.appUrl}/login?returnTo=%2Ftokens%2Fnew`);
    const page = await pickPerson(browser, signInPage, ADA);
    expect(page.url).toBe(`${h.appUrl}/tokens/new`);
    expect(page.status).toBe(200);
  });
});

describe('sign-in', () => {
  it('uses the authorization code flow with PKCE (S256), state, nonce and response_mode=query', async () => {
    const page = await openSignInPage(h.browser(), h.appUrl);
    const authorize = new URL(page.url);
    expect(authorize.origin).toBe(h.emulator.origin);
    expect(authorize.pathname).toBe(`/${h.emulator.tenantId}/oauth2/v2.0/authorize`);
    const params = authorize.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('response_mode')).toBe('query');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toBeTruthy();
    expect(params.get('nonce')).toBeTruthy();
    expect(params.get('redirect_uri')).toBe(`${h.appUrl}/getAToken`);
    // Least privilege: Azure DevOps permission by permission, never .default or user_impersonation (full access);
    // the audit's permissions are asked only when the audit is first opened.
    const devOpsScopes = params
      .get('scope')!
      .split(' ')
      .filter((scope) => scope.startsWith('499b84ac-1321-427f-aa17-267ca6975798/'));
    expect(devOpsScopes.map((scope) => scope.split('/')[1])).toEqual(['vso.pats', 'vso.pats_manage', 'vso.profile']);
  });

  it('signs in, shows the name, and gives a session only once signed in (a planted one is replaced)', async () => {
    const browser = h.browser();
    // Starting a sign-in makes no session: it travels in a sealed cookie of its own.
    const signInPage = await openSignInPage(browser, h.appUrl);
    expect(await browser.cookie(h.appUrl, COOKIE)).toBeUndefined();
    expect(await browser.cookie(h.appUrl, 'patmanager.signin')).toBeTruthy();
    await browser.jar.setCookie(`${COOKIE}=s%3Aplanted.by-an-attacker; Path=/`, h.appUrl);
    const before = await browser.cookie(h.appUrl, COOKIE);
    const home = await pickPerson(browser, signInPage, ADA);
    expect(home.url).toBe(`${h.appUrl}/`);
    expect(home.body).toContain('Ada Lovelace');
    expect(home.body).toContain('Signed in as Ada Lovelace.');
    const after = await browser.cookie(h.appUrl, COOKIE);
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    const cookie = (await browser.jar.getCookies(h.appUrl)).find((c) => c.key === COOKIE)!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('lax');
  });

  it('keeps each person apart: two browsers, two people', async () => {
    const ada = h.browser();
    const grace = h.browser();
    await signIn(ada, h.appUrl, ADA);
    await signIn(grace, h.appUrl, GRACE);
    expect((await ada.get(`${h.appUrl}/`)).body).toContain('Ada Lovelace');
    const gracePage = await grace.get(`${h.appUrl}/`);
    expect(gracePage.body).toContain('Grace Hopper');
    expect(gracePage.body).not.toContain('Ada Lovelace');
  });

  it.each([
    '//evil.example',
    'https://evil.example/',
    '/\\evil.example',
    '%2F%2Fevil.example',
    '/%5Cevil.example',
    '\t//evil.example',
  ])('refuses to return off-site after sign-in: %s', async (returnTo) => {
    const browser = h.browser();
    const page = await signIn(browser, h.appUrl, ADA, returnTo);
    expect(page.url).toBe(`${h.appUrl}/`);
    expect(
      page.trail.some(
        (url) => url.includes('evil.example') && !url.startsWith(h.appUrl) && !url.startsWith(h.emulator.origin),
      ),
    ).toBe(false);
  });

  it('refuses an answer whose state matches no sign-in in progress', async () => {
    const browser = h.browser();
    await openSignInPage(browser, h.appUrl);
    const page = await browser.get(`${h.appUrl}/getAToken?code=made-up&state=not-the-state`);
    expect(page.status).toBe(400);
    expect(page.body).toContain('Sign-in expired');
    expect(page.body).toContain('href="/login"');
    expect(page.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it("refuses a code redeemed with another sign-in's PKCE verifier (code injection)", async () => {
    const victim = h.browser();
    const attacker = h.browser();
    const victimPage = await openSignInPage(victim, h.appUrl);
    const victimState = new URL(victimPage.url).searchParams.get('state')!;
    const attackerRedirect = await pickPerson(attacker, await openSignInPage(attacker, h.appUrl), GRACE, {
      follow: false,
    });
    const attackerCode = new URL(attackerRedirect.headers.location!).searchParams.get('code')!;
    const page = await victim.get(
      `${h.appUrl}/getAToken?code=${encodeURIComponent(attackerCode)}&state=${encodeURIComponent(victimState)}`,
    );
    expect(page.status).toBe(400);
    expect(page.body).toContain('Sign-in failed');
    expect((await victim.get(`${h.appUrl}/`)).body).not.toContain('Grace Hopper');
  });

  it('refuses a replayed authorization code', async () => {
    const browser = h.browser();
    const redirect = await pickPerson(browser, await openSignInPage(browser, h.appUrl), ADA, { follow: false });
    const code = new URL(redirect.headers.location!).searchParams.get('code')!;
    await browser.get(redirect.headers.location!);
    const replayer = h.browser();
    const fresh = await openSignInPage(replayer, h.appUrl);
    const state = new URL(fresh.url).searchParams.get('state')!;
    const page = await replayer.get(
      `${h.appUrl}/getAToken?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`,
    );
    expect(page.status).toBe(400);
    expect(page.body).toContain('Sign-in failed');
  });

  it('explains a declined sign-in and offers to try again', async () => {
    const browser = h.browser();
    const page = await browser.submit(await openSignInPage(browser, h.appUrl), 'authorize', { decline: '1' });
    expect(page.url).toContain(`${h.appUrl}/getAToken`);
    expect(page.status).toBe(403);
    expect(page.body).toContain('Sign-in cancelled');
    expect(page.body).toContain('href="/login"');
  });

  it('ignores a tampered session cookie: the person is simply signed out', async () => {
    const browser = h.browser();
    await signIn(browser, h.appUrl, ADA);
    const value = (await browser.cookie(h.appUrl, COOKIE))!;
    const tampered = new TestBrowser(h.emulator.caCertificatePem);
    await tampered.jar.setCookie(`${COOKIE}=${value.slice(0, -3)}abc; Path=/`, h.appUrl);
    const page = await tampered.get(`${h.appUrl}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('href="/login"');
    expect(page.body).not.toContain('Ada Lovelace');
  });
});

describe('tokens over time', () => {
  it('renews the access token silently with the refresh token', async () => {
    const browser = h.browser();
    await signIn(browser, h.appUrl, ADA);
    const before = h.emulator.control.stats().grants.refresh_token ?? 0;
    h.emulator.control.expireAccessTokens(ADA.objectId);
    const page = await browser.get(`${h.appUrl}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Your tokens in');
    expect(h.emulator.control.stats().grants.refresh_token ?? 0).toBeGreaterThan(before);
  });

  it('sends the person to sign in again when the refresh token is revoked, then back to the page', async () => {
    const browser = h.browser();
    await signIn(browser, h.appUrl, ADA);
    h.emulator.control.revokeRefreshTokens(ADA.objectId);
    h.emulator.control.expireAccessTokens(ADA.objectId);
    const signInPage = await browser.get(`${h.appUrl}/?status=expired`);
    expect(signInPage.trail).toContain(`${h.appUrl}/login?returnTo=%2F%3Fstatus%3Dexpired`);
    const page = await pickPerson(browser, signInPage, ADA);
    expect(page.url).toBe(`${h.appUrl}/?status=expired`);
    expect(page.body).toContain('legacy-jenkins');
    expect(page.status).toBe(200);
  });

  it('keeps people signed in across a restart of the app', async () => {
    const browser = h.browser();
    await signIn(browser, h.appUrl, GRACE);
    await h.restartApp();
    const page = await browser.get(`${h.appUrl}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Grace Hopper');
  });
});

describe('sign-out', () => {
  it('refuses a sign-out without its CSRF token', async () => {
    const browser = h.browser();
    await signIn(browser, h.appUrl, ADA);
    const page = await browser.post(`${h.appUrl}/logout`, {});
    expect(page.status).toBe(403);
    expect(page.body).toContain('Form expired');
    expect((await browser.get(`${h.appUrl}/`)).body).toContain('Ada Lovelace');
  });

  it('destroys the session and signs out at the identity platform, then comes home', async () => {
    const browser = h.browser();
    const home = await signIn(browser, h.appUrl, ADA);
    const oldCookie = (await browser.cookie(h.appUrl, COOKIE))!;
    const page = await browser.post(`${h.appUrl}/logout`, { _csrf: csrfOf(home) });
    const logoutUrl = new URL(page.trail[1]!);
    expect(logoutUrl.origin).toBe(h.emulator.origin);
    expect(logoutUrl.pathname).toBe(`/${h.emulator.tenantId}/oauth2/v2.0/logout`);
    expect(logoutUrl.searchParams.get('post_logout_redirect_uri')).toBe(`${h.appUrl}/`);
    expect(page.url).toBe(`${h.appUrl}/`);
    expect(page.body).toContain('href="/login"');
    const replay = new TestBrowser(h.emulator.caCertificatePem);
    await replay.jar.setCookie(`${COOKIE}=${oldCookie}; Path=/`, h.appUrl);
    expect((await replay.get(`${h.appUrl}/`)).body).not.toContain('Ada Lovelace');
  });
});
