// The Key Vault half's control, in process (`emulator.control.keyVault`) and over HTTP (mounted at
// /_emulator/keyvault, behind the run's control key):
//
//   GET    /vaults                                  [{ name, url, roles }]
//   PUT    /vaults/:name                            { roles: { objectId: role } }  creates, or replaces its roles
//   GET    /vaults/:name/secrets/:secret            every version, values included (tests check what was written)
//   POST   /vaults/:name/secrets/:secret/soft-delete  the name is then refused with 409 until purged
//   POST   /vaults/:name/secrets/:secret/purge
//
// Faults (403s aside, which come from roles) go through the emulator's fault surface: target `keyvault`.
import express, { type ErrorRequestHandler, type Router } from 'express';
import { z } from 'zod';
import { VAULT_ROLES, type SecretVersion, type VaultRole, type Vaults } from './vaults.ts';

interface VaultSummary {
  name: string;
  url: string;
  roles: Record<string, VaultRole>;
}

export interface KeyVaultControl {
  vaults(): VaultSummary[];
  /** The vault's address, e.g. https://ada-pats.vault.localhost (no port, as Key Vault's; reached on the emulator's port) */
  vaultUrl(name: string): string;
  putVault(name: string, roles: Record<string, VaultRole>): VaultSummary;
  /** A secret's versions, oldest first, with their values; [] when there is none. */
  secretVersions(vault: string, secret: string): SecretVersion[];
  /** Writes a new version of a secret, as a client's PUT would (the demo's seeded secrets). */
  putSecret(
    vault: string,
    secret: string,
    write: { value: string; contentType?: string; tags?: Record<string, string>; exp?: number },
  ): SecretVersion;
  softDeleteSecret(vault: string, secret: string): boolean;
  purgeSecret(vault: string, secret: string): boolean;
}

const VAULT_NAME = /^[a-z0-9-]{3,24}$/i;
const rolesSchema = z.record(z.string().min(1), z.enum(VAULT_ROLES as [VaultRole, ...VaultRole[]]));

export function createKeyVaultControl(vaults: Vaults, vaultUrl: (name: string) => string): KeyVaultControl {
  const summary = (name: string): VaultSummary => {
    const vault = vaults.get(name)!;
    return { name: vault.name, url: vaultUrl(vault.name), roles: Object.fromEntries(vault.roles) };
  };
  return {
    vaults: () => vaults.list().map((vault) => summary(vault.name)),
    vaultUrl,
    putVault(name, roles) {
      if (!VAULT_NAME.test(name)) throw new Error('a vault name is 3-24 letters, digits or hyphens');
      vaults.put(name, rolesSchema.parse(roles));
      return summary(name);
    },
    secretVersions: (vault, secret) =>
      structuredClone(vaults.get(vault)?.secrets.get(secret.toLowerCase())?.versions ?? []),
    putSecret(vault, secret, write) {
      const stored = vaults.get(vault);
      if (!stored) throw new Error(`no vault named ${vault}`);
      return structuredClone(vaults.setSecret(stored, secret, write).version);
    },
    softDeleteSecret(vault, secret) {
      const stored = vaults.get(vault)?.secrets.get(secret.toLowerCase());
      if (!stored) return false;
      stored.deletedAt = Date.now();
      return true;
    },
    purgeSecret: (vault, secret) => vaults.get(vault)?.secrets.delete(secret.toLowerCase()) ?? false,
  };
}

export function createKeyVaultControlRouter(control: KeyVaultControl): Router {
  const router = express.Router();
  router.use(express.json());
  router.get('/vaults', (_req, res) => {
    res.json(control.vaults());
  });
  router.put('/vaults/:name', (req, res) => {
    res.json(control.putVault(req.params.name, (req.body as { roles?: unknown })?.roles as Record<string, VaultRole>));
  });
  router.get('/vaults/:name/secrets/:secret', (req, res) => {
    res.json(control.secretVersions(req.params.name, req.params.secret));
  });
  router.post('/vaults/:name/secrets/:secret/soft-delete', (req, res) => {
    res.status(control.softDeleteSecret(req.params.name, req.params.secret) ? 204 : 404).end();
  });
  router.post('/vaults/:name/secrets/:secret/purge', (req, res) => {
    res.status(control.purgeSecret(req.params.name, req.params.secret) ? 204 : 404).end();
  });
  router.use(((error: unknown, _req, res, _next) => {
    res.status(400).json({ error: error instanceof Error ? error.message : 'Invalid control request.' });
  }) as ErrorRequestHandler);
  return router;
}
