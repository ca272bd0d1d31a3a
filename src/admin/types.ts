// The organization audit's vocabulary: the people Graph lists and the tokens token administration
// shows for each, in the app's terms rather than the wire's.

export interface OrgPerson {
  /** The Graph subject descriptor (`aad.…`) that token administration takes. */
  descriptor: string;
  displayName: string;
  /** The sign-in name (e.g. someone@contoso.com). */
  principalName: string;
  /** `aad` (Microsoft Entra) or `msa` (Microsoft account). */
  origin: string;
  /** Removed from the identity provider but still known to Azure DevOps. */
  deletedInOrigin: boolean;
}

/** One of a person's PATs as an administrator sees it. Never holds a secret: the API sends none. */
export interface AdminToken {
  authorizationId: string;
  displayName: string;
  /** Scope names; `app_token` means full access. */
  scopes: string[];
  /** accountIds it works in; `null` means every organization the person belongs to. */
  targetAccounts: string[] | null;
  validFrom: Date;
  validTo: Date;
}

export interface Paged<T> {
  items: T[];
  /** `null` on the last page. */
  continuationToken: string | null;
}
