// Every kind of DevOpsError, the retry rules, and what reaches the log, against the emulator with
// injected faults.
import { describe, expect, it } from 'vitest';
import { createDevOpsClient } from '../../src/devops/client.ts';
import type { DevOpsClient } from '../../src/devops/types.ts';
import { DevOpsError } from '../../src/devops/errors.ts';
import { MESSAGES, PAT_TOKEN_ERRORS } from '../../src/devops/messages.ts';
import { patTokenErrorEnum } from '../support/reference.ts';
import { ADA, GRACE, inDays, useClientFixture, refusedTokenSource, tokenSourceFor } from './client-fixture.ts';

const fixture = useClientFixture();

/** A create answered with success but without the token's value. */
const CREATED_WITHOUT_VALUE = {
  target: 'pats',
  method: 'POST',
  status: 200,
  body: {
    patToken: {
      authorizationId: '4c60c9ed-a378-4883-af16-d655ca025b11',
      displayName: 'ci',
      scope: 'vso.build',
      targetAccounts: null,
      validFrom: '2020-10-24T03:04:57.52Z',
      validTo: '2020-11-23T04:04:38.5233333Z',
      token: null,
    },
    patTokenError: 'none',
  },
  times: 1,
} as const;

const ada = () => tokenSourceFor(fixture().emulator, ADA.objectId);
const LIST = { filter: 'all', sortBy: 'displayName', ascending: true, top: 50 } as const;
const list = (client: DevOpsClient = fixture().client, source = ada().source) =>
  client.listTokens(source, 'contoso', LIST);
const create = (source = ada().source, overrides: Partial<Parameters<DevOpsClient['createToken']>[2]> = {}) =>
  fixture().client.createToken(source, 'contoso', {
    displayName: 'ci',
    scope: 'vso.build',
    validTo: inDays(30),
    allOrgs: false,
    ...overrides,
  });

async function failure(promise: Promise<unknown>): Promise<DevOpsError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DevOpsError);
  return error as DevOpsError;
}

/** How many calls reached the injected fault's route (it counts calls it let through too). */
function callsSeenBy(faultId: string): number {
  return (
    fixture()
      .emulator.control.faults()
      .find((fault) => fault.id === faultId)?.matched ?? 0
  );
}

describe('401: one forced token refresh, then unauthorized', () => {
  it('repeats a read with a fresh token when the first is refused', async () => {
    const source = ada();
    await list(fixture().client, source.source);
    fixture().emulator.control.expireAccessTokens(ADA.objectId);
    await expect(list(fixture().client, source.source)).resolves.toMatchObject({ tokens: [] });
    expect(source.calls).toEqual([false, false, true]);
  });

  it('repeats a write too: a request refused at authentication did nothing', async () => {
    const source = ada();
    await source.source({ forceRefresh: false });
    fixture().emulator.control.expireAccessTokens(ADA.objectId);
    await create(source.source);
    expect(source.calls).toEqual([false, false, true]);
    expect(fixture().emulator.control.devops.tokens(ADA.objectId)).toHaveLength(1);
  });

  it('gives up after the refreshed token is refused too', async () => {
    const source = refusedTokenSource();
    const error = await failure(list(fixture().client, source.source));
    expect(error).toMatchObject({ kind: 'unauthorized', status: 401, userMessage: MESSAGES.unauthorized });
    expect(source.calls).toEqual([false, true]);
  });

  it('does not loop on a write either', async () => {
    const source = refusedTokenSource();
    expect(await failure(create(source.source))).toMatchObject({ kind: 'unauthorized' });
    expect(source.calls).toEqual([false, true]);
  });
});

