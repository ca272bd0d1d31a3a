// The Azure DevOps access token msal-node gave out last, kept sealed in the session so that most pages
// need neither msal-node nor the token cache. It is bound to the session id: a copy in another
// session does not open. Opening it is an AES-GCM decryption, about 4% of a list page's CPU (`npx
// node bench/versus.ts`), so each instance keeps the opened token of its most recently active
// sessions in memory only, never stored or logged: while the session presents the very same sealed
// copy, until the token's expiry or the person's sign-out, and for at most OPENED_KEPT sessions.
import type { AuthenticationResult } from '@azure/msal-node';
import type { Logger } from '../logging.ts';
import { RecentlyUsed } from '../storage/recently-used.ts';
import { UNSEAL_FAILURE_WORDS, type Sealer } from '../storage/sealing.ts';
import type { AppSession } from '../session/session-types.ts';

/** How many sessions' opened tokens one instance keeps (about 3.5 KB each). */
const OPENED_KEPT = 1000;

export interface RememberedAccessTokens {
  remember(session: AppSession, result: AuthenticationResult): void;
  /** The remembered token while it has more than `marginMs` left, else undefined (and it is forgotten). */
  recall(session: AppSession, marginMs: number): string | undefined;
  /** Drops the opened copy this instance keeps for the session (at sign-out). */
  forget(sessionId: string): void;
}

interface Opened {
  sealed: string;
  plaintext: string;
  expiresOnMs: number;
}

function context(session: AppSession): string {
  return `access-token:${session.id}`;
}

export function rememberedAccessTokens(sealer: Sealer, logger: Logger): RememberedAccessTokens {
  const opened = new RecentlyUsed<string, Opened>(OPENED_KEPT);

  function open(session: AppSession, sealed: string, expiresOnMs: number): string | undefined {
    const known = opened.get(session.id);
    if (known?.sealed === sealed) return known.plaintext;
    const result = sealer.open(sealed, context(session));
    if (result.ok) {
      // A new token for this session: those of sessions that have not come back since they expired go.
      const now = Date.now();
      opened.deleteWhere((entry) => entry.expiresOnMs <= now);
      opened.set(session.id, { sealed, plaintext: result.plaintext, expiresOnMs });
      return result.plaintext;
    }
    logger.warn(
      { reason: UNSEAL_FAILURE_WORDS[result.reason] },
      'remembered access token could not be opened; asking msal-node',
    );
    return undefined;
  }

  return {
    remember(session, result) {
      if (!result.accessToken || !result.expiresOn) return;
      const sealed = sealer.seal(result.accessToken, context(session));
      // Kept opened only once a page comes back with it (a sign-in alone is not kept).
      session.accessToken = { sealed, expiresOnMs: result.expiresOn.getTime() };
      opened.delete(session.id);
    },

    recall(session, marginMs) {
      const remembered = session.accessToken;
      if (!remembered) return undefined;
      if (remembered.expiresOnMs - Date.now() > marginMs && typeof remembered.sealed === 'string') {
        const plaintext = open(session, remembered.sealed, remembered.expiresOnMs);
        if (plaintext) return plaintext;
      }
      delete session.accessToken;
      opened.delete(session.id);
      return undefined;
    },

    forget(sessionId) {
      opened.delete(sessionId);
    },
  };
}
