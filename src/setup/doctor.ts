// `npm run doctor`: reads the configuration the app reads and checks, one line each, what a failed
// sign-in would otherwise be the first sign of. Exit code 0 only if no check fails. In demo mode
// (no AZURE_CLIENT_ID) it starts the local emulator as `npm start` does and checks that.
import { baseUrlOf, readEnvironment, wantsDemo } from '../config/config.ts';
import { DATA_DIR, keepDataPrivate } from '../storage/private-data.ts';
import { CHECKS, type CheckResult, type DoctorContext } from './doctor-checks.ts';

const LABELS: Record<CheckResult['status'], string> = { pass: 'ok  ', fail: 'FAIL', skip: 'skip' };
const print = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  keepDataPrivate(DATA_DIR, { create: false });
  let env = readEnvironment();
  const stops: Array<() => Promise<void>> = [];
  if (wantsDemo(env)) {
    const { startDemoEmulator } = await import('../demo/demo-environment.ts');
    // A port of its own, so that a demo already running on the usual one is left alone.
    const demo = await startDemoEmulator({ dataDir: DATA_DIR, port: 0, baseUrl: baseUrlOf(env) });
    env = { ...env, ...demo.settings };
    stops.push(() => demo.emulator.close());
    print(`PAT Manager doctor: demo mode (no AZURE_CLIENT_ID), checking the local emulator at ${demo.emulator.origin}`);
  } else {
    print('PAT Manager doctor: checking the settings in .env and the environment');
  }

  const context: DoctorContext = { env };

  let failed = 0;
  try {
    for (const check of CHECKS) {
      const result = await check.run(context);
      if (result.status === 'fail') failed++;
      print(`  ${LABELS[result.status]}  ${check.title}: ${result.detail}`);
      if (result.fix) print(`        fix: ${result.fix}`);
    }
  } finally {
    context.upstream?.agent.destroy();
    for (const stop of stops) await stop();
  }
  print(failed ? `${failed} of ${CHECKS.length} checks failed.` : `No check failed (${CHECKS.length} checks).`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('npm run doctor failed:', error);
    process.exit(1);
  },
);
