// "Pats - List": filtering by status, sorting, and paging with a continuation token.
//
// Defaults are the controller's (Azure DevOps Server 2022's PersonalAccessTokensController):
// displayFilterOption=active, sortByOption=displayName, isSortAscending=true, $top=20. The real token
// only carries the next row number; here it also carries the filter and sort it was made for, so a
// client that forgets to repeat them (the API requires it) is told so instead of silently getting
// rows of another listing.

import type { Request } from 'express';
import { invalidArgument } from './devops-errors.ts';
import { queryValue } from './query.ts';
import { statusOf, type PatRecord, type PatStatus } from './token-store.ts';

const DISPLAY_FILTER_OPTIONS = ['active', 'revoked', 'expired', 'all'] as const;
const SORT_BY_OPTIONS = ['displayName', 'displayDate', 'status'] as const;
type DisplayFilterOption = (typeof DISPLAY_FILTER_OPTIONS)[number];
type SortByOption = (typeof SORT_BY_OPTIONS)[number];

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

export interface ListOptions {
  filter: DisplayFilterOption;
  sortBy: SortByOption;
  ascending: boolean;
  top: number;
  continuationToken: string | undefined;
}

export interface ListPage {
  records: PatRecord[];
  /** Empty on the last page, as the service sends it. */
  continuationToken: string;
}

/** Reads the List query; enum and boolean values match in any letter case, as Web API binds them. */
export function readListOptions(req: Request): ListOptions {
  return {
    filter: readEnum(req, 'displayFilterOption', DISPLAY_FILTER_OPTIONS) ?? 'active',
    sortBy: readEnum(req, 'sortByOption', SORT_BY_OPTIONS) ?? 'displayName',
    ascending: readBoolean(req, 'isSortAscending') ?? true,
    top: readTop(req),
    continuationToken: queryValue(req, 'continuationToken') || undefined,
  };
}

export function listPage(records: readonly PatRecord[], options: ListOptions, now: Date = new Date()): ListPage {
  const skip = options.continuationToken === undefined ? 0 : decodeContinuation(options.continuationToken, options);
  const matching = records
    .filter((record) => options.filter === 'all' || statusOf(record, now) === options.filter)
    .sort(comparator(options.sortBy, options.ascending, now));
  const next = skip + options.top;
  return {
    records: matching.slice(skip, next),
    continuationToken: next < matching.length ? encodeContinuation(next, options) : '',
  };
}

const STATUS_ORDER: Record<PatStatus, number> = { active: 0, expired: 1, revoked: 2 };
// SQL Server's default collation orders names without regard to letter case.
const byName = (a: PatRecord, b: PatRecord) =>
  a.displayName.localeCompare(b.displayName, 'en', { sensitivity: 'accent' });

function comparator(sortBy: SortByOption, ascending: boolean, now: Date) {
  const primary: Record<SortByOption, (a: PatRecord, b: PatRecord) => number> = {
    displayName: byName,
    // "Display date" is the date the token page shows: when it expires.
    displayDate: (a, b) => a.validTo.getTime() - b.validTo.getTime(),
    status: (a, b) => STATUS_ORDER[statusOf(a, now)] - STATUS_ORDER[statusOf(b, now)],
  };
  const direction = ascending ? 1 : -1;
  // Ties are broken by name then id so that pages never overlap or skip a token.
  return (a: PatRecord, b: PatRecord) =>
    direction * (primary[sortBy](a, b) || byName(a, b) || a.authorizationId.localeCompare(b.authorizationId));
}

interface Continuation {
  skip: number;
  filter: string;
  sortBy: string;
  ascending: boolean;
}

function encodeContinuation(skip: number, options: ListOptions): string {
  const continuation: Continuation = {
    skip,
    filter: options.filter,
    sortBy: options.sortBy,
    ascending: options.ascending,
  };
  return Buffer.from(JSON.stringify(continuation)).toString('base64url');
}

function decodeContinuation(token: string, options: ListOptions): number {
  let continuation: Partial<Continuation>;
  try {
    continuation = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Continuation>;
  } catch {
    throw invalidArgument(`The continuation token '${token}' is not valid.`);
  }
  if (typeof continuation.skip !== 'number' || !Number.isInteger(continuation.skip) || continuation.skip < 0) {
    throw invalidArgument(`The continuation token '${token}' is not valid.`);
  }
  if (
    continuation.filter !== options.filter ||
    continuation.sortBy !== options.sortBy ||
    continuation.ascending !== options.ascending
  ) {
    throw invalidArgument(
      'The continuation token was issued for different filtering options. Repeat the displayFilterOption, sortByOption and isSortAscending of the first request.',
    );
  }
  return continuation.skip;
}

function readEnum<T extends string>(req: Request, name: string, allowed: readonly T[]): T | undefined {
  const raw = queryValue(req, name);
  if (raw === undefined || raw === '') return undefined;
  const match = allowed.find((value) => value.toLowerCase() === raw.toLowerCase());
  if (!match)
    throw invalidArgument(`The value '${raw}' is not valid for ${name}. Valid values: ${allowed.join(', ')}.`);
  return match;
}

function readBoolean(req: Request, name: string): boolean | undefined {
  const raw = queryValue(req, name);
  if (raw === undefined || raw === '') return undefined;
  if (/^true$/i.test(raw)) return true;
  if (/^false$/i.test(raw)) return false;
  throw invalidArgument(`The value '${raw}' is not valid for ${name}.`);
}

/** `$top` above the documented limit of 100 is served as 100; zero, negatives and non-numbers are refused. */
function readTop(req: Request): number {
  const raw = queryValue(req, '$top');
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  const top = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || top < 1) throw invalidArgument(`The value '${raw}' is not valid for $top.`);
  return Math.min(top, MAX_PAGE_SIZE);
}
