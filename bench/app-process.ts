// PAT Manager itself, in a process of its own, started exactly as the tests start it (startServer
// with a configuration read from the environment the benchmark hands over). The only addition is a
// counter around the session store's class, off unless the benchmark turns it on.
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logging.ts';
import { startServer } from '../src/server.ts';
import { serveParent } from './child.ts';
import { countSessionStoreTraffic } from './store-traffic.ts';

const storeTraffic = countSessionStoreTraffic();
const config = loadConfig(process.env);
const running = await startServer(config, createLogger(config.logLevel));
serveParent(
  { url: running.url },
  { countStoreTraffic: () => storeTraffic.start(), storeTraffic: () => storeTraffic.stop() },
  () => running.close(),
);
