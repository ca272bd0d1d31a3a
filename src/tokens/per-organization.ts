// Tokens for several organizations, now that Azure DevOps makes no token for all of them: one
// organization-scoped token per organization, made one after another, and what replaces a retired
// global token. A failure halfway stops there and says exactly which tokens exist; a global token
// is revoked only once every replacement was made and stored.
import { formatDate, isoDay } from '../days.ts';
import { isDevOpsError } from '../devops/errors.ts';
import type { CreateTokenRequest, CreatedToken, DevOpsClient, PatToken } from '../devops/types.ts';
import { parseVaultAddress, type VaultAddress } from '../keyvault/vault-address.ts';
import type { VaultLinks } from '../keyvault/vault-links.ts';
import type { WrittenSecret } from '../keyvault/vault-secrets.ts';
import type { Actor, LifecycleBasics, Step } from './types.ts';
import { requestLike } from './like.ts';
import type { StoreOutcome } from './vault-lifecycle.ts';

/** One organization's new token: its secret to show once, or where in Key Vault it went. */
export interface OrganizationToken {
  organization: string;
  token: PatToken;
  /** Only when it was not stored in Key Vault: shown on the result page once, kept nowhere. */
  secret: string | undefined;
  written: WrittenSecret | undefined;
}

export interface PerOrganizationOutcome {
  /** Every organization got its token (and its secret stored, when asked). */
  ok: boolean;
  made: OrganizationToken[];
  steps: Step[];
}

export interface ReplaceOutcome extends PerOrganizationOutcome {
  /** The global token was revoked (only ever after every replacement was made). */
  oldRevoked: boolean;
}

/** Where each organization's secret goes: a vault, and the secret's name for that organization. */
export interface VaultTarget {
  vault: VaultAddress;
  secretNameOf(organization: string, index: number): string;
}

/** "Replace all my global tokens" reads at most this many pages of the organization's tokens. */
const MAX_PAGES = 10;

interface PerOrganizationDependencies extends LifecycleBasics {
  devops: DevOpsClient;
  vaultLinks: VaultLinks;
  hostSuffixes: readonly string[];
  createIntoVault(
    actor: Actor,
    request: CreateTokenRequest,
    vault: VaultAddress,
    secretName: string,
  ): Promise<{ created: CreatedToken; stored: StoreOutcome }>;
}

/** "Tokens that exist now: …", for a page to say after a failure halfway. */
function existing(made: readonly OrganizationToken[]): string {
  if (made.length === 0) return 'No new token exists.';
  return `New tokens that exist now: ${made.map((item) => `"${item.token.displayName}" in ${item.organization} (${item.token.authorizationId}${item.written ? `, in Key Vault as "${item.written.name}"` : ''})`).join(', ')}.`;
}

