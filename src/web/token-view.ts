// How a token reads on a page: its status, its expiry in words, its scopes and organizations by
// name. Pure functions of the token and "now", so pages and tests agree.
import { describeScopes, type ScopeDescription } from '../devops/scopes.ts';
import type { Organization, PatToken, TokenFilter } from '../devops/types.ts';
import { DAY_MS, formatDate } from '../days.ts';
import { PageError } from './errors.ts';

/** `global`: a token for all organizations (no target organizations), retired by Azure DevOps. */
type TokenStatus = 'active' | 'expired' | 'revoked' | 'global';
/** How a global token reads everywhere: list, all organizations, expiry watch, details, export, audit. */
export const GLOBAL_STATUS_TEXT = 'Global: stopped working on 1 December 2026';
const EXPIRING_SOON_DAYS = 7;

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
  /** Empty for a revoked token, whose expiry no longer matters. */
  expiresRelative: string;
}

/**
 * The API has no status field: a list filtered by status says it; otherwise the dates do, and a
 * revoked token is known by its id being among the revoked ones.
 */
function statusOf(
  token: PatToken,
  now: Date,
  listedAs: TokenFilter,
  revokedIds: ReadonlySet<string> = new Set(),
): TokenStatus {
  if (listedAs === 'revoked' || revokedIds.has(token.authorizationId)) return 'revoked';
  // Azure DevOps still lists them, with their old expiry, but none authenticates since 1 December 2026.
  if (token.targetAccounts === null) return 'global';
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

/**
 * "today", "tomorrow", "in 3 days", "2 months ago": counted in calendar days (UTC, as every date
 * shows), so two tokens that expire on the same day always read the same, whatever the hour.
 */
function relativeTo(date: Date, now: Date): string {
  const days = Math.floor(date.getTime() / DAY_MS) - Math.floor(now.getTime() / DAY_MS);
  const abs = Math.abs(days);
  if (abs < 60) return relativeText(days, 'day');
  if (abs < 365) return relativeText(Math.round(days / 30.44), 'month');
  return relativeText(Math.round(days / 365.25), 'year');
}

function organizationNames(targetAccounts: string[] | null, known: readonly Organization[]): string[] | null {
  if (targetAccounts === null) return null;
  return targetAccounts.map(
    (id) =>
      known.find((org) => org.accountId.toLowerCase() === id.toLowerCase())?.accountName ??
      `unknown organization ${id}`,
  );
}

export function viewOf(
  token: PatToken,
  options: {
    now: Date;
    listedAs: TokenFilter;
    organizations: readonly Organization[];
    revokedIds?: ReadonlySet<string>;
    via?: string;
  },
): TokenView {
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
    expiresRelative: status === 'revoked' ? '' : relativeTo(token.validTo, options.now),
  };
}

/**
 * Why a token cannot be edited, extended, regenerated or rotated, as the page to show; undefined
 * when it can (an active token of named organizations). Azure DevOps refuses the same changes.
 */
export function changeRefusal(view: TokenView): PageError | undefined {
  const name = `"${view.displayName}"`;
  if (view.status === 'revoked')
    return new PageError(
      409,
      'Revoked tokens cannot be changed',
      `${name} was revoked, and Azure DevOps does not let a revoked token be changed, so nothing was changed. Create a new token instead.`,
    );
  if (view.status === 'global') {
    return new PageError(
      409,
      'Global tokens cannot be changed',
      `${name} works in all organizations, a kind of token Azure DevOps has retired: it stopped working on 1 December 2026 and cannot be extended, edited or regenerated, so nothing was changed. Create a token for each organization that needs one, then revoke this one.`,
    );
  }
  if (view.status === 'expired') {
    return new PageError(
      409,
      'Expired tokens cannot be changed',
      `${name} expired on ${view.expiresText}, and Azure DevOps no longer lets an expired token be changed or extended, so nothing was changed. It stays expired: create a new token with the same settings instead.`,
    );
  }
  return undefined;
}

/** The expiry watch's groups: global tokens apart (whatever their date says), then expiring soon, then expired. */
export function expiryWatchGroups(
  active: readonly TokenView[],
  expired: readonly TokenView[],
  horizon: Date,
): { global: TokenView[]; expiring: TokenView[]; expired: TokenView[] } {
  const seen = new Set<string>();
  const global = [...active, ...expired].filter(
    (view) => view.status === 'global' && !seen.has(view.authorizationId) && seen.add(view.authorizationId),
  );
  return {
    global: global.sort((a, b) => a.displayName.localeCompare(b.displayName, 'en', { sensitivity: 'base' })),
    expiring: active.filter((view) => view.status === 'active' && view.validTo.getTime() <= horizon.getTime()),
    expired: expired.filter((view) => view.status === 'expired'),
  };
}

/**
 * Azure DevOps shortens a `validTo` beyond the organization's maximum lifetime to that maximum
 * instead of refusing it (tokens 7.2): the person is told, in words, when it did. Undefined when the
 * token expires when asked (within a minute: the service keeps its own precision).
 */
export function shortenedExpiryNote(asked: Date | undefined, token: PatToken): string | undefined {
  if (asked === undefined || token.validTo.getTime() >= asked.getTime() - 60_000) return undefined;
  const days = Math.round((token.validTo.getTime() - token.validFrom.getTime()) / DAY_MS);
  return `Your organization allows tokens of at most ${days} days; this one expires on ${formatDate(token.validTo)}.`;
}
