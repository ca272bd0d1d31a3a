// Sessions in Redis through connect-redis, with three additions: every operation is bounded in time,
// every failure becomes a StoreUnavailableError (so the error page can say what happened), and the
// session's msal-node token cache, which has a key of its own, lives exactly as long as the session:
// extended when the session is saved or touched, deleted when it is destroyed (sign-out, or the new
// session id at sign-in). A touch writes nothing unless the expiry would move by more than a minute.
import { RedisStore } from 'connect-redis';
import type { SessionData } from 'express-session';
import type { RedisConnection } from './redis-connection.ts';
import type { RedisKeys } from './redis-keys.ts';

/** As connect-redis declares it, so that express-session's callbacks fit. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- connect-redis's own declaration
type Callback = (error?: unknown, value?: any) => unknown;

/** A touch moves the expiry only when it would move by more than this (or a tenth of the idle time). */
const TOUCH_AFTER_MS = 60 * 1000;

/**
 * Touch, throttled, in one round trip: extend the session and its token cache only when the session's
 * stored expiry is more than ARGV[2] ms short of the new one (ARGV[1] ms from now).
 */
const THROTTLED_TOUCH = `
local remaining = redis.call('PTTL', KEYS[1])
if remaining < 0 or tonumber(ARGV[1]) - remaining <= tonumber(ARGV[2]) then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1`;

export class RedisSessionStore extends RedisStore {
  private readonly connection: RedisConnection;
  private readonly keys: RedisKeys;
  private readonly defaultTtlSeconds: number;

  constructor(connection: RedisConnection, keys: RedisKeys, defaultTtlSeconds: number) {
    super({ client: connection.client, prefix: keys.sessionPrefix, ttl: defaultTtlSeconds });
    this.connection = connection;
    this.keys = keys;
    this.defaultTtlSeconds = defaultTtlSeconds;
  }

  override get(sid: string, callback?: Callback): Promise<unknown> {
    return this.settle('session read', () => super.get(sid), callback);
  }

  override set(sid: string, session: SessionData, callback?: Callback): Promise<unknown> {
    const client = this.connection.client;
    // Both commands go out together on the one connection (node-redis pipelines them).
    return this.settle(
      'session write',
      () => Promise.all([super.set(sid, session), client.expire(this.keys.tokenCache(sid), this.ttlOf(session))]),
      callback,
    );
  }

  override touch(sid: string, session: SessionData, callback?: Callback): Promise<unknown> {
    const ttlMs = String(this.ttlOf(session) * 1000);
    const touchAfterMs = String(Math.min(TOUCH_AFTER_MS, (this.defaultTtlSeconds * 1000) / 10));
    const client = this.connection.client;
    return this.settle(
      'session touch',
      () =>
        client.eval(THROTTLED_TOUCH, {
          keys: [this.keys.session(sid), this.keys.tokenCache(sid)],
          arguments: [ttlMs, touchAfterMs],
        }),
      callback,
    );
  }

  override destroy(sid: string, callback?: Callback): Promise<unknown> {
    return this.settle(
      'session delete',
      () => this.connection.client.del([this.keys.session(sid), this.keys.tokenCache(sid)]),
      callback,
    );
  }

  /** Seconds until the session's cookie expires, as connect-redis computes it for the session key. */
  private ttlOf(session: SessionData): number {
    const expires = session.cookie?.expires;
    return expires ? Math.ceil((new Date(expires).getTime() - Date.now()) / 1000) : this.defaultTtlSeconds;
  }

  /** Runs the operation within the time limit, then answers the callback (or the promise) as express-session expects. */
  private async settle<T>(operation: string, work: () => Promise<T>, callback: Callback | undefined): Promise<unknown> {
    let result: T;
    try {
      result = await this.connection.run(operation, work);
    } catch (error) {
      if (callback) return callback(error);
      throw error;
    }
    return callback ? callback(null, result) : result;
  }
}
