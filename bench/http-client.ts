// A small HTTP(S) client for the benchmark's own requests (sign-in, priming, probing): keep-alive
// agents, the emulator's CA trusted, no redirects followed, the session cookie handled by callers.
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpClient {
  send(method: string, url: string, options?: { headers?: Record<string, string>; body?: string }): Promise<Answer>;
  close(): void;
}

export function createHttpClient(options: { ca?: string; maxSockets?: number; timeoutMs?: number } = {}): HttpClient {
  const maxSockets = options.maxSockets ?? 64;
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const httpsAgent = new HttpsAgent({
    keepAlive: true,
    maxSockets,
    maxFreeSockets: maxSockets,
    ...(options.ca ? { ca: options.ca } : {}),
  });
  const timeoutMs = options.timeoutMs ?? 30_000;

  return {
    send(method, url, { headers = {}, body } = {}) {
      const secure = url.startsWith('https:');
      return new Promise((resolve, reject) => {
        const call = (secure ? httpsRequest : httpRequest)(
          url,
          {
            method,
            agent: secure ? httpsAgent : httpAgent,
            headers: {
              ...headers,
              ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
            },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('error', reject);
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                headers: response.headers,
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
          },
        );
        call.setTimeout(timeoutMs, () =>
          call.destroy(new Error(`no answer from ${method} ${new URL(url).pathname} within ${timeoutMs} ms`)),
        );
        call.on('error', reject);
        call.end(body);
      });
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** The `name=value` pair a response sets for `name`, if it sets one. */
export function setCookie(headers: IncomingHttpHeaders, name: string): string | undefined {
  for (const line of headers['set-cookie'] ?? []) {
    const pair = line.split(';', 1)[0]!;
    if (pair.startsWith(`${name}=`)) return pair;
  }
  return undefined;
}

export function form(fields: Record<string, string | readonly string[]>): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) body.append(name, item);
  return body.toString();
}
