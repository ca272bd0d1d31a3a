// The emulator's clock as its answers show it (the `Date` header). Tests move it to play a machine
// whose clock is off: PAT Manager's doctor compares its own clock with the identity platform's
// `Date`. Tokens keep the real time, so only the header tells.
import type { RequestHandler } from 'express';

export interface EmulatorClock {
  setOffsetSeconds(seconds: number): void;
  /** Applied before every route. */
  dateHeader: RequestHandler;
}

export function createClock(): EmulatorClock {
  let offsetMs = 0;
  return {
    setOffsetSeconds(seconds) {
      if (!Number.isFinite(seconds)) throw new RangeError('clock offset must be a number of seconds');
      offsetMs = seconds * 1000;
    },
    dateHeader(_req, res, next) {
      if (offsetMs !== 0) res.setHeader('Date', new Date(Date.now() + offsetMs).toUTCString());
      next();
    },
  };
}
