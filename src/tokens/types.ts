// The token lifecycle's vocabulary: who it acts for, in plain values (a page builds an Actor from its
// request and session, a background job from the person's offline access), and the steps it reports.
import type { TokenCredential } from '@azure/core-auth';
import type { AccessTokenSource } from '../devops/types.ts';

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
