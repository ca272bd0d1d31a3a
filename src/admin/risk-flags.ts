// What makes a token dangerous, in plain words, and how dangerous: a pure function of the token, its
// holder and the date the organization chose, so it can be tested on a crafted set. Which scopes a
// token has actually used is not something Azure DevOps tells anyone, so no flag claims to know it.
import type { AdminToken, OrgPerson } from './types.ts';
import { DAY_MS } from '../days.ts';

export const RISK_FLAGS = {
  personGone: {
    label: 'Person no longer in the directory',
    weight: 8,
    explanation:
      'The holder has been removed from Microsoft Entra ID (or their Microsoft account is gone), yet the token still works.',
  },
  fullAccess: {
    label: 'Full access',
    weight: 5,
    explanation: 'The token can do anything its holder can, in every area of Azure DevOps.',
  },
  longLived: {
    label: 'Lifetime over 90 days',
    weight: 2,
    explanation: 'The token was made to last more than 90 days from when it was created.',
  },
  beyondChosenDate: {
    label: 'Expires after the chosen date',
    weight: 2,
    explanation: 'The token expires later than the date chosen for this audit.',
  },
} as const;

export type RiskFlag = keyof typeof RISK_FLAGS;
export const RISK_FLAG_NAMES = Object.keys(RISK_FLAGS) as RiskFlag[];

const LONG_LIVED_DAYS = 90;

export interface RiskContext {
  now: Date;
  /** Tokens that expire after this (the organization's chosen date) are flagged; none when absent. */
  expiresAfter?: Date | undefined;
}

/**
 * `usable`: valid (token administration's `isValid`), not expired, and for named organizations;
 * `revoked` / `expired`: no longer valid; `global`: for all organizations, which stopped working on
 * 1 December 2026 whatever its record says.
 */
export type TokenState = 'usable' | 'revoked' | 'expired' | 'global';

export interface AssessedToken {
  person: OrgPerson;
  token: AdminToken;
  state: TokenState;
  /** Only a usable token carries flags. */
  flags: RiskFlag[];
  /** Higher is riskier; a token that cannot be used scores 0. */
  score: number;
}

export function stateOf(token: AdminToken, now: Date): TokenState {
  const expired = token.validTo.getTime() <= now.getTime();
  if (!token.isValid && !expired) return 'revoked';
  if (token.targetAccounts === null) return 'global';
  return expired ? 'expired' : 'usable';
}

export function riskFlagsOf(token: AdminToken, person: OrgPerson, context: RiskContext): RiskFlag[] {
  const flags: RiskFlag[] = [];
  if (person.deletedInOrigin) flags.push('personGone');
  if (token.scopes.includes('app_token')) flags.push('fullAccess');
  if (token.validTo.getTime() - token.validFrom.getTime() > LONG_LIVED_DAYS * DAY_MS) flags.push('longLived');
  if (context.expiresAfter && token.validTo.getTime() > context.expiresAfter.getTime()) flags.push('beyondChosenDate');
  return flags;
}

export function assess(token: AdminToken, person: OrgPerson, context: RiskContext): AssessedToken {
  const state = stateOf(token, context.now);
  const flags = state === 'usable' ? riskFlagsOf(token, person, context) : [];
  const score = flags.reduce((sum, flag) => sum + RISK_FLAGS[flag].weight, 0);
  return { person, token, state, flags, score };
}

/** Riskiest first; then the soonest to expire last (it lives longest), then by person and name. */
export function byRisk(a: AssessedToken, b: AssessedToken): number {
  return (
    b.score - a.score ||
    b.token.validTo.getTime() - a.token.validTo.getTime() ||
    a.person.displayName.localeCompare(b.person.displayName, 'en', { sensitivity: 'base' }) ||
    a.token.displayName.localeCompare(b.token.displayName, 'en', { sensitivity: 'base' })
  );
}
