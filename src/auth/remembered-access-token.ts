// The Azure DevOps access token msal-node gave out last, kept sealed in the session so that most pages
// need neither msal-node nor the token cache. It is bound to the session id: a copy in another
// session does not open. It is opened for the request that needs it and kept open nowhere else: an
// instance holds no one's token between requests. (Keeping up to 1,000 opened tokens in memory
// saved one AES-GCM open, about 18 µs, of a page's 1 ms of CPU: within the benchmark's noise, so it
// was removed.)
import type { AuthenticationResult } from '@azure/msal-node';
import type { Logger } from '../logging.ts';
import { UNSEAL_FAILURE_WORDS, type Sealer } from '../storage/sealing.ts';
import type { AppSession } from '../session/session-types.ts';

export interface RememberedAccessTokens {
  remember(session: AppSession, result: AuthenticationResult): void;
  /** The remembered token while it has more than `marginMs` left, else undefined (and it is forgotten). */
  recall(session: AppSession, marginMs: number): string | undefined;
}

function context(session: AppSession): string {
  return `access-token:${session.id}`;
}

export function rememberedAccessTokens(sealer: Sealer, logger: Logger): RememberedAccessTokens {
  function open(session: AppSession, sealed: string): string | undefined {
    const result = sealer.open(sealed, context(session));
    if (result.ok) return result.plaintext;
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
      session.accessToken = { sealed, expiresOnMs: result.expiresOn.getTime() };
    },

    recall(session, marginMs) {
      const remembered = session.accessToken;
      if (!remembered) return undefined;
      if (remembered.expiresOnMs - Date.now() > marginMs && typeof remembered.sealed === 'string') {
        const plaintext = open(session, remembered.sealed);
        if (plaintext) return plaintext;
      }
      delete session.accessToken;
      return undefined;
    },
  };
}
