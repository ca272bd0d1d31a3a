// What a page costs SQLite: every statement the app's process runs, counted at node:sqlite itself
// (not around a store's class), so a throttled touch that changes nothing is not a write and the
// token cache's own row is seen when it is read. Statements on the session tables (sessions,
// token_caches) are counted apart from the rest (activity log, vault links). Only while asked (the
// methods are wrapped between start and stop), so the counting costs nothing in the timed runs. Bytes are the text and blob values read or bound.
import { StatementSync } from 'node:sqlite';

export interface SqlTraffic {
  /** SELECTs, and the bytes of the values they returned. */
  reads: number;
  readBytes: number;
  /** Statements that changed at least one row, and the bytes of the values bound to them. */
  writes: number;
  writeBytes: number;
  /** Statements that could write but changed nothing (a throttled touch). */
  unchanged: number;
}

export interface StoreTraffic {
  sessions: SqlTraffic;
  other: SqlTraffic;
}

const none = (): SqlTraffic => ({ reads: 0, readBytes: 0, writes: 0, writeBytes: 0, unchanged: 0 });
let traffic: StoreTraffic | undefined;
const SESSION_TABLES = /\b(sessions|token_caches)\b/;

function bytesOf(values: unknown): number {
  if (typeof values === 'string') return Buffer.byteLength(values);
  if (values instanceof Uint8Array) return values.byteLength;
  if (Array.isArray(values)) return values.reduce((sum: number, value) => sum + bytesOf(value), 0);
  if (values && typeof values === 'object') return bytesOf(Object.values(values));
  return 0;
}

function counterFor(statement: StatementSync): SqlTraffic | undefined {
  if (!traffic) return undefined;
  return SESSION_TABLES.test(statement.sourceSQL) ? traffic.sessions : traffic.other;
}

/**
 * Counts node:sqlite's statements (get, all, run) between start and stop: the wrappers are put on
 * the prototype only then, so the timed runs execute the plain methods.
 */
export function countSessionStoreTraffic(): { start(): void; stop(): StoreTraffic } {
  const prototype = StatementSync.prototype;
  const { get, all, run } = prototype;
  /** A read (get or all): counted, with the bytes of what it returned. */
  const countingRead = <T extends typeof get | typeof all>(read: T): T =>
    function (this: StatementSync, ...parameters: unknown[]) {
      const answer = (read as (...args: unknown[]) => unknown).apply(this, parameters);
      const counter = counterFor(this);
      if (counter) {
        counter.reads += 1;
        counter.readBytes += bytesOf(answer);
      }
      return answer;
    } as T;
  const counting = {
    get: countingRead(get),
    all: countingRead(all),
    run: function (this: StatementSync, ...parameters: unknown[]) {
      const result = (run as (...args: unknown[]) => { changes: number | bigint }).apply(this, parameters);
      const counter = counterFor(this);
      if (counter) {
        if (Number(result.changes) > 0) {
          counter.writes += 1;
          counter.writeBytes += bytesOf(parameters);
        } else {
          counter.unchanged += 1;
        }
      }
      return result;
    } as typeof run,
  };
  return {
    start: () => {
      traffic = { sessions: none(), other: none() };
      Object.assign(prototype, counting);
    },
    stop: () => {
      Object.assign(prototype, { get, all, run });
      const counted = traffic ?? { sessions: none(), other: none() };
      traffic = undefined;
      return counted;
    },
  };
}
