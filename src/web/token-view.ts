// How a token reads on a page: its status, its expiry in words, its scopes and organizations by
// name. Pure functions of the token and "now", so pages and tests agree.
import { describeScopes, type ScopeDescription } from '../devops/scopes.ts';
import type { Organization, PatToken, TokenFilter } from '../devops/types.ts';
import { DAY_MS, formatDate } from '../days.ts';

export type TokenStatus = 'active' | 'expired' | 'revoked';
export const EXPIRING_SOON_DAYS = 7;

export interface TokenView {
  authorizationId: string;
  /** The token's page, through the organization it was listed in when that is not the chosen one. */
  href: string;
  /** The organization it was listed through, when not the chosen one. */
  via: string | undefined;
  displayName: string;
  status: TokenStatus;
  expiringSoon: boolean;
  scopes: ScopeDescription;
  /** Organization names, or null for "all organizations". */
  organizations: string[] | null;
  validFrom: Date;
  validTo: Date;
  createdText: string;
  expiresText: string;
  expiresRelative: string;
}

/**
 * The API has no status field: a list filtered by status says it; otherwise the dates do, and a
 * revoked token is known by its id being among the revoked ones.
 */
export function statusOf(token: PatToken, now: Date, listedAs: TokenFilter, revokedIds: ReadonlySet<string> = new Set()): TokenStatus {
  if (listedAs === 'revoked' || revokedIds.has(token.authorizationId)) return 'revoked';
  return token.validTo.getTime() <= now.getTime() ? 'expired' : 'active';
}

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/**
 * Intl formatting is slow next to a lookup, and a list shows the same few days again and again: the
 * relative text of each span is kept once made (a few thousand at most; then they are made afresh). So is
 * the description of each set of scopes, since a person's tokens share a few sets (shared between
 * views, so never changed).
 */
const relativeTexts = new Map<string, string>();
const scopeDescriptions = new Map<string, ScopeDescription>();
const MAX_REMEMBERED = 4096;

function remembered<K, V>(made: Map<K, V>, key: K, make: () => V): V {
  let value = made.get(key);
  if (value === undefined) {
    value = make();
    if (made.size >= MAX_REMEMBERED) made.clear();
    made.set(key, value);
  }
  return value;
}

function relativeText(value: number, unit: Intl.RelativeTimeFormatUnit): string {
  return remembered(relativeTexts, `${value} ${unit}`, () => relativeFormat.format(value, unit));
}

/** "in 3 days", "tomorrow", "2 months ago": rounded the way people speak. */
export function relativeTo(date: Date, now: Date): string {
  const days = (date.getTime() - now.getTime()) / DAY_MS;
  const abs = Math.abs(days);
  if (abs < 1) {
    const hours = Math.round((date.getTime() - now.getTime()) / 3_600_000);
    return hours === 0 ? 'now' : relativeText(hours, 'hour');
  }
  if (abs < 45) return relativeText(Math.round(days), 'day');
  if (abs < 365) return relativeText(Math.round(days / 30), 'month');
  return relativeText(Math.round(days / 365), 'year');
}

export function organizationNames(targetAccounts: string[] | null, known: readonly Organization[]): string[] | null {
  if (targetAccounts === null) return null;
  return targetAccounts.map((id) => known.find((org) => org.accountId.toLowerCase() === id.toLowerCase())?.accountName ?? `unknown organization ${id}`);
}

export function viewOf(token: PatToken, options: { now: Date; listedAs: TokenFilter; organizations: readonly Organization[]; revokedIds?: ReadonlySet<string>; via?: string }): TokenView {
  const status = statusOf(token, options.now, options.listedAs, options.revokedIds);
  const msLeft = token.validTo.getTime() - options.now.getTime();
  return {
    authorizationId: token.authorizationId,
    href: `/tokens/${token.authorizationId}${options.via ? `?organization=${encodeURIComponent(options.via)}` : ''}`,
    via: options.via,
    displayName: token.displayName,
    status,
    expiringSoon: status === 'active' && msLeft < EXPIRING_SOON_DAYS * DAY_MS,
    scopes: remembered(scopeDescriptions, token.scopes.join(' '), () => describeScopes(token.scopes)),
    organizations: organizationNames(token.targetAccounts, options.organizations),
    validFrom: token.validFrom,
    validTo: token.validTo,
    createdText: formatDate(token.validFrom),
    expiresText: formatDate(token.validTo),
    expiresRelative: relativeTo(token.validTo, options.now),
  };
}
