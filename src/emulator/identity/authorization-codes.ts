// Authorization codes: single use, about ten minutes, bound to the client, redirect URI, PKCE
// challenge and tenant of the authorize request. Kept in memory: a restart ends sign-ins in flight.
import { randomBytes } from 'node:crypto';
import { codeAlreadyRedeemed, codeExpired, malformedGrant } from './errors.ts';
import type { SignIn } from './sign-in.ts';

export interface CodeGrant extends SignIn {
  redirectUri: string;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: 'plain' | 'S256' | undefined;
  /** The `{tenant}` path segment the code was issued under. */
  tenantSegment: string;
}

export interface AuthorizationCodes {
  issue(grant: CodeGrant): string;
  /** Takes the code for redemption: a second redemption of the same code fails. */
  redeem(code: string): CodeGrant;
}

const AUTHORIZATION_CODE_LIFETIME_MS = 10 * 60 * 1000;

export function createAuthorizationCodes(): AuthorizationCodes {
  const codes = new Map<string, { grant: CodeGrant; expiresAt: number; redeemed: boolean }>();

  function forgetExpired(): void {
    const now = Date.now();
    for (const [code, entry] of codes) if (entry.expiresAt < now) codes.delete(code);
  }

  return {
    issue(grant) {
      forgetExpired();
      // Shaped like the real ones ("1.A..."), opaque and long.
      const code = `1.A${randomBytes(96).toString('base64url')}`;
      codes.set(code, { grant, expiresAt: Date.now() + AUTHORIZATION_CODE_LIFETIME_MS, redeemed: false });
      return code;
    },
    redeem(code) {
      const entry = codes.get(code);
      if (!entry) throw malformedGrant();
      if (entry.redeemed) throw codeAlreadyRedeemed();
      if (entry.expiresAt < Date.now()) throw codeExpired();
      entry.redeemed = true;
      return entry.grant;
    },
  };
}
