import { describe, expect, it } from 'vitest';
import {
  COMMON_SCOPES,
  describeScopes,
  findScope,
  FULL_ACCESS,
  isKnownScope,
  SCOPE_AREAS,
  splitScopes,
  validateScopeSelection,
} from '../../src/devops/scopes.ts';
import { microsoftScopeList } from '../support/reference.ts';

/** Left out on purpose: Microsoft marks these no longer public, or they are not PAT scopes. */
const NOT_OFFERED = new Set(['vso.hooks', 'vso.hooks_write', 'vso.hooks_interact', 'user_impersonation']);

describe('scope catalogue', () => {
  it("offers every public scope in Microsoft's list, and full access", () => {
    const listed = microsoftScopeList();
    expect(listed.length).toBeGreaterThan(80);
    expect(
      listed.filter((scope) => !NOT_OFFERED.has(scope.name) && !isKnownScope(scope.name)).map((scope) => scope.name),
    ).toEqual([]);
    expect(isKnownScope(FULL_ACCESS)).toBe(true);
  });

  it('offers no scope that Microsoft does not list, nor one it marks no longer public', () => {
    const listed = new Set(microsoftScopeList().map((scope) => scope.name));
    const offered = SCOPE_AREAS.flatMap((area) => area.scopes.map((scope) => scope.name));
    expect(offered.filter((name) => !listed.has(name) || NOT_OFFERED.has(name))).toEqual([]);
  });

  it('groups scopes by area with a level and a description each', () => {
    const code = SCOPE_AREAS.find((area) => area.area === 'Code');
    expect(code?.scopes.map((scope) => scope.name)).toEqual([
      'vso.code',
      'vso.code_write',
      'vso.code_manage',
      'vso.code_full',
      'vso.code_status',
    ]);
    expect(findScope('vso.build_execute')).toMatchObject({ area: 'Build', level: 'Read & execute' });
    for (const area of SCOPE_AREAS) for (const scope of area.scopes) expect(scope.description).not.toBe('');
  });

  it('names the common scopes the form offers first, each in the catalogue', () => {
    expect(COMMON_SCOPES.map((scope) => `${scope.area}: ${scope.level}`)).toEqual([
      'Code: Read',
      'Code: Read & write',
      'Build: Read & execute',
      'Packaging: Read',
      'Work Items: Read & write',
    ]);
  });

  it('rejects names it does not know', () => {
    expect(isKnownScope('vso.code_writ')).toBe(false);
    expect(isKnownScope('')).toBe(false);
    expect(isKnownScope('user_impersonation')).toBe(false);
  });
});

describe('describeScopes', () => {
  it('makes full access stand out', () => {
    const described = describeScopes(['app_token']);
    expect(described.fullAccess).toBe(true);
    expect(described.summary).toBe('Full access');
    expect(described.lines[0]).toMatchObject({ name: 'app_token', title: 'Full access', known: true });
  });

  it('describes custom scopes in catalogue order and counts unknown ones in the summary, naming them only in its lines', () => {
    const described = describeScopes(['vso.work_write', 'vso.code', 'vso.mystery', 'vso.code']);
    expect(described.fullAccess).toBe(false);
    expect(described.summary).toBe('Code: Read; Work Items: Read & write; 1 other scope PAT Manager does not know');
    expect(describeScopes(['vso.hooks_write', 'vso.mystery']).summary).toBe('2 scopes PAT Manager does not know');
    expect(described.lines.map((line) => [line.name, line.known])).toEqual([
      ['vso.code', true],
      ['vso.work_write', true],
      ['vso.mystery', false],
    ]);
  });

  it('says when there are none', () => {
    expect(describeScopes([]).summary).toBe('No scopes');
  });
});

describe('validateScopeSelection', () => {
  it('accepts known scopes and gives the space-separated value in catalogue order', () => {
    expect(validateScopeSelection(['vso.work', ' vso.code_write ', 'vso.work'])).toEqual({
      ok: true,
      names: ['vso.code_write', 'vso.work'],
      scope: 'vso.code_write vso.work',
    });
    expect(validateScopeSelection(['app_token'])).toEqual({ ok: true, names: ['app_token'], scope: 'app_token' });
  });

  it('rejects unknown names, an empty choice, and full access mixed with other scopes', () => {
    expect(validateScopeSelection(['vso.code', 'vso.nope'])).toMatchObject({ ok: false, unknown: ['vso.nope'] });
    expect(validateScopeSelection([])).toMatchObject({ ok: false, unknown: [] });
    expect(validateScopeSelection(['  '])).toMatchObject({ ok: false });
    expect(validateScopeSelection(['app_token', 'vso.code'])).toMatchObject({ ok: false });
  });

  it('splits a token scope string', () => {
    expect(splitScopes(' vso.code  vso.work_write ')).toEqual(['vso.code', 'vso.work_write']);
  });
});
