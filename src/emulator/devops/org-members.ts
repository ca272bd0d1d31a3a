// Who is in each organization, as Azure DevOps' Graph sees them: the directory's people who belong to
// it, plus (in the demo) a generated crowd who never sign in here but hold tokens. Each member has the
// subject descriptor Graph and token administration use (`aad.` + base64 of the storage key, the
// profile id), so a descriptor leads back to the person whose tokens it names.

import type { Directory, Organization } from '../directory.ts';

export interface OrgMember {
  /** Entra object id: the key of the person's tokens in the token store. */
  objectId: string;
  displayName: string;
  principalName: string;
  /** `aad` and `msa` are people; `vsts` are the service's own identities (they hold no PATs). */
  origin: 'aad' | 'msa' | 'vsts';
  metaType: 'member' | 'guest' | undefined;
  /** The storage key (profile id, VSID): what `graph/descriptors/{storageKey}` resolves. */
  storageKey: string;
  /** Removed from Microsoft Entra but still known to Azure DevOps (`isDeletedInOrigin`). */
  deletedInOrigin: boolean;
}

export interface MemberStore {
  membersOf(organization: Organization): readonly OrgMember[];
  byDescriptor(organization: Organization, descriptor: string): OrgMember | undefined;
  byStorageKey(organization: Organization, storageKey: string): OrgMember | undefined;
  add(organization: Organization, members: readonly OrgMember[]): void;
  clearAll(): void;
}

export function descriptorOf(member: Pick<OrgMember, 'origin' | 'storageKey'>): string {
  return `${member.origin}.${Buffer.from(member.storageKey).toString('base64').replace(/=+$/, '')}`;
}

export function createMemberStore(directory: Directory): MemberStore {
  /** Extra members per accountId, in the order they were added; the directory's people come first. */
  const extra = new Map<string, OrgMember[]>();
  const byKey = new Map<string, Map<string, OrgMember>>();

  const membersOf = (organization: Organization): readonly OrgMember[] => {
    const name = organization.accountName.toLowerCase();
    const people = directory.people
      .filter((person) => person.organizations.some((org) => org.toLowerCase() === name))
      .map((person): OrgMember => ({
        objectId: person.objectId,
        displayName: person.displayName,
        principalName: person.username,
        origin: 'aad',
        metaType: 'member',
        storageKey: person.memberId,
        deletedInOrigin: false,
      }));
    return [...people, ...(extra.get(organization.accountId) ?? [])];
  };

  const index = (organization: Organization): Map<string, OrgMember> => {
    // Rebuilt when the membership may have changed (cheap: a few hundred entries).
    const members = membersOf(organization);
    let keyed = byKey.get(organization.accountId);
    if (!keyed || keyed.size !== members.length * 2) {
      keyed = new Map();
      for (const member of members) {
        keyed.set(descriptorOf(member), member);
        keyed.set(`key:${member.storageKey}`, member);
      }
      byKey.set(organization.accountId, keyed);
    }
    return keyed;
  };

  return {
    membersOf,
    byDescriptor: (organization, descriptor) =>
      descriptor.startsWith('key:') ? undefined : index(organization).get(descriptor),
    byStorageKey: (organization, storageKey) => index(organization).get(`key:${storageKey.toLowerCase()}`),
    add(organization, members) {
      extra.set(organization.accountId, [...(extra.get(organization.accountId) ?? []), ...members]);
      byKey.delete(organization.accountId);
    },
    clearAll() {
      extra.clear();
      byKey.clear();
    },
  };
}
