// The benchmark runs the emulator, the app and the ceiling server each in a process of its own, so
// that each one's memory is its own and the load generator does not share their event loop. This
// is the small protocol between them: the child says it is ready, then answers calls by name.
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

type Message =
  | { type: 'ready'; value: unknown }
  | { type: 'call'; id: number; op: string; args: unknown[] }
  | { type: 'reply'; id: number; value?: unknown; error?: string };

export interface Memory {
  rssBytes: number;
  heapUsedBytes: number;
  /** What V8 holds for its heap, used or not (most of RSS beyond the code). */
  heapTotalBytes: number;
  /** The most the process has held since it started. */
  peakRssBytes: number;
  /** CPU time (user + system) the process has used since it started, in milliseconds. */
  cpuMs: number;
}

export interface Child<Ready> {
  pid: number;
  ready: Ready;
  call<T>(op: string, ...args: unknown[]): Promise<T>;
  memory(): Promise<Memory>;
  stop(): Promise<void>;
}

/** Forks `script` (a path relative to bench/) with extra environment and waits for it to be ready. */
export async function startChild<Ready>(
  script: string,
  env: Record<string, string>,
  options: { quiet?: boolean; execArgv?: string[] } = {},
): Promise<Child<Ready>> {
  const child: ChildProcess = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    env: { ...process.env, ...env },
    execArgv: [...process.execArgv, ...(options.execArgv ?? [])],
    // The app logs a line per request: to /dev/null, as a production log shipper would take it away.
    stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
    child.on('message', (message: Message) => {
      if (message.type === 'ready') resolve(message.value as Ready);
      if (message.type !== 'reply') return;
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.error !== undefined) waiting?.reject(new Error(`${script}: ${message.error}`));
      else waiting?.resolve(message.value);
    });
  });

  const call = <T>(op: string, ...args: unknown[]) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ type: 'call', id, op, args } satisfies Message);
    });

  return {
    pid: child.pid!,
    ready,
    call,
    memory: () => call<Memory>('memory'),
    async stop() {
      if (child.exitCode !== null) return;
      await call('close').catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The child's side: announce `ready`, then answer calls; `close` runs last and ends the process. */
export function serveParent(
  ready: unknown,
  handlers: Record<string, (...args: never[]) => unknown>,
  close: () => Promise<void>,
): void {
  const answer = async (message: Extract<Message, { type: 'call' }>) => {
    try {
      if (message.op === 'memory') return { value: memoryNow() };
      if (message.op === 'startProfile')
        return { value: await profiler.start(message.args[0] as 'cpu' | 'allocations' | undefined) };
      if (message.op === 'stopProfile') return { value: await profiler.stop(message.args[0] as string) };
      if (message.op === 'close') {
        await close();
        return { value: null };
      }
      const handler = handlers[message.op];
      if (!handler) throw new Error(`no operation ${message.op}`);
      return { value: await handler(...(message.args as never[])) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };
  process.on('message', (message: Message) => {
    if (message.type !== 'call') return;
    void answer(message).then((reply) => {
      process.send!({ type: 'reply', id: message.id, ...reply } satisfies Message, () => {
        if (message.op === 'close') process.disconnect();
      });
    });
  });
  // The parent going away ends the child too: nothing is left running after the benchmark.
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', value: ready } satisfies Message);
}

/**
 * A profile of just the part being measured (the app's start-up left out): CPU (`--cpu-prof`-like
 * files), or allocations (V8's sampling heap profiler, every 4 KB, keeping what the GC has since
 * collected, so it shows all that was allocated rather than what survived).
 */
const profiler = {
  session: undefined as Session | undefined,
  kind: 'cpu' as 'cpu' | 'allocations',
  async start(kind: 'cpu' | 'allocations' = 'cpu'): Promise<null> {
    this.session = new Session();
    this.session.connect();
    this.kind = kind;
    if (kind === 'allocations') {
      await this.session.post('HeapProfiler.enable');
      await this.session.post('HeapProfiler.startSampling', {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    } else {
      await this.session.post('Profiler.enable');
      await this.session.post('Profiler.start');
    }
    return null;
  },
  async stop(file: string): Promise<string> {
    const { profile } =
      this.kind === 'allocations'
        ? await this.session!.post('HeapProfiler.stopSampling')
        : await this.session!.post('Profiler.stop');
    this.session!.disconnect();
    writeFileSync(file, JSON.stringify(profile));
    return file;
  },
};

function memoryNow(): Memory {
  const usage = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    rssBytes: usage.rss,
    heapUsedBytes: usage.heapUsed,
    heapTotalBytes: usage.heapTotal,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}
