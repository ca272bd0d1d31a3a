// The steps that put a PAT's secret into Key Vault, in an order that never leaves a working token
// nobody has: create the token, write its secret as a new version, and only then retire the token
// it replaces. When the write fails, the token just created is revoked (its secret is lost anyway);
// when that revoke fails too, the person is told exactly which token exists.
import type { Request } from 'express';
import type { AuthService } from '../auth/auth-service.ts';
import { isDevOpsError } from '../devops/errors.ts';
import type { CreatedToken, DevOpsClient, PatToken } from '../devops/types.ts';
import { isVaultError, pageStatusOf, VaultError } from '../keyvault/errors.ts';
import { personCredential } from '../keyvault/person-credential.ts';
import { parseVaultAddress, type VaultAddress } from '../keyvault/vault-address.ts';
import type { VaultLinks } from '../keyvault/vault-links.ts';
import { describeHolder, holderOf, rotationRefusal } from '../keyvault/secret-holders.ts';
import type { VaultSecrets, WrittenSecret } from '../keyvault/vault-secrets.ts';
import type { TokenRequests } from './token-requests.ts';
import { formatDate } from './token-view.ts';

const DAY_MS = 86_400_000;

export interface Step {
  label: string;
  ok: boolean;
  detail: string;
}

export interface VaultStepDependencies {
  devops: DevOpsClient;
  auth: AuthService;
  vaultSecrets: VaultSecrets;
  vaultLinks: VaultLinks;
  requests: TokenRequests;
  /** The vault hosts allowed now: a link to a host no longer allowed is not written to. */
  hostSuffixes: readonly string[];
}

export type StoreOutcome =
  | { ok: true; written: WrittenSecret; steps: Step[] }
  | { ok: false; steps: Step[]; /** The created token still exists (its revoke failed too). */ orphan: PatToken | undefined; status: number; retryAfterSeconds: number | undefined };

/** The person's Key Vault credential for this request. */
export function credentialOf(req: Request, auth: AuthService): ReturnType<typeof personCredential> {
  return personCredential(auth, req.session);
}

