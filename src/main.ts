// `npm start`: read the settings, start the demo emulator when no Azure app registration is
// configured, then serve PAT Manager until asked to stop.
import { enableCompileCache } from 'node:module';
import { join } from 'node:path';
import { DATA_DIR, keepDataPrivate } from './storage/private-data.ts';
import type { DemoEmulator } from './demo/demo-environment.ts';

keepDataPrivate(DATA_DIR);
// V8's compiled code is kept between starts, beside the sessions: a start then skips compiling
// the app and its libraries again (about a quarter of a second of CPU). It must be on before they
// load, so they are imported here rather than at the top.
enableCompileCache(join(DATA_DIR, 'compile-cache'));
const { ConfigError, baseUrlOf, loadConfig, readEnvironment, wantsDemo } = await import('./config/config.ts');
const { createLogger } = await import('./logging.ts');
const { startServer } = await import('./server.ts');

/** The demo emulator's port unless DEMO_EMULATOR_PORT says otherwise; taken, a free one is used. */
const DEMO_EMULATOR_PORT = 5443;
/** Closing the store and the emulator after the requests' deadline gets this much longer. */
const FORCED_EXIT_AFTER_DEADLINE_MS = 5000;

async function main(): Promise<void> {
  let env = readEnvironment();
  const stops: Array<() => Promise<void>> = [];
  let demoEmulator: DemoEmulator | undefined;

  if (wantsDemo(env)) {
    const { startDemoEmulator } = await import('./demo/demo-environment.ts');
    const start = (port: number) => startDemoEmulator({ dataDir: DATA_DIR, port, baseUrl: baseUrlOf(env) });
    const chosenPort = env.DEMO_EMULATOR_PORT;
    let demo: Awaited<ReturnType<typeof start>>;
    try {
      demo = await start(chosenPort === undefined ? DEMO_EMULATOR_PORT : Number(chosenPort));
    } catch (error) {
      if (!isAddressInUse(error)) throw error;
      if (chosenPort !== undefined)
        throw new ConfigError(
          `DEMO_EMULATOR_PORT ${chosenPort} is in use (another demo?): choose another port, or leave it unset to take a free one.`,
        );
      // Another demo has the usual port: this one takes any free port, so two demos run side by side.
      demo = await start(0);
      console.log(
        `Port ${DEMO_EMULATOR_PORT} is taken (another demo?), so this demo's emulator is at ${demo.emulator.origin}.`,
      );
    }
    // A demo's automatic rotations are looked for every 10 s (unless set), so "Run now" shows soon.
    env = { JOBS_POLL_SECONDS: '10', ...env, ...demo.settings };
    stops.push(() => demo.emulator.close());
    demoEmulator = demo.emulator;
  }

  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  if (demoEmulator && config.session.store === 'sqlite') {
    const { linkDemoVaultSecrets } = await import('./demo/demo-environment.ts');
    await linkDemoVaultSecrets(demoEmulator, config.vaultLinksFile);
  }
  const running = await startServer(config, logger);
  stops.unshift(() => running.close());
  logger.info(
    { url: config.baseUrl.href, demo: config.demo, sessionStore: config.session.store },
    config.demo
      ? `PAT Manager demo (fake data, local emulator) at ${config.baseUrl.href}`
      : `PAT Manager at ${config.baseUrl.href}`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'stopping at once (second signal): requests in flight are cut off');
      process.exit(1);
    }
    stopping = true;
    logger.info(
      { signal, timeoutMs: config.shutdownTimeoutMs },
      'shutting down: no new connections, finishing requests in flight',
    );
    // Whatever happens below, the process ends: a stop that hangs is cut off soon after the deadline.
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + FORCED_EXIT_AFTER_DEADLINE_MS).unref();
    try {
      for (const stop of stops) await stop();
    } catch (error) {
      logger.error({ errorName: (error as Error)?.name, errorMessage: (error as Error)?.message }, 'shutdown failed');
      process.exit(1);
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

function isAddressInUse(error: unknown): error is NodeJS.ErrnoException & { port: number } {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

main().catch((error: unknown) => {
  // A configuration mistake is one clear line, not a stack trace.
  if (error instanceof ConfigError) console.error(`PAT Manager cannot start: ${error.message}`);
  else if (isAddressInUse(error))
    console.error(
      `PAT Manager cannot start: port ${error.port} is in use (another PAT Manager?). Set PORT to a free port.`,
    );
  else console.error('PAT Manager cannot start:', error);
  process.exit(1);
});
