// The token lifecycle: what PAT Manager does to a person's tokens, step by step, in plain values
// (an Actor in, an outcome and its steps out). Pages and background jobs call the same code; it
// never sees a request or a session, and it records the activity itself. The Key Vault half
// (store-or-undo, rotate, links) is in vault-lifecycle.ts, tokens for several organizations and the
// replacement of global ones in per-organization.ts, renewal in renew.ts; createTokenLifecycle joins them.
import type { ActivityAction, ActivityLog } from '../storage/activity-log.ts';
import { describeChanges, describeToken } from '../activity/describe-changes.ts';
import { DAY_MS, daysAfter, formatDate, isoDay } from '../days.ts';
import { isDevOpsError } from '../devops/errors.ts';
import type { CreateTokenRequest, CreatedToken, DevOpsClient, PatToken, UpdateTokenRequest } from '../devops/types.ts';
import type { VaultLinks } from '../keyvault/vault-links.ts';
import type { VaultSecrets } from '../keyvault/vault-secrets.ts';
import type { Actor, Step } from './types.ts';
import { requestLike } from './like.ts';
import { perOrganizationLifecycle } from './per-organization.ts';
import { renewLifecycle } from './renew.ts';
import { vaultLifecycle } from './vault-lifecycle.ts';

/** The service refuses a PAT valid for more than a year. */
export const MAX_LIFETIME_DAYS = 365;
/** Regenerate may keep the old token this many days at most, for what uses it to move to the new one. */
export const MAX_KEEP_OLD_DAYS = 14;
/** Tokens revoked are looked up (at most this many) to tell a revoked token from an active one. */
const REVOKED_LOOKUP_SIZE = 100;

export interface LifecycleDependencies {
  devops: DevOpsClient;
  activity: ActivityLog;
  vaultSecrets: VaultSecrets;
  vaultLinks: VaultLinks;
  /** The vault hosts allowed now: a link to a host no longer allowed is not written to. */
  hostSuffixes: readonly string[];
}

/** A token and whether it was revoked (the API's token record has no status of its own). */
export interface TokenWithStatus {
  token: PatToken;
  revoked: boolean;
}

export type ExtendOutcome =
  | {
      ok: true;
      token: PatToken;
      /** What was asked of Azure DevOps (its policy may give less). */ asked: Date;
      /** Cut to the one-year limit. */ capped: boolean;
    }
  | { ok: false; reason: string };

export interface RegenerateOutcome {
  created: CreatedToken;
  oldRevoked: boolean;
  /** Kept on purpose until this day (listed on the expiry watch), rather than revoked. */
  oldKeptUntil: Date | undefined;
  steps: Step[];
}

export interface BulkRevokeOutcome {
  authorizationId: string;
  displayName: string;
  outcome: 'revoked' | 'alreadyRevoked' | 'notFound' | 'failed';
  message: string;
}

export type TokenLifecycle = ReturnType<typeof createTokenLifecycle>;

