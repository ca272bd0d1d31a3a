// How a gathered audit reads on the page and in a download: each token assessed for risk, filtered
// by flag, person or scope, riskiest first, a page at a time. Pure functions of the audit, so the
// page, the export and the tests agree.
import { z } from 'zod';
import {
  assess,
  byRisk,
  RISK_FLAG_NAMES,
  RISK_FLAGS,
  stateOf,
  type AssessedToken,
  type RiskFlag,
  type TokenState,
} from '../admin/risk-flags.ts';
import type { AuditResult } from '../admin/gather.ts';
import type { TokenEvent } from '../admin/audit-log-client.ts';
import type { Organization } from '../devops/types.ts';
import type { AdminToken } from '../admin/types.ts';
import { GLOBAL_STATUS_TEXT, viewOf, type TokenView } from './token-view.ts';
import { findScope } from '../devops/scopes.ts';

export const AUDIT_PAGE_SIZE = 50;
/** The highest risk a token can score: every flag's weight. */
export const MAX_RISK = Object.values(RISK_FLAGS).reduce((sum, flag) => sum + flag.weight, 0);

/** A scope matches what was typed by part of its id (`code`, `vso.code`) or by its words exactly as the table shows them ("Code: Read"). */
function scopeMatches(name: string, typed: string): boolean {
  if (name.toLowerCase().includes(typed)) return true;
  const known = findScope(name);
  return known !== undefined && `${known.area}: ${known.level}`.toLowerCase() === typed;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Which tokens the table shows: by default those that still matter (usable, and global ones to revoke). */
const STATES_SHOWN = {
  current: ['usable', 'global'],
  usable: ['usable'],
  notValid: ['revoked', 'expired'],
  all: ['usable', 'global', 'revoked', 'expired'],
} as const satisfies Record<string, readonly TokenState[]>;

export const auditFilterSchema = z.object({
  state: z.enum(['current', 'usable', 'notValid', 'all']).default('current'),
  flag: z.enum(['any', ...RISK_FLAG_NAMES] as [string, ...string[]]).default('any'),
  person: z.string().trim().max(200).default(''),
  scope: z.string().trim().max(100).default(''),
  /** The organization's chosen date (YYYY-MM-DD): tokens expiring after it are flagged. */
  expiresAfter: z
    .string()
    .trim()
    .refine((text) => text === '' || (DAY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))), 'a date')
    .default(''),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** A flag a token carries, in the words the page shows: its label, and what it means. */
interface RaisedFlag {
  label: string;
  explanation: string;
}

export interface AuditRow extends AssessedToken {
  view: TokenView;
  raisedFlags: RaisedFlag[];
}

export function assessedRows(
  audit: AuditResult,
  filter: AuditFilter,
  organizations: readonly Organization[],
  now = new Date(),
): AuditRow[] {
  const expiresAfter = filter.expiresAfter ? new Date(`${filter.expiresAfter}T23:59:59.999Z`) : undefined;
  const person = filter.person.toLowerCase();
  const scope = filter.scope.toLowerCase();
  const rows: AuditRow[] = [];
  for (const { person: holder, tokens } of audit.people) {
    if (person && !`${holder.displayName} ${holder.principalName}`.toLowerCase().includes(person)) continue;
    for (const token of tokens) {
      if (scope && !token.scopes.some((name) => scopeMatches(name, scope))) continue;
      // The chosen date is a filter too: only tokens that outlive it.
      if (expiresAfter && token.validTo.getTime() <= expiresAfter.getTime()) continue;
      const assessed = assess(token, holder, { now, expiresAfter });
      if (!(STATES_SHOWN[filter.state] as readonly TokenState[]).includes(assessed.state)) continue;
      if (filter.flag !== 'any' && !assessed.flags.includes(filter.flag as RiskFlag)) continue;
      const view = viewOf(token, { now, listedAs: 'all', organizations });
      const raisedFlags = assessed.flags.map((flag) => ({
        label: RISK_FLAGS[flag].label,
        explanation: RISK_FLAGS[flag].explanation,
      }));
      rows.push({ ...assessed, view, raisedFlags });
    }
  }
  // Global tokens first: none of them works any more, so they are the first to revoke.
  return rows.sort((a, b) => Number(b.state === 'global') - Number(a.state === 'global') || byRisk(a, b));
}

export interface AuditSummary {
  people: number;
  tokens: number;
  /** Tokens by state, whatever the filter: usable ones are counted apart from revoked, expired and global ones. */
  states: Record<TokenState, number>;
  /** Usable tokens (among those shown) that carry each flag. */
  flagged: Record<RiskFlag, number>;
  /** Global tokens still valid (not revoked, not expired): what "Revoke every global token" revokes. */
  globalToRevoke: number;
}

/** A global token that revoking still changes something for (valid: not revoked, not past its date). */
export function isRevocableGlobal(token: AdminToken, now: Date): boolean {
  return token.isValid && stateOf(token, now) === 'global' && token.validTo.getTime() > now.getTime();
}

export function summaryOf(audit: AuditResult, rows: readonly AuditRow[], now = new Date()): AuditSummary {
  const flagged = Object.fromEntries(RISK_FLAG_NAMES.map((flag) => [flag, 0])) as Record<RiskFlag, number>;
  for (const row of rows) for (const flag of row.flags) flagged[flag] += 1;
  const states: Record<TokenState, number> = { usable: 0, global: 0, revoked: 0, expired: 0 };
  let globalToRevoke = 0;
  for (const { tokens } of audit.people) {
    for (const token of tokens) {
      states[stateOf(token, now)] += 1;
      if (isRevocableGlobal(token, now)) globalToRevoke += 1;
    }
  }
  return {
    people: audit.people.length + audit.failures.length,
    tokens: audit.people.reduce((sum, person) => sum + person.tokens.length, 0),
    states,
    flagged,
    globalToRevoke,
  };
}

/** A download's row: everything but a secret (the API never sends one). */
export function exportRow(row: AuditRow): Record<string, string> {
  return {
    person: row.person.displayName,
    principalName: row.person.principalName,
    personInDirectory: row.person.deletedInOrigin ? 'no' : 'yes',
    authorizationId: row.token.authorizationId,
    displayName: row.token.displayName,
    status: row.state === 'usable' ? 'active' : row.state === 'global' ? GLOBAL_STATUS_TEXT : row.state,
    risk: String(row.score),
    flags: row.raisedFlags.map((flag) => flag.label).join('; '),
    scopes: row.token.scopes.join(' '),
    organizations: row.view.organizations === null ? 'all' : row.view.organizations.join(' '),
    validFrom: row.token.validFrom.toISOString(),
    validTo: row.token.validTo.toISOString(),
  };
}

/** The columns of a download's token events, in order. */
export const EVENT_COLUMNS = [
  'at',
  'event',
  'tokenName',
  'authorizationId',
  'owner',
  'by',
  'byPrincipalName',
  'ipAddress',
  'foundAt',
  'details',
] as const;

/** A download's token event of the audit log: when, what, whose token, by whom, from where. */
export function exportEvent(event: TokenEvent): Record<(typeof EVENT_COLUMNS)[number], string> {
  return {
    at: event.at.toISOString(),
    event: event.kind,
    tokenName: event.tokenName,
    authorizationId: event.authorizationId ?? '',
    owner: event.ownerName ?? '',
    by: event.actor,
    byPrincipalName: event.actorUpn ?? '',
    ipAddress: event.ipAddress ?? '',
    foundAt: event.location ?? '',
    details: event.details,
  };
}

/** Whether a download's events are whole, and why not when they are missing. */
export function historyNote(audit: AuditResult): Record<string, string | boolean> {
  const history = audit.history;
  if (history.state === 'read')
    return { state: 'read', since: history.since.toISOString(), limitReached: history.limitReached };
  if (history.state === 'missingPermission') return { state: history.state, permission: history.permission };
  if (history.state === 'notAsked') return { state: history.state };
  return { state: history.state, reason: history.reason };
}

export function filterQuery(filter: AuditFilter, changes: Partial<AuditFilter> = {}): string {
  const merged = { ...filter, ...changes };
  const entries = Object.entries(merged).filter(
    ([key, value]) =>
      value !== '' &&
      !(key === 'flag' && value === 'any') &&
      !(key === 'state' && value === 'current') &&
      !(key === 'page' && value === 1),
  );
  return new URLSearchParams(entries.map(([key, value]): [string, string] => [key, String(value)])).toString();
}
