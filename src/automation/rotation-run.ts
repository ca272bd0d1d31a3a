// One automatic rotation of a vault-linked token, run by the job engine while nobody is signed in:
// create the new token, write it as the secret's new version, move the link, keep the old token
// for the days asked, then revoke it. Each phase is saved before the next step begins, so a run
// that stops anywhere (a crash, a refusal, a timeout) resumes from there: never two live new
// tokens for one rotation, and the old token is revoked only once the vault holds its replacement.
import type { Clock } from '../clock.ts';
import { DAY_MS, formatDate, isoDay } from '../days.ts';
import { isDevOpsError } from '../devops/errors.ts';
import type { DevOpsClient, PatToken } from '../devops/types.ts';
import { isVaultError } from '../keyvault/errors.ts';
import { rotationRefusal } from '../keyvault/secret-holders.ts';
import { parseVaultAddress, type VaultAddress } from '../keyvault/vault-address.ts';
import type { VaultLinks } from '../keyvault/vault-links.ts';
import type { VaultSecrets } from '../keyvault/vault-secrets.ts';
import type { Sealer } from '../storage/sealing.ts';
import type { TokenLifecycle } from '../tokens/lifecycle.ts';
import { requestLike } from '../tokens/like.ts';
import type { Actor } from '../tokens/types.ts';
import { dueAt, type Automation, type Automations, type SagaToken } from './automations.ts';

/** What a run comes to: the next time it is due, or that the person must act (nothing more is tried). */
export type RunOutcome = { next: 'at'; runAt: number } | { next: 'needsYou'; problem: string };

export interface RotationRunDependencies {
  devops: DevOpsClient;
  vaultSecrets: VaultSecrets;
  vaultLinks: VaultLinks;
  lifecycle: TokenLifecycle;
  automations: Automations;
  sealer: Sealer;
  clock: Clock;
  hostSuffixes: readonly string[];
  /** Called after each phase is saved: the tests' stand-in for a process that dies right there. */
  afterPhase?: ((phase: string) => void | Promise<void>) | undefined;
}

/** A token created by a run whose record of it was lost is found by name and creation time. */
const CREATION_SLACK_MS = 5 * 60_000;

const secretContext = (automation: Automation) => `rotation-secret:${automation.id}`;

