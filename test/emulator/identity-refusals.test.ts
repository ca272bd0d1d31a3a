// What the emulator refuses, and how: errors that may go back to the application travel on the
// redirect; the rest (unknown application, unregistered redirect URI) stay on an error page. Token
// endpoint errors carry the service's JSON (error, AADSTS description, codes, ids, timestamp).
import { ServerError } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { readSignInForm, signInThroughEmulator, submitSignIn } from './support/emulator-sign-in.ts';
import { formBody, httpsRequest } from './support/https-request.ts';
import {
  ADA,
  authorizeCode,
  AZURE_DEVOPS_SCOPE,
  CERTIFICATE,
  CERTIFICATE_CLIENT,
  makeClientCertificate,
  msalApp,
  redeemCode,
  REDIRECT_URI,
  SECRET_CLIENT,
  startTestEmulator,
} from './support/test-emulator.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());

const ca = () => ({ caCertificatePem: emulator.caCertificatePem });

function authorizeUrl(parameters: Record<string, string>, tenant = emulator.tenantId): string {
  const url = new URL(`${emulator.origin}/${tenant}/oauth2/v2.0/authorize`);
  const defaults = {
    client_id: SECRET_CLIENT.clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: `openid offline_access ${AZURE_DEVOPS_SCOPE}`,
    state: 'st',
  };
  for (const [name, value] of Object.entries({ ...defaults, ...parameters }))
    if (value !== '') url.searchParams.set(name, value);
  return url.href;
}

