// The emulator's clock. `now` is the time its services count with (token lifetimes, expiry, a
// refresh token's 90 idle days): tests pass the clock they move, together with the app's, so a
// rotation due in 25 days is due when they say. The offset is apart: it plays a machine whose clock
// is off, seen only in the `Date` header (the doctor compares its own clock with it).
import type { RequestHandler } from 'express';

export interface EmulatorClock {
  now(): Date;
  setOffsetSeconds(seconds: number): void;
  /** Applied before every route. */
  dateHeader: RequestHandler;
}

export function createClock(base: () => number = Date.now): EmulatorClock {
  let offsetMs = 0;
  return {
    now: () => new Date(base()),
    setOffsetSeconds(seconds) {
      if (!Number.isFinite(seconds)) throw new RangeError('clock offset must be a number of seconds');
      offsetMs = seconds * 1000;
    },
    dateHeader(_req, res, next) {
      if (offsetMs !== 0 || base !== Date.now) res.setHeader('Date', new Date(base() + offsetMs).toUTCString());
      next();
    },
  };
}
