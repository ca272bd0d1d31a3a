// Running `npm run register` and `npm run doctor` as a person does: the command in a process of its
// own, in a folder of its own holding the .env it reads (and register writes), with a clean
// environment. For register's device code flow, the person's part happens on the emulator's
// /devicelogin page, from the address and code the command printed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '../../../src/emulator/index.ts';
import type { SignInChoice } from '../../emulator/support/emulator-sign-in.ts';
import { completeDeviceLogin } from '../../emulator/support/device-login.ts';
import { startChild } from '../../support/processes.ts';

const SRC = join(import.meta.dirname, '..', '..', '..', 'src');
const COMMAND_TIMEOUT_MS = 30_000;

export interface CommandRun {
  code: number | null;
  lines: string[];
  output: string;
}

/** A folder with a .env holding these lines (comments welcome). */
export function setupFolder(envLines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'pat-manager-setup-'));
  writeFileSync(join(dir, '.env'), `${envLines.join('\n')}\n`);
  return dir;
}

/** The settings that point the commands (and the app) at the emulator instead of Microsoft. */
export function emulatorEnvLines(emulator: RunningEmulator, baseUrl: string): string[] {
  return [
    '# PAT Manager against the local emulator',
    `BASE_URL=${baseUrl}`,
    `IDENTITY_BASE_URL=${emulator.urls.identity}`,
    `GRAPH_BASE_URL=${emulator.urls.graph}`,
    `AZURE_DEVOPS_PATS_BASE_URL=${emulator.urls.pats}`,
    `AZURE_DEVOPS_PROFILE_BASE_URL=${emulator.urls.profile}`,
    `AZURE_DEVOPS_AUDIT_BASE_URL=${emulator.urls.audit}`,
    `UPSTREAM_CA_FILE=${emulator.caCertificateFile}`,
  ];
}

export type DeviceLogin = SignInChoice | 'let-expire' | 'none';

export async function runRegister(
  dir: string,
  args: string[],
  options: { emulator: RunningEmulator; login: DeviceLogin; pathPrefix?: string },
): Promise<CommandRun> {
  const child = startChild('register', process.execPath, [join(SRC, 'setup', 'register.ts'), ...args], {
    cwd: dir,
    env: { PATH: `${options.pathPrefix ? `${options.pathPrefix}:` : ''}${process.env.PATH ?? ''}` },
  });
  try {
    if (options.login !== 'none') {
      const line = await child.waitForLine(/enter the code \w+/, COMMAND_TIMEOUT_MS);
      const [, url, code] = /open the page (\S+) and enter the code (\w+)/.exec(line)!;
      if (options.login === 'let-expire') options.emulator.control.expireDeviceCodes();
      else await completeDeviceLogin(url!, code!, options.login, options.emulator.caCertificatePem);
    }
    const timer = setTimeout(() => void child.stop(1000), COMMAND_TIMEOUT_MS);
    const { code } = await child.exited;
    clearTimeout(timer);
    return { code, lines: child.lines, output: child.lines.join('\n') };
  } finally {
    await child.stop(1000);
  }
}

export async function runDoctor(dir: string, env: Record<string, string> = {}): Promise<CommandRun> {
  const child = startChild('doctor', process.execPath, [join(SRC, 'setup', 'doctor.ts')], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  const timer = setTimeout(() => void child.stop(1000), COMMAND_TIMEOUT_MS);
  const { code } = await child.exited;
  clearTimeout(timer);
  return { code, lines: child.lines, output: child.lines.join('\n') };
}
