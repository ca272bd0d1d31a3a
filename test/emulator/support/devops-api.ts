// Calls to the emulated Azure DevOps APIs over HTTPS, trusting the emulator's CA: URLs built the way
// a client builds them, answers with their JSON parsed.
import type { RunningEmulator } from '../../../src/emulator/index.ts';
import { httpsRequest } from './https-request.ts';

export const PATS_API_VERSION = '7.2-preview.1';

export type Query = Record<string, string | number | boolean | undefined>;

export interface DevOpsAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed JSON answer; undefined for an empty body. */
  body: any;
}

interface CallOptions {
  /** An access token (sent as `Bearer`), or a whole Authorization header value with `authorization`. */
  token?: string;
  authorization?: string;
  /** Sent as JSON; `rawBody` is sent as it is. */
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface DevOpsApi {
  /** `{pats}/{organization}/_apis/tokens/pats?...` with api-version unless the query sets it (undefined drops it). */
  patsUrl(organization: string, query?: Query): string;
  profileUrl(path: string, query?: Query): string;
  call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, options?: CallOptions): Promise<DevOpsAnswer>;
}

export function devOpsApi(emulator: RunningEmulator): DevOpsApi {
  return {
    patsUrl: (organization, query = {}) =>
      withQuery(`${emulator.urls.pats}/${organization}/_apis/tokens/pats`, {
        'api-version': PATS_API_VERSION,
        ...query,
      }),
    profileUrl: (path, query = {}) => withQuery(`${emulator.urls.profile}${path}`, { 'api-version': '7.1', ...query }),
    async call(method, url, options = {}) {
      const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      const authorization =
        options.authorization ?? (options.token === undefined ? undefined : `Bearer ${options.token}`);
      const answer = await httpsRequest(url, {
        method,
        caCertificatePem: emulator.caCertificatePem,
        headers: {
          accept: 'application/json',
          ...(authorization === undefined ? {} : { authorization }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        ...(body === undefined ? {} : { body }),
      });
      return {
        status: answer.status,
        headers: answer.headers,
        text: answer.body,
        body: answer.body === '' ? undefined : JSON.parse(answer.body),
      };
    },
  };
}

function withQuery(base: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}
