// The one Redis connection of an instance, set up so that an outage never hangs or crashes it:
// - every store operation is answered within the time limit (run), else it fails with
//   StoreUnavailableError; node-redis's own command timeout stops counting once a command is
//   written, so it cannot bound a Redis that accepts commands and never answers;
// - while disconnected, commands fail at once (no offline queue), and a stalled Redis can hold only
//   so many (the queue limit), so memory stays bounded whatever happens;
// - a connection silent for longer than a keep-alive PING plus the time limit is dead (a stalled
//   server, or a peer that vanished without a reset): it is closed and replaced, not left to TCP;
// - the client reconnects by itself for as long as it takes, and its 'error' events are logged
//   once per outage instead of being thrown.
import { createRequire } from 'node:module';
import type { RedisClientType, createClient as CreateClient } from 'redis';
import type { RedisSettings } from '../config/config.ts';
import type { Logger } from '../logging.ts';
import { StoreUnavailableError, storeUnavailable } from './store-unavailable.ts';

type RedisClient = RedisClientType;

export interface RedisConnection {
  client: RedisClient;
  /** One store operation within the time limit; any failure becomes StoreUnavailableError. */
  run<T>(operation: string, work: () => Promise<T>): Promise<T>;
  /** Readiness: resolves when Redis answers PING within the time limit. */
  ping(): Promise<void>;
  /** Lets commands in flight finish (within the time limit), then disconnects. Idempotent. */
  close(): Promise<void>;
}

/** A new connection attempt may take this long; requests never wait for it (they fail at once). */
const CONNECT_TIMEOUT_MS = 5000;
const MAX_RECONNECT_DELAY_MS = 2000;
const KEEPALIVE_PING_MS = 2000;
/** Far more than an instance has in flight when Redis answers; reached only when it stalls. */
const MAX_QUEUED_COMMANDS = 1000;

/** Exponential back-off with a little jitter, so instances don't reconnect in lockstep; never gives up. */
function reconnectDelay(retries: number): number {
  return Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 100);
}

/**
 * node-redis is loaded when a connection is first made, not at start: an instance that keeps its
 * sessions in SQLite would otherwise carry about 5 MB of heap for it. Synchronously, because the
 * stores are built synchronously.
 */
const requireAtFirstUse = createRequire(import.meta.url);

export function createRedisConnection(settings: RedisSettings, logger: Logger): RedisConnection {
  const { createClient } = requireAtFirstUse('redis') as { createClient: typeof CreateClient };
  const client: RedisClient = createClient({
    url: settings.url,
    disableOfflineQueue: true,
    commandsQueueMaxLength: MAX_QUEUED_COMMANDS,
    pingInterval: KEEPALIVE_PING_MS,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: KEEPALIVE_PING_MS + settings.timeoutMs,
      reconnectStrategy: reconnectDelay,
    },
  });
  const log = logger.child({ component: 'redis' });
  // 'up' once connected; an error while up is an outage worth one warning, later ones are noise.
  let state: 'connecting' | 'up' | 'down' = 'connecting';

  client.on('ready', () => {
    log.info(state === 'down' ? 'redis: connected again; sessions are available' : 'redis: connected');
    state = 'up';
  });
  client.on('error', (error: Error) => {
    // The URL may carry a password, so the log names the error only.
    const detail = { errorName: error.name, errorMessage: error.message };
    if (state === 'down') log.debug(detail, 'redis: still unreachable');
    else
      log.warn(
        detail,
        state === 'up'
          ? 'redis: connection lost; pages that need a session answer 503 until it is back'
          : 'redis: cannot connect yet; retrying',
      );
    state = 'down';
  });

  // Not awaited: the instance serves (signed-out pages, /healthz, /readyz says 503) while Redis is away.
  client.connect().catch((error: unknown) => {
    log.debug({ errorName: (error as Error)?.name }, 'redis: stopped connecting');
  });

  function run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new StoreUnavailableError(operation, new Error(`no answer within ${settings.timeoutMs} ms`))),
        settings.timeoutMs,
      );
      // A late answer or failure after the deadline is dropped here, so nothing goes unhandled.
      Promise.resolve()
        .then(work)
        .then(resolve, (error: unknown) => reject(storeUnavailable(operation, error)))
        .finally(() => clearTimeout(timer));
    });
  }

  let closing: Promise<void> | undefined;
  return {
    client,
    run,
    ping: () => run('PING', () => client.ping()).then(() => undefined),
    close() {
      closing ??= (async () => {
        if (!client.isOpen) return;
        const closed = client.close().then(() => true);
        const timedOut = new Promise<false>((resolve) => setTimeout(() => resolve(false), settings.timeoutMs).unref());
        if (!(await Promise.race([closed, timedOut]))) client.destroy();
      })();
      return closing;
    },
  };
}
