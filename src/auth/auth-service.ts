// Every msal-node concern in one place: start a sign-in, redeem the code, get an access token for
// Azure DevOps, and the sign-out address. Routes call these and never msal-node directly.
import {
  AuthError,
  ConfidentialClientApplication,
  CryptoProvider,
  InteractionRequiredAuthError,
  LogLevel,
  ResponseMode,
  type AccountInfo,
  type AuthenticationResult,
  type Configuration,
  type INetworkModule,
} from '@azure/msal-node';
import type { AppConfig, ClientCredential } from '../config/config.ts';
import { AUDIT_SCOPES, devOpsScope, SIGN_IN_PERMISSIONS } from './devops-permissions.ts';
import type { Logger } from '../logging.ts';
import type { Sealer } from '../storage/sealing.ts';
import { StoreUnavailableError } from '../storage/store-unavailable.ts';
import { AppError } from '../errors.ts';
import { IdentityUnavailableError } from './identity-network-client.ts';
import { SIGN_IN_FAILURES } from './sign-in-words.ts';
import { rememberedAccessTokens } from './remembered-access-token.ts';
import type { AppSession, PendingSignIn, PendingSignInHolder, SignedInAccount } from '../session/session-types.ts';
import type { TokenCacheStore } from '../session/token-cache-store.ts';
import type { OfflineTokenCaches } from '../storage/offline-token-caches.ts';
import { offlineRefusalWords } from './offline-refusals.ts';
import { singleFlight } from './single-flight.ts';

/**
 * Azure DevOps, asked permission by permission (never `.default`, which is whatever the registration
 * lists). The audit's permissions are not among them: they are asked when the audit is first opened.
 */
const SCOPES = SIGN_IN_PERMISSIONS.map(devOpsScope);
/** A sign-in left unfinished longer than this is forgotten; a few tabs may sign in at once. */
const PENDING_SIGN_IN_TTL_MS = 15 * 60 * 1000;
const MAX_PENDING_SIGN_INS = 5;
/** A remembered access token is used until this close to its expiry: msal-node's own renewal margin. */
const RENEW_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

/** The person must (again) sign in interactively; the page they wanted is kept (the handler redirects). */
export class SignInRequiredError extends AppError {
  override name = 'SignInRequiredError';
  readonly service = 'Microsoft identity platform';
  constructor(detail: string) {
    super({ pageStatus: 401, title: 'Sign in again', userMessage: 'Please sign in to continue.', message: detail });
  }
}

/**
 * The person has not consented to a scope beyond Azure DevOps (or must sign in again to get it):
 * they are sent through a sign-in that asks for `scope`, then brought back.
 */
export class ConsentRequiredError extends SignInRequiredError {
  override name = 'ConsentRequiredError';
  readonly scope: string;
  constructor(scope: string, detail: string) {
    super(detail);
    this.scope = scope;
  }
}

export type SignInFailure = 'declined' | 'expired' | 'rejected' | 'unavailable';

export class SignInFailedError extends AppError {
  override name = 'SignInFailedError';
  readonly service = 'Microsoft identity platform';
  readonly reason: SignInFailure;
  constructor(reason: SignInFailure, detail: string) {
    super({ ...SIGN_IN_FAILURES[reason], message: detail });
    this.reason = reason;
  }
}

/**
 * A background job could not get a token from the person's offline access: the refresh token was
 * refused (password changed, sessions revoked, unused for 90 days, account disabled, consent
 * withdrawn). Retrying cannot help; the person must sign in and turn automation on again.
 */
export class OfflineAccessRefusedError extends AppError {
  override name = 'OfflineAccessRefusedError';
  readonly service = 'Microsoft identity platform';
  constructor(words: string, detail: string) {
    super({ pageStatus: 401, title: 'Sign in again', userMessage: words, message: detail });
  }
}

