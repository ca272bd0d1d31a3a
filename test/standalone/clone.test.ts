// A person's clone has nothing beside it: the repository's committed state, cloned into an empty
// temporary folder with no shared/ anywhere above it, must install and pass the fast part of the test
// suite (type check and every non-browser test). This catches a test or script that reads a file
// outside the repository, or one that was never committed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const workspace = mkdtempSync(join(tmpdir(), 'pat-manager-clone-'));
const clone = join(workspace, 'pat-manager');

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** The environment of a shell a person opens: none of this vitest run's own variables (and no colours, to read the summary). */
function personsEnvironment(): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([name]) => !name.startsWith('VITEST') && !['NODE_OPTIONS', 'TEST', 'FORCE_COLOR'].includes(name),
  );
  return { ...Object.fromEntries(inherited), NO_COLOR: '1' };
}

function run(command: string, args: string[], cwd: string, timeoutMs: number) {
  const result = spawnSync(command, args, {
    cwd,
    env: personsEnvironment(),
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, error: result.error };
}

function ancestorsOf(folder: string): string[] {
  const found: string[] = [];
  for (let current = folder; dirname(current) !== current; current = dirname(current)) found.push(dirname(current));
  return found;
}

describe('the repository on its own', () => {
  it('clones into an empty folder with no shared/ above it', () => {
    const cloned = run('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone], workspace, 60_000);
    expect(cloned.output).toBe('');
    expect(cloned.status).toBe(0);
    expect(ancestorsOf(clone).filter((folder) => existsSync(join(folder, 'shared')))).toEqual([]);
    expect(existsSync(join(clone, 'node_modules'))).toBe(false);
  });

  it('installs with npm ci', () => {
    const installed = run('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], clone, 10 * 60_000);
    expect(installed.error).toBeUndefined();
    expect({ status: installed.status, tail: installed.output.slice(-2000) }).toMatchObject({ status: 0 });
  });

  it('passes the type check and every non-browser test there', () => {
    const typecheck = run('npm', ['run', 'typecheck'], clone, 5 * 60_000);
    expect({ status: typecheck.status, tail: typecheck.output.slice(-2000) }).toMatchObject({ status: 0 });
    const tested = run('npx', ['vitest', 'run'], clone, 10 * 60_000);
    const summary = tested.output
      .split('\n')
      .filter((line) => /Test Files|Tests /.test(line))
      .join('\n');
    expect({
      status: tested.status,
      summary,
      tail: tested.status === 0 ? '' : tested.output.slice(-4000),
    }).toMatchObject({ status: 0, tail: '' });
    expect(summary).toMatch(/Tests\s+\S*\d+ passed/);
    expect(summary).not.toMatch(/failed|skipped/);
  });
});