describe('HTTP status kinds', () => {
  it('403 is forbidden (the accounts of someone else)', async () => {
    const error = await failure(fixture().client.listOrganizations(ada().source, GRACE.memberId));
    expect(error).toMatchObject({ kind: 'forbidden', status: 403, userMessage: MESSAGES.forbidden });
  });

  it('404 is notFound (an organization that does not exist)', async () => {
    const error = await failure(fixture().client.listTokens(ada().source, 'no-such-org', LIST));
    expect(error).toMatchObject({ kind: 'notFound', status: 404, userMessage: MESSAGES.notFound });
  });

  it('5xx is unavailable, and a read is not retried without a short Retry-After', async () => {
    const fault = fixture().emulator.control.injectFault({ target: 'pats', method: 'GET', status: 500, times: 1 });
    expect(await failure(list())).toMatchObject({
      kind: 'unavailable',
      status: 500,
      userMessage: MESSAGES.unavailable,
    });
    expect(callsSeenBy(fault.id)).toBe(1);
  });

  it('503 with a long Retry-After is unavailable and says how long to wait', async () => {
    fixture().emulator.control.injectFault({
      target: 'pats',
      status: 503,
      headers: { 'Retry-After': '120' },
      times: 1,
    });
    expect(await failure(list())).toMatchObject({ kind: 'unavailable', status: 503, retryAfterSeconds: 120 });
  });

  it('another 4xx without a patTokenError is a generic rejection', async () => {
    fixture().emulator.control.injectFault({ target: 'pats', status: 409, times: 1 });
    expect(await failure(list())).toMatchObject({ kind: 'rejected', status: 409, userMessage: MESSAGES.rejected });
  });

  it('an upstream message never becomes the userMessage', async () => {
    fixture().emulator.control.injectFault({
      target: 'pats',
      status: 400,
      body: {
        $id: '1',
        message: 'TF400898: An Internal Error Occurred. Activity Id: 1234.',
        typeKey: 'JsonReaderException',
        errorCode: 0,
        eventId: 0,
      },
      times: 1,
    });
    const error = await failure(list());
    expect(error.userMessage).toBe(MESSAGES.rejected);
    expect(error.message).toContain('JsonReaderException');
  });
});

