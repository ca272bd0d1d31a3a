// Renew an expired token: Azure DevOps no longer lets one be extended, so a new token with the same
// name, scopes and organizations is made instead; its secret is shown once, or becomes its vault
// secret's new version when the expired token was linked to one. The expired token stays expired.
import { formatDate, isoDay } from '../days.ts';
import type { CreatedToken, DevOpsClient, PatToken } from '../devops/types.ts';
import { parseVaultAddress, type VaultAddress } from '../keyvault/vault-address.ts';
import type { VaultLink, VaultLinks } from '../keyvault/vault-links.ts';
import type { Actor, LifecycleBasics, Step } from './types.ts';
import { requestLike } from './like.ts';
import type { StoreOutcome } from './vault-lifecycle.ts';

export const STAYS_EXPIRED =
  'The expired token stays expired: Azure DevOps does not let it be changed. It works nowhere; revoke it once nothing refers to it.';

export type RenewOutcome =
  | {
      ok: true;
      token: PatToken;
      /** Undefined when it went to Key Vault. */ secret: string | undefined;
      link: VaultLink | undefined;
      steps: Step[];
    }
  | { ok: false; steps: Step[] };

interface RenewDependencies extends Pick<LifecycleBasics, 'record'> {
  devops: DevOpsClient;
  vaultLinks: VaultLinks;
  hostSuffixes: readonly string[];
  storeOrUndo(actor: Actor, created: CreatedToken, vault: VaultAddress, secretName: string): Promise<StoreOutcome>;
}

export function renewLifecycle(deps: RenewDependencies) {
  const { devops, vaultLinks } = deps;

  /** A new token like the expired `old`, valid for `days` days; throws what Azure DevOps refused when nothing was made. */
  async function renew(actor: Actor, old: PatToken, days: number): Promise<RenewOutcome> {
    const link = await vaultLinks.link(actor.person, old.authorizationId);
    const address = link ? parseVaultAddress(link.vaultUrl, deps.hostSuffixes) : undefined;
    if (link && address && !address.ok)
      return {
        ok: false,
        steps: [
          {
            label: 'Find the vault',
            ok: false,
            detail: `${link.vaultUrl} is no longer a vault PAT Manager may write to (${address.message}) Nothing was created.`,
          },
        ],
      };
    const created = await devops.createToken(actor.accessToken, actor.organization, requestLike(old, days));
    const steps: Step[] = [
      {
        label: 'Create the new token',
        ok: true,
        detail: `created with the same name, scopes and organizations, valid until ${formatDate(created.token.validTo)}`,
      },
    ];
    const changes = [`renews expired ${old.authorizationId}`, `expires: ${isoDay(created.token.validTo)}`];
    if (!link || !address?.ok) {
      await deps.record(actor, 'regenerate', created.token, changes);
      return { ok: true, token: created.token, secret: created.secret, link: undefined, steps };
    }
    const stored = await deps.storeOrUndo(actor, created, address.address, link.secretName);
    steps.push(...stored.steps);
    if (!stored.ok) {
      await deps.record(actor, 'regenerate', created.token, [
        `renewal of ${old.authorizationId} failed: ${stored.steps[0]!.detail}`,
        stored.orphan ? 'new token NOT revoked' : 'new token revoked',
      ]);
      return { ok: false, steps };
    }
    const moved = {
      ...link,
      authorizationId: created.token.authorizationId,
      version: stored.written.version,
      linkedAt: new Date().toISOString(),
    };
    await vaultLinks.save(actor.person, moved);
    await vaultLinks.unlink(actor.person, old.authorizationId);
    await deps.record(actor, 'regenerate', created.token, [
      ...changes,
      `stored in Key Vault: ${link.vaultUrl} secret ${link.secretName}, version ${stored.written.version}`,
    ]);
    return { ok: true, token: created.token, secret: undefined, link: moved, steps };
  }

  return { renew };
}
