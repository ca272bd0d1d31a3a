// Every kind of upstream trouble, injected through the emulator, becomes a clear page: no stack
// trace, no crash, nothing changed, and the app keeps working afterwards.
import { afterEach, describe, expect, it } from 'vitest';
import type { Page, TestBrowser } from '../support/browser.ts';
import type { Harness } from '../support/harness.ts';
import { signedIn } from '../support/signed-in.ts';
import { ADA, signIn } from '../support/sign-in.ts';

let h: Harness;
let browser: TestBrowser;
signedIn({ once: true, harness: { env: { UPSTREAM_TIMEOUT_MS: '800' } } }, (session) => ({ h, browser } = session));
afterEach(() => {
  h.emulator.control.clearFaults();
  h.emulator.control.devops.reset();
});

function expectCleanErrorPage(page: Page, status: number, text: RegExp) {
  expect(page.status).toBe(status);
  expect(page.body).toMatch(text);
  expect(page.body).toContain('Request id:');
  expect(page.body).not.toMatch(/\bat .+:\d+:\d+/);
  expect(page.body).not.toMatch(/AxiosError|ECONNRESET|stack/i);
}

describe('the list page meets upstream trouble', () => {
  it.each([
    ['403', { status: 403 }, 403, /Not allowed/],
    ['500', { status: 500, times: 2 }, 502, /Azure DevOps is unavailable/],
    ['503 without Retry-After', { status: 503, times: 2 }, 502, /Azure DevOps is unavailable/],
    ['a timeout', { delayMs: 3000, times: 2 }, 502, /Azure DevOps is unavailable/],
    ['a connection reset twice', { reset: true, times: 2 }, 502, /Azure DevOps is unavailable/],
    ['malformed JSON', { malformed: true, times: 2 }, 502, /Azure DevOps is unavailable/],
  ])('%s', async (_name, fault, status, text) => {
    h.emulator.control.injectFault({ target: 'pats', method: 'GET', ...fault });
    expectCleanErrorPage(await browser.get(`${h.appUrl}/?status=expired`), status, text);
    h.emulator.control.clearFaults();
    expect((await browser.get(`${h.appUrl}/?status=expired`)).status).toBe(200);
  });

  it('429 with a long Retry-After: says how long to wait', async () => {
    h.emulator.control.injectFault({
      target: 'pats',
      method: 'GET',
      status: 429,
      headers: { 'Retry-After': '30' },
      times: 2,
    });
    const page = await browser.get(`${h.appUrl}/?status=expired`);
    expectCleanErrorPage(page, 429, /Too many requests/);
    expect(page.headers['retry-after']).toBe('30');
    expect(page.body).toContain('wait 30 seconds');
  });

  it('429 with a short Retry-After on a read: retried once, and the page works', async () => {
    h.emulator.control.injectFault({
      target: 'pats',
      method: 'GET',
      status: 429,
      headers: { 'Retry-After': '1' },
      times: 1,
    });
    const page = await browser.get(`${h.appUrl}/?status=expired`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('legacy-jenkins');
  });

  it('a connection reset once on a read: retried, and the page works', async () => {
    h.emulator.control.injectFault({ target: 'pats', method: 'GET', reset: true, times: 1 });
    expect((await browser.get(`${h.appUrl}/?status=expired`)).status).toBe(200);
  });

  it('an Azure DevOps refusal right after sign-in shows a page instead of a sign-in loop', async () => {
    const fresh = h.browser();
    h.emulator.control.injectFault({ target: 'pats', status: 401 });
    const page = await signIn(fresh, h.appUrl, ADA);
    expect(page.status).toBe(403);
    expect(page.body).toContain('Azure DevOps did not accept your sign-in');
  });
});

describe('writes meet upstream trouble and change nothing', () => {
  it('a create that fails with 500 is not retried and creates nothing', async () => {
    const before = h.emulator.control.devops.tokens(ADA.objectId).length;
    h.emulator.control.injectFault({ target: 'pats', method: 'POST', status: 500 });
    const form = await browser.get(`${h.appUrl}/tokens/new`);
    const page = await browser.submit(form, '/tokens', {
      displayName: 'x',
      expiry: '7',
      organizations: 'this',
      access: 'custom',
      scopes: 'vso.code',
    });
    expectCleanErrorPage(page, 502, /Azure DevOps is unavailable/);
    expect(h.emulator.control.faults()[0]!.triggered).toBe(1);
    expect(h.emulator.control.devops.tokens(ADA.objectId)).toHaveLength(before);
  });

  it('a revoke that times out says the outcome is unknown and to check before retrying', async () => {
    const token = h.emulator.control.devops.tokens(ADA.objectId).find((t) => t.displayName === 'ci-pipeline')!;
    const confirm = await browser.get(`${h.appUrl}/tokens/${token.authorizationId}/revoke`);
    h.emulator.control.injectFault({ target: 'pats', method: 'DELETE', delayMs: 3000 });
    const page = await browser.submit(confirm, `/tokens/${token.authorizationId}/revoke`);
    expectCleanErrorPage(page, 502, /cannot tell whether the change was made/);
  });
});

describe('the identity platform meets trouble', () => {
  it('a token endpoint outage during sign-in shows a clear page', async () => {
    h.emulator.control.injectFault({ target: 'token', status: 503 });
    const page = await signIn(h.browser(), h.appUrl, ADA);
    expect(page.status).toBeGreaterThanOrEqual(400);
    expect(page.body).toMatch(/Sign-in (failed|service unavailable)/);
    expect(page.body).toContain('href="/login"');
  });
});
