// msal-node's INetworkModule for tests: all identity HTTP over node:https with a keep-alive agent
// that trusts the emulator's CA (the app has its own client; this one is for driving the emulator).
import { Agent } from 'node:https';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { httpsRequest } from './https-request.ts';

export interface TestNetworkClient extends INetworkModule {
  agent: Agent;
}

export function emulatorNetworkClient(
  caCertificatePem: string,
  options: { timeoutMs?: number } = {},
): TestNetworkClient {
  const agent = new Agent({ ca: caCertificatePem, keepAlive: true });
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function send<T>(
    method: 'GET' | 'POST',
    url: string,
    request: NetworkRequestOptions | undefined,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const answer = await httpsRequest(url, {
      method,
      agent,
      headers: request?.headers ?? {},
      ...(request?.body === undefined ? {} : { body: request.body }),
      timeoutMs: timeout ?? timeoutMs,
    });
    let body: T;
    try {
      body = JSON.parse(answer.body) as T;
    } catch {
      throw new Error(`unreadable JSON from ${new URL(url).pathname} (HTTP ${answer.status})`);
    }
    return { status: answer.status, headers: answer.headers, body };
  }

  return {
    agent,
    sendGetRequestAsync: (url, request, timeout) => send('GET', url, request, timeout),
    sendPostRequestAsync: (url, request) => send('POST', url, request),
  };
}
