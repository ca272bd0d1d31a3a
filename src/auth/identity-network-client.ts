// All of msal-node's HTTP goes through this client (msal-node 7 has no agent options): one place
// for the trusted CA, keep-alive, timeouts and a log line per call that names no secret.
import axios, { type AxiosInstance } from 'axios';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { Agent } from 'node:https';
import type { Logger } from '../logging.ts';

export class IdentityUnavailableError extends Error {
  override name = 'IdentityUnavailableError';
}

export function createIdentityNetworkClient(options: {
  agent: Agent;
  timeoutMs: number;
  logger: Logger;
}): INetworkModule {
  const http: AxiosInstance = axios.create({
    httpsAgent: options.agent,
    timeout: options.timeoutMs,
    // msal-node reads error bodies itself (invalid_grant, interaction_required...), so no status throws.
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: (body: unknown) => body,
    maxRedirects: 0,
  });

  async function send<T>(
    method: 'GET' | 'POST',
    url: string,
    request?: NetworkRequestOptions,
    timeoutMs?: number,
  ): Promise<NetworkResponse<T>> {
    const started = performance.now();
    const target = new URL(url);
    try {
      const response = await http.request<string>({
        method,
        url,
        headers: request?.headers ?? {},
        data: request?.body,
        ...(timeoutMs ? { timeout: timeoutMs } : {}),
      });
      options.logger.debug(
        {
          method,
          host: target.host,
          path: target.pathname,
          status: response.status,
          ms: Math.round(performance.now() - started),
        },
        'identity call',
      );
      return {
        status: response.status,
        headers: lowercaseHeaders(response.headers),
        body: parseJson<T>(response.data, target),
      };
    } catch (error) {
      if (error instanceof IdentityUnavailableError) throw error;
      const reason = axios.isAxiosError(error) ? (error.code ?? error.message) : 'network error';
      options.logger.warn({ method, host: target.host, path: target.pathname, reason }, 'identity call failed');
      throw new IdentityUnavailableError(`The sign-in service did not answer (${reason})`);
    }
  }

  return {
    sendGetRequestAsync: (url, request, timeoutMs) => send('GET', url, request, timeoutMs),
    sendPostRequestAsync: (url, request) => send('POST', url, request),
  };
}

function parseJson<T>(text: string, target: URL): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new IdentityUnavailableError(`The sign-in service sent an unreadable answer from ${target.pathname}`);
  }
}

function lowercaseHeaders(headers: object): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
}
