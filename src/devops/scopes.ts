// The Azure DevOps scope catalogue (scope-catalogue.json, the one place scopes are listed) and what
// the app does with it: check names, describe a token's scopes in words, validate a form's choice.
import { z } from 'zod';
import catalogueFile from './scope-catalogue.json' with { type: 'json' };

/** The scope of a full-access token: everything the person can do, in every area. */
export const FULL_ACCESS = 'app_token';

export interface ScopeDefinition {
  /** `vso.code_write` */
  name: string;
  /** `Code` */
  area: string;
  /** `Read & write` */
  level: string;
  description: string;
}

export interface ScopeArea {
  area: string;
  scopes: ScopeDefinition[];
}

const catalogueSchema = z.object({
  source: z.string(),
  fullAccess: z.object({ name: z.literal(FULL_ACCESS), label: z.string(), description: z.string() }),
  common: z.object({ why: z.string(), scopes: z.array(z.string()).min(1) }),
  areas: z
    .array(
      z.object({
        area: z.string().min(1),
        scopes: z
          .array(
            z.object({
              name: z.string().regex(/^vso\.[a-z_.]+$/),
              level: z.string().min(1),
              description: z.string().min(1),
            }),
          )
          .min(1),
      }),
    )
    .min(1)
    .refine((areas) => {
      const names = areas.flatMap((area) => area.scopes.map((scope) => scope.name));
      return new Set(names).size === names.length;
    }, 'a scope is listed twice'),
});

// Checked once at start-up: a broken data file stops the app here, not on some later page.
const catalogue = catalogueSchema
  .refine((file) => {
    const names = new Set(file.areas.flatMap((area) => area.scopes.map((scope) => scope.name)));
    return (
      new Set(file.common.scopes).size === file.common.scopes.length &&
      file.common.scopes.every((name) => names.has(name))
    );
  }, 'a common scope is listed twice or is not in the catalogue')
  .parse(catalogueFile);

/** The areas and their scopes in the catalogue's order, for the create and edit forms. */
export const SCOPE_AREAS: readonly ScopeArea[] = catalogue.areas.map(({ area, scopes }) => ({
  area,
  scopes: scopes.map((scope) => ({ ...scope, area })),
}));

const SCOPES_BY_NAME: ReadonlyMap<string, ScopeDefinition> = new Map(
  SCOPE_AREAS.flatMap((area) => area.scopes.map((scope) => [scope.name, scope] as const)),
);

/** The scopes most tokens need, in the order the form offers them first (the catalogue's `common`). */
export const COMMON_SCOPES: readonly ScopeDefinition[] = catalogue.common.scopes.map((name) =>
  SCOPES_BY_NAME.get(name)!,
);

export function isKnownScope(name: string): boolean {
  return name === FULL_ACCESS || SCOPES_BY_NAME.has(name);
}

export function findScope(name: string): ScopeDefinition | undefined {
  return SCOPES_BY_NAME.get(name);
}

/** The names in a token's space-separated `scope`. */
export function splitScopes(scope: string): string[] {
  return scope.split(/\s+/).filter((name) => name !== '');
}

interface ScopeLine {
  name: string;
  /** `Code: Read & write`, or `Full access`. */
  title: string;
  description: string;
  known: boolean;
}

export interface ScopeDescription {
  /** True when the token can do everything: pages should make that stand out. */
  fullAccess: boolean;
  /** One line for lists: `Full access`, or `Code: Read & write; Work Items: Read`. */
  summary: string;
  /** One entry per scope, full access first, then in catalogue order, unknown names last. */
  lines: ScopeLine[];
}

/** A token's scopes in words a person understands. */
export function describeScopes(names: readonly string[]): ScopeDescription {
  const unique = [...new Set(names)];
  const fullAccess = unique.includes(FULL_ACCESS);
  const lines: ScopeLine[] = [
    ...(fullAccess
      ? [
          {
            name: FULL_ACCESS,
            title: catalogue.fullAccess.label,
            description: catalogue.fullAccess.description,
            known: true,
          },
        ]
      : []),
    ...inCatalogueOrder(unique).map((scope) => ({
      name: scope.name,
      title: `${scope.area}: ${scope.level}`,
      description: scope.description,
      known: true,
    })),
    ...unique
      .filter((name) => !isKnownScope(name))
      .map((name) => ({
        name,
        title: name,
        description: 'A scope PAT Manager does not know; see Azure DevOps for what it allows.',
        known: false,
      })),
  ];
  // A scope outside the catalogue has no words, and its id means nothing in a list: it is counted
  // there, and named on the token's details page.
  const unknown = lines.filter((line) => !line.known).length;
  const named = lines.filter((line) => line.known).map((line) => line.title);
  const others =
    unknown === 0
      ? []
      : [`${unknown} ${named.length > 0 ? 'other ' : ''}scope${unknown === 1 ? '' : 's'} PAT Manager does not know`];
  const summary = fullAccess
    ? catalogue.fullAccess.label
    : lines.length === 0
      ? 'No scopes'
      : [...named, ...others].join('; ');
  return { fullAccess, summary, lines };
}

export type ScopeSelection =
  | { ok: true; names: string[]; /** Space-separated, for the API's `scope`. */ scope: string }
  | { ok: false; message: string; unknown: string[] };

/**
 * Checks the scopes chosen on a form: at least one, every name in the catalogue, and full access
 * only on its own (it already includes everything).
 */
export function validateScopeSelection(names: readonly string[]): ScopeSelection {
  const unique = [...new Set(names.map((name) => name.trim()).filter((name) => name !== ''))];
  if (unique.length === 0) return { ok: false, message: 'Choose at least one scope, or full access.', unknown: [] };
  const unknown = unique.filter((name) => !isKnownScope(name));
  if (unknown.length > 0) {
    return {
      ok: false,
      message: `PAT Manager does not know ${unknown.length === 1 ? 'this scope' : 'these scopes'}: ${unknown.join(', ')}.`,
      unknown,
    };
  }
  if (unique.includes(FULL_ACCESS) && unique.length > 1) {
    return {
      ok: false,
      message: 'Full access already includes every scope. Choose full access or specific scopes, not both.',
      unknown: [],
    };
  }
  const ordered = unique.includes(FULL_ACCESS) ? [FULL_ACCESS] : inCatalogueOrder(unique).map((scope) => scope.name);
  return { ok: true, names: ordered, scope: ordered.join(' ') };
}

/** Each known scope's place in the catalogue, so a token's few scopes are sorted, not the catalogue scanned. */
const CATALOGUE_PLACE = new Map([...SCOPES_BY_NAME.keys()].map((name, index) => [name, index]));

function inCatalogueOrder(names: readonly string[]): ScopeDefinition[] {
  return [...new Set(names)]
    .filter((name) => CATALOGUE_PLACE.has(name))
    .sort((a, b) => CATALOGUE_PLACE.get(a)! - CATALOGUE_PLACE.get(b)!)
    .map((name) => SCOPES_BY_NAME.get(name)!);
}
