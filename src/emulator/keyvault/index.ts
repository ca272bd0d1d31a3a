// The Key Vault half of the emulator: vault hosts `{name}.vault.localhost` on the emulator's port,
// each with its secrets and its people's roles; tokens are the identity half's, for the Key Vault
// audience. Demo people get a vault each; one of them has no role on theirs.
import type { RequestHandler, Router } from 'express';
import type { Directory } from '../directory.ts';
import { createKeyVaultControl, createKeyVaultControlRouter, type KeyVaultControl } from './control.ts';
import { createKeyVaultRouter, type KeyVaultRouteOptions } from './routes.ts';
import { createVaults } from './vaults.ts';

export type { KeyVaultControl } from './control.ts';

/** The demo person who has a vault but no role on it, so the 403 can be clicked through: Grace Hopper. */
const WITHOUT_ROLE = 'bdfc34ea-84a9-48ad-bcff-534a79e7b0d5';

/** A demo person's vault: `ada-pats` for ada@..., made for everyone at start. */
export function vaultNameOf(person: Pick<Directory['people'][number], 'username'>): string {
  return `${person.username
    .split('@')[0]!
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 19)}-pats`;
}

export interface KeyVault {
  /** Answers requests whose host is a vault's; passes the others on. Mounted before the other services. */
  router: RequestHandler;
  control: KeyVaultControl;
  controlRouter: Router;
}

export function createKeyVault(options: {
  directory: Directory;
  origin: string;
  verifyAccessToken: KeyVaultRouteOptions['verifyAccessToken'];
}): KeyVault {
  // A vault's address has no port, as Key Vault's; the demo's HTTPS agent takes `*.localhost:443`
  // to the emulator's port (src/http/https-agent.ts).
  const vaultUrl = (name: string) => `https://${name.toLowerCase()}.vault.localhost`;
  const vaults = createVaults();
  for (const person of options.directory.people) {
    const name = vaultNameOf(person);
    if (name.length >= 3 && !vaults.get(name))
      vaults.put(name, person.objectId === WITHOUT_ROLE ? {} : { [person.objectId]: 'Key Vault Secrets Officer' });
  }
  const control = createKeyVaultControl(vaults, vaultUrl);
  return {
    router: createKeyVaultRouter({
      vaults,
      directory: options.directory,
      origin: options.origin,
      verifyAccessToken: options.verifyAccessToken,
      vaultUrl,
    }),
    control,
    controlRouter: createKeyVaultControlRouter(control),
  };
}