function tokenRequest(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return httpsRequest(`${emulator.origin}/${emulator.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    ...ca(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: formBody(fields),
  });
}

async function rejection(promise: Promise<unknown>): Promise<ServerError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ServerError);
  return error as ServerError;
}

describe('the authorize endpoint', () => {
  it('shows an error page, and never redirects, for a redirect URI the application did not register', async () => {
    const answer = await httpsRequest(authorizeUrl({ redirect_uri: 'https://evil.example/steal' }), ca());
    expect(answer.status).toBe(400);
    expect(answer.headers.location).toBeUndefined();
    expect(answer.body).toContain('AADSTS50011');
    expect(answer.body).toContain('https://evil.example/steal');
    expect(readSignInForm(answer.body)).toBeUndefined();
  });

  it('shows an error page for an unknown application (AADSTS700016) and an unknown tenant (AADSTS90002)', async () => {
    const unknownClient = await httpsRequest(authorizeUrl({ client_id: '11111111-2222-3333-4444-555555555555' }), ca());
    expect(unknownClient.status).toBe(400);
    expect(unknownClient.body).toContain('AADSTS700016');
    const unknownTenant = await httpsRequest(authorizeUrl({}, 'contoso.onmicrosoft.com'), ca());
    expect(unknownTenant.body).toContain('AADSTS90002');
    expect(unknownTenant.headers.location).toBeUndefined();
  });

  it('escapes what it shows', async () => {
    const answer = await httpsRequest(
      authorizeUrl({ redirect_uri: 'https://x.example/"><script>alert(1)</script>' }),
      ca(),
    );
    expect(answer.body).not.toContain('<script>');
    expect(answer.body).toContain('&lt;script&gt;');
  });

  it('sends a decline back as access_denied (AADSTS65004) with the state', async () => {
    const location = new URL(await signInThroughEmulator(authorizeUrl({ state: 'keep-me' }), 'decline', ca()));
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toMatch(/^AADSTS65004: User declined to consent/);
    expect(location.searchParams.get('error_description')).toContain('Trace ID:');
    expect(location.searchParams.get('state')).toBe('keep-me');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('sends protocol errors to the registered redirect URI', async () => {
    const unknownResource = new URL(
      (await httpsRequest(authorizeUrl({ scope: 'api://unknown-api/read' }), ca())).headers.location!,
    );
    expect(unknownResource.searchParams.get('error')).toBe('invalid_resource');
    expect(unknownResource.searchParams.get('error_description')).toMatch(/^AADSTS500011/);
    const implicit = new URL((await httpsRequest(authorizeUrl({ response_type: 'token' }), ca())).headers.location!);
    expect(implicit.searchParams.get('error')).toBe('unsupported_response_type');
    const noScope = new URL((await httpsRequest(authorizeUrl({ scope: '' }), ca())).headers.location!);
    expect(noScope.searchParams.get('error')).toBe('invalid_request');
    expect(noScope.searchParams.get('error_description')).toMatch(/^AADSTS900144: .*'scope'/);
    const badMethod = new URL(
      (await httpsRequest(authorizeUrl({ code_challenge: 'a'.repeat(43), code_challenge_method: 'S512' }), ca()))
        .headers.location!,
    );
    expect(badMethod.searchParams.get('error')).toBe('invalid_request');
  });

  it('answers prompt=none with login_required without a session, and with a code within one', async () => {
    const none = new URL((await httpsRequest(authorizeUrl({ prompt: 'none' }), ca())).headers.location!);
    expect(none.searchParams.get('error')).toBe('login_required');
    expect(none.searchParams.get('error_description')).toMatch(/^AADSTS50058/);

    const session: { cookie?: string } = {};
    await signInThroughEmulator(authorizeUrl({}), { objectId: ADA.objectId }, { ...ca(), session });
    expect(session.cookie).toMatch(/^emulator_sso=/);
    const silent = new URL(
      await signInThroughEmulator(
        authorizeUrl({ prompt: 'none', state: 'silent' }),
        { objectId: ADA.objectId },
        { ...ca(), session },
      ),
    );
    expect(silent.searchParams.get('code')).toBeTruthy();
    expect(silent.searchParams.get('state')).toBe('silent');

    // Signing out ends the session.
    await httpsRequest(`${emulator.origin}/${emulator.tenantId}/oauth2/v2.0/logout`, {
      ...ca(),
      headers: { cookie: session.cookie! },
    }).then((answer) => {
      expect(answer.setCookies.join()).toMatch(/emulator_sso=; Max-Age=0/);
    });
  });

  it('answers response_mode=form_post with a form to press, not a script', async () => {
    const answer = await submitSignIn(
      authorizeUrl({ response_mode: 'form_post', state: 'fp' }),
      { objectId: ADA.objectId },
      ca(),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).not.toContain('<script');
    expect(answer.body).toContain(`<form method="post" action="${REDIRECT_URI}">`);
    expect(answer.body).toMatch(/<input type="hidden" name="code" value="[^"]+">/);
    expect(answer.body).toContain('<input type="hidden" name="state" value="fp">');
    expect(answer.headers['content-security-policy']).toContain(`form-action 'self' ${new URL(REDIRECT_URI).origin}`);
  });

  it('puts the code in the fragment for response_mode=fragment', async () => {
    const location = new URL(
      await signInThroughEmulator(authorizeUrl({ response_mode: 'fragment' }), { objectId: ADA.objectId }, ca()),
    );
    expect(location.search).toBe('');
    expect(new URLSearchParams(location.hash.slice(1)).get('code')).toBeTruthy();
  });
});

describe('the token endpoint', () => {
  it('refuses a wrong client secret with 401 invalid_client (AADSTS7000215)', async () => {
    const app = msalApp(emulator, { credential: { clientSecret: 'not-the-secret' } });
    const error = await rejection(redeemCode(app, await authorizeCode(app, emulator)));
    expect(error.errorCode).toBe('invalid_client');
    expect(error.errorNo).toBe(7000215);

    const raw = await tokenRequest({
      grant_type: 'authorization_code',
      client_id: SECRET_CLIENT.clientId,
      client_secret: 'nope',
      code: 'x',
      redirect_uri: REDIRECT_URI,
    });
    expect(raw.status).toBe(401);
    const body = JSON.parse(raw.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'error',
      'error_description',
      'error_codes',
      'timestamp',
      'trace_id',
      'correlation_id',
      'error_uri',
    ]);
    expect(body.error_codes).toEqual([7000215]);
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(body.error_description).toContain(`Trace ID: ${String(body.trace_id)}`);
  });

  it('accepts the client secret in an HTTP Basic header (client_secret_basic)', async () => {
    const app = msalApp(emulator);
    const { code, verifier } = await authorizeCode(app, emulator);
    const basic = Buffer.from(
      `${encodeURIComponent(SECRET_CLIENT.clientId)}:${encodeURIComponent(SECRET_CLIENT.clientSecret)}`,
    ).toString('base64');
    const answer = await tokenRequest(
      {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
        scope: `${AZURE_DEVOPS_SCOPE} openid`,
      },
      { authorization: `Basic ${basic}` },
    );
    expect(answer.status).toBe(200);
    expect(Object.keys(JSON.parse(answer.body) as object)).toEqual([
      'token_type',
      'scope',
      'expires_in',
      'ext_expires_in',
      'access_token',
      'id_token',
    ]);
  });

  it('refuses a client assertion signed by a certificate the application did not register (AADSTS700027)', async () => {
    const app = msalApp(emulator, {
      credential: { certificate: makeClientCertificate() },
      clientId: CERTIFICATE_CLIENT.clientId,
    });
    const error = await rejection(redeemCode(app, await authorizeCode(app, emulator)));
    expect(error.errorCode).toBe('invalid_client');
    expect(error.errorNo).toBe(700027);
  });

  it('refuses a PKCE verifier that does not match the challenge (invalid_grant, AADSTS501481)', async () => {
    const app = msalApp(emulator);
    const authorized = await authorizeCode(app, emulator);
    const error = await rejection(redeemCode(app, authorized, { codeVerifier: 'x'.repeat(43) }));
    expect(error.errorCode).toBe('invalid_grant');
    expect(error.errorNo).toBe(501481);
  });

  it('redeems a code once: a replay gets invalid_grant (AADSTS54005)', async () => {
    const app = msalApp(emulator);
    const authorized = await authorizeCode(app, emulator);
    await redeemCode(app, authorized);
    const error = await rejection(redeemCode(app, authorized));
    expect(error.errorCode).toBe('invalid_grant');
    expect(error.errorNo).toBe(54005);
  });

  it('refuses a code redeemed with another redirect URI or by another application', async () => {
    const app = msalApp(emulator);
    const wrongUri = await rejection(
      redeemCode(app, await authorizeCode(app, emulator), { redirectUri: `${REDIRECT_URI}/other` }),
    );
    expect(wrongUri.errorNo).toBe(50011);

    const { code, verifier } = await authorizeCode(app, emulator);
    const otherClient = msalApp(emulator, { credential: { certificate: CERTIFICATE } });
    const stolen = await rejection(redeemCode(otherClient, { code, verifier, nonce: 'n', state: 's' }));
    expect(stolen.errorCode).toBe('invalid_grant');
  });

  it('answers a GET with AADSTS900561 and an unknown grant type with unsupported_grant_type', async () => {
    const get = await httpsRequest(`${emulator.origin}/organizations/oauth2/v2.0/token`, ca());
    expect(get.status).toBe(400);
    expect(JSON.parse(get.body)).toMatchObject({ error: 'invalid_request', error_codes: [900561] });
    const password = await tokenRequest({
      grant_type: 'password',
      client_id: SECRET_CLIENT.clientId,
      client_secret: SECRET_CLIENT.clientSecret,
    });
    expect(JSON.parse(password.body)).toMatchObject({ error: 'unsupported_grant_type' });
    const garbage = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: 'garbage',
      client_id: SECRET_CLIENT.clientId,
      client_secret: SECRET_CLIENT.clientSecret,
    });
    expect(JSON.parse(garbage.body)).toMatchObject({ error: 'invalid_grant', error_codes: [9002313] });
  });

  it('echoes client-request-id as the correlation id', async () => {
    const answer = await tokenRequest(
      { grant_type: 'authorization_code' },
      { 'client-request-id': '0f9e8d7c-6b5a-4321-8fed-cba987654321' },
    );
    expect(JSON.parse(answer.body)).toMatchObject({
      correlation_id: '0f9e8d7c-6b5a-4321-8fed-cba987654321',
      error_codes: [900144],
    });
  });
});

describe('discovery and sign-out', () => {
  it.each(['tenant', 'organizations', 'common'])('publishes the %s discovery document and keys', async (kind) => {
    const segment = kind === 'tenant' ? emulator.tenantId : kind;
    const document = JSON.parse(
      (await httpsRequest(`${emulator.origin}/${segment}/v2.0/.well-known/openid-configuration`, ca())).body,
    ) as Record<string, string>;
    expect(document).toMatchObject({
      issuer: `${emulator.origin}/${kind === 'tenant' ? emulator.tenantId : '{tenantid}'}/v2.0`,
      authorization_endpoint: `${emulator.origin}/${segment}/oauth2/v2.0/authorize`,
      token_endpoint: `${emulator.origin}/${segment}/oauth2/v2.0/token`,
      end_session_endpoint: `${emulator.origin}/${segment}/oauth2/v2.0/logout`,
      jwks_uri: `${emulator.origin}/${segment}/discovery/v2.0/keys`,
    });
    const keys = JSON.parse((await httpsRequest(document.jwks_uri!, ca())).body) as { keys: Record<string, unknown>[] };
    expect(keys.keys).toHaveLength(1);
    expect(keys.keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', issuer: document.issuer });
    expect(keys.keys[0]!.kid).toBe(keys.keys[0]!.x5t);
  });

  it('answers discovery for an unknown tenant with invalid_tenant (AADSTS90002)', async () => {
    const answer = await httpsRequest(
      `${emulator.origin}/00000000-1111-2222-3333-444444444444/v2.0/.well-known/openid-configuration`,
      ca(),
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
  });

  it('returns to a registered post_logout_redirect_uri, and otherwise says you have signed out', async () => {
    const logout = (uri: string) =>
      httpsRequest(
        `${emulator.origin}/organizations/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent(uri)}`,
        ca(),
      );
    const registered = await logout(REDIRECT_URI);
    expect(registered.status).toBe(302);
    expect(registered.headers.location).toBe(REDIRECT_URI);
    const unregistered = await logout('https://evil.example/');
    expect(unregistered.status).toBe(200);
    expect(unregistered.headers.location).toBeUndefined();
    expect(unregistered.body).toContain('You have signed out');
  });
});
