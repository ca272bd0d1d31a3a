// The app's one "now" for anything scheduled (when a job is due, when a kept token is revoked).
// Tests and the demo pass a clock they move, together with the emulator's, so nothing waits for
// real days to pass and no test sleeps.
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
