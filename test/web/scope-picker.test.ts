// The token form's scope layout: the common scopes first, every other scope once in its area, and
// only the areas holding a chosen scope open.
import { describe, expect, it } from 'vitest';
import { COMMON_SCOPES, SCOPE_AREAS } from '../../src/devops/scopes.ts';
import { scopePicker } from '../../src/web/forms/scope-picker.ts';

const names = (scopes: ReadonlyArray<{ name: string }>) => scopes.map((scope) => scope.name);

describe('scopePicker', () => {
  it('offers every scope of the catalogue exactly once: the common ones first, the rest in their areas', () => {
    const picker = scopePicker([]);
    expect(names(picker.common)).toEqual([
      'vso.code',
      'vso.code_write',
      'vso.build_execute',
      'vso.packaging',
      'vso.work_write',
    ]);
    const offered = [...names(picker.common), ...picker.areas.flatMap((area) => names(area.scopes))];
    expect(offered).toHaveLength(new Set(offered).size);
    expect([...offered].sort()).toEqual(SCOPE_AREAS.flatMap((area) => names(area.scopes)).sort());
    expect(picker.areas.map((area) => area.area)).toEqual(SCOPE_AREAS.map((area) => area.area));
  });

  it('names, in each area, its scopes listed among the common ones', () => {
    const code = scopePicker([]).areas.find((area) => area.area === 'Code')!;
    expect(names(code.scopes)).toEqual(['vso.code_manage', 'vso.code_full', 'vso.code_status']);
    expect(code.listedAsCommon.map((scope) => scope.level)).toEqual(['Read', 'Read & write']);
    expect(scopePicker([]).areas.find((area) => area.area === 'Wiki')!.listedAsCommon).toEqual([]);
  });

  it('collapses every area, except those holding a chosen scope that is not a common one', () => {
    expect(scopePicker([]).areas.filter((area) => area.open)).toEqual([]);
    expect(scopePicker(COMMON_SCOPES.map((scope) => scope.name)).areas.filter((area) => area.open)).toEqual([]);
    const open = scopePicker([
      'vso.code_write',
      'vso.wiki',
      'vso.code_status',
      'vso.not_a_scope',
      'app_token',
    ]).areas.filter((area) => area.open);
    expect(open.map((area) => area.area)).toEqual(['Code', 'Wiki']);
  });
});
