// Many people at once while Azure DevOps fails one call in ten (5xx, timeouts, resets, malformed
// bodies, 429 with Retry-After). Every answer must be the page or a clear error page (never a
// stack, never a 500), the app must keep running, and the emulator's final state must be exactly
// what the app told each person: a create, edit or revoke it said happened did, one it said did
// not did not, and one whose outcome it said it cannot tell may have gone either way. No token is
// duplicated or lost.
//
// Bounded for CI: LOAD_SESSIONS people (default 100) for LOAD_SECONDS (default 12). The full run
// of the spec is `LOAD_SECONDS=60 npx vitest run test/hardening/load-faults.test.ts`.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec, Person } from '../../src/emulator/index.ts';
import type { Page, TestBrowser } from '../support/browser.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { signIn } from '../support/sign-in.ts';
import { seededRandom } from '../../src/emulator/seeded-random.ts';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 12);
const SESSIONS = Number(process.env.LOAD_SESSIONS ?? 100);
const UPSTREAM_TIMEOUT_MS = 1000;
const CONTOSO_ID = 'f9424e7c-ea71-44cb-aa51-cae3213c1e15';

/** The seed of every draw, printed with the figures: LOAD_SEED=n repeats a run's faults and choices. */
const SEED = Number(process.env.LOAD_SEED ?? 20261202);

/** About one Azure DevOps call in ten fails, in every way the emulator can fail it, each from a seeded draw. */
const FAULTS: FaultSpec[] = [
  { target: 'pats', status: 500, probability: 0.02, seed: SEED + 1 },
  { target: 'pats', status: 503, probability: 0.015, seed: SEED + 2 },
  { target: 'pats', status: 429, headers: { 'Retry-After': '1' }, probability: 0.015, seed: SEED + 3 },
  { target: 'pats', delayMs: UPSTREAM_TIMEOUT_MS + 300, probability: 0.015, seed: SEED + 4 },
  { target: 'pats', reset: true, probability: 0.02, seed: SEED + 5 },
  { target: 'pats', malformed: true, probability: 0.02, seed: SEED + 6 },
];

/** The longest a call the app gave up on can still take to reach the emulator's state. */
const SETTLE_MS = UPSTREAM_TIMEOUT_MS + 300 + 1000;

type Outcome = 'done' | 'notDone' | 'unknown';
const UNKNOWN = /cannot tell whether the change was made/;

interface Tracked {
  id: string;
  /** Names it may have now: one after a known rename, more after renames of unknown outcome. */
  names: Set<string>;
  revoked: Set<boolean>;
}

interface LoadUser {
  person: Person;
  browser: TestBrowser;
  creates: Array<{ name: string; outcome: Outcome }>;
  live: Tracked[];
  finished: Tracked[];
}

let h: Harness;
const users: LoadUser[] = [];
const problems: string[] = [];
const tally: Record<string, number> = {};
const count = (what: string) => {
  tally[what] = (tally[what] ?? 0) + 1;
};

function loadPerson(index: number): Person {
  return {
    objectId: randomUUID(),
    displayName: `Load Person ${index}`,
    username: `load${index}@contoso.example`,
    memberId: randomUUID(),
    organizations: ['contoso'],
  };
}

/** Tokens nobody touches during the run: they must come out exactly as they went in. */
const untouched = (index: number) => [
  {
    displayName: `keep-${index}-a`,
    scope: 'vso.code',
    validTo: new Date(Date.now() + 20 * 86_400_000),
    targetAccounts: [CONTOSO_ID],
  },
  {
    displayName: `keep-${index}-b`,
    scope: 'app_token',
    validTo: new Date(Date.now() + 40 * 86_400_000),
    targetAccounts: null,
  },
];

/** Every answer is the page, a redirect, or a clear error page; never a stack and never a 500. */
function check(page: Page, what: string): Page {
  count(`HTTP ${page.status}`);
  const problem =
    page.status === 500 || page.status === 0
      ? `${what}: HTTP ${page.status}`
      : /\bat .+:\d+:\d+|TypeError|ReferenceError|node_modules/.test(page.body)
        ? `${what}: a stack or an internal error on the page`
        : page.status >= 400 && !page.body.includes('Request id:')
          ? `${what}: HTTP ${page.status} without a clear error page`
          : undefined;
  if (problem && problems.length < 50) problems.push(problem);
  return page;
}

