// A private redis-server for one test file (Debian's package): loopback only, on a free port, its
// config, data and log in a temp dir, in the foreground (no daemon). It saves on stop, so a restart
// finds the sessions it had, as a production Redis with persistence would.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './harness.ts';
import { startChild, type ChildService } from './processes.ts';

const READY_TIMEOUT_MS = 10_000;

export interface TestRedis {
  url: string;
  port: number;
  pid(): number | undefined;
  /** Stops it (SIGTERM: it saves, then exits). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it for good; safe to call whatever state it is in. */
  close(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'pat-manager-redis-'));
  const port = await freePort();
  const configFile = join(dir, 'redis.conf');
  writeFileSync(
    configFile,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      'protected-mode yes',
      'daemonize no',
      `dir ${dir}`,
      'dbfilename dump.rdb',
      // A save point makes redis-server save at SIGTERM (and nothing else runs that long).
      'save 3600 1',
      'appendonly no',
      'logfile ""',
      'loglevel warning',
    ].join('\n'),
  );
  let service: ChildService | undefined;

  async function start() {
    service = startChild('redis-server', 'redis-server', [configFile]);
    const { lines } = service;
    // loglevel warning prints nothing when all is well, so wait until the port answers PING.
    const started = performance.now();
    while (!(await answersPing(port))) {
      const gone = service.child.pid === undefined || service.child.exitCode !== null;
      if (gone || performance.now() - started > READY_TIMEOUT_MS) {
        await stop();
        throw new Error(
          `redis-server did not start (is Debian's redis-server package installed?):\n${lines.join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function stop() {
    const current = service;
    service = undefined;
    if (current) await current.stop(5000);
  }

  await start();
  return { url: `redis://127.0.0.1:${port}`, port, pid: () => service?.child.pid, stop, start, close: stop };
}

/** A raw RESP PING, so that this helper does not depend on the client under test. */
async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
