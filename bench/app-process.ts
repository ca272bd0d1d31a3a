// PAT Manager itself, in a process of its own, started exactly as the tests start it (startServer
// with a configuration read from the environment the benchmark hands over).
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logging.ts';
import { startServer } from '../src/server.ts';
import { serveParent } from './child.ts';

const config = loadConfig(process.env);
const running = await startServer(config, createLogger(config.logLevel));
serveParent({ url: running.url }, {}, () => running.close());