function outcomeOf(page: Page, done: RegExp): Outcome {
  if (done.test(page.body)) return 'done';
  return UNKNOWN.test(page.body) ? 'unknown' : 'notDone';
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function create(user: LoadUser, n: number, base: string): Promise<void> {
  const form = check(await user.browser.get(`${base}/tokens/new`), 'new token form');
  if (form.status !== 200) return;
  const name = `L${users.indexOf(user)}-${n}`;
  const page = check(
    await user.browser.submit(
      form,
      '/tokens',
      { displayName: name, expiry: '30', organizations: 'this', access: 'custom', scopes: 'vso.code' },
      { follow: false },
    ),
    'create',
  );
  const outcome: Outcome =
    page.status === 200 && page.body.includes('id="secret"') ? 'done' : UNKNOWN.test(page.body) ? 'unknown' : 'notDone';
  count(`create ${outcome}`);
  user.creates.push({ name, outcome });
  const id = /href="\/tokens\/([0-9a-f-]{36})"/.exec(page.body)?.[1];
  if (outcome === 'done' && id) user.live.push({ id, names: new Set([name]), revoked: new Set([false]) });
}

async function rename(user: LoadUser, token: Tracked, n: number, base: string): Promise<void> {
  const form = check(await user.browser.get(`${base}/tokens/${token.id}/edit`), 'edit form');
  if (form.status !== 200) return;
  const name = `${[...token.names][0]!.split('~')[0]}~${n}`;
  const page = check(
    await user.browser.submit(form, `/tokens/${token.id}`, {
      displayName: name,
      expiry: 'keep',
      organizations: 'this',
      access: 'custom',
      scopes: 'vso.code',
    }),
    'edit',
  );
  const outcome = outcomeOf(page, new RegExp(`Saved the changes to &#34;${escaped(name)}&#34;`));
  count(`edit ${outcome}`);
  if (outcome === 'done') token.names = new Set([name]);
  if (outcome === 'unknown') token.names.add(name);
}

async function revoke(user: LoadUser, token: Tracked, base: string): Promise<void> {
  const confirm = check(await user.browser.get(`${base}/tokens/${token.id}/revoke`), 'revoke confirmation');
  if (confirm.status !== 200) return;
  const page = check(await user.browser.submit(confirm, `/tokens/${token.id}/revoke`), 'revoke');
  const outcome = outcomeOf(page, /Revoked &#34;[^<]*&#34;\. Anything still using it|was already revoked/);
  count(`revoke ${outcome}`);
  if (outcome === 'notDone') return;
  token.revoked = outcome === 'done' ? new Set([true]) : new Set([false, true]);
  user.live.splice(user.live.indexOf(token), 1);
  user.finished.push(token);
}

/** One person's session: the list, then a create, a rename or a revoke, until the time is up. */
async function work(user: LoadUser, index: number, deadline: number): Promise<void> {
  const base = h.appUrl;
  const random = seededRandom(SEED * 1000 + index);
  for (let n = 1; Date.now() < deadline; n++) {
    check(await user.browser.get(`${base}/`), 'token list');
    const token = user.live[n % Math.max(user.live.length, 1)];
    const roll = random();
    if (!token || roll < 0.4) await create(user, n, base);
    else if (roll < 0.75) await rename(user, token, n, base);
    else await revoke(user, token, base);
  }
}

/** Compares one person's tokens in the emulator with what the app told them. */
function verify(user: LoadUser, index: number): string[] {
  const found: string[] = [];
  const tokens = h.emulator.control.devops.tokens(user.person.objectId);
  const keep = untouched(index).map((seed) => seed.displayName);
  for (const name of keep) {
    const matches = tokens.filter((token) => token.displayName === name);
    if (matches.length !== 1 || matches[0]!.status !== 'active')
      found.push(`${name}: an untouched token was lost or changed`);
  }
  for (const { name, outcome } of user.creates) {
    const made = tokens.filter((token) => token.displayName === name || token.displayName.startsWith(`${name}~`));
    if (made.length > 1) found.push(`${name}: created ${made.length} times`);
    if (outcome === 'done' && made.length === 0)
      found.push(`${name}: the app said created, the service has no such token`);
    if (outcome === 'notDone' && made.length > 0) found.push(`${name}: the app said not created, the service has it`);
  }
  for (const tracked of [...user.live, ...user.finished]) {
    const token = tokens.find((candidate) => candidate.authorizationId === tracked.id);
    if (!token) {
      found.push(`${tracked.id}: lost`);
      continue;
    }
    if (!tracked.names.has(token.displayName))
      found.push(`${tracked.id}: named "${token.displayName}", the app said one of ${[...tracked.names].join(', ')}`);
    if (!tracked.revoked.has(token.status === 'revoked'))
      found.push(
        `${tracked.id}: ${token.status}, the app said ${[...tracked.revoked].map((revoked) => (revoked ? 'revoked' : 'not revoked')).join(' or ')}`,
      );
  }
  const known = new Set([...keep, ...user.creates.map((attempt) => attempt.name)]);
  for (const token of tokens) {
    if (!known.has(token.displayName.split('~')[0]!)) found.push(`${token.displayName}: a token nobody created`);
  }
  return found;
}

beforeAll(async () => {
  h = await startHarness({ env: { UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS) } });
  for (let index = 0; index < SESSIONS; index++) {
    const person = loadPerson(index);
    h.emulator.control.addPerson(person);
    h.emulator.control.devops.replaceTokens(person.objectId, untouched(index));
    users.push({ person, browser: h.browser(), creates: [], live: [], finished: [] });
  }
  for (let first = 0; first < users.length; first += 10) {
    await Promise.all(
      users.slice(first, first + 10).map(async (user) => {
        const home = await signIn(user.browser, h.appUrl, user.person);
        if (home.status !== 200) throw new Error(`sign-in of ${user.person.username} ended at HTTP ${home.status}`);
      }),
    );
  }
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe(`${SESSIONS} people for ${SECONDS} s while one Azure DevOps call in ten fails`, () => {
  it(
    'every answer is the page or a clear error page, and the service holds exactly what the app said',
    async () => {
      for (const fault of FAULTS) h.emulator.control.injectFault(fault);
      const deadline = Date.now() + SECONDS * 1000;
      let injected: number;
      try {
        await Promise.all(users.map((user, index) => work(user, index, deadline)));
      } finally {
        injected = h.emulator.control.faults().reduce((sum, fault) => sum + fault.triggered, 0);
        h.emulator.control.clearFaults();
      }
      // Calls the app gave up on may still be on their way to the emulator.
      await sleep(SETTLE_MS);

      console.info(
        `load and faults: ${SESSIONS} sessions, ${SECONDS} s, seed ${SEED}, ${injected} faults injected; ${Object.entries(
          tally,
        )
          .sort()
          .map(([what, n]) => `${what}: ${n}`)
          .join(', ')}`,
      );
      expect(problems).toEqual([]);
      expect(users.flatMap((user, index) => verify(user, index))).toEqual([]);
      expect(injected).toBeGreaterThan(0);
      expect(tally['create done'] ?? 0).toBeGreaterThan(0);
      expect(tally['edit done'] ?? 0).toBeGreaterThan(0);
      expect(tally['revoke done'] ?? 0).toBeGreaterThan(0);

      // Still up, and whole again once Azure DevOps is.
      const healthz = await users[0]!.browser.get(`${h.appUrl}/healthz`);
      expect(healthz.status).toBe(200);
      const list = await users[0]!.browser.get(`${h.appUrl}/`);
      expect(list.status).toBe(200);
      expect(list.body).toContain('keep-0-a');
    },
    (SECONDS + 60) * 1000,
  );
});