export interface AuthService {
  /** `extraScopes`: other resources' scopes to consent to in the same sign-in (incremental consent). */
  /** Adds the new sign-in to `pending` (kept by the caller until the answer comes back); returns the authorize URL. */
  beginSignIn(pending: PendingSignInHolder, returnTo: string, options?: { extraScopes?: string[] }): Promise<string>;
  takePendingSignIn(pending: PendingSignInHolder, state: string | undefined): PendingSignIn;
  redeemCode(session: AppSession, code: string, state: string, pending: PendingSignIn): Promise<SignedInAccount>;
  /** `refused`: the token Azure DevOps just refused (with forceRefresh), so a newer one in the cache is taken instead. */
  acquireAccessToken(session: AppSession, options: { forceRefresh: boolean; refused?: string }): Promise<string>;
  /** A token for another resource's scope (e.g. Key Vault), from the person's cache; ConsentRequiredError when they must sign in for it. */
  acquireTokenForScope(session: AppSession, scope: string): Promise<{ token: string; expiresOnMs: number }>;
  /**
   * A token for the audit's permissions (AUDIT_SCOPES), from the person's cache or their refresh
   * token; ConsentRequiredError when they have not consented to them yet (or must sign in again).
   */
  acquireAuditToken(session: AppSession, options: { forceRefresh: boolean }): Promise<string>;
  signOutUrl(): string;
  /** Drops what this instance keeps in memory for the session (its opened access token): at sign-out. */
  forgetSession(sessionId: string): void;
  /** Copies the signed-in person's token cache into their offline cache, which only background jobs use. */
  keepOfflineAccess(session: AppSession): Promise<void>;
  /**
   * A token for Azure DevOps's sign-in permissions (`scopes` undefined) or other scopes (another
   * resource's, or the audit's), from the person's offline cache, renewed with its refresh token.
   */
  acquireOffline(account: SignedInAccount, scopes?: readonly string[]): Promise<{ token: string; expiresOnMs: number }>;
  forgetOfflineAccess(person: string): Promise<void>;
}

/** The redirect URI sign-in sends (and the app registration must list): `/getAToken` on the base URL's host. */
export function redirectUriFor(baseUrl: URL): string {
  return new URL('/getAToken', baseUrl).href;
}

/** The app's credential as msal-node takes it: a secret, or a certificate's key and thumbprint. */
export function msalCredential(configured: ClientCredential): Partial<Configuration['auth']> {
  if (configured.kind === 'secret') return { clientSecret: configured.clientSecret };
  return {
    clientCertificate: {
      thumbprintSha256: configured.thumbprintSha256,
      privateKey: configured.privateKey,
      ...(configured.certificateChain ? { x5c: configured.certificateChain } : {}),
    },
  };
}

