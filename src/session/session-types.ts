// What PAT Manager keeps in a person's session, in one declaration: its own module, so that auth,
// storage and web all depend on it and storage needs nothing of auth.
import 'express-session';
import type { Session, SessionData } from 'express-session';

/**
 * The continuation tokens of the pages a person has just opened in one token listing, so that
 * "Previous page" can open the page before (web/forms/list-query.ts keeps it bounded).
 */
export interface PageTrail {
  /** The listing the tokens belong to: organization, filter, sort, order and size. */
  listing: string;
  /** Page number → the continuation token that opened it (pages 2 and on). */
  pages: Record<string, string>;
}

/** A request's session as the auth service and token caches see it. */
export type AppSession = Session & Partial<SessionData>;

/** Enough of msal-node's AccountInfo to find the person's tokens without reading the cache twice. */
export interface SignedInAccount {
  homeAccountId: string;
  environment: string;
  tenantId: string;
  localAccountId: string;
  name: string;
  username: string;
}

/** The state of one sign-in between /login and /getAToken (one per browser tab, keyed by `state`). */
export interface PendingSignIn {
  codeVerifier: string;
  nonce: string;
  returnTo: string;
  startedAt: number;
}

/** Where sign-ins in progress are kept: a sealed cookie of their own (web/pending-sign-in-cookie.ts), never the session store. */
export interface PendingSignInHolder {
  pendingSignIns?: Record<string, PendingSignIn>;
}

interface FormDraft {
  /** Who typed it: only they get it back. */
  person: string;
  savedAt: number;
  fields: Record<string, string | string[]>;
}

export interface FlashMessage {
  kind: 'success' | 'info' | 'error';
  text: string;
}

declare module 'express-session' {
  interface SessionData {
    account: SignedInAccount;
    /** When the person last signed in interactively (ms since the epoch). */
    signedInAt: number;
    /**
     * The memory store only: msal-node's token cache for this person, sealed (refresh token inside).
     * SQLite and Redis keep it in a row or key of its own, read only when msal-node needs it.
     */
    tokenCache: string;
    /**
     * The Azure DevOps access token msal-node last gave out for this session (it is in the token
     * cache too), sealed, so that a page need not rebuild msal-node's client and read the whole cache.
     */
    accessToken: { sealed: string; expiresOnMs: number };
    /** The organization chosen for pages that work in one (its name, as in URLs). */
    organization: string;
    /** The person's organizations, listed once after sign-in (and on request). */
    organizations: Array<{ accountId: string; accountName: string }>;
    /** The person's Azure DevOps profile id (their storage key in Graph), kept when their organizations are listed. */
    profileId: string;
    /**
     * Per organization, whether token administration accepts the person (a Project Collection
     * Administrator): `null` when it could not be asked, `needsConsent` when it was not asked since
     * the person has not consented to the audit's permissions yet (not asked again in this session:
     * consenting is a sign-in, which starts a new one). Asked again after a few minutes.
     */
    administratorOf: Record<string, { isAdministrator: boolean | null; needsConsent?: true; checkedAt: number }>;
    /** The result of a revoke on someone's behalf, shown once on the page after it. */
    auditRevokeOutcome: {
      organization: string;
      reason: string;
      outcomes: Array<{
        authorizationId: string;
        displayName: string;
        person: string;
        revoked: boolean;
        message: string;
      }>;
    };
    /** The revocation rule just created, shown once on the page after it. */
    auditRuleOutcome: {
      organization: string;
      scopes: string[];
      createdBefore: string;
      reason: string;
      people: Array<{ displayName: string; principalName: string; tokens: string[] }>;
      tokenCount: number;
    };
    /** Create forms already handled, so a double submit or a reload creates nothing twice. */
    createdForms: Record<string, string>;
    /** The result of a bulk revoke, shown once on the page after it (POST-redirect-GET). */
    bulkOutcome: Array<{ authorizationId: string; displayName: string; outcome: string; message: string }>;
    /** The token list's last few continuation tokens, for "Previous page". */
    pageTrail: PageTrail;
    flash: FlashMessage[];
    /** What a person typed in a form, kept while they sign in to consent to more (never a secret); carried across the sign-in. */
    formDrafts: Record<string, FormDraft>;
  }
}
