// A form sent after the session ended changes nothing, and what was typed is not lost: the page
// says so with a "Sign in again" button, and after the sign-in the form comes back filled. Through
// the real app, msal-node and the emulator; the session ends by its idle time (5 minutes here),
// the app's clock moved past it for the one request that sends the form.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TestBrowser } from '../support/browser.ts';
import type { Harness } from '../support/harness.ts';
import { signedIn } from '../support/signed-in.ts';
import { ADA, pickPerson } from '../support/sign-in.ts';

let h: Harness;
let browser: TestBrowser;
signedIn({ harness: { env: { SESSION_IDLE_MINUTES: '5' } } }, (session) => ({ h, browser } = session));
afterEach(() => {
  vi.useRealTimers();
});

/** Sends the form six minutes later, when its session has ended; the clock then goes back. */
async function sendLate(form: Awaited<ReturnType<TestBrowser['get']>>, fields: Record<string, string | string[]>) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + 6 * 60_000);
  try {
    return await browser.submit(form, '/tokens', fields);
  } finally {
    vi.useRealTimers();
  }
}

describe('a form sent after the session ended', () => {
  it('creates nothing, keeps what was typed, and gives it back filled after signing in again', async () => {
    const form = await browser.get(`${h.appUrl}/tokens/new`);
    const before = h.emulator.control.devops.tokens(ADA.objectId).length;
    const sent = await sendLate(form, {
      displayName: 'typed-before-expiry',
      expiry: '60',
      organizations: 'this',
      access: 'custom',
      scopes: ['vso.build'],
    });
    expect(sent.status).toBe(403);
    expect(sent.body).toContain(
      'Your sign-in had ended, so nothing was changed. What you typed is kept for 15 minutes',
    );
    expect(sent.body).toContain('href="/login?returnTo=%2Ftokens%2Fnew"');
    expect(h.emulator.control.devops.tokens(ADA.objectId)).toHaveLength(before);

    const back = await pickPerson(browser, await browser.get(`${h.appUrl}/login?returnTo=%2Ftokens%2Fnew`), ADA);
    expect(back.url).toMatch(/\/tokens\/new\?draft=[^&]+&resumed=1$/);
    expect(back.body).toContain('Your sign-in had ended, so nothing was created: your form is as you left it.');
    expect(back.body).toContain('value="typed-before-expiry"');
    expect(back.body).toMatch(/value="vso\.build"[^>]*checked|checked[^>]*value="vso\.build"/);
    expect(h.emulator.control.devops.tokens(ADA.objectId)).toHaveLength(before);
  });

  it('keeps it for that form only: signing in to another page gives nothing back', async () => {
    const form = await browser.get(`${h.appUrl}/tokens/new`);
    await sendLate(form, {
      displayName: 'not-for-elsewhere',
      expiry: '30',
      organizations: 'this',
      access: 'custom',
      scopes: ['vso.code'],
    });
    const elsewhere = await pickPerson(browser, await browser.get(`${h.appUrl}/login?returnTo=%2Factivity`), ADA);
    expect(elsewhere.url).toMatch(/\/activity$/);
    const fresh = await browser.get(`${h.appUrl}/tokens/new`);
    expect(fresh.body).not.toContain('not-for-elsewhere');
  });

  it('keeps nothing sent from another site (its Referer is not this one): "Form expired", and no form comes back filled', async () => {
    const form = await browser.get(`${h.appUrl}/tokens/new`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 6 * 60_000);
    let sent;
    try {
      sent = await browser.post(
        `${h.appUrl}/tokens`,
        { _csrf: csrf, displayName: 'planted-by-another-site', expiry: '30', organizations: 'this', access: 'full' },
        { referer: 'https://evil.example/tokens/new' },
      );
    } finally {
      vi.useRealTimers();
    }
    expect(sent.status).toBe(403);
    expect(sent.body).toContain('Form expired');
    const back = await pickPerson(browser, await browser.get(`${h.appUrl}/login?returnTo=%2Ftokens%2Fnew`), ADA);
    expect(back.url).toMatch(/\/tokens\/new$/);
    expect(back.body).not.toContain('planted-by-another-site');
  });
});