export function rotationRun(deps: RotationRunDependencies) {
  const { devops, vaultSecrets, vaultLinks, lifecycle, automations, sealer, clock } = deps;

  async function save(automation: Automation, phase: string): Promise<void> {
    await automations.save(automation);
    await deps.afterPhase?.(phase);
  }

  function vaultOf(automation: Automation): VaultAddress | string {
    const address = parseVaultAddress(automation.vaultUrl, deps.hostSuffixes);
    return address.ok ? address.address : `${automation.vaultUrl} is no longer a vault PAT Manager may write to.`;
  }

  /** Before a new token is made: the old one still there, still linked, its secret still its own. */
  async function refusalToStart(actor: Actor, automation: Automation, old: PatToken): Promise<string | undefined> {
    const link = await vaultLinks.link(actor.person, automation.authorizationId);
    if (!link) return `"${automation.tokenName}" is no longer linked to a Key Vault secret.`;
    const vault = vaultOf(automation);
    if (typeof vault === 'string') return vault;
    if (old.validTo.getTime() <= clock.now())
      return `"${automation.tokenName}" expired before it could be rotated; renew it from its page.`;
    const refusal = await rotationRefusal(link, await vaultLinks.links(actor.person), () =>
      vaultSecrets.readSecret(actor.vaultCredential, vault, link.secretName).catch((error: unknown) => {
        if (isVaultError(error) && error.kind === 'secretNotFound') return undefined;
        throw error;
      }),
    );
    return refusal && `Not rotated: ${refusal}`;
  }

  /** Tokens an interrupted run created and never recorded: their secret is lost, so they are revoked. */
  async function revokeLostTokens(actor: Actor, automation: Automation, startedAt: string): Promise<void> {
    const since = new Date(startedAt).getTime() - CREATION_SLACK_MS;
    const page = await devops.listTokens(actor.accessToken, actor.organization, {
      filter: 'active',
      sortBy: 'displayDate',
      ascending: false,
      top: 100,
    });
    const lost = page.tokens.filter(
      (token) =>
        token.displayName === automation.tokenName &&
        token.authorizationId !== automation.authorizationId &&
        token.validFrom.getTime() >= since,
    );
    for (const token of lost)
      await lifecycle.revoke(actor, token, ['an interrupted automatic rotation lost its secret']);
  }

  async function create(actor: Actor, automation: Automation, old: PatToken): Promise<void> {
    automation.saga = { phase: 'creating', startedAt: new Date(clock.now()).toISOString() };
    automation.status = 'rotating';
    await save(automation, 'creating');
    const created = await devops.createToken(
      actor.accessToken,
      actor.organization,
      requestLike(old, automation.lifetimeDays, clock.now()),
    );
    const newToken: SagaToken = {
      authorizationId: created.token.authorizationId,
      displayName: created.token.displayName,
      validTo: created.token.validTo.toISOString(),
    };
    automation.saga = {
      phase: 'created',
      startedAt: automation.saga.startedAt,
      newToken,
      sealedSecret: sealer.seal(created.secret, secretContext(automation)),
    };
    await save(automation, 'created');
  }

  /** Writes the new token as the secret's new version; a refusal revokes it (its secret would be lost). */
  async function store(actor: Actor, automation: Automation): Promise<string | undefined> {
    const saga = automation.saga;
    if (saga?.phase !== 'created') return undefined;
    const vault = vaultOf(automation);
    const opened = sealer.open(saga.sealedSecret, secretContext(automation));
    const undo = async (why: string) => {
      await lifecycle.revoke(actor, saga.newToken, [why]);
      automation.saga = undefined;
      return why;
    };
    if (typeof vault === 'string') return undo(vault);
    if (!opened.ok) return undo('the new token’s sealed secret could not be opened (TOKEN_CACHE_KEYS changed?)');
    try {
      const written = await vaultSecrets.writePat(actor.vaultCredential, vault, automation.secretName, {
        value: opened.plaintext,
        expiresOn: new Date(saga.newToken.validTo),
        authorizationId: saga.newToken.authorizationId,
        organization: actor.organization,
        allOrganizations: false,
      });
      automation.saga = {
        phase: 'stored',
        startedAt: saga.startedAt,
        newToken: saga.newToken,
        version: written.version,
      };
      await save(automation, 'stored');
      return undefined;
    } catch (error) {
      if (isVaultError(error) && error.kind !== 'throttled' && error.kind !== 'unavailable')
        return undo(`Key Vault refused the new version: ${error.userMessage}`);
      throw error;
    }
  }

  /** The link follows the new token; the old one is recorded as kept (until now, when none is kept). */
  async function moveLink(actor: Actor, automation: Automation): Promise<void> {
    const saga = automation.saga;
    if (saga?.phase !== 'stored') return;
    const link = await vaultLinks.link(actor.person, automation.authorizationId);
    await vaultLinks.save(actor.person, {
      authorizationId: saga.newToken.authorizationId,
      tokenName: saga.newToken.displayName,
      organization: automation.organization,
      vaultUrl: link?.vaultUrl ?? automation.vaultUrl,
      secretName: link?.secretName ?? automation.secretName,
      version: saga.version,
      linkedAt: new Date(clock.now()).toISOString(),
    });
    await vaultLinks.unlink(actor.person, automation.authorizationId);
    const revokeAfter = new Date(clock.now() + automation.keepOldDays * DAY_MS);
    await vaultLinks.retire(actor.person, {
      authorizationId: automation.authorizationId,
      tokenName: automation.tokenName,
      organization: automation.organization,
      replacedBy: saga.newToken.authorizationId,
      revokeAfter: isoDay(revokeAfter),
    });
    await lifecycle.record(actor, 'regenerate', saga.newToken, [
      `rotated automatically into Key Vault: ${automation.vaultUrl} secret ${automation.secretName}, version ${saga.version}`,
      `replaces ${automation.authorizationId}`,
      `expires: ${isoDay(new Date(saga.newToken.validTo))}`,
      automation.keepOldDays > 0 ? `old token kept until ${isoDay(revokeAfter)}` : 'old token revoked next',
    ]);
    automation.saga = { ...saga, phase: 'keeping-old', revokeAfter: revokeAfter.toISOString() };
    automation.status = automation.keepOldDays > 0 ? 'keeping-old' : 'rotating';
    automation.lastRun = {
      at: new Date(clock.now()).toISOString(),
      ok: true,
      words: `Rotated: the vault holds a new token valid until ${formatDate(new Date(saga.newToken.validTo))}.`,
    };
    await save(automation, 'keeping-old');
  }

  /** After the days kept: the old token revoked, and the automation moves on to the new one. */
  async function retireOld(actor: Actor, automation: Automation): Promise<RunOutcome> {
    const saga = automation.saga;
    if (saga?.phase !== 'keeping-old') throw new Error(`no old token to retire in phase ${saga?.phase}`);
    const revokeAfter = new Date(saga.revokeAfter).getTime();
    if (revokeAfter > clock.now()) {
      automation.nextRunAt = saga.revokeAfter;
      await automations.save(automation);
      return { next: 'at', runAt: revokeAfter };
    }
    try {
      await lifecycle.revoke(
        actor,
        { authorizationId: automation.authorizationId, displayName: automation.tokenName },
        ['revoked after rotation'],
      );
    } catch (error) {
      // Revoked (or gone) already, by hand or by Azure DevOps: what this step wanted.
      if (!isDevOpsError(error) || error.kind !== 'notFound') throw error;
      await vaultLinks.retired(actor.person, automation.authorizationId);
    }
    automation.authorizationId = saga.newToken.authorizationId;
    automation.tokenName = saga.newToken.displayName;
    automation.tokenValidTo = saga.newToken.validTo;
    automation.saga = undefined;
    automation.status = 'scheduled';
    automation.problem = undefined;
    const runAt = dueAt(saga.newToken.validTo, automation.whenDaysLeft);
    automation.nextRunAt = new Date(runAt).toISOString();
    await save(automation, 'done');
    return { next: 'at', runAt };
  }

  /** Runs the rotation from wherever it stands to its next wait (or to the person). */
  return async function run(actor: Actor, automation: Automation): Promise<RunOutcome> {
    if (automation.saga?.phase === 'creating') {
      await revokeLostTokens(actor, automation, automation.saga.startedAt);
      automation.saga = undefined;
    }
    if (!automation.saga) {
      let old: PatToken;
      try {
        old = await devops.getToken(actor.accessToken, actor.organization, automation.authorizationId);
      } catch (error) {
        if (isDevOpsError(error) && error.kind === 'notFound')
          return {
            next: 'needsYou',
            problem: `"${automation.tokenName}" no longer exists, so there is nothing to rotate.`,
          };
        throw error;
      }
      // Extended by hand since: not due yet after all.
      const due = dueAt(old.validTo, automation.whenDaysLeft);
      if (due > clock.now() + 60_000) {
        automation.tokenValidTo = old.validTo.toISOString();
        automation.nextRunAt = new Date(due).toISOString();
        await automations.save(automation);
        return { next: 'at', runAt: due };
      }
      const refusal = await refusalToStart(actor, automation, old);
      if (refusal) return { next: 'needsYou', problem: refusal };
      await create(actor, automation, old);
    }
    const notStored = await store(actor, automation);
    if (notStored) return { next: 'needsYou', problem: `Not rotated: ${notStored} The old token still works.` };
    await moveLink(actor, automation);
    return retireOld(actor, automation);
  };
}
