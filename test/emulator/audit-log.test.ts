// The Auditing API's query of the audit log in the emulator, over real HTTPS with real access
// tokens: token events recorded as tokens are created, updated and revoked (by their owner or an
// administrator), found in public and revoked by the system, expiry derived on the emulator's clock,
// 90 days kept, newest first, paged with the continuation token; vso.auditlog and "View audit log"
// required.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { devOpsApi, type DevOpsApi, type Query } from './support/devops-api.ts';
import { ADA, GRACE, startTestEmulator } from './support/test-emulator.ts';

const DAY = 86_400_000;
let emulator: RunningEmulator;
let api: DevOpsApi;
let grace = '';
let ada = '';
let now = Date.now();

beforeAll(async () => {
  emulator = await startTestEmulator({ seed: 'demo', now: () => now });
  api = devOpsApi(emulator);
  grace = await emulator.control.issueAccessToken(GRACE.objectId);
  ada = await emulator.control.issueAccessToken(ADA.objectId);
});
afterAll(() => emulator.close());
beforeEach(() => {
  now = Date.now();
  emulator.control.devops.reset();
});

interface Entry {
  id: string;
  actionId: string;
  timestamp: string;
  actorDisplayName: string;
  actorUPN: string | null;
  details: string;
  area: string;
  category: string;
  data: Record<string, string | null>;
}

const auditLog = (query: Query = {}, token = grace) => {
  const params = new URLSearchParams(
    Object.entries({ 'api-version': '7.2-preview.1', ...query }).flatMap(([key, value]): [string, string][] =>
      value === undefined ? [] : [[key, String(value)]],
    ),
  );
  return api.call('GET', `${emulator.urls.audit}/contoso/_apis/audit/auditlog?${params.toString()}`, { token });
};

/** Every entry, following the continuation token. */
async function everyEntry(query: Query = {}): Promise<Entry[]> {
  const entries: Entry[] = [];
  let continuationToken: string | undefined;
  for (let page = 0; page < 100; page++) {
    const answer = await auditLog({ batchSize: 500, ...query, continuationToken });
    expect(answer.status).toBe(200);
    entries.push(...(answer.body.decoratedAuditLogEntries as Entry[]));
    if (!answer.body.hasMore) return entries;
    continuationToken = answer.body.continuationToken;
  }
  throw new Error('too many pages');
}

const ofToken = (entries: Entry[], authorizationId: string) =>
  entries.filter((entry) => entry.data.AuthorizationId === authorizationId).map((entry) => entry.actionId);

