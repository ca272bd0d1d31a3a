// "Revoke tokens by scope and date", for an emergency: what a revocation rule would revoke, counted
// from the gathered audit before the rule is made. A rule (tokenAdmin 7.2, `tokenadmin/revocationrules`)
// makes Azure DevOps refuse every token of the organization created before a moment that carries one
// of its scopes. Counted here, as the emulator guesses the service does: scopes match by name, a
// full-access token (`app_token`) matches every scope, and only usable tokens are counted (revoked,
// expired and global ones no longer work anyway).
import { FULL_ACCESS } from '../devops/scopes.ts';
import type { AuditResult } from './gather.ts';
import { stateOf } from './risk-flags.ts';
import type { AdminToken, OrgPerson } from './types.ts';

export interface RevocationRuleChoice {
  scopes: readonly string[];
  createdBefore: Date;
}

export interface RuleMatch {
  person: OrgPerson;
  tokens: AdminToken[];
}

/** Whether the rule refuses this token: usable, created before the moment, with one of the scopes or full access. */
function ruleMatches(token: AdminToken, rule: RevocationRuleChoice, now: Date): boolean {
  return (
    stateOf(token, now) === 'usable' &&
    token.validFrom.getTime() < rule.createdBefore.getTime() &&
    (token.scopes.includes(FULL_ACCESS) || token.scopes.some((scope) => rule.scopes.includes(scope)))
  );
}

/** The people whose tokens the rule would revoke, in the audit's order, each with those tokens. */
export function ruleMatchesIn(audit: AuditResult, rule: RevocationRuleChoice, now: Date): RuleMatch[] {
  return audit.people
    .map(({ person, tokens }) => ({ person, tokens: tokens.filter((token) => ruleMatches(token, rule, now)) }))
    .filter((match) => match.tokens.length > 0);
}

export const tokenCountOf = (matches: readonly RuleMatch[]): number =>
  matches.reduce((sum, match) => sum + match.tokens.length, 0);
