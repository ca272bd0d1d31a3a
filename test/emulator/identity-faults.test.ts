// Injected faults (status, delay, truncated JSON, reset connection; by count, skip or chance), the
// counters, and the control surface over HTTP with its per-run key.
import { Agent } from 'node:https';
import { ServerError } from '@azure/msal-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { httpsRequest, type HttpsRequestOptions } from './support/https-request.ts';
import { ADA, authorizeCode, msalApp, redeemCode, startTestEmulator } from './support/test-emulator.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator({ seed: 'demo' });
});
afterAll(() => emulator.close());
afterEach(() => emulator.control.clearFaults());

const discoveryUrl = () => `${emulator.origin}/organizations/v2.0/.well-known/openid-configuration`;
const get = (url: string, options: HttpsRequestOptions = {}) =>
  httpsRequest(url, { caCertificatePem: emulator.caCertificatePem, ...options });
const control = (path: string, options: HttpsRequestOptions & { key?: string } = {}) =>
  get(`${emulator.origin}/_emulator${path}`, {
    ...options,
    headers: {
      'content-type': 'application/json',
      ...(options.key === '' ? {} : { 'x-emulator-control-key': options.key ?? emulator.controlKey }),
      ...options.headers,
    },
  });

describe('injected faults', () => {
  it('answers with a status, body and headers, for the number of calls asked', async () => {
    const fault = emulator.control.injectFault({
      target: 'token',
      status: 503,
      headers: { 'Retry-After': '7' },
      body: { error: 'temporarily_unavailable' },
      times: 1,
    });
    const first = await get(`${emulator.origin}/organizations/oauth2/v2.0/token`, { method: 'POST' });
    expect(first.status).toBe(503);
    expect(first.headers['retry-after']).toBe('7');
    expect(JSON.parse(first.body)).toEqual({ error: 'temporarily_unavailable' });
    const second = await get(`${emulator.origin}/organizations/oauth2/v2.0/token`, { method: 'POST' });
    expect(second.status).toBe(400);
    expect(emulator.control.faults().find((active) => active.id === fault.id)).toMatchObject({
      matched: 2,
      triggered: 1,
    });
  });

  it('makes msal-node see a token endpoint failure (and throttle the same request afterwards)', async () => {
    const app = msalApp(emulator);
    const authorized = await authorizeCode(app, emulator);
    const fault = emulator.control.injectFault({ target: 'token', status: 500, times: 1 });
    await expect(redeemCode(app, authorized)).rejects.toBeInstanceOf(ServerError);
    // msal-node remembers a 5xx (or 429) for 60 s and refuses the same request without sending it.
    await expect(redeemCode(app, authorized)).rejects.toBeInstanceOf(ServerError);
    expect(emulator.control.faults().find((active) => active.id === fault.id)?.matched).toBe(1);
    // Another application object has no throttling entry: the code is still good.
    expect((await redeemCode(msalApp(emulator), authorized)).account?.localAccountId).toBe(ADA.objectId);
  });

  it('delays an answer past a client timeout, or just slows it down', async () => {
    emulator.control.injectFault({ target: 'discovery', delayMs: 400, times: 2 });
    await expect(get(discoveryUrl(), { timeoutMs: 100 })).rejects.toThrow(/within 100 ms/);
    const started = Date.now();
    expect((await get(discoveryUrl())).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('truncates the real JSON answer, or the injected one', async () => {
    emulator.control.injectFault({ target: 'keys', malformed: true, times: 1 });
    const truncated = await get(`${emulator.origin}/organizations/discovery/v2.0/keys`);
    expect(truncated.status).toBe(200);
    expect(truncated.body.startsWith('{"keys":[{')).toBe(true);
    expect(() => JSON.parse(truncated.body)).toThrow();

    emulator.control.injectFault({ target: 'discovery', status: 502, malformed: true, times: 1 });
    const injected = await get(discoveryUrl());
    expect(injected.status).toBe(502);
    expect(() => JSON.parse(injected.body)).toThrow();
  });

  it('makes msal-node fail on a truncated token response', async () => {
    const app = msalApp(emulator);
    const authorized = await authorizeCode(app, emulator);
    emulator.control.injectFault({ target: 'token', malformed: true, times: 1 });
    // msal-node reports what its network client threw as a network_error.
    await expect(redeemCode(app, authorized)).rejects.toMatchObject({ errorCode: 'network_error' });
  });

  it('resets the connection', async () => {
    emulator.control.injectFault({ target: 'discovery', reset: true, times: 1 });
    await expect(get(discoveryUrl())).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await get(discoveryUrl())).status).toBe(200);
  });

  it('lets calls through first (skip), never fails at probability 0, and matches paths and methods', async () => {
    emulator.control.injectFault({ target: 'discovery', status: 500, skip: 1, times: 1 });
    expect((await get(discoveryUrl())).status).toBe(200);
    expect((await get(discoveryUrl())).status).toBe(500);
    expect((await get(discoveryUrl())).status).toBe(200);
    emulator.control.clearFaults();

    emulator.control.injectFault({ target: 'discovery', status: 500, probability: 0 });
    expect((await get(discoveryUrl())).status).toBe(200);
    emulator.control.clearFaults();

    const token = await emulator.control.issueAccessToken(ADA.objectId);
    emulator.control.injectFault({
      path: '/vssps/*/_apis/tokens/pats',
      method: 'GET',
      status: 429,
      headers: { 'Retry-After': '2' },
    });
    const pats = await get(`${emulator.urls.pats}/Contoso/_apis/Tokens/Pats?api-version=7.1-preview.1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(pats.status).toBe(429);
    expect(pats.headers['retry-after']).toBe('2');
  });

  it('fails the same calls on every run when a chance is seeded', async () => {
    const run = async (seed: number) => {
      emulator.control.injectFault({ target: 'discovery', status: 500, probability: 0.5, seed });
      try {
        const statuses: number[] = [];
        for (let call = 0; call < 24; call++) statuses.push((await get(discoveryUrl())).status);
        return statuses;
      } finally {
        emulator.control.clearFaults();
      }
    };
    const first = await run(7);
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run(7)).toEqual(first);
    expect(await run(8)).not.toEqual(first);
  });

  it('refuses a fault with no target or no effect', () => {
    expect(() => emulator.control.injectFault({ status: 500 })).toThrow(/target or a path/);
    expect(() => emulator.control.injectFault({ target: 'token' })).toThrow(/needs an effect/);
  });
});

describe('the control surface over HTTP', () => {
  it('requires the run key', async () => {
    expect((await control('/stats', { key: '' })).status).toBe(401);
    expect((await control('/stats', { key: 'wrong' })).status).toBe(401);
    expect((await control('/devops/reset', { method: 'POST', key: '' })).status).toBe(401);
    expect((await control('/stats')).status).toBe(200);
  });

  it('injects, lists and clears faults, and stays reachable whatever faults are active', async () => {
    const created = await control('/faults', { method: 'POST', body: JSON.stringify({ path: '/*', status: 500 }) });
    expect(created.status).toBe(201);
    expect((await get(discoveryUrl())).status).toBe(500);
    expect(JSON.parse((await control('/faults')).body)).toHaveLength(1);
    expect((await control('/faults', { method: 'DELETE' })).status).toBe(204);
    expect((await get(discoveryUrl())).status).toBe(200);

    const invalid = await control('/faults', {
      method: 'POST',
      body: JSON.stringify({ target: 'nowhere', status: 500 }),
    });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body)).toMatchObject({ error: 'Invalid control request.' });
  });

  it('changes the directory and registers applications', async () => {
    const person = {
      displayName: 'Katherine Johnson',
      username: 'katherine@contoso.example',
      memberId: '2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091',
      organizations: ['contoso'],
    };
    expect(
      (
        await control('/directory/people/5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b', {
          method: 'PUT',
          body: JSON.stringify(person),
        })
      ).status,
    ).toBe(200);
    expect(emulator.control.directory().people.map((p) => p.displayName)).toContain('Katherine Johnson');
    expect((await control('/directory/people/5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b', { method: 'DELETE' })).status).toBe(
      204,
    );

    const client = { clientSecret: 's3cret', redirectUris: ['http://localhost:4000/getAToken'] };
    expect(
      (await control('/clients/9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a', { method: 'PUT', body: JSON.stringify(client) }))
        .status,
    ).toBe(204);
    const page = await get(
      `${emulator.origin}/organizations/oauth2/v2.0/authorize?client_id=9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a&redirect_uri=${encodeURIComponent('http://localhost:4000/getAToken')}&response_type=code&scope=openid`,
    );
    expect(page.status).toBe(200);
    expect(page.body).toContain('Pick an account');
  });
});

describe('counters', () => {
  it('counts TLS connections, so keep-alive shows as one connection for many requests', async () => {
    emulator.control.resetStats();
    const agent = new Agent({ ca: emulator.caCertificatePem, keepAlive: true, maxSockets: 1 });
    for (let call = 0; call < 5; call += 1) expect((await httpsRequest(discoveryUrl(), { agent })).status).toBe(200);
    agent.destroy();
    const stats = emulator.control.stats();
    expect(stats.connections.accepted).toBe(1);
    expect(stats.requests['GET /:tenant/v2.0/.well-known/openid-configuration']).toBe(5);
  });

  it('counts grants by type and requests refused before a route', async () => {
    emulator.control.resetStats();
    const app = msalApp(emulator);
    await redeemCode(app, await authorizeCode(app, emulator));
    await get(`${emulator.urls.pats}/contoso/_apis/tokens/pats`);
    const stats = emulator.control.stats();
    expect(stats.grants).toEqual({ authorization_code: 1 });
    expect(stats.requests['GET [pats]']).toBe(1);
  });
});
