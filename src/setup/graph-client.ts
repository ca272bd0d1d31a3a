// The Microsoft Graph v1.0 calls an app registration needs, over the app's shared keep-alive agent
// with its timeout. Answers are checked with zod; failures become GraphRequestError with Graph's own
// code and message, which never carry a token or secret.
import axios, { type AxiosInstance } from 'axios';
import type { Agent } from 'node:https';
import { z } from 'zod';

export class GraphRequestError extends Error {
  override name = 'GraphRequestError';
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const applicationSchema = z.object({
  id: z.string(),
  appId: z.string(),
  displayName: z.string(),
  signInAudience: z.string(),
  tags: z.array(z.string()).default([]),
  web: z.object({ redirectUris: z.array(z.string()).default([]) }).nullish(),
  requiredResourceAccess: z
    .array(
      z.object({
        resourceAppId: z.string(),
        resourceAccess: z.array(z.object({ id: z.string(), type: z.enum(['Scope', 'Role']) })),
      }),
    )
    .default([]),
  passwordCredentials: z
    .array(z.object({ keyId: z.string(), displayName: z.string().nullish(), endDateTime: z.string().nullish() }))
    .default([]),
});
export type GraphApplication = z.infer<typeof applicationSchema>;

const passwordSchema = z.object({ keyId: z.string(), secretText: z.string().min(1), endDateTime: z.string() });
const servicePrincipalSchema = z.object({ id: z.string(), appId: z.string() });
const permissionScopeSchema = z.object({ id: z.string(), value: z.string().nullish() });
const resourcePrincipalSchema = servicePrincipalSchema.extend({
  oauth2PermissionScopes: z.array(permissionScopeSchema).default([]),
});
export type ResourcePrincipal = z.infer<typeof resourcePrincipalSchema>;
const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export type ResourceAccess = GraphApplication['requiredResourceAccess'][number];

export interface ApplicationFields {
  displayName?: string;
  signInAudience?: 'AzureADMyOrg' | 'AzureADMultipleOrgs';
  tags?: string[];
  web?: { redirectUris: string[]; logoutUrl?: string };
  requiredResourceAccess?: ResourceAccess[];
  keyCredentials?: Array<{ type: 'AsymmetricX509Cert'; usage: 'Verify'; key: string; displayName?: string }>;
}

export interface GraphClient {
  findApplications(by: { displayName: string } | { appId: string }): Promise<GraphApplication[]>;
  createApplication(fields: ApplicationFields & { displayName: string }): Promise<GraphApplication>;
  updateApplication(id: string, fields: ApplicationFields): Promise<void>;
  deleteApplication(id: string): Promise<void>;
  addPassword(id: string, displayName: string, endDateTime: Date): Promise<{ secretText: string; endDateTime: string }>;
  /** Creates the application's service principal; false when it already has one. */
  createServicePrincipal(appId: string): Promise<boolean>;
  /** A resource's service principal in the tenant (e.g. Azure DevOps), with the delegated permissions it offers. */
  findServicePrincipal(appId: string): Promise<ResourcePrincipal | undefined>;
}

export function createGraphClient(options: {
  baseUrl: string;
  accessToken: string;
  agent: Agent;
  timeoutMs: number;
}): GraphClient {
  const http: AxiosInstance = axios.create({
    baseURL: `${options.baseUrl}/v1.0`,
    httpsAgent: options.agent,
    timeout: options.timeoutMs,
    headers: { Authorization: `Bearer ${options.accessToken}` },
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: (body: unknown) => body,
    maxRedirects: 0,
  });

  async function call<T>(method: string, path: string, schema: z.ZodType<T> | undefined, data?: unknown): Promise<T> {
    let response;
    try {
      response = await http.request<string>({
        method,
        url: path,
        data,
        ...(data === undefined ? {} : { headers: { 'Content-Type': 'application/json' } }),
      });
    } catch (error) {
      const reason = axios.isAxiosError(error) ? (error.code ?? error.message) : 'network error';
      throw new GraphRequestError(0, 'Unreachable', `Microsoft Graph did not answer (${reason})`);
    }
    const body = parseJson(response.data);
    if (response.status >= 400) {
      const graphError = errorSchema.safeParse(body);
      const retry =
        response.status === 429 && response.headers['retry-after']
          ? `; try again in ${response.headers['retry-after']} s`
          : '';
      if (graphError.success)
        throw new GraphRequestError(
          response.status,
          graphError.data.error.code,
          `${graphError.data.error.message}${retry}`,
        );
      throw new GraphRequestError(
        response.status,
        'Unexpected',
        `Microsoft Graph answered HTTP ${response.status}${retry}`,
      );
    }
    if (!schema) return undefined as T;
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new GraphRequestError(
        response.status,
        'UnreadableAnswer',
        `Microsoft Graph sent an answer PAT Manager cannot read (${method} ${path.split('?')[0]})`,
      );
    return parsed.data;
  }

  return {
    async findApplications(by) {
      const filter = 'appId' in by ? `appId eq '${quote(by.appId)}'` : `displayName eq '${quote(by.displayName)}'`;
      const list = await call(
        'GET',
        `/applications?$filter=${encodeURIComponent(filter)}`,
        z.object({ value: z.array(applicationSchema) }),
      );
      return list.value;
    },
    createApplication: (fields) => call('POST', '/applications', applicationSchema, fields),
    updateApplication: (id, fields) => call('PATCH', `/applications/${encodeURIComponent(id)}`, undefined, fields),
    deleteApplication: (id) => call('DELETE', `/applications/${encodeURIComponent(id)}`, undefined),
    addPassword: (id, displayName, endDateTime) =>
      call('POST', `/applications/${encodeURIComponent(id)}/addPassword`, passwordSchema, {
        passwordCredential: { displayName, endDateTime: endDateTime.toISOString() },
      }),
    async findServicePrincipal(appId) {
      const filter = `appId eq '${quote(appId)}'`;
      const list = await call(
        'GET',
        `/servicePrincipals?$filter=${encodeURIComponent(filter)}`,
        z.object({ value: z.array(resourcePrincipalSchema) }),
      );
      return list.value[0];
    },
    async createServicePrincipal(appId) {
      try {
        await call('POST', '/servicePrincipals', servicePrincipalSchema, { appId });
        return true;
      } catch (error) {
        if (error instanceof GraphRequestError && error.code === 'Request_MultipleObjectsWithSameKeyValue')
          return false;
        throw error;
      }
    },
  };
}

/** OData doubles a quote inside a string literal. */
function quote(value: string): string {
  return value.replace(/'/g, "''");
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
