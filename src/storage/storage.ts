// Where per-person state lives, chosen in this one place from the configuration: the session store,
// where each person's sealed msal-node token cache goes, how readiness checks the store, and how to
// close it. SQLite (default) keeps the token cache in a row of its own beside the session, Redis
// (shared by every instance) under a key of its own, and the memory store inside the session.
import session from 'express-session';
import type { TokenCacheStore } from '../session/token-cache-store.ts';
import type { AppConfig, RedisSettings } from '../config/config.ts';
import type { Logger } from '../logging.ts';
import { createSqliteActivityLog, type ActivityLog } from './activity-log.ts';
import { inProcessClaims, redisClaims, type Claims } from './claims.ts';
import { createSqlitePersonRecords, type PersonRecords } from './person-records.ts';
import { redisPersonRecords } from './redis-person-records.ts';
import { redisActivityLog } from './redis-activity-log.ts';
import { createRedisConnection } from './redis-connection.ts';
import type { Store as RateLimitStore } from 'express-rate-limit';
import { redisRateLimitStore } from './redis-rate-limit-store.ts';
import { redisKeys } from './redis-keys.ts';
import { RedisSessionStore } from './redis-session-store.ts';
import { redisTokenCacheSlot } from './redis-token-cache.ts';
import { inSessionSlot, sealedTokenCache } from './sealed-token-cache.ts';
import type { Sealer } from './sealing.ts';
import { SqliteSessionStore } from './sqlite-session-store.ts';
import { storeUnavailable } from './store-unavailable.ts';
import type { DatabaseSync } from 'node:sqlite';
import { redisOfflineCacheSlots, sqliteOfflineCacheSlots, type OfflineCacheSlots } from './offline-token-caches.ts';
import { claimSqliteFile, openSqliteFile } from './sqlite-file.ts';
import type { RedisConnection } from './redis-connection.ts';
import { redisDeliveries, sqliteDeliveries, type Deliveries } from '../notifications/deliveries.ts';
import {
  redisAuditGatheringSlots,
  sqliteAuditGatheringSlots,
  type AuditGatheringSlots,
} from './audit-gathering-slots.ts';

export interface Storage {
  sessionStore: session.Store;
  tokenCache: TokenCacheStore;
  /** One-time forms in flight, shared by every instance that shares the store. */
  claims: Claims;
  /** What people did through PAT Manager: in SQLite, or in Redis when instances share it. */
  activity: ActivityLog;
  /** Per-person records (vault links, old tokens a rotation kept): their own SQLite file, or Redis. */
  records: PersonRecords;
  /** Where the sign-in rate limit counts when instances share a store (Redis); in process memory otherwise. */
  rateLimitStore?: RateLimitStore;
  /** Each person's sealed offline token cache (for background jobs): the jobs file, or Redis. */
  offlineCaches: OfflineCacheSlots;
  /** What reminders were sent to whom (one record per message's key and channel). */
  deliveries: Deliveries;
  /** The organization audits gathered and being gathered (sealed): the jobs file, or Redis. */
  auditGatherings: AuditGatheringSlots;
  /** Where jobs wait: the embedded engine's SQLite file, or the shared Redis (BullMQ). */
  jobs:
    | { kind: 'sqlite'; database: DatabaseSync }
    | { kind: 'redis'; connection: RedisConnection; settings: RedisSettings };
  /** Readiness: resolves when the store answers, rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The embedded job engine's file: jobs and offline caches, for this process alone. */
function openJobsFile(file: string): { database: DatabaseSync; close(): void } {
  const claim = claimSqliteFile(file);
  const database = openSqliteFile(file);
  database.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 2000;');
  return {
    database,
    close() {
      if (database.isOpen) database.close();
      claim.release();
    },
  };
}

export function createStorage(config: AppConfig, logger: Logger, sealer: Sealer): Storage {
  const idleSeconds = config.session.idleMinutes * 60;
  switch (config.session.store) {
    case 'sqlite': {
      const jobsFile = openJobsFile(config.automation.jobsFile);
      const activity = createSqliteActivityLog(config.activityFile, logger);
      const store = new SqliteSessionStore(config.session.sqliteFile, idleSeconds * 1000);
      const records = createSqlitePersonRecords(config.vaultLinksFile, { movedFrom: config.activityFile });
      return {
        sessionStore: store,
        tokenCache: sealedTokenCache(store.tokenCacheSlot, sealer, logger),
        claims: inProcessClaims(),
        activity,
        records,
        offlineCaches: sqliteOfflineCacheSlots(jobsFile.database),
        deliveries: sqliteDeliveries(jobsFile.database),
        auditGatherings: sqliteAuditGatheringSlots(jobsFile.database),
        jobs: { kind: 'sqlite', database: jobsFile.database },
        ping: async () => {
          try {
            store.ping();
          } catch (error) {
            throw storeUnavailable('readiness query', error);
          }
        },
        close: async () => {
          store.close();
          activity.close();
          records.close();
          jobsFile.close();
        },
      };
    }
    case 'memory': {
      const jobsFile = openJobsFile(config.automation.jobsFile);
      const activity = createSqliteActivityLog(config.activityFile, logger);
      const records = createSqlitePersonRecords(config.vaultLinksFile, { movedFrom: config.activityFile });
      return {
        sessionStore: new session.MemoryStore(),
        tokenCache: sealedTokenCache(inSessionSlot, sealer, logger),
        claims: inProcessClaims(),
        activity,
        records,
        offlineCaches: sqliteOfflineCacheSlots(jobsFile.database),
        deliveries: sqliteDeliveries(jobsFile.database),
        auditGatherings: sqliteAuditGatheringSlots(jobsFile.database),
        jobs: { kind: 'sqlite', database: jobsFile.database },
        ping: async () => {},
        close: async () => (activity.close(), records.close(), jobsFile.close()),
      };
    }
    case 'redis': {
      const settings = config.session.redis;
      if (!settings) throw new Error('SESSION_STORE=redis needs REDIS_URL'); // config.ts says so first
      const connection = createRedisConnection(settings, logger);
      const keys = redisKeys(settings.keyPrefix);
      return {
        sessionStore: new RedisSessionStore(connection, keys, idleSeconds),
        tokenCache: sealedTokenCache(redisTokenCacheSlot(connection, keys, idleSeconds), sealer, logger),
        claims: redisClaims(connection, keys),
        activity: redisActivityLog(connection, keys, logger),
        records: redisPersonRecords(connection, keys),
        rateLimitStore: redisRateLimitStore(connection, settings.keyPrefix),
        offlineCaches: redisOfflineCacheSlots(connection, keys.offlineCache),
        deliveries: redisDeliveries(connection, keys.deliveries),
        auditGatherings: redisAuditGatheringSlots(connection, keys.auditGathering),
        jobs: { kind: 'redis', connection, settings },
        ping: () => connection.ping(),
        close: () => connection.close(),
      };
    }
  }
}
