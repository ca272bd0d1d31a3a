// How the token form lays out the scope checkboxes: the common scopes first, then every other scope
// in its area. Areas start collapsed, except those holding a chosen scope, so nothing chosen is out
// of sight. Each scope has exactly one checkbox: a common scope is not repeated in its area.
import { COMMON_SCOPES, SCOPE_AREAS, type ScopeDefinition } from '../../devops/scopes.ts';

interface ScopePickerArea {
  area: string;
  /** The area's scopes that are not among the common ones. */
  scopes: ScopeDefinition[];
  /** The area's scopes listed under the common ones instead (named in the area, so none seems missing). */
  listedAsCommon: ScopeDefinition[];
  /** Shown expanded: a scope in it is chosen. */
  open: boolean;
}

export interface ScopePicker {
  common: readonly ScopeDefinition[];
  areas: ScopePickerArea[];
}

const COMMON_NAMES = new Set(COMMON_SCOPES.map((scope) => scope.name));

export function scopePicker(chosen: readonly string[]): ScopePicker {
  const wanted = new Set(chosen);
  const areas = SCOPE_AREAS.map(({ area, scopes }) => {
    const others = scopes.filter((scope) => !COMMON_NAMES.has(scope.name));
    return {
      area,
      scopes: others,
      listedAsCommon: scopes.filter((scope) => COMMON_NAMES.has(scope.name)),
      open: others.some((scope) => wanted.has(scope.name)),
    };
  });
  return { common: COMMON_SCOPES, areas: areas.filter((area) => area.scopes.length > 0) };
}
