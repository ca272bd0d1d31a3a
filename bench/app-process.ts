// PAT Manager itself, in a process of its own, started exactly as the tests start it (startServer
// with a configuration read from the environment the benchmark hands over, and a clock the parent
// can move, as the tests move theirs). The only addition is a counter around the session store's
// class, off unless the benchmark turns it on.
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logging.ts';
import { startServer } from '../src/server.ts';
import { serveParent } from './child.ts';
import { countSessionStoreTraffic } from './store-traffic.ts';

const storeTraffic = countSessionStoreTraffic();
const config = loadConfig(process.env);
/** The real time until the parent moves it (`advanceClock`), together with the emulator's. */
let clockOffsetMs = 0;
const clock = { now: () => Date.now() + clockOffsetMs };
const running = await startServer(config, createLogger(config.logLevel), { clock });
serveParent(
  { url: running.url },
  {
    countStoreTraffic: () => storeTraffic.start(),
    storeTraffic: () => storeTraffic.stop(),
    advanceClock: (ms: number) => (clockOffsetMs += ms),
    runDueJobs: () => running.runDueJobs(),
  },
  () => running.close(),
);
