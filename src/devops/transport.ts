// Sends one Azure DevOps request with the signed-in person's token and applies the retry rules:
// - 401: ask the token source for a fresh token once and repeat (the request was refused at
//   authentication, so even a write has not happened and is safe to repeat);
// - GET only: one more try after a connection reset, or after 429/503 whose Retry-After is at most
//   2 seconds. Writes are never retried otherwise: a lost answer does not mean the write was lost.
// Everything else becomes a DevOpsError (see failures.ts).
import type { Agent } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import axios, { type AxiosInstance } from 'axios';
import type { Logger } from '../logging.ts';
import { createHttpsAgent } from '../http/https-agent.ts';
import { errorForNetworkFailure, errorForStatus, missingPermissionIn, unexpectedAnswer } from './failures.ts';
import { parseRetryAfter } from './retry-after.ts';
import type { AccessTokenSource } from './types.ts';

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface UpstreamRequest {
  /** The client operation, for logs and error messages (`listTokens`). */
  operation: string;
  method: HttpMethod;
  /** Absolute URL with every path segment already encoded. */
  url: string;
  /** Query values; axios encodes them. */
  params: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /**
   * The same access token was accepted a moment ago by another call, so a 401 here refuses the
   * person (permission), not the token: it is not repeated with a fresh one.
   */
  tokenJustAccepted?: boolean;
}

export interface UpstreamAnswer {
  status: number;
  /** Parsed JSON, or `undefined` for an empty body. */
  body: unknown;
  /** The `X-MS-ContinuationToken` header, by which Graph lists say there is a further page. */
  continuationHeader?: string | undefined;
}

export interface Transport {
  send(accessToken: AccessTokenSource, request: UpstreamRequest): Promise<UpstreamAnswer>;
  close(): void;
}

export interface TransportOptions {
  timeoutMs: number;
  ca?: string | undefined;
  /** A shared keep-alive agent; without one the transport makes (and closes) its own. */
  agent?: Agent | undefined;
  logger: Logger;
}

const MAX_RETRY_AFTER_SECONDS = 2;
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

type Outcome =
  | {
      type: 'answer';
      status: number;
      text: string;
      retryAfterSeconds: number | undefined;
      continuationHeader: string | undefined;
      missingPermission: string | undefined;
    }
  | { type: 'failure'; code: string; timedOut: boolean };

export function createTransport(options: TransportOptions): Transport {
  const ownAgent = options.agent ? undefined : createHttpsAgent({ ca: options.ca });
  const http = axios.create({
    httpsAgent: options.agent ?? ownAgent,
    timeout: options.timeoutMs,
    maxRedirects: 0,
    // Environment proxies would bypass the agent above (and its trusted CA); none is configured.
    proxy: false,
    maxContentLength: MAX_RESPONSE_BYTES,
    // Keep the raw text: this module decides what malformed JSON means.
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true },
    // Without X-TFS-FedAuthRedirect: Suppress, Azure DevOps answers a refused credential with a
    // redirect to its sign-in page (302/203) instead of 401, which would read as success.
    headers: { Accept: 'application/json', 'X-TFS-FedAuthRedirect': 'Suppress' },
  });
  const log = options.logger;

  async function send(accessToken: AccessTokenSource, request: UpstreamRequest): Promise<UpstreamAnswer> {
    let token = await accessToken({ forceRefresh: false });
    let refreshed = false;
    let retried = false;
    for (let attempt = 1; ; attempt += 1) {
      const started = performance.now();
      const outcome = await attemptOnce(http, request, token, options.timeoutMs);
      log.debug(
        {
          operation: request.operation,
          method: request.method,
          attempt,
          durationMs: Math.round(performance.now() - started),
          ...describe(outcome),
        },
        'Azure DevOps call',
      );

      // A refusal for want of a permission (insufficient_scope) is not cured by a fresh token either.
      if (
        outcome.type === 'answer' &&
        outcome.status === 401 &&
        !refreshed &&
        !request.tokenJustAccepted &&
        !outcome.missingPermission
      ) {
        refreshed = true;
        log.info({ operation: request.operation }, 'Azure DevOps refused the access token; retrying with a fresh one');
        token = await accessToken({ forceRefresh: true, refused: token });
        continue;
      }
      const delayMs = retried || request.method !== 'GET' ? undefined : retryDelayMs(outcome);
      if (delayMs !== undefined) {
        retried = true;
        log.info({ operation: request.operation, delayMs, ...describe(outcome) }, 'Retrying Azure DevOps call once');
        await sleep(delayMs);
        continue;
      }
      return finish(request, outcome);
    }
  }

  function finish(request: UpstreamRequest, outcome: Outcome): UpstreamAnswer {
    try {
      return answerOrThrow(request, outcome);
    } catch (error) {
      log.warn(
        { operation: request.operation, method: request.method, ...describe(outcome) },
        'Azure DevOps call failed',
      );
      throw error;
    }
  }

  return { send, close: () => ownAgent?.destroy() };
}

