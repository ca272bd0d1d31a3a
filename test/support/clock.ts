// The clock tests move: real time plus an offset, read by the app's jobs and the emulator alike.
import { DAY_MS } from '../../src/days.ts';

export interface MovableClock {
  now(): number;
  advance(ms: number): void;
  advanceDays(days: number): void;
  reset(): void;
}

export function movableClock(): MovableClock {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    advance(ms) {
      offsetMs += ms;
    },
    advanceDays(days) {
      offsetMs += days * DAY_MS;
    },
    reset() {
      offsetMs = 0;
    },
  };
}
