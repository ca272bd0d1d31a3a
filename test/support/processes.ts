// Child processes for tests (redis-server, nginx, app instances): their output kept for
// inspection, readiness awaited with a deadline, and a stop that always ends them, by their own pid
// only: SIGTERM, then SIGKILL if they take too long.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface ChildService {
  readonly name: string;
  readonly child: ChildProcess;
  /** stdout and stderr lines, in order. */
  readonly lines: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once a line matches, or rejects after `timeoutMs` (or if the process exits first). */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`. Harmless if it already exited. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startChild(name: string, command: string, args: string[], options: SpawnOptions = {}): ChildService {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts.filter(Boolean));
      for (const wake of waiters) wake();
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  let hasExited = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close', not 'exit': by then its output has been read to the end.
    child.once('close', (code, signal) => {
      hasExited = true;
      for (const wake of waiters) wake();
      resolve({ code, signal });
    });
    child.once('error', (error) => {
      lines.push(`${name} could not be started: ${error.message}`);
      hasExited = true;
      for (const wake of waiters) wake();
      resolve({ code: null, signal: null });
    });
  });

  return {
    name,
    child,
    lines,
    exited,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            finish(
              new Error(
                `${name}: no line matching ${pattern} within ${timeoutMs} ms; output:\n${lines.slice(-20).join('\n')}`,
              ),
            ),
          timeoutMs,
        );
        const check = () => {
          const line = lines.find((candidate) => pattern.test(candidate));
          if (line !== undefined) finish(undefined, line);
          else if (hasExited)
            finish(new Error(`${name} exited before printing ${pattern}; output:\n${lines.slice(-20).join('\n')}`));
        };
        function finish(error?: Error, line?: string) {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve(line!);
        }
        waiters.add(check);
        check();
      });
    },
    async stop(graceMs = 5000) {
      if (!hasExited && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const result = await exited;
        clearTimeout(killer);
        return result;
      }
      return exited;
    },
  };
}

/** Polls `check` until it returns true, or fails after `timeoutMs` saying what was awaited. */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check().catch(() => false)) return Math.round(performance.now() - started);
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
