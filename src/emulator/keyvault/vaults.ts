// The emulator's vaults: each with its people's roles (Azure RBAC, data plane) and its secrets,
// every secret a list of versions. Names compare without case, as Key Vault's do.
import { randomBytes } from 'node:crypto';

export type VaultRole = 'Key Vault Secrets Officer' | 'Key Vault Secrets User';
export const VAULT_ROLES: readonly VaultRole[] = ['Key Vault Secrets Officer', 'Key Vault Secrets User'];

export interface SecretVersion {
  /** 32 hex characters, as Key Vault's are. */
  version: string;
  value: string;
  contentType: string | undefined;
  tags: Record<string, string> | undefined;
  enabled: boolean;
  /** Unix seconds, as on the wire. */
  nbf: number | undefined;
  exp: number | undefined;
  created: number;
  updated: number;
}

export interface StoredSecret {
  name: string;
  /** Oldest first; the last is the current version. */
  versions: SecretVersion[];
  /** Set when the secret is soft-deleted (recoverable): its name cannot be set again until purged or recovered. */
  deletedAt: number | undefined;
}

export interface Vault {
  name: string;
  roles: Map<string, VaultRole>;
  secrets: Map<string, StoredSecret>;
}

interface SecretWrite {
  value: string;
  contentType?: string | undefined;
  tags?: Record<string, string> | undefined;
  enabled?: boolean | undefined;
  nbf?: number | undefined;
  exp?: number | undefined;
}

export interface Vaults {
  get(name: string): Vault | undefined;
  /** Creates the vault, or replaces its roles (its secrets stay). */
  put(name: string, roles: Record<string, VaultRole>): Vault;
  list(): Vault[];
  setSecret(vault: Vault, name: string, write: SecretWrite): { secret: StoredSecret; version: SecretVersion };
  clear(): void;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

export function createVaults(): Vaults {
  const vaults = new Map<string, Vault>();
  return {
    get: (name) => vaults.get(name.toLowerCase()),
    put(name, roles) {
      const existing = vaults.get(name.toLowerCase());
      const vault: Vault = existing ?? { name: name.toLowerCase(), roles: new Map(), secrets: new Map() };
      vault.roles = new Map(Object.entries(roles));
      vaults.set(vault.name, vault);
      return vault;
    },
    list: () => [...vaults.values()],
    setSecret(vault, name, write) {
      const secret = vault.secrets.get(name.toLowerCase()) ?? { name, versions: [], deletedAt: undefined };
      const now = nowSeconds();
      const version: SecretVersion = {
        version: randomBytes(16).toString('hex'),
        value: write.value,
        contentType: write.contentType,
        tags: write.tags,
        enabled: write.enabled ?? true,
        nbf: write.nbf,
        exp: write.exp,
        created: now,
        updated: now,
      };
      secret.versions.push(version);
      vault.secrets.set(name.toLowerCase(), secret);
      return { secret, version };
    },
    clear: () => vaults.clear(),
  };
}
