// A person's msal-node token cache kept inside their own session (SQLite and memory stores): msal's
// DistributedCachePlugin loads it before and saves it after every token operation, and it goes
// wherever the session goes, sign-out included.
import { DistributedCachePlugin, type ICacheClient, type IPartitionManager } from '@azure/msal-node';
import type { TokenCacheStore } from './token-cache-store.ts';

/** The session is the partition, so the key only names it. */
const SESSION_PARTITION = 'session';
const partitions: IPartitionManager = {
  getKey: async () => SESSION_PARTITION,
  extractKey: async () => SESSION_PARTITION,
};

export const inSessionTokenCache: TokenCacheStore = {
  pluginFor(session) {
    const client: ICacheClient = {
      get: async () => session.tokenCache ?? '',
      set: async (_key, value) => {
        session.tokenCache = value;
        return value;
      },
    };
    return new DistributedCachePlugin(client, partitions);
  },
};
