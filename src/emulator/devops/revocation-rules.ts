// Token administration's revocation rules (tokenAdmin 7.2, `tokenadmin/revocationrules`): credentials
// issued before a time and matching any of the rule's scopes are rejected when they authenticate.
// Kept per organization in memory. The documents speak of OAuth authorizations in general; here a
// rule applies to the organization's PATs (a guess), a full-access PAT (`app_token`) matching every
// scope (a guess), and a matched token is still listed as before (`isValid` unchanged: the rule is
// "evaluated at authentication time").
import { FULL_ACCESS_SCOPE } from './scope-catalog.ts';
import type { PatRecord } from './token-store.ts';

interface RevocationRule {
  scopes: readonly string[];
  createdBefore: Date;
}

export interface RevocationRules {
  add(accountId: string, rule: RevocationRule): void;
  /** Whether a rule of the organization rejects this token. */
  rejects(accountId: string, token: PatRecord): boolean;
  clearAll(): void;
}

export function createRevocationRules(): RevocationRules {
  const rules = new Map<string, RevocationRule[]>();
  return {
    add(accountId, rule) {
      rules.set(accountId, [...(rules.get(accountId) ?? []), rule]);
    },
    rejects(accountId, token) {
      const scopes = token.scope === FULL_ACCESS_SCOPE ? undefined : new Set(token.scope.split(' ').filter(Boolean));
      return (rules.get(accountId) ?? []).some(
        (rule) =>
          token.validFrom.getTime() < rule.createdBefore.getTime() &&
          (scopes === undefined || rule.scopes.some((scope) => scopes.has(scope))),
      );
    },
    clearAll: () => rules.clear(),
  };
}