async function attemptOnce(
  http: AxiosInstance,
  request: UpstreamRequest,
  token: string,
  timeoutMs: number,
): Promise<Outcome> {
  // axios's timeout restarts on socket activity; this signal bounds the whole attempt. A timer of
  // our own, cleared as soon as the attempt ends: AbortSignal.timeout's stays armed (and its signal
  // registered for finalization) for the whole timeout after every call.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    const response = await http.request<string>({
      method: request.method,
      url: request.url,
      params: request.params,
      data: request.body,
      headers: { Authorization: `Bearer ${token}` },
      signal: deadline.signal,
    });
    const retryAfter = response.headers['retry-after'];
    const continuation = response.headers['x-ms-continuationtoken'];
    const challenge = response.headers['www-authenticate'];
    return {
      type: 'answer',
      status: response.status,
      text: typeof response.data === 'string' ? response.data : '',
      retryAfterSeconds: parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined),
      continuationHeader: typeof continuation === 'string' && continuation !== '' ? continuation : undefined,
      missingPermission: missingPermissionIn(typeof challenge === 'string' ? challenge : undefined),
    };
  } catch (error) {
    // Only the code is kept: axios errors carry the request config, Authorization header included.
    const code = axios.isAxiosError(error) && error.code ? error.code : 'UNKNOWN';
    const timedOut = deadline.signal.aborted || code === 'ETIMEDOUT' || code === 'ECONNABORTED';
    return { type: 'failure', code, timedOut };
  } finally {
    clearTimeout(timer);
  }
}

function retryDelayMs(outcome: Outcome): number | undefined {
  if (outcome.type === 'failure') return outcome.code === 'ECONNRESET' ? 0 : undefined;
  const { status, retryAfterSeconds } = outcome;
  if (
    (status === 429 || status === 503) &&
    retryAfterSeconds !== undefined &&
    retryAfterSeconds <= MAX_RETRY_AFTER_SECONDS
  ) {
    return retryAfterSeconds * 1000;
  }
  return undefined;
}

function answerOrThrow({ operation, method }: UpstreamRequest, outcome: Outcome): UpstreamAnswer {
  const write = method !== 'GET';
  if (outcome.type === 'failure') throw errorForNetworkFailure(operation, outcome.code, outcome.timedOut, write);
  const { status, text } = outcome;
  const parsed = parseJson(text);
  if (status >= 200 && status < 300) {
    if (!parsed.ok) throw unexpectedAnswer(operation, status, 'malformed JSON', write);
    return { status, body: parsed.value, continuationHeader: outcome.continuationHeader };
  }
  throw errorForStatus(
    operation,
    status,
    parsed.ok ? parsed.value : undefined,
    outcome.retryAfterSeconds,
    outcome.missingPermission,
  );
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function describe(outcome: Outcome): Record<string, unknown> {
  return outcome.type === 'answer'
    ? { status: outcome.status, retryAfterSeconds: outcome.retryAfterSeconds }
    : { networkError: outcome.code, timedOut: outcome.timedOut };
}
