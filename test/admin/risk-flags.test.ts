// The risk flags and their order on a crafted set, and the bound on concurrent calls.
import { describe, expect, it } from 'vitest';
import { boundedConcurrency } from '../../src/admin/bounded.ts';
import { assess, byRisk, riskFlagsOf } from '../../src/admin/risk-flags.ts';
import type { AdminToken, OrgPerson } from '../../src/admin/types.ts';

const DAY = 86_400_000;
const now = new Date('2026-06-01T12:00:00Z');
const person = (deletedInOrigin = false): OrgPerson => ({
  descriptor: 'aad.eA',
  displayName: 'P',
  principalName: 'p@x',
  origin: 'aad',
  originId: null,
  deletedInOrigin,
});
const token = (changes: Partial<AdminToken> = {}): AdminToken => ({
  authorizationId: '00000000-0000-4000-8000-000000000001',
  displayName: 't',
  scopes: ['vso.code'],
  targetAccounts: ['f9424e7c-ea71-44cb-aa51-cae3213c1e15'],
  validFrom: new Date(now.getTime() - DAY),
  validTo: new Date(now.getTime() + 30 * DAY),
  isValid: true,
  ...changes,
});

describe('risk flags', () => {
  it('a narrow, short token of someone in the directory has none', () => {
    expect(riskFlagsOf(token(), person(), { now })).toEqual([]);
  });

  it('each flag, alone', () => {
    expect(riskFlagsOf(token({ scopes: ['app_token'] }), person(), { now })).toEqual(['fullAccess']);
    expect(riskFlagsOf(token(), person(true), { now })).toEqual(['personGone']);
    expect(riskFlagsOf(token({ validTo: new Date(now.getTime() + 91 * DAY) }), person(), { now })).toEqual([
      'longLived',
    ]);
    expect(riskFlagsOf(token(), person(), { now, expiresAfter: new Date(now.getTime() + 10 * DAY) })).toEqual([
      'beyondChosenDate',
    ]);
  });

  it('90 days exactly is not "over 90 days"; a token expiring on the chosen date is not after it', () => {
    const from = new Date('2026-05-01T00:00:00Z');
    expect(
      riskFlagsOf(token({ validFrom: from, validTo: new Date(from.getTime() + 90 * DAY) }), person(), { now }),
    ).toEqual([]);
    const validTo = new Date(now.getTime() + 10 * DAY);
    expect(riskFlagsOf(token({ validTo }), person(), { now, expiresAfter: validTo })).toEqual([]);
  });

  it('scores add up; only a usable token carries flags, so a revoked, expired or global one scores 0; riskiest first', () => {
    const worst = assess(token({ scopes: ['app_token'], validTo: new Date(now.getTime() + 100 * DAY) }), person(true), {
      now,
    });
    const expired = assess(
      token({
        scopes: ['app_token'],
        validTo: new Date(now.getTime() - DAY),
        validFrom: new Date(now.getTime() - 200 * DAY),
        isValid: false,
      }),
      person(),
      { now },
    );
    const revoked = assess(token({ scopes: ['app_token'], isValid: false }), person(true), { now });
    const global = assess(token({ scopes: ['app_token'], targetAccounts: null }), person(true), { now });
    const plain = assess(token(), person(), { now });
    expect(worst.score).toBe(8 + 5 + 2);
    expect(expired).toMatchObject({ state: 'expired', score: 0, flags: [] });
    expect(revoked).toMatchObject({ state: 'revoked', score: 0, flags: [] });
    expect(global).toMatchObject({ state: 'global', score: 0, flags: [] });
    expect(plain).toMatchObject({ state: 'usable', score: 0, flags: [] });
    expect([plain, expired, worst].sort(byRisk)).toEqual([worst, plain, expired]);
  });
});

describe('bounded concurrency', () => {
  it('never runs more than the limit at once, and runs everything', async () => {
    const limited = boundedConcurrency(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        limited(async () => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, (i % 4) * 3));
          running -= 1;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(peak).toBe(3);
  });

  it('a failing task frees its slot', async () => {
    const limited = boundedConcurrency(1);
    await expect(limited(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await expect(limited(async () => 'next')).resolves.toBe('next');
  });
});