describe('the audit log', () => {
  it("records a token's creation, update and revocation by its owner, with who and the token's name", async () => {
    const validTo = new Date(now + 30 * DAY).toISOString();
    const created = await api.call('POST', api.patsUrl('contoso'), {
      token: ada,
      body: { displayName: 'audited-token', scope: 'vso.code', validTo, allOrgs: false },
    });
    const id: string = created.body.patToken.authorizationId;
    now += 1000;
    await api.call('PUT', api.patsUrl('contoso'), {
      token: ada,
      body: { authorizationId: id, displayName: 'audited-token-2', scope: 'vso.code', validTo, allOrgs: false },
    });
    now += 1000;
    await api.call('DELETE', api.patsUrl('contoso', { authorizationId: id }), { token: ada });
    const entries = await everyEntry();
    expect(ofToken(entries, id)).toEqual(['Token.PatRevokeEvent', 'Token.PatUpdateEvent', 'Token.PatCreateEvent']);
    const create = entries.find(
      (entry) => entry.data.AuthorizationId === id && entry.actionId === 'Token.PatCreateEvent',
    )!;
    expect(create).toMatchObject({
      actorDisplayName: 'Ada Lovelace',
      actorUPN: ADA.username,
      area: 'Token',
      category: 'create',
      details: 'Personal Access Token "audited-token" was created.',
    });
    // Newest first, as the example's ids and timestamps are.
    expect(entries.map((entry) => entry.id)).toEqual([...entries.map((entry) => entry.id)].sort());
  });

  it('records a discovery in public and the revocation by the system, naming the owner and the repository', async () => {
    const token = emulator.control.devops.tokens(ADA.objectId).find((t) => t.displayName === 'ci-pipeline')!;
    const state = emulator.control.devops.discoverInPublic('contoso', token.authorizationId, {
      repositoryUrl: 'https://github.com/example/leak',
    });
    expect(state.revoked).toBe(true);
    const entries = (await everyEntry()).filter((entry) => entry.data.AuthorizationId === token.authorizationId);
    const discovery = entries.find((entry) => entry.actionId === 'Token.PatPublicDiscoveryEvent')!;
    expect(discovery.details).toBe(
      'Personal Access Token "ci-pipeline" associated with user "Ada Lovelace" was discovered in a public repository.',
    );
    expect(discovery.data.RepositoryUrl).toBe('https://github.com/example/leak');
    expect(discovery.actorDisplayName).toBe('Azure DevOps Service');
    expect(entries.map((entry) => entry.actionId)).toContain('Token.PatSystemRevokeEvent');
  });

  it("holds the demo's seeded discoveries in contoso: one revoked by the system, one still valid", async () => {
    const entries = await everyEntry();
    const discovered = entries.filter((entry) => entry.actionId === 'Token.PatPublicDiscoveryEvent');
    expect(discovered.map((entry) => entry.data.DisplayName).sort()).toEqual(['dependency-bot', 'leaked-in-ci-logs']);
    const systemRevoked = entries.filter((entry) => entry.actionId === 'Token.PatSystemRevokeEvent');
    expect(systemRevoked.map((entry) => entry.data.DisplayName)).toEqual(['leaked-in-ci-logs']);
  });

  it("records an administrator's revocation on someone's behalf, with the administrator as actor", async () => {
    const token = emulator.control.devops.tokens(ADA.objectId).find((t) => t.displayName === 'release-bot')!;
    const answer = await api.call(
      'POST',
      `${emulator.urls.pats}/contoso/_apis/tokenadmin/revocations?api-version=7.2-preview.1`,
      { token: grace, body: [{ authorizationId: token.authorizationId }] },
    );
    expect(answer.status).toBe(204);
    const revoke = (await everyEntry()).find(
      (entry) => entry.data.AuthorizationId === token.authorizationId && entry.actionId === 'Token.PatRevokeEvent',
    )!;
    expect(revoke.actorDisplayName).toBe('Grace Hopper');
    expect(revoke.data.OwnerName).toBe('Ada Lovelace');
  });

  it('derives expiry on the clock and forgets events older than 90 days', async () => {
    const token = emulator.control.devops.tokens(ADA.objectId).find((t) => t.displayName === 'sonar-scanner')!;
    expect(ofToken(await everyEntry(), token.authorizationId)).toEqual(['Token.PatCreateEvent']);
    now += 6 * DAY; // it expires within 5 days
    expect(ofToken(await everyEntry(), token.authorizationId)).toEqual([
      'Token.PatExpiredEvent',
      'Token.PatCreateEvent',
    ]);
    now += 100 * DAY;
    expect(ofToken(await everyEntry(), token.authorizationId)).toEqual([]);
  });

  it('pages with the continuation token without losing or repeating entries, and honours the time window', async () => {
    const whole = await everyEntry();
    expect(whole.length).toBeGreaterThan(20);
    const paged = await everyEntry({ batchSize: 7 });
    expect(paged.map((entry) => entry.id)).toEqual(whole.map((entry) => entry.id));
    const since = new Date(now - 10 * DAY).toISOString();
    const recent = await everyEntry({ startTime: since });
    expect(recent.length).toBeLessThan(whole.length);
    expect(recent.every((entry) => Date.parse(entry.timestamp) >= Date.parse(since))).toBe(true);
  });

  it('refuses bad parameters with 400', async () => {
    for (const query of [
      { batchSize: 0 },
      { batchSize: 'many' },
      { startTime: 'yesterday' },
      { continuationToken: 'x' },
    ])
      expect((await auditLog(query)).status).toBe(400);
  });
});

describe('who may read it', () => {
  it('refuses a member who is not an administrator with 403, and an administrator denied "View audit log"', async () => {
    const refused = await auditLog({}, ada);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('View audit log');
    emulator.control.devops.denyAuditLog('contoso', [GRACE.objectId]);
    expect((await auditLog()).status).toBe(403);
  });

  it('refuses an access token without vso.auditlog: 403 insufficient_scope naming it', async () => {
    const narrow = await emulator.control.issueAccessToken(GRACE.objectId, {
      scope: '499b84ac-1321-427f-aa17-267ca6975798/vso.tokenadministration',
    });
    const refused = await auditLog({}, narrow);
    expect(refused.status).toBe(403);
    expect(refused.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="vso.auditlog"');
  });
});
