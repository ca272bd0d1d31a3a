// One HTTPS request to the emulator, trusting its CA: the status, headers and text of the answer.
// Redirects are not followed, so tests see each Location the emulator sends.
import { Agent, request } from 'node:https';

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string>;
  /** Set-Cookie lines, kept apart because there may be several. */
  setCookies: string[];
  body: string;
}

export interface HttpsRequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  caCertificatePem?: string;
  agent?: Agent;
  timeoutMs?: number;
}

export function httpsRequest(url: string, options: HttpsRequestOptions = {}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const call = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: {
          ...(options.body === undefined ? {} : { 'content-length': Buffer.byteLength(options.body).toString() }),
          ...options.headers,
        },
        ...(options.agent ? { agent: options.agent } : { ca: options.caCertificatePem, agent: false }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers))
            if (name !== 'set-cookie' && value !== undefined) headers[name] = String(value);
          resolve({
            status: response.statusCode ?? 0,
            headers,
            setCookies: response.headers['set-cookie'] ?? [],
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    if (options.timeoutMs)
      call.setTimeout(options.timeoutMs, () =>
        call.destroy(new Error(`no answer from ${new URL(url).pathname} within ${options.timeoutMs} ms`)),
      );
    call.on('error', reject);
    call.end(options.body);
  });
}

export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}
