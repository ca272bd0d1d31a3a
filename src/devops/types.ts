// The Azure DevOps client's vocabulary, in the app's terms rather than the wire's.

/**
 * Gives the signed-in person's Microsoft Entra access token for Azure DevOps. The client asks with
 * `forceRefresh: true` once when Azure DevOps refuses a token, so a token that looked valid to the
 * cache but was revoked or expired early is replaced rather than reused. It names the refused token
 * (`refused`), so a source that has already replaced it can hand out the newer one instead of
 * renewing again.
 */
export type AccessTokenSource = (options: { forceRefresh: boolean; refused?: string }) => Promise<string>;

/** A personal access token's record. Never holds the secret: that is handed back once, apart. */
export interface PatToken {
  authorizationId: string;
  displayName: string;
  /** Scope names such as `vso.code_write`; `app_token` means full access. */
  scopes: string[];
  /** Organization ids (`accountId`) the token works in; `null` means every organization of the user. */
  targetAccounts: string[] | null;
  validFrom: Date;
  validTo: Date;
}

export type TokenFilter = 'active' | 'expired' | 'revoked' | 'all';
export type TokenSortBy = 'displayName' | 'displayDate' | 'status';

export interface ListTokensOptions {
  filter: TokenFilter;
  sortBy: TokenSortBy;
  ascending: boolean;
  /** Page size, 1 to 100. */
  top: number;
  /** From the previous page; the next call must repeat the same filter and sort. */
  continuationToken?: string | undefined;
}

interface TokenPage {
  tokens: PatToken[];
  /** `null` on the last page. */
  continuationToken: string | null;
}

export interface CreateTokenRequest {
  displayName: string;
  /** Space-separated scope names. */
  scope: string;
  validTo: Date;
  /** True for a token that works in every organization of the user, false for this one only. */
  allOrgs: boolean;
}

export interface CreatedToken {
  token: PatToken;
  /** The token's value: shown to the person once, never stored or logged. */
  secret: string;
}

export interface UpdateTokenRequest {
  authorizationId: string;
  displayName?: string | undefined;
  scope?: string | undefined;
  validTo?: Date | undefined;
  allOrgs?: boolean | undefined;
}

export interface Profile {
  /** The member id the Accounts API takes. */
  id: string;
  displayName: string;
  emailAddress: string | null;
}

export interface Organization {
  /** What a token's `targetAccounts` holds. */
  accountId: string;
  /** The `{organization}` of Azure DevOps URLs. */
  accountName: string;
}

export interface DevOpsClient {
  listTokens(accessToken: AccessTokenSource, organization: string, options: ListTokensOptions): Promise<TokenPage>;
  getToken(accessToken: AccessTokenSource, organization: string, authorizationId: string): Promise<PatToken>;
  createToken(accessToken: AccessTokenSource, organization: string, request: CreateTokenRequest): Promise<CreatedToken>;
  updateToken(accessToken: AccessTokenSource, organization: string, request: UpdateTokenRequest): Promise<PatToken>;
  revokeToken(accessToken: AccessTokenSource, organization: string, authorizationId: string): Promise<void>;
  getMyProfile(accessToken: AccessTokenSource): Promise<Profile>;
  listOrganizations(accessToken: AccessTokenSource, memberId: string): Promise<Organization[]>;
  /** Closes the connections of the client's own agent (not of a shared one) at shutdown. */
  close(): void;
}
