// The organization audit's vocabulary: the people Graph lists and the tokens token administration
// shows for each, in the app's terms rather than the wire's.
import type { PatToken } from '../devops/types.ts';

export interface OrgPerson {
  /** The Graph subject descriptor (`aad.…`) that token administration takes. */
  descriptor: string;
  displayName: string;
  /** The sign-in name (e.g. someone@contoso.com). */
  principalName: string;
  /** `aad` (Microsoft Entra) or `msa` (Microsoft account). */
  origin: string;
  /** Graph's `originId`: the Entra object id for `aad` (a PUID in hex for `msa`); null when not sent. */
  originId: string | null;
  /** Removed from the identity provider but still known to Azure DevOps. */
  deletedInOrigin: boolean;
}

/**
 * One of a person's PATs as an administrator sees it: the same record as the person's own list
 * gives (token administration sends the same fields, and never a secret), and whether it is still
 * valid: token administration lists revoked and expired tokens too, with `isValid: false`.
 */
export interface AdminToken extends PatToken {
  isValid: boolean;
}

export interface Paged<T> {
  items: T[];
  /** `null` on the last page. */
  continuationToken: string | null;
}
