// Checking an authorize request, in the order that decides where an error may go: until the client
// and its redirect URI are known good, errors are shown on a page (never sent to an unregistered
// URI); after that they go back to the application, as `error` and `error_description`.
import type { Directory } from '../directory.ts';
import type { ClientRegistry, EmulatorClient } from './clients.ts';
import { hasRedirectUri } from './clients.ts';
import {
  IdentityError,
  invalidCodeChallengeSize,
  invalidParameter,
  missingParameter,
  noReplyAddress,
  redirectUriMismatch,
  singleTenantApplication,
  unknownClient,
  unsupportedResponseMode,
  unsupportedResponseType,
} from './errors.ts';
import { parseScopes, type RequestedScopes } from './scopes.ts';
import { resolveTenant, type TenantSegment } from './tenants.ts';

type ResponseMode = 'query' | 'fragment' | 'form_post';

export interface ReplyTarget {
  redirectUri: string;
  responseMode: ResponseMode;
  state: string | undefined;
}

export interface AuthorizeRequest {
  tenant: TenantSegment;
  client: EmulatorClient;
  reply: ReplyTarget;
  scope: string;
  requested: RequestedScopes;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: 'plain' | 'S256' | undefined;
  prompt: string | undefined;
  loginHint: string | undefined;
  wantsClientInfo: boolean;
  /** Every parameter as received, to carry through the sign-in form. */
  parameters: Record<string, string>;
}

export type AuthorizeCheck =
  { ok: true; request: AuthorizeRequest } | { ok: false; error: IdentityError; reply: ReplyTarget | undefined };

const RESPONSE_MODES: ResponseMode[] = ['query', 'fragment', 'form_post'];

export function checkAuthorizeRequest(
  tenantSegment: string,
  parameters: Record<string, string>,
  registry: { directory: Directory; clients: ClientRegistry },
): AuthorizeCheck {
  let reply: ReplyTarget | undefined;
  try {
    const tenant = resolveTenant(tenantSegment, registry.directory);
    const client = knownClient(parameters.client_id, registry.clients, tenant.tenantId);
    if (tenant.multiTenant && client.signInAudience === 'AzureADMyOrg') throw singleTenantApplication(client.clientId);
    const redirectUri = registeredRedirectUri(parameters.redirect_uri, client);
    const responseMode = parameters.response_mode ?? 'query';
    reply = {
      redirectUri,
      responseMode: isResponseMode(responseMode) ? responseMode : 'query',
      state: parameters.state,
    };
    if (!isResponseMode(responseMode)) throw unsupportedResponseMode(responseMode);
    return { ok: true, request: checkProtocol(parameters, { tenant, client, reply }) };
  } catch (error) {
    if (error instanceof IdentityError) return { ok: false, error, reply };
    throw error;
  }
}

function knownClient(clientId: string | undefined, clients: ClientRegistry, tenantId: string): EmulatorClient {
  if (!clientId) throw missingParameter('client_id');
  const client = clients.find(clientId);
  if (!client) throw unknownClient(clientId, tenantId);
  return client;
}

function registeredRedirectUri(redirectUri: string | undefined, client: EmulatorClient): string {
  if (!redirectUri) throw noReplyAddress();
  if (!hasRedirectUri(client, redirectUri)) throw redirectUriMismatch(redirectUri, client.clientId);
  return redirectUri;
}

function isResponseMode(value: string): value is ResponseMode {
  return (RESPONSE_MODES as string[]).includes(value);
}

function checkProtocol(
  parameters: Record<string, string>,
  known: { tenant: TenantSegment; client: EmulatorClient; reply: ReplyTarget },
): AuthorizeRequest {
  const responseType = parameters.response_type;
  if (!responseType) throw missingParameter('response_type');
  // Only the code flow: the implicit and hybrid grants are not enabled for emulated applications.
  if (responseType !== 'code') throw unsupportedResponseType(responseType);
  const scope = parameters.scope;
  if (!scope?.trim()) throw missingParameter('scope');
  const requested = parseScopes(scope, known.tenant.tenantId);
  const { codeChallenge, codeChallengeMethod } = checkPkce(parameters);
  return {
    ...known,
    scope,
    requested,
    nonce: parameters.nonce,
    codeChallenge,
    codeChallengeMethod,
    prompt: parameters.prompt,
    loginHint: parameters.login_hint,
    wantsClientInfo: parameters.client_info === '1',
    parameters,
  };
}

/**
 * PKCE is optional for confidential clients. With a challenge and no method the challenge is
 * plain (RFC 7636); both plain and S256 are supported, as Microsoft documents.
 */
function checkPkce(parameters: Record<string, string>): {
  codeChallenge: string | undefined;
  codeChallengeMethod: 'plain' | 'S256' | undefined;
} {
  const challenge = parameters.code_challenge;
  const method = parameters.code_challenge_method;
  if (method !== undefined && method !== 'plain' && method !== 'S256') throw invalidParameter('code_challenge_method');
  if (challenge === undefined) {
    if (method !== undefined) throw missingParameter('code_challenge');
    return { codeChallenge: undefined, codeChallengeMethod: undefined };
  }
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(challenge)) throw invalidCodeChallengeSize();
  return { codeChallenge: challenge, codeChallengeMethod: method ?? 'plain' };
}
