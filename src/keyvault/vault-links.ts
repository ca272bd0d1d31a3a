// Which of a person's tokens live in which vault secret, and the old tokens kept for a grace
// period after a rotation. Recorded per person in the app's store (never a secret: addresses,
// names, ids and dates).
import type { PersonRecords } from '../storage/person-records.ts';

export interface VaultLink {
  authorizationId: string;
  tokenName: string;
  organization: string;
  vaultUrl: string;
  secretName: string;
  /** The secret's version holding this token, when PAT Manager wrote it. */
  version: string | undefined;
  /** A version holding something else that the person confirmed this token may be written over. */
  confirmedVersion?: string | undefined;
  linkedAt: string;
}

/** An old token kept after a rotation, for consumers that need time to pick up the new one. */
export interface Retirement {
  authorizationId: string;
  tokenName: string;
  organization: string;
  replacedBy: string;
  /** ISO date: revoke it after this day. */
  revokeAfter: string;
}

export interface VaultLinks {
  links(person: string): Promise<VaultLink[]>;
  link(person: string, authorizationId: string): Promise<VaultLink | undefined>;
  save(person: string, link: VaultLink): Promise<void>;
  unlink(person: string, authorizationId: string): Promise<void>;
  retirements(person: string): Promise<Retirement[]>;
  retire(person: string, retirement: Retirement): Promise<void>;
  retired(person: string, authorizationId: string): Promise<void>;
}

export function createVaultLinks(records: PersonRecords): VaultLinks {
  return {
    links: (person) => records.list<VaultLink>(person, 'vault-link'),
    link: (person, id) => records.get<VaultLink>(person, 'vault-link', id),
    save: (person, link) => records.put(person, 'vault-link', link.authorizationId, link),
    unlink: (person, id) => records.remove(person, 'vault-link', id),
    retirements: (person) => records.list<Retirement>(person, 'retirement'),
    retire: (person, retirement) => records.put(person, 'retirement', retirement.authorizationId, retirement),
    retired: (person, id) => records.remove(person, 'retirement', id),
  };
}

/** Rotation is due once three quarters of the token's lifetime have passed. */
const ROTATION_DUE_AT = 0.75;

export function rotationDue(validFrom: Date, validTo: Date, now: Date): boolean {
  const lifetime = validTo.getTime() - validFrom.getTime();
  return lifetime > 0 && now.getTime() - validFrom.getTime() >= ROTATION_DUE_AT * lifetime;
}