export function createAuthService(options: {
  config: AppConfig;
  networkClient: INetworkModule;
  tokenCache: TokenCacheStore;
  sealer: Sealer;
  logger: Logger;
  offlineCaches?: OfflineTokenCaches | undefined;
}): AuthService {
  const { config, networkClient, tokenCache, sealer, logger, offlineCaches } = options;
  const accessTokens = rememberedAccessTokens(sealer, logger);
  const authority = `${config.identity.authorityHost}/${config.identity.tenant}`;
  const redirectUri = redirectUriFor(config.baseUrl);
  const crypto = new CryptoProvider();
  let discoveryDocument: Promise<string> | undefined;
  const renewals = singleFlight<AuthenticationResult>();

  /** Fetched once, so that no request pays for discovery; a failure is retried on the next call. */
  function authorityMetadata(): Promise<string> {
    discoveryDocument ??= networkClient
      .sendGetRequestAsync<object>(`${authority}/v2.0/.well-known/openid-configuration`)
      .then((response) => {
        if (response.status !== 200) throw new IdentityUnavailableError(`discovery answered ${response.status}`);
        return JSON.stringify(response.body);
      })
      .catch((error: unknown) => {
        discoveryDocument = undefined;
        throw error;
      });
    return discoveryDocument;
  }

  /**
   * A client per operation, bound to one person's cache: nothing is shared between sessions, and
   * msal-node's in-memory cache dies with the client, so no process accumulates anyone's tokens.
   */
  async function clientFor(
    session: AppSession | undefined,
    plugin = session && tokenCache.pluginFor(session),
  ): Promise<ConfidentialClientApplication> {
    return new ConfidentialClientApplication({
      auth: {
        clientId: config.identity.clientId,
        authority,
        knownAuthorities: [new URL(authority).host],
        authorityMetadata: await authorityMetadata(),
        ...msalCredential(config.identity.credential),
      },
      // No session yet when a sign-in starts: building the authorize URL reads no cache.
      ...(plugin ? { cache: { cachePlugin: plugin } } : {}),
      system: {
        networkClient,
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          loggerCallback: (_level, message) => logger.warn({ msal: message }, 'msal-node'),
        },
      },
    });
  }

  /** msal-node's silent renewal (from its cache, else with the refresh token), its failures in the app's terms. */
  async function renewSilently(
    session: AppSession,
    account: SignedInAccount,
    forceRefresh: boolean,
    refused: string | undefined,
  ): Promise<AuthenticationResult> {
    const client = await clientFor(session).catch((error: unknown) => {
      throw unavailableOr(error, () => error as Error);
    });
    try {
      const request = { account: account as AccountInfo, scopes: SCOPES };
      // Another page of this person may have renewed it already: its token is in the cache they share.
      if (forceRefresh && refused !== undefined) {
        const cached = await client.acquireTokenSilent({ ...request, forceRefresh: false }).catch(() => undefined);
        if (cached && cached.accessToken !== refused) return cached;
      }
      return await client.acquireTokenSilent({ ...request, forceRefresh });
    } catch (error) {
      if (error instanceof IdentityUnavailableError) throw new SignInFailedError('unavailable', error.message);
      // A revoked or expired refresh token, consent withdrawn, or a cache that lost the account.
      if (error instanceof InteractionRequiredAuthError || error instanceof AuthError) {
        logger.info({ errorCode: error.errorCode }, 'silent token renewal needs the person to sign in again');
        throw new SignInRequiredError(error.errorCode);
      }
      throw error;
    }
  }

  /** A token from msal-node's cache (or its refresh token); a refusal becomes what `refused` makes of it. */
  async function tokenSilently(
    client: Promise<ConfidentialClientApplication>,
    request: Parameters<ConfidentialClientApplication['acquireTokenSilent']>[0],
    refused: (error: AuthError) => Error,
  ): Promise<{ token: string; expiresOnMs: number }> {
    const ready = await client.catch((error: unknown) => {
      throw unavailableOr(error, () => error as Error);
    });
    try {
      const result = await ready.acquireTokenSilent(request);
      if (!result.accessToken || !result.expiresOn)
        throw new SignInFailedError('rejected', 'the token response carried no access token');
      return { token: result.accessToken, expiresOnMs: result.expiresOn.getTime() };
    } catch (error) {
      if (error instanceof IdentityUnavailableError) throw new SignInFailedError('unavailable', error.message);
      if (error instanceof InteractionRequiredAuthError || error instanceof AuthError) throw refused(error);
      throw error;
    }
  }

  /** Scopes beyond sign-in's, from the person's cache: consent not given yet is a sign-in asking for them. */
  async function scopedToken(
    session: AppSession,
    scopes: readonly string[],
    forceRefresh: boolean,
  ): Promise<{ token: string; expiresOnMs: number }> {
    const account = session.account;
    if (!account) throw new SignInRequiredError('not signed in');
    const request = { account: account as AccountInfo, scopes: [...scopes], forceRefresh };
    // Consent not given yet (AADSTS65001, consent_required), or a sign-in that must be renewed: either way a sign-in asking for the scopes.
    return tokenSilently(clientFor(session), request, (error) => {
      logger.info(
        { errorCode: error.errorCode, subError: error.subError },
        'a token beyond sign-in needs the person to sign in',
      );
      return new ConsentRequiredError(scopes.join(' '), error.errorCode);
    });
  }

  function unavailableOr(error: unknown, otherwise: () => Error): Error {
    return error instanceof IdentityUnavailableError
      ? new SignInFailedError('unavailable', error.message)
      : otherwise();
  }

  return {
    async beginSignIn(holder, returnTo, options = {}) {
      const { verifier, challenge } = await crypto.generatePkceCodes();
      const state = crypto.createNewGuid();
      const nonce = crypto.createNewGuid();
      const now = Date.now();
      const stillPending = Object.entries(holder.pendingSignIns ?? {})
        .filter(([, pending]) => now - pending.startedAt < PENDING_SIGN_IN_TTL_MS)
        .slice(-(MAX_PENDING_SIGN_INS - 1));
      holder.pendingSignIns = Object.fromEntries([
        ...stillPending,
        [state, { codeVerifier: verifier, nonce, returnTo, startedAt: now }],
      ]);
      try {
        const client = await clientFor(undefined);
        return await client.getAuthCodeUrl({
          scopes: SCOPES,
          // msal's way to ask consent for another resource's scopes in the same sign-in; the code
          // is still redeemed for Azure DevOps, and the other token is got from the refresh token later.
          ...(options.extraScopes?.length ? { extraScopesToConsent: options.extraScopes } : {}),
          redirectUri,
          responseMode: ResponseMode.QUERY,
          codeChallenge: challenge,
          codeChallengeMethod: 'S256',
          state,
          nonce,
          prompt: 'select_account',
        });
      } catch (error) {
        throw unavailableOr(error, () => error as Error);
      }
    },

    takePendingSignIn(holder, state) {
      const pending = state ? holder.pendingSignIns?.[state] : undefined;
      if (state && holder.pendingSignIns) delete holder.pendingSignIns[state];
      if (!pending || Date.now() - pending.startedAt >= PENDING_SIGN_IN_TTL_MS) {
        throw new SignInFailedError('expired', 'no sign-in in progress matches this answer (state mismatch)');
      }
      return pending;
    },

    async redeemCode(session, code, state, pending) {
      try {
        const client = await clientFor(session);
        const result = await client.acquireTokenByCode(
          { code, codeVerifier: pending.codeVerifier, redirectUri, scopes: SCOPES, state, nonce: pending.nonce },
          { code, state, nonce: pending.nonce },
        );
        const account = result.account;
        if (!account) throw new SignInFailedError('rejected', 'the token response named no account');
        accessTokens.remember(session, result);
        return {
          homeAccountId: account.homeAccountId,
          name: account.name ?? account.username,
          username: account.username,
          environment: account.environment,
          tenantId: account.tenantId,
          localAccountId: account.localAccountId,
        };
      } catch (error) {
        // The person did nothing wrong when the token cache could not be written: say the app is unavailable.
        if (error instanceof SignInFailedError || error instanceof StoreUnavailableError) throw error;
        const code = error instanceof AuthError ? error.errorCode : 'unknown';
        logger.warn({ errorCode: code }, 'sign-in: code redemption failed');
        throw unavailableOr(
          error,
          () => new SignInFailedError('rejected', `the sign-in service refused the sign-in (${code})`),
        );
      }
    },

    async acquireAccessToken(session, { forceRefresh, refused }) {
      const account = session.account;
      if (!account) throw new SignInRequiredError('not signed in');
      // Most pages: the token msal-node gave out last time is still good, and nothing else is needed.
      if (forceRefresh) delete session.accessToken;
      const remembered = accessTokens.recall(session, RENEW_BEFORE_EXPIRY_MS);
      if (remembered) return remembered;
      // One renewal per session at a time: a page's parallel calls, or two pages at once, that find
      // the token expired share it, and each request's own copy of the session remembers the result.
      const result = await renewals(session.id, () => renewSilently(session, account, forceRefresh, refused));
      accessTokens.remember(session, result);
      return result.accessToken;
    },

    async acquireTokenForScope(session, scope) {
      return scopedToken(session, [scope], false);
    },

    async acquireAuditToken(session, { forceRefresh }) {
      return (await scopedToken(session, AUDIT_SCOPES, forceRefresh)).token;
    },

    async keepOfflineAccess(session) {
      if (!offlineCaches || !session.account) throw new SignInRequiredError('no offline cache, or not signed in');
      const cache = (await clientFor(session)).getTokenCache();
      // Reading the accounts loads the cache through the session's plugin; then it is copied, sealed anew.
      await cache.getAllAccounts();
      await offlineCaches.keep(session.account.homeAccountId, cache.serialize());
    },

    async acquireOffline(account, scopes) {
      if (!offlineCaches)
        throw new OfflineAccessRefusedError('Offline access is not available here.', 'no offline cache');
      // Azure DevOps's token is renewed on every run, so the refresh token is used (and renewed) each time.
      const request = { account: account as AccountInfo, scopes: scopes ? [...scopes] : SCOPES, forceRefresh: !scopes };
      return tokenSilently(clientFor(undefined, offlineCaches.pluginFor(account.homeAccountId)), request, (error) => {
        logger.info({ errorCode: error.errorCode }, 'offline access refused');
        return new OfflineAccessRefusedError(offlineRefusalWords(error.errorMessage), error.errorCode);
      });
    },

    async forgetOfflineAccess(person) {
      await offlineCaches?.forget(person);
    },

    forgetSession(sessionId) {
      accessTokens.forget(sessionId);
    },

    signOutUrl() {
      const url = new URL(`${authority}/oauth2/v2.0/logout`);
      url.searchParams.set('post_logout_redirect_uri', new URL('/', config.baseUrl).href);
      return url.href;
    },
  };
}
