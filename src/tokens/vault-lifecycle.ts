// The token lifecycle's Key Vault half, in an order that never leaves a working token nobody has:
// create the token, write its secret as a new version, and only then retire the token it replaces.
// When the write fails, the token just created is revoked (its secret is lost anyway); when that
// revoke fails too, the outcome names exactly which token exists.
import { daysAfter, formatDate, isoDay } from '../days.ts';
import { isDevOpsError } from '../devops/errors.ts';
import type { CreateTokenRequest, CreatedToken, DevOpsClient, PatToken } from '../devops/types.ts';
import { isVaultError, pageStatusOf, VaultError } from '../keyvault/errors.ts';
import { parseVaultAddress, type VaultAddress } from '../keyvault/vault-address.ts';
import {
  describeHolder,
  holderOf,
  linkConflict,
  otherLinksTo,
  rotationRefusal,
  splitByConflict,
  type LinkConflict,
} from '../keyvault/secret-holders.ts';
import type { VaultLink, VaultLinks } from '../keyvault/vault-links.ts';
import type { SecretSummary, VaultSecrets, WrittenSecret } from '../keyvault/vault-secrets.ts';
import type { Actor, LifecycleBasics, Step } from './types.ts';
import { requestLike } from './like.ts';

export type StoreOutcome =
  | { ok: true; written: WrittenSecret; steps: Step[] }
  | {
      ok: false;
      steps: Step[];
      /** The created token still exists (its revoke failed too). */ orphan: PatToken | undefined;
      status: number;
      retryAfterSeconds: number | undefined;
    };

/** Linked, or not yet: the secret holds something else, and the person must confirm first. */
export type LinkOutcome = { linked: true } | { linked: false; secret: SecretSummary; conflict: LinkConflict };

export interface RotateOutcome {
  ok: boolean;
  steps: Step[];
  newToken: PatToken | undefined;
}

/** What the lifecycle's other half lends this one. */
interface VaultLifecycleDependencies extends LifecycleBasics {
  devops: DevOpsClient;
  vaultSecrets: VaultSecrets;
  vaultLinks: VaultLinks;
  hostSuffixes: readonly string[];
}

