// Each person's msal-node token cache (refresh, access and ID tokens), sealed before any store sees
// it. msal-node's DistributedCachePlugin loads the cache before and saves it after every token
// operation; this plugin opens and seals it on the way, and the store keeps only the sealed blob in
// a slot of its own (a SQLite row, a Redis key, or the session itself for the memory store), read
// only when msal-node needs it.
import { DistributedCachePlugin, type ICacheClient, type IPartitionManager } from '@azure/msal-node';
import type { AppSession } from '../session/session-types.ts';
import type { TokenCacheStore } from '../session/token-cache-store.ts';
import type { Logger } from '../logging.ts';
import { UNSEAL_FAILURE_WORDS, type Sealer } from './sealing.ts';

/** Where one session's sealed token cache is kept: the blob, nothing else. */
export interface TokenCacheSlot {
  read(session: AppSession): Promise<string | undefined>;
  write(session: AppSession, sealed: string): Promise<void>;
}

/** For the memory store: the sealed blob rides in the session itself. */
export const inSessionSlot: TokenCacheSlot = {
  read: async (session) => session.tokenCache,
  write: async (session, sealed) => {
    session.tokenCache = sealed;
  },
};

/** The session is the partition (the slot is found from it), so the key only names it. */
const SESSION_PARTITION = 'session';
const partitions: IPartitionManager = {
  getKey: async () => SESSION_PARTITION,
  extractKey: async () => SESSION_PARTITION,
};

/** Bound to the session id when used: after sign-in regenerates it, the new one. */
export function tokenCacheContext(session: Pick<AppSession, 'id'>): string {
  return `token-cache:${session.id}`;
}

export function sealedTokenCache(slot: TokenCacheSlot, sealer: Sealer, logger: Logger): TokenCacheStore {
  return {
    pluginFor(session) {
      const client: ICacheClient = {
        get: async () => {
          const sealed = await slot.read(session);
          if (!sealed) return '';
          const opened = sealer.open(sealed, tokenCacheContext(session));
          if (opened.ok) return opened.plaintext;
          // An empty cache: msal-node then asks for an interactive sign-in, which is what we want.
          logger.warn(
            { reason: UNSEAL_FAILURE_WORDS[opened.reason] },
            'token cache could not be opened; the person must sign in again',
          );
          return '';
        },
        set: async (_key, value) => {
          await slot.write(session, sealer.seal(value, tokenCacheContext(session)));
          return value;
        },
      };
      return new DistributedCachePlugin(client, partitions);
    },
  };
}
