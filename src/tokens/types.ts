// The token lifecycle's vocabulary: who it acts for, in plain values (a page builds an Actor from its
// request and session, a background job from the person's offline access), and the steps it reports.
import type { TokenCredential } from '@azure/core-auth';
import type { AccessTokenSource, CreateTokenRequest, CreatedToken, PatToken } from '../devops/types.ts';
import type { ActivityAction } from '../storage/activity-log.ts';

export interface Actor {
  /** The person (msal-node's home account id): their activity and vault links are kept under it. */
  person: string;
  /** Their delegated access token for Azure DevOps. */
  accessToken: AccessTokenSource;
  /** Their delegated credential for Key Vault. */
  vaultCredential: TokenCredential;
  /** The Azure DevOps organization to call in (its name, as in URLs). */
  organization: string;
}

/** One thing the lifecycle did, or tried to, in words a person reads on the result page. */
export interface Step {
  label: string;
  ok: boolean;
  detail: string;
}

/** The lifecycle's basic steps, which its Key Vault, per-organization and renew parts are lent. */
export interface LifecycleBasics {
  create(actor: Actor, request: CreateTokenRequest): Promise<CreatedToken>;
  record(
    actor: Actor,
    action: ActivityAction,
    token: Pick<PatToken, 'authorizationId' | 'displayName'>,
    changes: string[],
    organization?: string,
  ): Promise<void>;
  /** Revokes `old` as a step: a failure from Azure DevOps is reported, not thrown. */
  revokeAsStep(actor: Actor, old: PatToken): Promise<{ step: Step; error?: string }>;
  revokedIds(actor: Actor): Promise<Set<string>>;
}
