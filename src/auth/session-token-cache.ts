// Each person's msal-node token cache lives in their own session, never in a cache shared by the
// process: msal's DistributedCachePlugin loads it before and saves it after every token operation.
import { DistributedCachePlugin, type ICacheClient, type ICachePlugin, type IPartitionManager } from '@azure/msal-node';
import type { Session, SessionData } from 'express-session';
import './session-types.ts';

type AppSession = Session & Partial<SessionData>;

/** The session is the partition, so the key only names it. */
const SESSION_PARTITION = 'session';

export function sessionTokenCachePlugin(session: AppSession): ICachePlugin {
  const client: ICacheClient = {
    get: async () => session.tokenCache ?? '',
    set: async (_key, value) => {
      session.tokenCache = value;
      return value;
    },
  };
  const partitions: IPartitionManager = {
    getKey: async () => SESSION_PARTITION,
    extractKey: async () => SESSION_PARTITION,
  };
  return new DistributedCachePlugin(client, partitions);
}
