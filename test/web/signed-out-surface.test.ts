// What anyone on the network reaches without signing in, asked with supertest over real HTTP: the
// health answers, where sign-in starts, and that every signed-in address and state-changing form
// sends a stranger to sign in (or refuses the form) without creating a session.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';
import { ADA } from '../support/sign-in.ts';

const SESSION_COOKIE = 'patmanager.sid';
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const cookieNames = (response: request.Response) =>
  ([] as string[]).concat(response.headers['set-cookie'] ?? []).map((cookie) => cookie.split('=')[0]);

describe('signed out', () => {
  it('answers /healthz and /readyz as JSON that no cache keeps, with no cookie', async () => {
    for (const [path, status] of [
      ['/healthz', 'ok'],
      ['/readyz', 'ready'],
    ] as const) {
      const response = await request(h.appUrl).get(path).expect(200).expect('Content-Type', /json/);
      expect(response.body).toEqual({ status });
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['set-cookie']).toBeUndefined();
    }
  });

  it('starts a sign-in at the identity platform with PKCE, keeping it in its own cookie and not in a session', async () => {
    const response = await request(h.appUrl).get('/login').expect(303);
    const authorize = new URL(response.headers.location!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(
      `${h.emulator.origin}/${h.emulator.tenantId}/oauth2/v2.0/authorize`,
    );
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(cookieNames(response)).toEqual(['patmanager.signin']);
  });

  it('shows the welcome page at /, with no cookie', async () => {
    const response = await request(h.appUrl).get('/').expect(200);
    expect(response.text).toContain('href="/login"');
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it.each(['/tokens/new', '/all', '/expiring', '/activity', '/audit', '/export?format=csv'])(
    'sends a stranger from %s to sign in, with no session made',
    async (path) => {
      const response = await request(h.appUrl).get(path).expect(303);
      expect(response.headers.location).toMatch(/^\/login\?returnTo=/);
      expect(cookieNames(response)).not.toContain(SESSION_COOKIE);
    },
  );

  it('refuses a form posted without a session or its CSRF token, changing nothing', async () => {
    const before = h.emulator.control.devops.tokens(ADA.objectId).length;
    const response = await request(h.appUrl)
      .post('/tokens')
      .type('form')
      .send({ displayName: 'forged', expiry: '30', access: 'full' });
    expect([303, 403]).toContain(response.status);
    if (response.status === 303) expect(response.headers.location).toMatch(/^\/login/);
    else expect(response.text).toContain('nothing was changed');
    expect(response.text).not.toMatch(/\n\s+at /);
    expect(h.emulator.control.devops.tokens(ADA.objectId)).toHaveLength(before);
  });
});
