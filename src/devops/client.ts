// The Azure DevOps client: one typed function per operation the app uses (PAT Lifecycle Management,
// profile, accounts). Routes call these and never axios. Base URLs and api-versions live here only.
import type { Agent } from 'node:https';
import type { Logger } from '../logging.ts';
import type { z } from 'zod';
import { createLogger } from '../logging.ts';
import { DevOpsError } from './errors.ts';
import { patTokenRefusal, unexpectedAnswer } from './failures.ts';
import { MESSAGES } from './messages.ts';
import { createTransport, type UpstreamAnswer } from './transport.ts';
import type { CreateTokenRequest, CreatedToken, DevOpsClient, ListTokensOptions, UpdateTokenRequest } from './types.ts';
import {
  toOrganizations,
  toPatToken,
  toProfile,
  wireAccounts,
  wirePagedPatTokens,
  wirePatToken,
  wirePatTokenResult,
  wireProfile,
  type WirePatToken,
} from './wire.ts';
import { GUID } from '../identifiers.ts';

export interface DevOpsClientOptions {
  /** https://vssps.dev.azure.com, or the emulator's. */
  patsBaseUrl: string;
  /** https://app.vssps.visualstudio.com, or the emulator's. */
  profileBaseUrl: string;
  timeoutMs: number;
  /** Extra CA (PEM) to trust, e.g. the emulator's. */
  ca?: string | undefined;
  /** The app's shared keep-alive agent (createHttpsAgent); without one the client makes its own from `ca`. */
  httpsAgent?: Agent | undefined;
  logger?: Logger | undefined;
}

/** PAT Lifecycle Management is a preview API, at the version (7.2) whose file documents today's refusals; profile and accounts are released at 7.1. */
const API_VERSION = { pats: '7.2-preview.1', profile: '7.1', accounts: '7.1' } as const;

/** Letters, digits and hyphens: also what keeps a user-chosen name from changing the path. */
export const ORGANIZATION_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,49}$/;
const MAX_PAGE_SIZE = 100;

