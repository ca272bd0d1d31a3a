// Where a person's msal-node token cache is kept between requests, sealed: the session store decides
// where (src/storage/storage.ts: a SQLite row or Redis key of its own, or the memory store's session).
// Each operation's ConfidentialClientApplication loads it before and saves it after, through this
// plugin (src/storage/sealed-token-cache.ts).
import type { ICachePlugin } from '@azure/msal-node';
import type { AppSession } from './session-types.ts';

export interface TokenCacheStore {
  /** msal-node's cache plugin for this person's session only. */
  pluginFor(session: AppSession): ICachePlugin;
}
