// The Azure DevOps access token msal-node gave out last, kept sealed in the session so that most pages
// need neither msal-node nor the token cache. It is bound to the session id: a copy in another
// session does not open.
import type { AuthenticationResult } from '@azure/msal-node';
import type { Logger } from '../logging.ts';
import { RecentlyUsed } from '../storage/recently-used.ts';
import { UNSEAL_FAILURE_WORDS, type Sealer } from '../storage/sealing.ts';
import type { AppSession } from '../session/session-types.ts';

/** How many sessions' opened tokens this instance keeps in memory (about 3.5 KB each). */
const OPENED_KEPT = 1000;

export interface RememberedAccessTokens {
  remember(session: AppSession, result: AuthenticationResult): void;
  /** The remembered token while it has more than `marginMs` left, else undefined (and it is forgotten). */
  recall(session: AppSession, marginMs: number): string | undefined;
}

function context(session: AppSession): string {
  return `access-token:${session.id}`;
}

export function rememberedAccessTokens(sealer: Sealer, logger: Logger): RememberedAccessTokens {
  // Opening the sealed copy is an AES-GCM decryption on every page (about 2% of its CPU): the
  // token opened last for each session stays in memory (never stored or logged), and is used for
  // as long as the session presents the very same sealed string.
  const opened = new RecentlyUsed<string, { sealed: string; plaintext: string }>(OPENED_KEPT);

  function open(session: AppSession, sealed: string): string | undefined {
    const known = opened.get(session.id);
    if (known?.sealed === sealed) return known.plaintext;
    const result = sealer.open(sealed, context(session));
    if (result.ok) {
      opened.set(session.id, { sealed, plaintext: result.plaintext });
      return result.plaintext;
    }
    logger.warn({ reason: UNSEAL_FAILURE_WORDS[result.reason] }, 'remembered access token could not be opened; asking msal-node');
    return undefined;
  }

  return {
    remember(session, result) {
      if (!result.accessToken || !result.expiresOn) return;
      const sealed = sealer.seal(result.accessToken, context(session));
      // Not kept opened yet: only the sessions that come back for pages are (a sign-in is not one).
      session.accessToken = { sealed, expiresOnMs: result.expiresOn.getTime() };
      opened.delete(session.id);
    },

    recall(session, marginMs) {
      const remembered = session.accessToken;
      if (!remembered) return undefined;
      if (remembered.expiresOnMs - Date.now() > marginMs && typeof remembered.sealed === 'string') {
        const plaintext = open(session, remembered.sealed);
        if (plaintext) return plaintext;
      }
      delete session.accessToken;
      opened.delete(session.id);
      return undefined;
    },
  };
}