export function vaultSteps(deps: VaultStepDependencies) {
  const { devops, vaultSecrets, vaultLinks, requests } = deps;
  const person = (req: Request) => req.session.account!.homeAccountId;

  /** Writes the created token's secret; on failure revokes the created token and says what exists. */
  async function storeOrUndo(req: Request, created: CreatedToken, vault: VaultAddress, secretName: string): Promise<StoreOutcome> {
    const { accessToken, organization } = requests.context(req);
    const credential = credentialOf(req, deps.auth);
    try {
      const written = await vaultSecrets.writePat(credential, vault, secretName, {
        value: created.secret,
        expiresOn: created.token.validTo,
        authorizationId: created.token.authorizationId,
        organization,
        allOrganizations: created.token.targetAccounts === null,
      });
      return { ok: true, written, steps: [{ label: 'Store the secret in Key Vault', ok: true, detail: `stored in ${vault.url} as "${written.name}", version ${written.version}` }] };
    } catch (thrown) {
      // Whatever stopped the write (a sign-in for Key Vault to renew included), the token just created must not be left behind.
      const error = isVaultError(thrown) ? thrown : new VaultError({ kind: 'unavailable', userMessage: 'PAT Manager could not get your access to Key Vault; sign in again and retry.', message: `write: ${(thrown as Error)?.name ?? 'error'}` });
      const steps: Step[] = [{ label: 'Store the secret in Key Vault', ok: false, detail: `not stored: ${error.userMessage}` }];
      const status = pageStatusOf(error);
      try {
        await devops.revokeToken(accessToken, organization, created.token.authorizationId);
        await requests.record(req, 'revoke', created.token, ['its secret could not be stored in Key Vault']);
        steps.push({ label: 'Revoke the token just created', ok: true, detail: 'revoked, because its secret could not be kept anywhere: nothing was left behind' });
        return { ok: false, steps, orphan: undefined, status, retryAfterSeconds: error.retryAfterSeconds };
      } catch (revokeError) {
        if (!isDevOpsError(revokeError)) throw revokeError;
        steps.push({ label: 'Revoke the token just created', ok: false, detail: `not revoked (${revokeError.userMessage}) The token "${created.token.displayName}" (${created.token.authorizationId}) exists until ${formatDate(created.token.validTo)}, but its secret is not stored anywhere: revoke it from your token list.` });
        return { ok: false, steps, orphan: created.token, status, retryAfterSeconds: error.retryAfterSeconds };
      }
    }
  }

  /** The secret's current properties, or undefined when there is no such secret (writing creates it). */
  async function readIfThere(req: Request, vault: VaultAddress, secretName: string) {
    return vaultSecrets.readSecret(credentialOf(req, deps.auth), vault, secretName).catch((error: unknown) => {
      if (isVaultError(error) && error.kind === 'secretNotFound') return undefined;
      throw error;
    });
  }

  /**
   * Rotates a linked token: a new token like it, its secret as the secret's new version, then the
   * old token revoked (or kept until `keepOldUntil`, and listed on the expiry watch until then).
   */
  async function rotate(req: Request, old: PatToken, options: { days: number; keepOldUntil: Date | undefined }): Promise<{ ok: boolean; steps: Step[]; newToken: PatToken | undefined }> {
    const link = await vaultLinks.link(person(req), old.authorizationId);
    if (!link) return { ok: false, newToken: undefined, steps: [{ label: 'Find the vault secret', ok: false, detail: 'this token is not linked to a Key Vault secret, so nothing was changed' }] };
    const address = parseVaultAddress(link.vaultUrl, deps.hostSuffixes);
    if (!address.ok) return { ok: false, newToken: undefined, steps: [{ label: 'Find the vault', ok: false, detail: `${link.vaultUrl} is no longer a vault PAT Manager may write to (${address.message}) Nothing was changed.` }] };
    const vault = address.address;
    const refusal = await rotationRefusal(link, await vaultLinks.links(person(req)), () => readIfThere(req, vault, link.secretName));
    if (refusal) return { ok: false, newToken: undefined, steps: [{ label: 'Check the vault secret', ok: false, detail: refusal }] };
    const { accessToken, organization } = requests.context(req);
    let created: CreatedToken;
    try {
      created = await devops.createToken(accessToken, organization, { displayName: old.displayName, scope: old.scopes.join(' '), validTo: new Date(Date.now() + options.days * DAY_MS), allOrgs: old.targetAccounts === null });
    } catch (error) {
      if (!isDevOpsError(error) || error.kind === 'unauthorized') throw error;
      return { ok: false, newToken: undefined, steps: [{ label: 'Create the new token', ok: false, detail: `not created (${error.userMessage}) Nothing was changed: the old token and the vault are as they were.` }] };
    }
    const steps: Step[] = [{ label: 'Create the new token', ok: true, detail: `created, valid until ${formatDate(created.token.validTo)}` }];
    const stored = await storeOrUndo(req, created, vault, link.secretName);
    steps.push(...stored.steps);
    if (!stored.ok) {
      steps.push({ label: 'Keep the old token', ok: true, detail: 'the old token still works and the vault still holds it' });
      await requests.record(req, 'regenerate', created.token, [`rotation of ${old.authorizationId} failed: ${stored.steps[0]!.detail}`, stored.orphan ? 'new token NOT revoked' : 'new token revoked']);
      return { ok: false, steps, newToken: undefined };
    }
    await vaultLinks.save(person(req), { ...link, authorizationId: created.token.authorizationId, version: stored.written.version, linkedAt: new Date().toISOString() });
    await vaultLinks.unlink(person(req), old.authorizationId);

    let oldOutcome: string;
    if (options.keepOldUntil) {
      await vaultLinks.retire(person(req), { authorizationId: old.authorizationId, tokenName: old.displayName, organization, replacedBy: created.token.authorizationId, revokeAfter: options.keepOldUntil.toISOString().slice(0, 10) });
      steps.push({ label: 'Keep the old token for now', ok: true, detail: `kept until ${formatDate(options.keepOldUntil)}; the expiry watch lists it to revoke after that` });
      oldOutcome = `old token kept until ${options.keepOldUntil.toISOString().slice(0, 10)}`;
    } else {
      try {
        await devops.revokeToken(accessToken, organization, old.authorizationId);
        steps.push({ label: 'Revoke the old token', ok: true, detail: 'revoked: anything still using it is refused from now on' });
        oldOutcome = 'old token revoked';
      } catch (error) {
        if (!isDevOpsError(error)) throw error;
        await vaultLinks.retire(person(req), { authorizationId: old.authorizationId, tokenName: old.displayName, organization, replacedBy: created.token.authorizationId, revokeAfter: new Date().toISOString().slice(0, 10) });
        steps.push({ label: 'Revoke the old token', ok: false, detail: `not revoked (${error.userMessage}) It still works: revoke it from the expiry watch.` });
        oldOutcome = 'old token NOT revoked';
      }
    }
    await requests.record(req, 'regenerate', created.token, [`rotated into Key Vault: ${link.vaultUrl} secret ${link.secretName}, version ${stored.written.version}`, `replaces ${old.authorizationId}`, `expires: ${created.token.validTo.toISOString().slice(0, 10)}`, oldOutcome]);
    return { ok: true, steps, newToken: created.token };
  }

  /** For a new token: what the secret already holds, in words, or undefined when there is no such secret. */
  async function secretInUse(req: Request, vault: VaultAddress, secretName: string): Promise<string | undefined> {
    const secret = await readIfThere(req, vault, secretName);
    return secret && describeHolder(holderOf(secret, ''), (await vaultLinks.links(person(req))).find((link) => link.authorizationId === secret.tags.authorizationId)?.tokenName);
  }

  return { storeOrUndo, rotate, secretInUse };
}
