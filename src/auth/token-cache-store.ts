// Where a person's msal-node token cache is kept between requests. The session store decides
// (src/storage/storage.ts): inside the session itself, or under its own Redis key. Either way each
// operation's ConfidentialClientApplication loads it before and saves it after, through this plugin.
import type { ICachePlugin } from '@azure/msal-node';
import type { AppSession } from './session-types.ts';

export interface TokenCacheStore {
  /** msal-node's cache plugin for this person's session only. */
  pluginFor(session: AppSession): ICachePlugin;
}
