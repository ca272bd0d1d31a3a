// What a revocation rule would revoke, counted from a gathered audit, and the form's moment: exact
// scope names, full access matching every scope, only usable tokens made before the moment; a
// moment read as UTC, refused when it does not exist or lies in the future.
import { describe, expect, it } from 'vitest';
import { ruleMatchesIn, tokenCountOf } from '../../src/admin/revocation-rule.ts';
import type { AuditResult } from '../../src/admin/gather.ts';
import type { AdminToken } from '../../src/admin/types.ts';
import { parseRuleForm } from '../../src/web/forms/revocation-rule-form.ts';

const NOW = new Date('2026-12-03T10:00:00Z');
const DAY = 86_400_000;
const ORG = 'f9424e7c-ea71-44cb-aa51-cae3213c1e15';

let made = 0;
function token(name: string, scopes: string[], ageDays: number, extra: Partial<AdminToken> = {}): AdminToken {
  return {
    authorizationId: `00000000-0000-4000-8000-${String((made += 1)).padStart(12, '0')}`,
    displayName: name,
    scopes,
    targetAccounts: [ORG],
    validFrom: new Date(NOW.getTime() - ageDays * DAY),
    validTo: new Date(NOW.getTime() + 30 * DAY),
    isValid: true,
    ...extra,
  };
}

const person = (name: string) => ({
  descriptor: `aad.${name}`,
  displayName: name,
  principalName: `${name}@contoso.example`,
  origin: 'aad',
  deletedInOrigin: false,
});

const audit = {
  people: [
    {
      person: person('ada'),
      tokens: [
        token('build', ['vso.build'], 5),
        token('full', ['app_token'], 5),
        token('code', ['vso.code'], 5),
        token('build-write', ['vso.build_execute'], 5),
        token('new-build', ['vso.build'], 0.01),
        token('revoked-build', ['vso.build'], 5, { isValid: false }),
        token('global-build', ['vso.build'], 5, { targetAccounts: null }),
      ],
    },
    { person: person('bob'), tokens: [token('code-only', ['vso.code'], 5)] },
  ],
} as unknown as AuditResult;

describe('what a revocation rule revokes', () => {
  it('counts usable tokens made before the moment with one of the scopes, full access included', () => {
    const matches = ruleMatchesIn(audit, { scopes: ['vso.build'], createdBefore: new Date(NOW.getTime() - DAY) }, NOW);
    expect(matches.map((match) => [match.person.displayName, match.tokens.map((t) => t.displayName)])).toEqual([
      ['ada', ['build', 'full']],
    ]);
    expect(tokenCountOf(matches)).toBe(2);
  });
});

describe('the rule form', () => {
  it('reads the moment as UTC, now by default', () => {
    const parsed = parseRuleForm({ scopes: ['vso.build', 'vso.build'], before: '2026-12-03T09:30' }, NOW);
    expect(parsed).toMatchObject({ ok: true, values: { scopes: ['vso.build'] } });
    expect(parsed.ok && parsed.createdBefore.toISOString()).toBe('2026-12-03T09:30:00.000Z');
    expect(parseRuleForm({ scopes: 'vso.build' }, NOW).ok).toBe(true);
    // A minute of slack: the form's default, sent a moment later, still counts as now.
    expect(parseRuleForm({ scopes: 'vso.build', before: '2026-12-03T10:01' }, NOW).ok).toBe(true);
  });

  it.each([
    ['2026-12-03T10:02', 'in the future'],
    ['2026-02-29T10:00', 'Give the moment'],
    ['2026-12-03 10:00', 'Give the moment'],
    ['2026-12-03T24:00', 'Give the moment'],
    ['', 'Give the moment'],
  ])('refuses the moment %j', (before, words) => {
    const parsed = parseRuleForm({ scopes: 'vso.build', before }, NOW);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors.join(' ')).toContain(words);
  });
});
