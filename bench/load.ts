// Closed-loop HTTP load with autocannon: `connections` clients, each a signed-in session of its
// own (its cookie), for a fixed time. Latencies are kept to the microsecond (autocannon's own
// histogram rounds to whole milliseconds, too coarse for an overhead of about one).
import autocannon from 'autocannon';
import type { Memory } from './child.ts';
import { summarize, type Summary } from './stats.ts';

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  /** Session cookies (`name=value`), one per connection, reused round-robin if fewer. */
  cookies?: readonly string[];
  method?: 'GET' | 'POST';
  /** Builds each request's body from the connection's cookie (POSTs: a fresh form each time). */
  body?: (cookie: string | undefined) => string;
  /** Called once a second while the load runs (e.g. to sample memory). */
  everySecond?: () => void;
  /** The server's process, to report the CPU time it spent per request. */
  server?: { memory(): Promise<Memory> };
}

export interface LoadResult extends Summary {
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** CPU time (user + system) the server spent per request, when `server` was given. */
  cpuMsPerRequest?: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let nextCookie = 0;
  const cookies = options.cookies ?? [];
  const body = options.body;
  let finish!: (result: autocannon.Result) => void;
  let fail!: (error: unknown) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections,
      duration: options.seconds,
      method: options.method ?? 'GET',
      timeout: 30,
      setupClient(client) {
        const cookie = cookies.length > 0 ? cookies[nextCookie++ % cookies.length] : undefined;
        client.setHeaders({
          ...(cookie ? { cookie } : {}),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        });
      },
      ...(body
        ? {
            requests: [
              {
                setupRequest: (request) => ({ ...request, body: body(request.headers?.cookie as string | undefined) }),
              },
            ],
          }
        : {}),
    },
    (error, result) => (error ? fail(error) : finish(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const ticker = options.everySecond ? setInterval(options.everySecond, 1_000) : undefined;
  const cpuBefore = await options.server?.memory();
  const result = await finished;
  const cpuAfter = await options.server?.memory();
  clearInterval(ticker);
  const cpu =
    cpuBefore && cpuAfter && latencies.length > 0
      ? { cpuMsPerRequest: (cpuAfter.cpuMs - cpuBefore.cpuMs) / latencies.length }
      : {};
  return {
    ...summarize(latencies, result.duration),
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    ...cpu,
  };
}