export function createTokenLifecycle(deps: LifecycleDependencies) {
  const { devops, activity } = deps;

  const record = (
    actor: Actor,
    action: ActivityAction,
    token: Pick<PatToken, 'authorizationId' | 'displayName'>,
    changes: string[],
    organization = actor.organization,
  ) =>
    activity.record(actor.person, {
      action,
      organization,
      tokenId: token.authorizationId,
      tokenName: token.displayName,
      changes,
    });

  /** The ids of the organization's revoked tokens (the most recent ones). */
  async function revokedIds(actor: Actor): Promise<Set<string>> {
    const page = await devops.listTokens(actor.accessToken, actor.organization, {
      filter: 'revoked',
      sortBy: 'displayDate',
      ascending: false,
      top: REVOKED_LOOKUP_SIZE,
    });
    return new Set(page.tokens.map((token) => token.authorizationId));
  }

  async function getToken(actor: Actor, authorizationId: string): Promise<TokenWithStatus> {
    const [token, revoked] = await Promise.all([
      devops.getToken(actor.accessToken, actor.organization, authorizationId),
      revokedIds(actor),
    ]);
    return { token, revoked: revoked.has(token.authorizationId) };
  }

  /** Creates a token and remembers it was made; the secret is handed back once, to the caller. */
  async function create(actor: Actor, request: CreateTokenRequest): Promise<CreatedToken> {
    const created = await devops.createToken(actor.accessToken, actor.organization, request);
    await record(actor, 'create', created.token, describeToken(created.token));
    return created;
  }

  async function update(
    actor: Actor,
    before: PatToken,
    changes: Omit<UpdateTokenRequest, 'authorizationId'>,
  ): Promise<PatToken> {
    const after = await devops.updateToken(actor.accessToken, actor.organization, {
      ...changes,
      authorizationId: before.authorizationId,
    });
    await record(actor, 'edit', after, describeChanges(before, after));
    return after;
  }

  /** Pushes the expiry `days` further (from now if it has passed), up to the one-year limit. */
  async function extend(actor: Actor, token: PatToken, days: number): Promise<ExtendOutcome> {
    const now = Date.now();
    const wanted = Math.max(token.validTo.getTime(), now) + days * DAY_MS;
    const limit = daysAfter(MAX_LIFETIME_DAYS, now).getTime();
    const asked = new Date(Math.min(wanted, limit));
    try {
      return { ok: true, token: await update(actor, token, { validTo: asked }), asked, capped: wanted > limit };
    } catch (error) {
      if (!isDevOpsError(error) || error.kind !== 'rejected') throw error;
      return { ok: false, reason: error.userMessage };
    }
  }

  async function revoke(
    actor: Actor,
    token: Pick<PatToken, 'authorizationId' | 'displayName'>,
    changes: string[] = [],
    organization = actor.organization,
  ): Promise<void> {
    await devops.revokeToken(actor.accessToken, organization, token.authorizationId);
    // An old token a rotation kept is waiting on the expiry watch: revoked, it waits no more.
    await deps.vaultLinks.retired(actor.person, token.authorizationId);
    await record(actor, 'revoke', token, changes, organization);
  }

  /** Revokes `old`, as a step: a failure from Azure DevOps is reported, not thrown. */
  async function revokeAsStep(actor: Actor, old: PatToken): Promise<{ step: Step; error?: string }> {
    try {
      await devops.revokeToken(actor.accessToken, actor.organization, old.authorizationId);
      return {
        step: {
          label: 'Revoke the old token',
          ok: true,
          detail: 'revoked: anything still using it is refused from now on',
        },
      };
    } catch (error) {
      if (!isDevOpsError(error)) throw error;
      return {
        step: { label: 'Revoke the old token', ok: false, detail: `not revoked (${error.userMessage})` },
        error: error.userMessage,
      };
    }
  }

  /**
   * A new token like `old` first, then `old` revoked, so a failure can never leave the person with
   * neither: if the create fails nothing changed (it throws); if the revoke fails they have both.
   * With `keepOldDays`, `old` is kept that many days instead, recorded as a rotation's kept token is
   * (the expiry watch lists it to revoke, and the list marks it as replaced).
   */
  async function regenerate(actor: Actor, old: PatToken, days: number, keepOldDays = 0): Promise<RegenerateOutcome> {
    const created = await devops.createToken(actor.accessToken, actor.organization, requestLike(old, days));
    const steps: Step[] = [
      { label: 'Create the new token', ok: true, detail: `created, valid until ${formatDate(created.token.validTo)}` },
    ];
    if (keepOldDays > 0) {
      // Never past the old token's own expiry: after that there is nothing to revoke.
      const oldKeptUntil = new Date(Math.min(daysAfter(keepOldDays).getTime(), old.validTo.getTime()));
      await deps.vaultLinks.retire(actor.person, {
        authorizationId: old.authorizationId,
        tokenName: old.displayName,
        organization: actor.organization,
        replacedBy: created.token.authorizationId,
        revokeAfter: isoDay(oldKeptUntil),
      });
      steps.push({
        label: 'Keep the old token for now',
        ok: true,
        detail: `kept until ${formatDate(oldKeptUntil)}; the expiry watch lists it to revoke after that`,
      });
      await record(actor, 'regenerate', created.token, [
        `replaces ${old.authorizationId}`,
        `expires: ${isoDay(created.token.validTo)}`,
        `old token kept until ${isoDay(oldKeptUntil)}`,
      ]);
      return { created, oldRevoked: false, oldKeptUntil, steps };
    }
    const revoked = await revokeAsStep(actor, old);
    steps.push(
      revoked.error === undefined
        ? revoked.step
        : {
            ...revoked.step,
            detail: `${revoked.step.detail} The old token still works: revoke it once you have replaced it everywhere.`,
          },
    );
    const oldRevoked = revoked.error === undefined;
    await record(actor, 'regenerate', created.token, [
      `replaces ${old.authorizationId}`,
      `expires: ${isoDay(created.token.validTo)}`,
      oldRevoked ? 'old token revoked' : 'old token NOT revoked',
    ]);
    return { created, oldRevoked, oldKeptUntil: undefined, steps };
  }

  /** Several tokens, each with its status, from one lookup of the revoked ones; missing ones are `undefined`. */
  async function getTokens(
    actor: Actor,
    ids: readonly string[],
  ): Promise<Array<{ id: string; found: TokenWithStatus | undefined }>> {
    const revoked = await revokedIds(actor);
    return Promise.all(
      ids.map((id) =>
        devops.getToken(actor.accessToken, actor.organization, id).then(
          (token) => ({ id, found: { token, revoked: revoked.has(token.authorizationId) } }),
          (error: unknown) => {
            if (isDevOpsError(error) && error.kind === 'notFound') return { id, found: undefined };
            throw error;
          },
        ),
      ),
    );
  }

  /** Revokes each token, one after another (Azure DevOps throttles bursts), with an outcome per token. */
  async function revokeMany(actor: Actor, ids: readonly string[]): Promise<BulkRevokeOutcome[]> {
    const revoked = await revokedIds(actor);
    const outcomes: BulkRevokeOutcome[] = [];
    for (const id of ids) {
      let displayName = id;
      try {
        const token = await devops.getToken(actor.accessToken, actor.organization, id);
        displayName = token.displayName;
        if (revoked.has(id)) {
          outcomes.push({
            authorizationId: id,
            displayName,
            outcome: 'alreadyRevoked',
            message: 'was already revoked',
          });
          continue;
        }
        await revoke(actor, token, ['revoked with others']);
        outcomes.push({ authorizationId: id, displayName, outcome: 'revoked', message: 'revoked' });
      } catch (error) {
        if (!isDevOpsError(error) || error.kind === 'unauthorized') throw error;
        const notFound = error.kind === 'notFound';
        outcomes.push({
          authorizationId: id,
          displayName,
          outcome: notFound ? 'notFound' : 'failed',
          message: notFound ? 'no longer exists' : `not revoked: ${error.userMessage}`,
        });
      }
    }
    return outcomes;
  }

  const vault = vaultLifecycle({ ...deps, create, record, revokeAsStep, revokedIds });
  const perOrganization = perOrganizationLifecycle({
    ...deps,
    create,
    createIntoVault: vault.createIntoVault,
    record,
    revokeAsStep,
    revokedIds,
  });
  const renewal = renewLifecycle({ ...deps, storeOrUndo: vault.storeOrUndo, record });

  return {
    record,
    revokedIds,
    getToken,
    getTokens,
    create,
    update,
    extend,
    revoke,
    regenerate,
    revokeMany,
    ...vault,
    ...perOrganization,
    ...renewal,
  };
}
