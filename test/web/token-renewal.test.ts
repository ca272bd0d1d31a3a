// One renewal of a person's access token at a time: when it has expired, the parallel calls of one
// page, and pages of the same person loaded at once, make one call to the identity platform's token
// endpoint between them, and every one of those pages (and its copy of the session) gets the new
// token. Counted by the emulator: requests to its token endpoint and refresh-token grants.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TestBrowser } from '../support/browser.ts';
import type { Harness } from '../support/harness.ts';
import { signedIn } from '../support/signed-in.ts';
import { ADA } from '../support/sign-in.ts';

let h: Harness;
let browser: TestBrowser;
signedIn({ resetTokens: false }, (session) => ({ h, browser } = session));
beforeEach(async () => {
  // The first page lists the person's organizations; the renewals below are about token lists.
  expect((await browser.get(`${h.appUrl}/`)).status).toBe(200);
});

/** What the identity platform was asked since `resetStats`: token endpoint calls, refresh grants. */
function identityCalls() {
  const stats = h.emulator.control.stats();
  const tokenEndpoint = Object.entries(stats.requests)
    .filter(([route]) => route.startsWith('POST ') && route.endsWith('/oauth2/v2.0/token'))
    .reduce((sum, [, count]) => sum + count, 0);
  return { tokenEndpoint, refreshGrants: stats.grants.refresh_token ?? 0 };
}

/** Calls to Azure DevOps's PAT API: refused at authentication (before any route), and answered. */
function patCalls(): { refused: number; answered: number } {
  const { requests } = h.emulator.control.stats();
  return {
    refused: requests['GET [pats]'] ?? 0,
    answered: requests['GET /vssps/:organization/_apis/tokens/pats'] ?? 0,
  };
}

describe('an expired access token', () => {
  it('is renewed once for all the parallel calls of one page', async () => {
    h.emulator.control.expireAccessTokens(ADA.objectId);
    h.emulator.control.resetStats();
    // Three organizations, each asked for its tokens and its revoked tokens: six calls at once.
    const page = await browser.get(`${h.appUrl}/all?status=all&size=100`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('fabrikam-deploy');
    expect(page.body).toContain('northwind-boards');
    // Six refused with the expired token, the same six repeated with the new one.
    expect(patCalls()).toEqual({ refused: 6, answered: 6 });
    expect(identityCalls()).toEqual({ tokenEndpoint: 1, refreshGrants: 1 });
  });

  it('is renewed once for pages of the same person loaded at once, and each page keeps the new token', async () => {
    h.emulator.control.expireAccessTokens(ADA.objectId);
    // The renewal takes a while, so that every page meets the expired token while it runs.
    h.emulator.control.injectFault({ target: 'token', delayMs: 400 });
    h.emulator.control.resetStats();
    const pages = await Promise.all(
      [`/all?status=all&size=100`, '/expiring?within=30', '/?status=expired', '/'].map((path) =>
        browser.get(`${h.appUrl}${path}`),
      ),
    );
    expect(pages.map((page) => page.status)).toEqual([200, 200, 200, 200]);
    expect(pages[2]!.body).toContain('legacy-jenkins');
    expect(identityCalls()).toEqual({ tokenEndpoint: 1, refreshGrants: 1 });
  });

  it("gives the renewed token to a page that waited for another page's renewal, and that page saves it", async () => {
    h.emulator.control.expireAccessTokens(ADA.objectId);
    const slowRenewal = h.emulator.control.injectFault({ target: 'token', delayMs: 400 });
    // The waiting page lists the organizations again (profile, then a slow accounts call), so it
    // finishes, and saves its copy of the session, last.
    h.emulator.control.injectFault({ target: 'accounts', delayMs: 300 });
    h.emulator.control.resetStats();
    const renewing = browser.get(`${h.appUrl}/`);
    // The second page starts once the emulator holds the first page's renewal (its delay has begun).
    await vi.waitFor(
      () => expect(h.emulator.control.faults().find((fault) => fault.id === slowRenewal.id)?.matched).toBe(1),
      { timeout: 5_000, interval: 5 },
    );
    const waiting = browser.get(`${h.appUrl}/?refreshOrganizations=1`);
    expect((await renewing).status).toBe(200);
    expect((await waiting).status).toBe(200);
    expect(identityCalls()).toEqual({ tokenEndpoint: 1, refreshGrants: 1 });

    // The session as the waiting page saved it holds the new token: the next page needs no renewal.
    h.emulator.control.clearFaults();
    h.emulator.control.resetStats();
    expect((await browser.get(`${h.appUrl}/`)).status).toBe(200);
    expect(patCalls()).toEqual({ refused: 0, answered: 1 });
    expect(identityCalls()).toEqual({ tokenEndpoint: 0, refreshGrants: 0 });
  });

  it('is renewed again on a later page when the renewed token expires too', async () => {
    h.emulator.control.expireAccessTokens(ADA.objectId);
    h.emulator.control.resetStats();
    expect((await browser.get(`${h.appUrl}/`)).status).toBe(200);
    h.emulator.control.expireAccessTokens(ADA.objectId);
    expect((await browser.get(`${h.appUrl}/`)).status).toBe(200);
    expect(identityCalls()).toEqual({ tokenEndpoint: 2, refreshGrants: 2 });
  });
});
