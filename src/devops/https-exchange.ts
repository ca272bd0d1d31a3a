// One HTTPS request and its whole answer as text, over the shared keep-alive agent, with nothing
// in between: no redirects followed, no proxy, no decompression, a size limit and a deadline.
// (axios did the same for about twice the CPU per call: on the token list page that was a tenth
// of PAT Manager's own work.) Errors carry only a code, never the request and its Authorization.
import { request, type Agent } from 'node:https';

export interface Exchange {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** JSON text, sent with its length. */
  body?: string | undefined;
  agent: Agent;
  /** Aborts the request wherever it is: the whole attempt's deadline. */
  signal: AbortSignal;
  maxAnswerBytes: number;
}

export interface ExchangeAnswer {
  status: number;
  text: string;
  retryAfter: string | undefined;
}

/** A failed exchange: the system's code (ECONNRESET, ECONNREFUSED, ABORT_ERR...) and nothing else. */
export class ExchangeError extends Error {
  override name = 'ExchangeError';
  readonly code: string;
  constructor(code: string) {
    super(code);
    this.code = code;
  }
}

const codeOf = (error: unknown) => new ExchangeError(typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'UNKNOWN');

export function exchange(options: Exchange): Promise<ExchangeAnswer> {
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => reject(codeOf(error));
    const headers = options.body === undefined ? options.headers : { ...options.headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(options.body)) };
    const call = request(options.url, { method: options.method, agent: options.agent, headers, signal: options.signal }, (answer) => {
      const chunks: Buffer[] = [];
      let size = 0;
      answer.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxAnswerBytes) call.destroy(new ExchangeError('ERR_ANSWER_TOO_LARGE'));
        else chunks.push(chunk);
      });
      answer.on('error', fail);
      answer.on('close', () => {
        if (!answer.complete) return fail(new ExchangeError('ECONNRESET'));
        const retryAfter = answer.headers['retry-after'];
        resolve({ status: answer.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined });
      });
    });
    call.on('error', fail);
    call.end(options.body);
  });
}