export function createDevOpsClient(options: DevOpsClientOptions): DevOpsClient {
  const logger = (options.logger ?? createLogger('silent')).child({ component: 'azure-devops' });
  const transport = createTransport({
    timeoutMs: options.timeoutMs,
    ca: options.ca,
    agent: options.httpsAgent,
    logger,
  });
  const patsBase = withoutTrailingSlash(options.patsBaseUrl);
  const profileBase = withoutTrailingSlash(options.profileBaseUrl);

  function patsUrl(organization: string): string {
    if (!ORGANIZATION_NAME.test(organization)) {
      throw new DevOpsError({
        kind: 'notFound',
        userMessage: MESSAGES.organizationNameInvalid,
        message: 'organization name is not a valid Azure DevOps organization name',
      });
    }
    return `${patsBase}/${encodeURIComponent(organization)}/_apis/tokens/pats`;
  }

  return {
    async listTokens(accessToken, organization, list: ListTokensOptions) {
      if (!Number.isInteger(list.top) || list.top < 1 || list.top > MAX_PAGE_SIZE) {
        throw new RangeError(`top must be an integer from 1 to ${MAX_PAGE_SIZE}`);
      }
      const operation = 'listTokens';
      const answer = await transport.send(accessToken, {
        operation,
        method: 'GET',
        url: patsUrl(organization),
        params: {
          displayFilterOption: list.filter,
          sortByOption: list.sortBy,
          isSortAscending: list.ascending,
          $top: list.top,
          continuationToken: list.continuationToken || undefined,
          'api-version': API_VERSION.pats,
        },
      });
      const page = validated(operation, answer, wirePagedPatTokens);
      return { tokens: page.patTokens.map(toPatToken), continuationToken: page.continuationToken || null };
    },

    async getToken(accessToken, organization, authorizationId) {
      const operation = 'getToken';
      const answer = await transport.send(accessToken, {
        operation,
        method: 'GET',
        url: patsUrl(organization),
        params: { authorizationId: checkedAuthorizationId(authorizationId), 'api-version': API_VERSION.pats },
      });
      return toPatToken(patTokenFrom(operation, answer));
    },

    async createToken(accessToken, organization, request: CreateTokenRequest): Promise<CreatedToken> {
      const operation = 'createToken';
      const answer = await transport.send(accessToken, {
        operation,
        method: 'POST',
        url: patsUrl(organization),
        params: { 'api-version': API_VERSION.pats },
        body: {
          displayName: request.displayName,
          scope: request.scope,
          validTo: serviceDateText(request.validTo),
          allOrgs: request.allOrgs,
        },
      });
      const wire = patTokenFrom(operation, answer, WRITE);
      if (!wire.token) throw unexpectedAnswer(operation, answer.status, 'created token has no value', WRITE);
      return { token: toPatToken(wire), secret: wire.token };
    },

    async updateToken(accessToken, organization, request: UpdateTokenRequest) {
      const operation = 'updateToken';
      const answer = await transport.send(accessToken, {
        operation,
        method: 'PUT',
        url: patsUrl(organization),
        params: { 'api-version': API_VERSION.pats },
        // Only what changes is sent: an absent field keeps its value.
        body: {
          authorizationId: checkedAuthorizationId(request.authorizationId),
          ...(request.displayName === undefined ? {} : { displayName: request.displayName }),
          ...(request.scope === undefined ? {} : { scope: request.scope }),
          ...(request.validTo === undefined ? {} : { validTo: serviceDateText(request.validTo) }),
          ...(request.allOrgs === undefined ? {} : { allOrgs: request.allOrgs }),
        },
      });
      return toPatToken(patTokenFrom(operation, answer, WRITE));
    },

    async revokeToken(accessToken, organization, authorizationId) {
      const operation = 'revokeToken';
      const answer = await transport.send(accessToken, {
        operation,
        method: 'DELETE',
        url: patsUrl(organization),
        params: { authorizationId: checkedAuthorizationId(authorizationId), 'api-version': API_VERSION.pats },
      });
      // Documented as 200 (OpenAPI) or 204 (its example); a body, if any, may still carry a refusal.
      if (answer.status !== 200 && answer.status !== 204)
        throw unexpectedAnswer(operation, answer.status, 'unexpected status', WRITE);
      const result = wirePatTokenResult.safeParse(answer.body);
      if (result.success && result.data.patTokenError !== 'none') {
        throw patTokenRefusal(operation, answer.status, result.data.patTokenError, result.data.patTokenErrorMessage);
      }
    },

    async getMyProfile(accessToken) {
      const operation = 'getMyProfile';
      const answer = await transport.send(accessToken, {
        operation,
        method: 'GET',
        url: `${profileBase}/_apis/profile/profiles/me`,
        params: { 'api-version': API_VERSION.profile },
      });
      return toProfile(validated(operation, answer, wireProfile));
    },

    async listOrganizations(accessToken, memberId) {
      const operation = 'listOrganizations';
      const answer = await transport.send(accessToken, {
        operation,
        method: 'GET',
        url: `${profileBase}/_apis/accounts`,
        params: { memberId, 'api-version': API_VERSION.accounts },
      });
      return toOrganizations(validated(operation, answer, wireAccounts));
    },

    close: () => transport.close(),
  };
}

/** A PatTokenResult: a refusal if `patTokenError` is not "none", otherwise its checked `patToken`. */
function patTokenFrom(operation: string, answer: UpstreamAnswer, write = false): WirePatToken {
  const result = validated(operation, answer, wirePatTokenResult, write);
  if (result.patTokenError !== 'none')
    throw patTokenRefusal(operation, answer.status, result.patTokenError, result.patTokenErrorMessage);
  return validated(operation, { status: answer.status, body: result.patToken }, wirePatToken, write);
}

/** Create, update and revoke: an answer they cannot read may follow a change that was made. */
const WRITE = true;

export function validated<Schema extends z.ZodType>(
  operation: string,
  answer: UpstreamAnswer,
  schema: Schema,
  write = false,
): z.output<Schema> {
  const result = schema.safeParse(answer.body);
  if (!result.success) {
    // Only where the shape differed, never the values: a created token's body holds its secret.
    const where = result.error.issues.map((issue) => issue.path.map(String).join('.') || '(body)').join(', ');
    throw unexpectedAnswer(operation, answer.status, `wrong shape at ${where}`, write);
  }
  return result.data;
}

function checkedAuthorizationId(authorizationId: string): string {
  if (!GUID.test(authorizationId)) {
    throw new DevOpsError({
      kind: 'notFound',
      userMessage: MESSAGES.tokenIdInvalid,
      message: 'authorizationId is not a GUID',
    });
  }
  return authorizationId;
}

function serviceDateText(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new DevOpsError({
      kind: 'rejected',
      userMessage: MESSAGES.validToInvalid,
      message: 'validTo is not a date',
      field: 'validTo',
    });
  }
  return date.toISOString();
}

export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
