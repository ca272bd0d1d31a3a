// What a completed sign-in grants: carried by an authorization code, then by the refresh tokens
// that descend from it.
export interface SignIn {
  objectId: string;
  tenantId: string;
  clientId: string;
  /** The scopes of the authorize request, space-separated. */
  scope: string;
  /** When the person signed in (seconds): `auth_time`. */
  authTimeSeconds: number;
  /** When the grant began (ms): revocation compares it with the person's TokensValidFrom. */
  grantedAtMs: number;
}
