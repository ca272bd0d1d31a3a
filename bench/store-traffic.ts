// What a page costs the session store: how often express-session reads, writes and touches the
// session, and how many bytes of session data go each way. Counted around the store's class in the
// bench's own app process (the app's code is not changed for it), and only while asked, so the
// counting (a JSON.stringify per read) costs nothing in the timed runs. Bytes are the session data
// as express-session hands it over (JSON), before anything the store itself does to it.
import type session from 'express-session';
import { SqliteSessionStore } from '../src/storage/sqlite-session-store.ts';

export interface StoreTraffic {
  reads: number;
  readBytes: number;
  writes: number;
  writeBytes: number;
  touches: number;
}

type Callback<T = void> = (error?: unknown, value?: T) => void;

const none = (): StoreTraffic => ({ reads: 0, readBytes: 0, writes: 0, writeBytes: 0, touches: 0 });
let traffic: StoreTraffic | undefined;
const bytesOf = (data: unknown) => Buffer.byteLength(JSON.stringify(data));

/** Wraps the SQLite session store's get, set and touch (the store the benchmark's app uses). */
export function countSessionStoreTraffic(): { start(): void; stop(): StoreTraffic } {
  const store = SqliteSessionStore.prototype;
  const { get, set, touch } = store;
  store.get = function (id: string, callback: Callback<session.SessionData | null>) {
    get.call(this, id, (error, data) => {
      if (traffic && !error) {
        traffic.reads += 1;
        if (data) traffic.readBytes += bytesOf(data);
      }
      callback(error, data);
    });
  };
  store.set = function (id: string, data: session.SessionData, callback?: Callback) {
    if (traffic) {
      traffic.writes += 1;
      traffic.writeBytes += bytesOf(data);
    }
    set.call(this, id, data, callback);
  };
  store.touch = function (id: string, data: session.SessionData, callback?: Callback) {
    if (traffic) traffic.touches += 1;
    touch.call(this, id, data, callback);
  };
  return {
    start: () => {
      traffic = none();
    },
    stop: () => {
      const counted = traffic ?? none();
      traffic = undefined;
      return counted;
    },
  };
}
