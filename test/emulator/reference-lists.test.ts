// The emulator keeps its own copy of Microsoft's lists (it imports nothing of the app); these tests
// hold that copy to the same reference the app is tested against (test/reference/).
import { describe, expect, it } from 'vitest';
import { PAT_TOKEN_ERRORS } from '../../src/emulator/devops/pat-token-error.ts';
import { FULL_ACCESS_SCOPE, SCOPE_CATALOG } from '../../src/emulator/devops/scope-catalog.ts';
import { microsoftScopeList, patTokenErrorEnum } from '../support/reference.ts';

describe("the emulator against Microsoft's lists", () => {
  it('accepts exactly the PAT scopes Microsoft lists (the no-longer-public Service Hooks ones included), and full access', () => {
    const listed = microsoftScopeList()
      .map((scope) => scope.name)
      .filter((name) => name !== 'user_impersonation');
    expect(listed.length).toBeGreaterThan(80);
    const accepted = Object.values(SCOPE_CATALOG).flat();
    expect([...accepted].sort()).toEqual([...listed].sort());
    expect(FULL_ACCESS_SCOPE).toBe('app_token');
  });

  it("answers with exactly the patTokenError values of Microsoft's OpenAPI file", () => {
    expect([...PAT_TOKEN_ERRORS].sort()).toEqual([...patTokenErrorEnum()].sort());
  });
});
