// The Azure DevOps access token msal-node gave out last, kept sealed in the session so that most pages
// need neither msal-node nor the token cache. It is bound to the session id: a copy in another
// session does not open.
import type { AuthenticationResult } from '@azure/msal-node';
import type { Logger } from '../logging.ts';
import { UNSEAL_FAILURE_WORDS, type Sealer } from '../storage/sealing.ts';
import type { AppSession } from './session-types.ts';

function context(session: AppSession): string {
  return `access-token:${session.id}`;
}

export function rememberAccessToken(session: AppSession, result: AuthenticationResult, sealer: Sealer): void {
  if (!result.accessToken || !result.expiresOn) return;
  session.accessToken = { sealed: sealer.seal(result.accessToken, context(session)), expiresOnMs: result.expiresOn.getTime() };
}

/** The remembered token while it has more than `marginMs` left, else undefined (and it is forgotten). */
export function rememberedAccessToken(session: AppSession, marginMs: number, sealer: Sealer, logger: Logger): string | undefined {
  const remembered = session.accessToken;
  if (!remembered) return undefined;
  if (remembered.expiresOnMs - Date.now() > marginMs && typeof remembered.sealed === 'string') {
    const opened = sealer.open(remembered.sealed, context(session));
    if (opened.ok) return opened.plaintext;
    logger.warn({ reason: UNSEAL_FAILURE_WORDS[opened.reason] }, 'remembered access token could not be opened; asking msal-node');
  }
  delete session.accessToken;
  return undefined;
}