describe('429: throttled', () => {
  it('a read with Retry-After of at most 2 s is retried once, after waiting', async () => {
    const fault = fixture().emulator.control.injectFault({
      target: 'pats',
      method: 'GET',
      status: 429,
      headers: { 'Retry-After': '1' },
      times: 1,
    });
    const started = Date.now();
    await expect(list()).resolves.toMatchObject({ tokens: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(callsSeenBy(fault.id)).toBe(2);
  });

  it('a read throttled twice gives up with the wait', async () => {
    const fault = fixture().emulator.control.injectFault({
      target: 'pats',
      method: 'GET',
      status: 429,
      headers: { 'Retry-After': '0' },
      times: 5,
    });
    expect(await failure(list())).toMatchObject({
      kind: 'throttled',
      status: 429,
      retryAfterSeconds: 0,
      userMessage: MESSAGES.throttled,
    });
    expect(callsSeenBy(fault.id)).toBe(2);
  });

  it('a read with a longer Retry-After is not retried; an HTTP-date is read too', async () => {
    const fault = fixture().emulator.control.injectFault({
      target: 'pats',
      method: 'GET',
      status: 429,
      headers: { 'Retry-After': '30' },
      times: 1,
    });
    expect(await failure(list())).toMatchObject({ kind: 'throttled', retryAfterSeconds: 30 });
    expect(callsSeenBy(fault.id)).toBe(1);

    const at = new Date(Date.now() + 90_000).toUTCString();
    fixture().emulator.control.injectFault({
      target: 'profile',
      status: 429,
      headers: { 'Retry-After': at },
      times: 1,
    });
    const error = await failure(fixture().client.getMyProfile(ada().source));
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(88);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(91);
  });

  it('a write is never retried, even with a short Retry-After', async () => {
    const fault = fixture().emulator.control.injectFault({
      target: 'pats',
      method: 'POST',
      status: 429,
      headers: { 'Retry-After': '1' },
      times: 1,
    });
    expect(await failure(create())).toMatchObject({ kind: 'throttled', retryAfterSeconds: 1 });
    expect(callsSeenBy(fault.id)).toBe(1);
    expect(fixture().emulator.control.devops.tokens(ADA.objectId)).toEqual([]);
  });

  it('a read meeting 503 with a short Retry-After is retried once', async () => {
    const fault = fixture().emulator.control.injectFault({
      target: 'accounts',
      status: 503,
      headers: { 'Retry-After': '0' },
      times: 1,
    });
    await expect(fixture().client.listOrganizations(ada().source, ADA.memberId)).resolves.toHaveLength(3);
    expect(callsSeenBy(fault.id)).toBe(2);
  });
});

describe('network failures', () => {
  it('a read whose connection is reset is retried once', async () => {
    const fault = fixture().emulator.control.injectFault({ target: 'pats', method: 'GET', reset: true, times: 1 });
    await expect(list()).resolves.toMatchObject({ tokens: [] });
    expect(callsSeenBy(fault.id)).toBe(2);
  });

  it('a read reset twice is unavailable', async () => {
    fixture().emulator.control.injectFault({ target: 'pats', method: 'GET', reset: true, times: 2 });
    expect(await failure(list())).toMatchObject({
      kind: 'unavailable',
      userMessage: MESSAGES.unavailable,
      status: undefined,
    });
  });

  it('a write whose connection is reset is not retried', async () => {
    const fault = fixture().emulator.control.injectFault({ target: 'pats', method: 'POST', reset: true, times: 1 });
    expect(await failure(create())).toMatchObject({ kind: 'unavailable', userMessage: MESSAGES.writeOutcomeUnknown });
    expect(callsSeenBy(fault.id)).toBe(1);
  });

  it('a call that takes longer than the timeout is unavailable, and not retried', async () => {
    const fault = fixture().emulator.control.injectFault({ target: 'pats', method: 'GET', delayMs: 3000, times: 1 });
    const impatient = fixture().clientWithTimeout(300);
    const started = Date.now();
    expect(await failure(list(impatient))).toMatchObject({ kind: 'unavailable', userMessage: MESSAGES.timedOut });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(callsSeenBy(fault.id)).toBe(1);
  });

  it('a server that is not there is unavailable', async () => {
    const closed = new URL(fixture().emulator.urls.pats);
    closed.port = '1';
    const client = createDevOpsClient({
      patsBaseUrl: closed.href,
      profileBaseUrl: closed.href,
      timeoutMs: 1000,
      ca: fixture().emulator.caCertificatePem,
    });
    try {
      expect(await failure(list(client))).toMatchObject({
        kind: 'unavailable',
        message: expect.stringContaining('ECONNREFUSED'),
      });
    } finally {
      client.close();
    }
  });

  it('a server whose certificate is not trusted is unavailable', async () => {
    const client = createDevOpsClient({
      patsBaseUrl: fixture().emulator.urls.pats,
      profileBaseUrl: fixture().emulator.urls.profile,
      timeoutMs: 1000,
    });
    try {
      expect(await failure(list(client))).toMatchObject({ kind: 'unavailable', userMessage: MESSAGES.unavailable });
    } finally {
      client.close();
    }
  });
});

describe('answers that are not what Microsoft documents', () => {
  it('malformed JSON is unavailable, said plainly', async () => {
    fixture().emulator.control.injectFault({ target: 'pats', method: 'GET', malformed: true, times: 1 });
    expect(await failure(list())).toMatchObject({
      kind: 'unavailable',
      status: 200,
      userMessage: MESSAGES.unexpectedAnswer,
      message: expect.stringContaining('malformed JSON'),
    });
  });

  it('an answer of more than 5 MB is refused, not read to the end', async () => {
    fixture().emulator.control.injectFault({
      target: 'pats',
      method: 'GET',
      status: 200,
      body: `{"continuationToken":"","patTokens":[],"padding":"${'x'.repeat(6 * 1024 * 1024)}"}`,
      times: 2,
    });
    expect(await failure(list())).toMatchObject({
      kind: 'unavailable',
      message: expect.stringContaining('ERR_BAD_RESPONSE'),
    });
  });

  it('a malformed error body still maps by status', async () => {
    fixture().emulator.control.injectFault({ target: 'pats', status: 404, malformed: true, times: 1 });
    expect(await failure(list())).toMatchObject({ kind: 'notFound', status: 404 });
  });

  it.each([
    ['a list without patTokens', { continuationToken: '' }],
    [
      'a token with a date that is not a date',
      {
        continuationToken: '',
        patTokens: [
          {
            authorizationId: '4c60c9ed-a378-4883-af16-d655ca025b11',
            displayName: 'x',
            scope: 'vso.code',
            targetAccounts: null,
            validFrom: 'yesterday',
            validTo: '2020-11-23T04:04:38.5233333Z',
            token: null,
          },
        ],
      },
    ],
    ['an array', []],
    ['HTML', '<html>Sign in</html>'],
  ])('the wrong shape (%s) is unavailable, never a crash later', async (_label, body) => {
    fixture().emulator.control.injectFault({ target: 'pats', method: 'GET', status: 200, body, times: 1 });
    expect(await failure(list())).toMatchObject({
      kind: 'unavailable',
      status: 200,
      userMessage: MESSAGES.unexpectedAnswer,
    });
  });

  it('a profile without an id is unavailable', async () => {
    fixture().emulator.control.injectFault({ target: 'profile', status: 200, body: { displayName: 'Ada' }, times: 1 });
    expect(await failure(fixture().client.getMyProfile(ada().source))).toMatchObject({
      kind: 'unavailable',
      message: expect.stringContaining('id'),
    });
  });

  it('a created token without its value is unavailable', async () => {
    fixture().emulator.control.injectFault(CREATED_WITHOUT_VALUE);
    expect(await failure(create())).toMatchObject({
      kind: 'unavailable',
      message: expect.stringContaining('no value'),
    });
  });
});

describe('a write whose answer cannot be read says the change was probably made, so the person checks instead of repeating it', () => {
  function expectProbablyMade(error: DevOpsError) {
    expect(error).toMatchObject({ kind: 'unavailable', userMessage: MESSAGES.writeAnswerUnreadable });
    expect(error.userMessage).toMatch(/cannot tell whether the change was made/);
  }

  it('create', async () => {
    fixture().emulator.control.injectFault({ target: 'pats', method: 'POST', malformed: true, times: 1 });
    expectProbablyMade(await failure(create()));
    expect(fixture().emulator.control.devops.tokens(ADA.objectId)).toEqual([
      expect.objectContaining({ displayName: 'ci' }),
    ]);
  });

  it('update', async () => {
    const { token } = await create();
    fixture().emulator.control.injectFault({ target: 'pats', method: 'PUT', malformed: true, times: 1 });
    expectProbablyMade(
      await failure(
        fixture().client.updateToken(ada().source, 'contoso', {
          authorizationId: token.authorizationId,
          displayName: 'renamed',
        }),
      ),
    );
    expect(fixture().emulator.control.devops.tokens(ADA.objectId)).toEqual([
      expect.objectContaining({ displayName: 'renamed' }),
    ]);
  });

  it('a created token without its value says so too', async () => {
    fixture().emulator.control.injectFault(CREATED_WITHOUT_VALUE);
    expect(await failure(create())).toMatchObject({ userMessage: MESSAGES.writeAnswerUnreadable });
  });
});

describe('patTokenError refusals', () => {
  it('each organization policy violation is a rejection tied to its form field; a global create is refused with the retirement in words', async () => {
    const { devops } = fixture().emulator.control;
    devops.setPolicies('contoso', { restrictFullScopePats: true });

    const fullScope = await failure(create(undefined, { scope: 'app_token' }));
    expect(fullScope).toMatchObject({ kind: 'rejected', patTokenError: 'fullScopePatPolicyViolation', field: 'scope' });

    // Today's service raises these two no more (global creates are blocked first, a long lifetime is
    // shortened): their words still stand, should an answer carry them.
    devops.failNext('create', 'globalPatPolicyViolation');
    const global = await failure(create());
    expect(global).toMatchObject({
      kind: 'rejected',
      patTokenError: 'globalPatPolicyViolation',
      field: 'allOrgs',
      userMessage: PAT_TOKEN_ERRORS.globalPatPolicyViolation.message,
    });
    devops.failNext('update', 'patLifespanPolicyViolation');
    const { token } = await create(undefined, { validTo: inDays(20) });
    const longer = await failure(
      fixture().client.updateToken(ada().source, 'contoso', {
        authorizationId: token.authorizationId,
        validTo: inDays(60),
      }),
    );
    expect(longer).toMatchObject({ kind: 'rejected', patTokenError: 'patLifespanPolicyViolation', field: 'validTo' });
    for (const error of [global, fullScope, longer]) expect(error.userMessage).toMatch(/organization/);

    const blocked = await failure(create(undefined, { allOrgs: true }));
    expect(blocked).toMatchObject({ kind: 'rejected', patTokenError: 'globalPATCreationBlocked', field: undefined });
    expect(blocked.userMessage).toContain('stopped working on 1 December 2026');
  });

  it("every patTokenError value in Microsoft's list gets its own message", async () => {
    // The codes come from Microsoft's OpenAPI file, not from the table under test.
    const codes = patTokenErrorEnum().filter((code) => code !== 'none');
    expect(codes.length).toBeGreaterThan(30);
    for (const code of codes) {
      const entry = (PAT_TOKEN_ERRORS as Record<string, { message: string; field?: string; kind?: string }>)[code];
      expect(entry, code).toBeDefined();
      fixture().emulator.control.devops.failNext('create', code as never);
      const error = await failure(create());
      expect(error.patTokenError).toBe(code);
      expect(error.userMessage).toBe(entry!.message);
      expect(error.field).toBe(entry!.field);
      expect(error.kind).toBe(entry!.kind ?? 'rejected');
    }
  });

  it('a get of a token that does not exist is notFound; someone else’s is forbidden', async () => {
    const missing = await failure(
      fixture().client.getToken(ada().source, 'contoso', '0b1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3'),
    );
    expect(missing).toMatchObject({ kind: 'notFound', patTokenError: 'tokenNotFound', status: 200 });

    const { token } = await fixture().client.createToken(
      tokenSourceFor(fixture().emulator, GRACE.objectId).source,
      'contoso',
      { displayName: 'grace', scope: 'vso.code', validTo: inDays(5), allOrgs: false },
    );
    const others = await failure(fixture().client.getToken(ada().source, 'contoso', token.authorizationId));
    expect(others).toMatchObject({ kind: 'forbidden', patTokenError: 'accessDenied' });
  });

  it('a patTokenError with HTTP 400 is a rejection too', async () => {
    fixture().emulator.control.injectFault({
      target: 'pats',
      method: 'POST',
      status: 400,
      body: { patToken: null, patTokenError: 'invalidScope' },
      times: 1,
    });
    expect(await failure(create())).toMatchObject({
      kind: 'rejected',
      status: 400,
      patTokenError: 'invalidScope',
      field: 'scope',
    });
  });

  it('a value Microsoft adds later is still a rejection with a plain message', async () => {
    fixture().emulator.control.injectFault({
      target: 'pats',
      method: 'POST',
      status: 200,
      body: { patToken: null, patTokenError: 'brandNewReason' },
      times: 1,
    });
    expect(await failure(create())).toMatchObject({
      kind: 'rejected',
      patTokenError: 'brandNewReason',
      userMessage: MESSAGES.rejected,
    });
  });
});

describe('the log', () => {
  it('never holds a token secret or an access token, whatever happens', async () => {
    fixture().logLines.length = 0;
    const source = ada();
    await source.source({ forceRefresh: false });
    fixture().emulator.control.expireAccessTokens(ADA.objectId);
    const { secret } = await create(source.source);
    fixture().emulator.control.injectFault({ target: 'pats', method: 'GET', reset: true, times: 1 });
    await list(fixture().client, source.source);
    fixture().emulator.control.injectFault({ target: 'pats', method: 'POST', status: 500, times: 1 });
    await failure(create(source.source));
    fixture().emulator.control.injectFault({ target: 'pats', method: 'POST', malformed: true, times: 1 });
    await failure(create(source.source));

    expect(fixture().logLines.length).toBeGreaterThan(5);
    const log = fixture().logLines.join('\n');
    expect(log).not.toContain(secret);
    for (const accessToken of source.issued) expect(log).not.toContain(accessToken);
    expect(log).not.toMatch(/authorization|bearer/i);
    // What it does say: the operation and what happened.
    expect(log).toContain('"operation":"createToken"');
    expect(log).toContain('Retrying Azure DevOps call once');
  });
});