export function vaultLifecycle(deps: VaultLifecycleDependencies) {
  const { devops, vaultSecrets, vaultLinks, record } = deps;

  /** Writes the created token's secret; on failure revokes the created token and says what exists. */
  async function storeOrUndo(
    actor: Actor,
    created: CreatedToken,
    vault: VaultAddress,
    secretName: string,
  ): Promise<StoreOutcome> {
    try {
      const written = await vaultSecrets.writePat(actor.vaultCredential, vault, secretName, {
        value: created.secret,
        expiresOn: created.token.validTo,
        authorizationId: created.token.authorizationId,
        organization: actor.organization,
        allOrganizations: created.token.targetAccounts === null,
      });
      return {
        ok: true,
        written,
        steps: [
          {
            label: 'Store the secret in Key Vault',
            ok: true,
            detail: `stored in ${vault.url} as "${written.name}", version ${written.version}`,
          },
        ],
      };
    } catch (thrown) {
      // Whatever stopped the write (a sign-in for Key Vault to renew included), the token just created must not be left behind.
      const error = isVaultError(thrown)
        ? thrown
        : new VaultError({
            kind: 'unavailable',
            userMessage: 'PAT Manager could not get your access to Key Vault; sign in again and retry.',
            message: `write: ${(thrown as Error)?.name ?? 'error'}`,
          });
      const steps: Step[] = [
        { label: 'Store the secret in Key Vault', ok: false, detail: `not stored: ${error.userMessage}` },
      ];
      const status = pageStatusOf(error);
      try {
        await devops.revokeToken(actor.accessToken, actor.organization, created.token.authorizationId);
        await record(actor, 'revoke', created.token, ['its secret could not be stored in Key Vault']);
        steps.push({
          label: 'Revoke the token just created',
          ok: true,
          detail: 'revoked, because its secret could not be kept anywhere: nothing was left behind',
        });
        return { ok: false, steps, orphan: undefined, status, retryAfterSeconds: error.retryAfterSeconds };
      } catch (revokeError) {
        if (!isDevOpsError(revokeError)) throw revokeError;
        steps.push({
          label: 'Revoke the token just created',
          ok: false,
          detail: `not revoked (${revokeError.userMessage}) The token "${created.token.displayName}" (${created.token.authorizationId}) exists until ${formatDate(created.token.validTo)}, but its secret is not stored anywhere: revoke it from your token list.`,
        });
        return { ok: false, steps, orphan: created.token, status, retryAfterSeconds: error.retryAfterSeconds };
      }
    }
  }

  /** Creates a token straight into a vault secret (its secret is never handed back) and links the two. */
  async function createIntoVault(
    actor: Actor,
    request: CreateTokenRequest,
    vault: VaultAddress,
    secretName: string,
  ): Promise<{ created: CreatedToken; stored: StoreOutcome }> {
    const created = await deps.create(actor, request);
    const stored = await storeOrUndo(actor, created, vault, secretName);
    if (stored.ok) {
      const link = {
        authorizationId: created.token.authorizationId,
        tokenName: created.token.displayName,
        organization: actor.organization,
        vaultUrl: stored.written.vaultUrl,
        secretName: stored.written.name,
        version: stored.written.version,
        linkedAt: new Date().toISOString(),
      };
      // The secret held nothing a moment ago: a link of the person's still naming it is stale, and would be a second token on one secret.
      for (const stale of otherLinksTo(await vaultLinks.links(actor.person), link))
        await vaultLinks.unlink(actor.person, stale.authorizationId);
      await vaultLinks.save(actor.person, link);
      await record(actor, 'edit', created.token, [
        `secret stored in Key Vault: ${stored.written.vaultUrl} secret ${stored.written.name}, version ${stored.written.version}`,
      ]);
    }
    return { created, stored };
  }

  /** The secret's current properties, or undefined when there is no such secret (writing creates it). */
  async function readIfThere(
    actor: Actor,
    vault: VaultAddress,
    secretName: string,
  ): Promise<SecretSummary | undefined> {
    return vaultSecrets.readSecret(actor.vaultCredential, vault, secretName).catch((error: unknown) => {
      if (isVaultError(error) && error.kind === 'secretNotFound') return undefined;
      throw error;
    });
  }

  /** For a new token: what the secret already holds, in words, or undefined when there is no such secret. */
  async function secretInUse(actor: Actor, vault: VaultAddress, secretName: string): Promise<string | undefined> {
    const secret = await readIfThere(actor, vault, secretName);
    return (
      secret &&
      describeHolder(
        holderOf(secret, ''),
        (await vaultLinks.links(actor.person)).find((link) => link.authorizationId === secret.tags.authorizationId)
          ?.tokenName,
      )
    );
  }

  /**
   * Links a token to a secret already in a vault (read metadata only), so it can be rotated into it.
   * A secret that holds another token (or a value PAT Manager did not put there), or that another of
   * the person's tokens is linked to, is linked only once the person has confirmed that version.
   */
  async function linkToVault(
    actor: Actor,
    token: PatToken,
    vault: VaultAddress,
    secretName: string,
    options: { overwriteVersion?: string | undefined } = {},
  ): Promise<LinkOutcome> {
    const secret = await vaultSecrets.readSecret(actor.vaultCredential, vault, secretName);
    const conflict = linkConflict(
      secret,
      { authorizationId: token.authorizationId, vaultUrl: vault.url, secretName: secret.name },
      await vaultLinks.links(actor.person),
    );
    if (conflict && options.overwriteVersion !== secret.version) return { linked: false, secret, conflict };
    for (const other of conflict?.others ?? []) await vaultLinks.unlink(actor.person, other.authorizationId);
    await vaultLinks.save(actor.person, {
      authorizationId: token.authorizationId,
      tokenName: token.displayName,
      organization: actor.organization,
      vaultUrl: vault.url,
      secretName: secret.name,
      version: secret.tags.authorizationId === token.authorizationId ? secret.version : undefined,
      confirmedVersion: conflict ? secret.version : undefined,
      linkedAt: new Date().toISOString(),
    });
    await record(actor, 'edit', token, [
      `linked to Key Vault: ${vault.url} secret ${secretName}`,
      ...(conflict ? [`confirmed to overwrite what it held: ${conflict.holds}`] : []),
    ]);
    return { linked: true };
  }

  /** Forgets a link (the secret stays in the vault); the link, or undefined when there was none. */
  async function unlinkFromVault(actor: Actor, authorizationId: string): Promise<VaultLink | undefined> {
    const link = await vaultLinks.link(actor.person, authorizationId);
    if (!link) return undefined;
    await vaultLinks.unlink(actor.person, authorizationId);
    await record(
      actor,
      'edit',
      { authorizationId, displayName: link.tokenName },
      [`unlinked from Key Vault: ${link.vaultUrl} secret ${link.secretName} (the secret stays in the vault)`],
      link.organization,
    );
    return link;
  }

  /** An old token a rotation kept is no longer waiting to be revoked (it is revoked, or gone). */
  const forgetKept = (actor: Actor, authorizationId: string) => vaultLinks.retired(actor.person, authorizationId);

  const retire = (actor: Actor, old: PatToken, replacedBy: string, revokeAfter: Date) =>
    vaultLinks.retire(actor.person, {
      authorizationId: old.authorizationId,
      tokenName: old.displayName,
      organization: actor.organization,
      replacedBy,
      revokeAfter: isoDay(revokeAfter),
    });

  /**
   * Rotates a linked token: a new token like it, its secret as the secret's new version, then the
   * old token revoked (or kept until `keepOldUntil`, and listed on the expiry watch until then).
   */
  async function rotate(
    actor: Actor,
    old: PatToken,
    options: { days: number; keepOldUntil: Date | undefined },
  ): Promise<RotateOutcome> {
    const link = await vaultLinks.link(actor.person, old.authorizationId);
    if (!link)
      return {
        ok: false,
        newToken: undefined,
        steps: [
          {
            label: 'Find the vault secret',
            ok: false,
            detail: 'this token is not linked to a Key Vault secret, so nothing was changed',
          },
        ],
      };
    const address = parseVaultAddress(link.vaultUrl, deps.hostSuffixes);
    if (!address.ok)
      return {
        ok: false,
        newToken: undefined,
        steps: [
          {
            label: 'Find the vault',
            ok: false,
            detail: `${link.vaultUrl} is no longer a vault PAT Manager may write to (${address.message}) Nothing was changed.`,
          },
        ],
      };
    const refusal = await rotationRefusal(link, await vaultLinks.links(actor.person), () =>
      readIfThere(actor, address.address, link.secretName),
    );
    if (refusal)
      return {
        ok: false,
        newToken: undefined,
        steps: [{ label: 'Check the vault secret', ok: false, detail: refusal }],
      };
    let created: CreatedToken;
    try {
      created = await devops.createToken(actor.accessToken, actor.organization, requestLike(old, options.days));
    } catch (error) {
      if (!isDevOpsError(error) || error.kind === 'unauthorized') throw error;
      return {
        ok: false,
        newToken: undefined,
        steps: [
          {
            label: 'Create the new token',
            ok: false,
            detail: `not created (${error.userMessage}) Nothing was changed: the old token and the vault are as they were.`,
          },
        ],
      };
    }
    const steps: Step[] = [
      { label: 'Create the new token', ok: true, detail: `created, valid until ${formatDate(created.token.validTo)}` },
    ];
    const stored = await storeOrUndo(actor, created, address.address, link.secretName);
    steps.push(...stored.steps);
    if (!stored.ok) {
      steps.push({
        label: 'Keep the old token',
        ok: true,
        detail: 'the old token still works and the vault still holds it',
      });
      await record(actor, 'regenerate', created.token, [
        `rotation of ${old.authorizationId} failed: ${stored.steps[0]!.detail}`,
        stored.orphan ? 'new token NOT revoked' : 'new token revoked',
      ]);
      return { ok: false, steps, newToken: undefined };
    }
    await vaultLinks.save(actor.person, {
      ...link,
      authorizationId: created.token.authorizationId,
      version: stored.written.version,
      linkedAt: new Date().toISOString(),
    });
    await vaultLinks.unlink(actor.person, old.authorizationId);

    let oldOutcome: string;
    if (options.keepOldUntil) {
      await retire(actor, old, created.token.authorizationId, options.keepOldUntil);
      steps.push({
        label: 'Keep the old token for now',
        ok: true,
        detail: `kept until ${formatDate(options.keepOldUntil)}; the expiry watch lists it to revoke after that`,
      });
      oldOutcome = `old token kept until ${isoDay(options.keepOldUntil)}`;
    } else {
      const revoked = await deps.revokeAsStep(actor, old);
      if (revoked.error === undefined) {
        steps.push(revoked.step);
        oldOutcome = 'old token revoked';
      } else {
        await retire(actor, old, created.token.authorizationId, new Date());
        steps.push({
          ...revoked.step,
          detail: `${revoked.step.detail} It still works: revoke it from the expiry watch.`,
        });
        oldOutcome = 'old token NOT revoked';
      }
    }
    await record(actor, 'regenerate', created.token, [
      `rotated into Key Vault: ${link.vaultUrl} secret ${link.secretName}, version ${stored.written.version}`,
      `replaces ${old.authorizationId}`,
      `expires: ${isoDay(created.token.validTo)}`,
      oldOutcome,
    ]);
    return { ok: true, steps, newToken: created.token };
  }

  /** The organization's linked tokens, still active, expiring within `days` days (at most `limit`). */
  async function dueForRotation(
    actor: Actor,
    days: number,
    limit: number,
  ): Promise<Array<{ token: PatToken; link: VaultLink }>> {
    // Two tokens linked to one secret are never rotated into it: they are a conflict to resolve (conflictingLinks).
    const links = splitByConflict(await vaultLinks.links(actor.person)).alone.filter(
      (link) => link.organization === actor.organization,
    );
    const revoked = await deps.revokedIds(actor);
    const horizon = daysAfter(days).getTime();
    const loaded = await Promise.all(
      links.map((link) =>
        devops.getToken(actor.accessToken, actor.organization, link.authorizationId).then(
          (token) => ({ token, link }),
          (error: unknown) => {
            if (isDevOpsError(error) && error.kind === 'notFound') return undefined;
            throw error;
          },
        ),
      ),
    );
    const now = Date.now();
    return loaded
      .filter(
        (item) =>
          item !== undefined &&
          !revoked.has(item.token.authorizationId) &&
          item.token.validTo.getTime() > now &&
          item.token.validTo.getTime() <= horizon,
      )
      .slice(0, limit) as Array<{ token: PatToken; link: VaultLink }>;
  }

  /** Secrets of the organization linked to more than one of the person's tokens. */
  async function conflictingLinks(actor: Actor): Promise<VaultLink[][]> {
    return splitByConflict(await vaultLinks.links(actor.person)).conflicts.filter((group) =>
      group.some((link) => link.organization === actor.organization),
    );
  }

  return {
    storeOrUndo,
    createIntoVault,
    secretInUse,
    linkToVault,
    unlinkFromVault,
    forgetKept,
    rotate,
    dueForRotation,
    conflictingLinks,
  };
}
