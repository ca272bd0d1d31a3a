// The "Revoke tokens by scope and date" form: scopes from the catalogue, a moment (UTC, to the
// minute or second, never in the future: a rule reaching beyond now would also refuse tokens made
// between now and then), and, to create the rule, a reason and the count typed again.
import { z } from 'zod';
import { FULL_ACCESS, isKnownScope } from '../../devops/scopes.ts';
import { CONTROL_CHARACTERS } from './token-form.ts';

export const MAX_RULE_REASON_LENGTH = 500;
/** The form's moment as `<input type="datetime-local">` sends it: read as UTC. */
const MOMENT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
/** A moment typed a little after the page was shown still counts as now. */
const CLOCK_SLACK_MS = 60_000;

export interface RuleFormValues {
  scopes: string[];
  /** As typed (or the default), for showing back. */
  before: string;
}

export type RuleFormResult =
  { ok: true; values: RuleFormValues; createdBefore: Date } | { ok: false; values: RuleFormValues; errors: string[] };

const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value])
    .filter((item): item is string => typeof item === 'string')
    .slice(0, 500);

/** Now, to the minute, as the form's field shows it. */
export const momentText = (date: Date): string => date.toISOString().slice(0, 16);

function momentOf(text: string): Date | undefined {
  const match = MOMENT.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
  // Date.UTC rolls 31 February into March: a moment that does not exist is refused, not moved.
  return date.getUTCMonth() === month! - 1 && date.getUTCDate() === day! && hour! < 24 && minute! < 60 && second! < 60
    ? date
    : undefined;
}

export function parseRuleForm(input: Record<string, unknown>, now: Date): RuleFormResult {
  const scopes = [...new Set(listOf(input.scopes).map((scope) => scope.trim()))].filter(Boolean);
  const before = typeof input.before === 'string' ? input.before.trim().slice(0, 40) : momentText(now);
  const values = { scopes, before };
  const errors: string[] = [];
  if (scopes.length === 0) errors.push('Choose at least one scope: the rule revokes tokens that carry one of them.');
  const unknown = scopes.filter((scope) => scope === FULL_ACCESS || !isKnownScope(scope));
  if (unknown.length > 0)
    errors.push(
      `These are not scopes of the catalogue: ${unknown.map((scope) => scope.slice(0, 60)).join(', ')}. Choose from the list.`,
    );
  const createdBefore = momentOf(before);
  if (!createdBefore)
    errors.push(
      'Give the moment as a date and a time in UTC, e.g. 2026-12-03T09:30: tokens created before it are revoked.',
    );
  else if (createdBefore.getTime() > now.getTime() + CLOCK_SLACK_MS)
    errors.push(
      'The moment is in the future: a rule reaching beyond now would also revoke tokens made from now until then. Choose now or earlier.',
    );
  return errors.length > 0 || !createdBefore ? { ok: false, values, errors } : { ok: true, values, createdBefore };
}

export function ruleReasonError(reason: unknown): string | undefined {
  if (typeof reason !== 'string' || reason.trim().length < 3)
    return 'Say why these tokens are being revoked (at least 3 characters): the activity log keeps it.';
  if (reason.length > MAX_RULE_REASON_LENGTH)
    return `Keep the reason to ${MAX_RULE_REASON_LENGTH} characters or fewer.`;
  if (CONTROL_CHARACTERS.test(reason.replace(/\r?\n/g, ' ')))
    return 'The reason contains control characters or marks that reorder text; type it again without them.';
  return undefined;
}

const typedCount = z
  .string()
  .trim()
  .regex(/^\d{1,6}$/);

/** The count as typed, or undefined when it is not a number. */
export function typedCountOf(value: unknown): number | undefined {
  const result = typedCount.safeParse(value);
  return result.success ? Number(result.data) : undefined;
}
