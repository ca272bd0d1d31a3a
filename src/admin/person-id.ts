// Who in the audit is whom in PAT Manager.
import type { OrgPerson } from './types.ts';

/**
 * PAT Manager's person id is msal's homeAccountId, `<Entra object id>.<tenant id>`; Graph gives an
 * Entra user's object id as `originId`. A Microsoft account (`msa`) has no Entra object id (its
 * originId is a PUID), so it maps to no one.
 */
export function personIdOf(person: OrgPerson, tenantId: string): string | undefined {
  if (person.origin !== 'aad' || !person.originId) return undefined;
  return `${person.originId.toLowerCase()}.${tenantId.toLowerCase()}`;
}

/** The tenant of a PAT Manager person id (`<object id>.<tenant id>`). */
export function tenantOf(personId: string): string {
  return personId.slice(personId.lastIndexOf('.') + 1);
}