export function perOrganizationLifecycle(deps: PerOrganizationDependencies) {
  const { vaultLinks } = deps;

  /**
   * One token per organization with the same name, scopes and expiry, one after another (Azure
   * DevOps throttles bursts). Stops at the first failure; what was made before it stays made.
   */
  async function createInOrganizations(
    actor: Actor,
    request: CreateTokenRequest,
    organizations: readonly string[],
    target?: VaultTarget,
  ): Promise<PerOrganizationOutcome> {
    const made: OrganizationToken[] = [];
    const steps: Step[] = [];
    const scoped = { ...request, allOrgs: false };
    for (const [index, organization] of organizations.entries()) {
      const inOrganization = { ...actor, organization };
      const label = `Create the token for ${organization}`;
      try {
        if (!target) {
          const created = await deps.create(inOrganization, scoped);
          made.push({ organization, token: created.token, secret: created.secret, written: undefined });
          steps.push({ label, ok: true, detail: `created, valid until ${formatDate(created.token.validTo)}` });
          continue;
        }
        const { created, stored } = await deps.createIntoVault(
          inOrganization,
          scoped,
          target.vault,
          target.secretNameOf(organization, index),
        );
        steps.push(
          { label, ok: true, detail: `created, valid until ${formatDate(created.token.validTo)}` },
          ...stored.steps,
        );
        if (stored.ok) {
          made.push({ organization, token: created.token, secret: undefined, written: stored.written });
          continue;
        }
        if (stored.orphan) made.push({ organization, token: stored.orphan, secret: undefined, written: undefined });
      } catch (error) {
        if (!isDevOpsError(error) || error.kind === 'unauthorized') throw error;
        steps.push({ label, ok: false, detail: `not created (${error.userMessage})` });
      }
      const rest = organizations.slice(index + 1);
      steps.push({
        label: 'Stop',
        ok: false,
        detail: `${rest.length > 0 ? `Nothing was tried for ${rest.join(', ')}. ` : ''}${existing(made)}`,
      });
      return { ok: false, made, steps };
    }
    return { ok: true, made, steps };
  }

  /**
   * Replaces a global token: one token like it per organization, for `days` days. When it was
   * linked to a Key Vault secret, the first organization's token becomes that secret's new version
   * and the others new secrets beside it (`{secret}-{organization}`). Only then is it revoked.
   */
  async function replaceGlobal(
    actor: Actor,
    old: PatToken,
    options: { organizations: readonly string[]; days: number },
  ): Promise<ReplaceOutcome> {
    const link = await vaultLinks.link(actor.person, old.authorizationId);
    let target: VaultTarget | undefined;
    if (link) {
      const address = parseVaultAddress(link.vaultUrl, deps.hostSuffixes);
      if (!address.ok)
        return {
          ok: false,
          oldRevoked: false,
          made: [],
          steps: [
            {
              label: 'Find the vault',
              ok: false,
              detail: `${link.vaultUrl} is no longer a vault PAT Manager may write to (${address.message}) Nothing was changed.`,
            },
          ],
        };
      target = {
        vault: address.address,
        secretNameOf: (organization, index) => (index === 0 ? link.secretName : `${link.secretName}-${organization}`),
      };
    }
    const outcome = await createInOrganizations(actor, requestLike(old, options.days), options.organizations, target);
    const replacements = outcome.made.map((item) => `${item.organization}: ${item.token.authorizationId}`);
    if (!outcome.ok) {
      outcome.steps.push({
        label: 'Keep the global token',
        ok: true,
        detail: 'not revoked, because not every replacement was made: replace it again once the cause is fixed',
      });
      await deps.record(actor, 'regenerate', old, [
        'replacement of a global token stopped halfway',
        ...replacements,
        'global token NOT revoked',
      ]);
      return { ...outcome, oldRevoked: false };
    }
    const revoked = await deps.revokeAsStep(actor, old);
    outcome.steps.push(
      revoked.error === undefined
        ? revoked.step
        : {
            ...revoked.step,
            detail: `${revoked.step.detail} It no longer works anywhere, but revoke it from its page to tidy up.`,
          },
    );
    if (link) await vaultLinks.unlink(actor.person, old.authorizationId);
    await deps.record(actor, 'regenerate', old, [
      `global token replaced, expires: ${isoDay(outcome.made[0]!.token.validTo)}`,
      ...replacements,
      revoked.error === undefined ? 'global token revoked' : 'global token NOT revoked',
    ]);
    return { ...outcome, oldRevoked: revoked.error === undefined };
  }

  /** The person's global tokens not yet revoked, as listed in the actor's organization, by name. */
  async function globalTokens(actor: Actor): Promise<PatToken[]> {
    const revoked = await deps.revokedIds(actor);
    const found: PatToken[] = [];
    let continuationToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const listed = await deps.devops.listTokens(actor.accessToken, actor.organization, {
        filter: 'all',
        sortBy: 'displayName',
        ascending: true,
        top: 100,
        continuationToken,
      });
      found.push(
        ...listed.tokens.filter((token) => token.targetAccounts === null && !revoked.has(token.authorizationId)),
      );
      if (!listed.continuationToken) break;
      continuationToken = listed.continuationToken;
    }
    return found;
  }

  return { createInOrganizations, replaceGlobal, globalTokens };
}
