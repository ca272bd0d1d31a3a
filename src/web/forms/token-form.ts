// The create and edit form: what a person typed, checked field by field. A rejected form comes
// back with what they typed and a message beside each field at fault; nothing is sent upstream.
import { DAY_MS, formatDate, isoDay } from '../../days.ts';
import { GLOBAL_PATS_RETIRED } from '../../devops/messages.ts';
import { FULL_ACCESS, validateScopeSelection } from '../../devops/scopes.ts';
import { MAX_LIFETIME_DAYS } from '../../tokens/lifecycle.ts';
import { PageError } from '../errors.ts';

export const EXPIRY_PRESETS = ['7', '30', '60', '90'] as const;
export const MAX_NAME_LENGTH = 100;

/**
 * C0 and C1 controls, the marks that reorder text (bidi embeddings, overrides, isolates and the
 * left-to-right, right-to-left and Arabic letter marks), the line and paragraph separators, and
 * characters that show as nothing (zero-width space, word joiner, invisible operators, soft hyphen,
 * byte-order mark): a name with them can show as something else than it is ("invoice\u202Efdp.exe"
 * reads "invoiceexe.pdf"), or as two names that look the same.
 */
export const CONTROL_CHARACTERS =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
/**
 * The zero-width joiner and non-joiner have a job only inside a word of a script that needs them
 * (Persian, Indic scripts) or an emoji sequence; anywhere else (at an end, beside ASCII or a space)
 * they only hide.
 */
const STRAY_JOINER = /(^|[\u0000-\u007f\s])[\u200c\u200d]|[\u200c\u200d]($|[\u0000-\u007f\s])/;

function hasHiddenCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text) || STRAY_JOINER.test(text);
}

export type TokenFormField = 'displayName' | 'expiry' | 'customDate' | 'organizations' | 'scopes';

/** The form as typed, redisplayed as-is when rejected. */
export interface TokenFormValues {
  displayName: string;
  /** A preset number of days, `custom`, or `keep` (edit only: leave the expiry as it is). */
  expiry: string;
  customDate: string;
  /** This organization, or several of the person's (one token each): tokens for all organizations were retired (1 December 2026). */
  organizations: 'this' | 'several';
  /** With `several`: the organizations chosen, by name. */
  targetOrganizations: string[];
  access: 'full' | 'custom';
  scopes: string[];
}

interface TokenFormResult {
  displayName: string;
  scope: string;
  /** Undefined when editing and the expiry is kept. */
  validTo: Date | undefined;
  allOrgs: boolean;
}

export type ParsedTokenForm =
  | {
      ok: true;
      values: TokenFormValues;
      result: TokenFormResult;
      /** With `several`: one token for each of these. */ organizations: string[] | undefined;
    }
  | { ok: false; values: TokenFormValues; errors: Partial<Record<TokenFormField, string>> };

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function list(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

export function emptyTokenForm(): TokenFormValues {
  return {
    displayName: '',
    expiry: '30',
    customDate: '',
    organizations: 'this',
    targetOrganizations: [],
    access: 'custom',
    scopes: [],
  };
}

/** A custom date means "valid through that whole day" (UTC), as the Azure DevOps page does. */
function endOfDay(day: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const date = new Date(`${day}T23:59:59.000Z`);
  return Number.isNaN(date.getTime()) || isoDay(date) !== day ? undefined : date;
}

/** A request for a token in every organization: none can be made any more, so nothing is tried. */
export class GlobalTokenRequested extends PageError {
  constructor() {
    super(400, 'Tokens for all organizations are retired', `${GLOBAL_PATS_RETIRED} Nothing was created or changed.`);
  }
}

/** `known`: the person's organizations, by name (the only ones "several organizations" may name). */
export function parseTokenForm(
  body: Record<string, unknown>,
  options: { now: Date; editing: boolean; known?: readonly string[] },
): ParsedTokenForm {
  // The form no longer offers it; a forged one (the old field, or the API's own name) gets the reason.
  if (body.allOrgs !== undefined || text(body.organizations) === 'all') throw new GlobalTokenRequested();
  const values: TokenFormValues = {
    displayName: text(body.displayName).trim(),
    expiry: text(body.expiry),
    customDate: text(body.customDate).trim(),
    organizations: !options.editing && text(body.organizations) === 'several' ? 'several' : 'this',
    targetOrganizations: [...new Set(list(body.targetOrganizations))],
    access: text(body.access) === 'full' ? 'full' : 'custom',
    scopes: list(body.scopes),
  };
  const errors: Partial<Record<TokenFormField, string>> = {};
  if (values.organizations === 'several') {
    const strangers = values.targetOrganizations.filter((name) => !(options.known ?? []).includes(name));
    if (values.targetOrganizations.length === 0)
      errors.organizations = 'Choose at least one organization for the tokens.';
    else if (strangers.length > 0)
      errors.organizations = `You are not a member of ${strangers.map((name) => `"${name.slice(0, 100)}"`).join(', ')}: choose among your own organizations.`;
  } else if (text(body.organizations) !== 'this')
    errors.organizations = options.editing
      ? 'A token is made for this organization only: choose it.'
      : 'Choose this organization, or several of yours.';

  if (values.displayName === '') errors.displayName = 'Give the token a name, so you can recognise it later.';
  else if (values.displayName.length > MAX_NAME_LENGTH)
    errors.displayName = `Keep the name to ${MAX_NAME_LENGTH} characters or fewer: this one has ${values.displayName.length}. It is below as you typed it, to shorten.`;
  else if (hasHiddenCharacters(values.displayName))
    errors.displayName =
      'The name cannot contain control characters such as tabs, line breaks, invisible (zero-width) characters or text-direction marks.';

  // A date typed while the expiry radio was left at the form's default means that date: the box is
  // what was chosen, not the radio nobody touched. Beside a preset someone did pick, it is a question.
  if (values.customDate !== '' && values.expiry !== 'custom') {
    if (values.expiry === (options.editing ? 'keep' : emptyTokenForm().expiry)) values.expiry = 'custom';
    else if ((EXPIRY_PRESETS as readonly string[]).includes(values.expiry))
      errors.expiry = `You chose ${values.expiry} days from now and also typed the date ${values.customDate}: choose "On a date of my choice" for the date, or clear the date box.`;
  }

  let validTo: Date | undefined;
  const latest = new Date(options.now.getTime() + MAX_LIFETIME_DAYS * DAY_MS);
  if (errors.expiry) {
    // Asked above which of the two was meant.
  } else if ((EXPIRY_PRESETS as readonly string[]).includes(values.expiry)) {
    validTo = new Date(options.now.getTime() + Number(values.expiry) * DAY_MS);
  } else if (values.expiry === 'custom') {
    validTo = endOfDay(values.customDate);
    if (body.customDate === undefined || body.customDate === '')
      errors.customDate = 'Choose the date the token should expire on.';
    else if (!validTo) errors.customDate = 'Enter the date as year-month-day, for example 2027-03-31.';
    else if (validTo.getTime() <= options.now.getTime())
      errors.customDate = 'Choose a date after today: a token cannot expire in the past.';
    else if (validTo.getTime() > latest.getTime() + DAY_MS)
      errors.customDate = `Azure DevOps allows at most one year: choose ${formatDate(latest)} or earlier.`;
    else if (validTo.getTime() > latest.getTime()) validTo = latest;
  } else if (!(options.editing && values.expiry === 'keep')) {
    errors.expiry = 'Choose when the token expires.';
  }

  const chosen = values.access === 'full' ? [FULL_ACCESS] : values.scopes;
  const selection = validateScopeSelection(chosen);
  if (values.access === 'full' && values.scopes.length > 0)
    errors.scopes = `You chose Full access and also ticked ${values.scopes.length === 1 ? 'a scope' : `${values.scopes.length} scopes`}. Full access already allows everything: choose "Only the scopes I choose below" to give the token just those, or untick them.`;
  else if (!selection.ok) errors.scopes = selection.message;

  if (Object.keys(errors).length > 0 || !selection.ok) return { ok: false, values, errors };
  return {
    ok: true,
    values,
    result: { displayName: values.displayName, scope: selection.scope, validTo, allOrgs: false },
    organizations: values.organizations === 'several' ? values.targetOrganizations : undefined,
  };
}
