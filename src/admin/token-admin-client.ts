// The organization administrator's Azure DevOps client: Graph users, a person's PATs through token
// administration, revocation on their behalf, and the check whether the signed-in person may do any
// of it. Same transport (axios over the app's shared keep-alive agent, timeouts, retry rules) and
// same errors as the PAT client; routes call these and never axios.
import type { Agent } from 'node:https';
import { z } from 'zod';
import { ORGANIZATION_NAME, validated, withoutTrailingSlash } from '../devops/client.ts';
import { DevOpsError, isDevOpsError } from '../devops/errors.ts';
import { MESSAGES } from '../devops/messages.ts';
import { createTransport } from '../devops/transport.ts';
import type { AccessTokenSource } from '../devops/types.ts';
import type { Logger } from '../logging.ts';
import { createLogger } from '../logging.ts';
import type { AdminToken, OrgPerson, Paged } from './types.ts';
import { toAdminToken, toPeople, wireDescriptor, wireGraphUsers, wirePagedSessionTokens } from './wire.ts';
import { GUID } from '../identifiers.ts';

export interface TokenAdminClientOptions {
  /** https://vssps.dev.azure.com (Graph and token administration live there), or the emulator's. */
  baseUrl: string;
  timeoutMs: number;
  httpsAgent?: Agent | undefined;
  ca?: string | undefined;
  logger?: Logger | undefined;
}

export interface TokenAdminClient {
  /**
   * Whether the person is a Project Collection Administrator of the organization. Asked of token
   * administration itself, which answers only them (401 for anyone else, as its OpenAPI file
   * documents): their own descriptor, then one page of one token of their own.
   */
  isAdministrator(accessToken: AccessTokenSource, organization: string, profileId: string): Promise<boolean>;
  /** One page of the organization's people (Microsoft Entra and Microsoft accounts only). */
  listPeople(
    accessToken: AccessTokenSource,
    organization: string,
    continuationToken?: string,
  ): Promise<Paged<OrgPerson>>;
  /** One page of a person's PATs in the organization. */
  listTokensOf(
    accessToken: AccessTokenSource,
    organization: string,
    descriptor: string,
    continuationToken?: string,
  ): Promise<Paged<AdminToken>>;
  /** Revokes the tokens (204, no body, on success). */
  revoke(accessToken: AccessTokenSource, organization: string, authorizationIds: readonly string[]): Promise<void>;
  /**
   * A revocation rule (201, no body, on success): Azure DevOps refuses, from now on, every token of
   * the organization created before `createdBefore` that carries one of the scopes. It cannot be undone.
   */
  createRevocationRule(
    accessToken: AccessTokenSource,
    organization: string,
    rule: { scopes: readonly string[]; createdBefore: Date },
  ): Promise<void>;
}

const API_VERSION = { graphUsers: '7.1-preview.1', descriptors: '7.1', tokenAdmin: '7.2-preview.1' } as const;
/** The page size of the TokenAdmin example; larger pages are not documented. */
const TOKENS_PAGE_SIZE = 20;
/** The rule's answer: 201 with no body (documented); an empty object is taken as the same. */
const wireRuleCreated = z.union([z.undefined(), z.object({}).loose()]);
const SCOPE_NAME = /^[a-z_]+(\.[a-z_]+)+$|^app_token$/;
const DESCRIPTOR = /^[A-Za-z]{2,8}\.[A-Za-z0-9+/=_-]{1,1024}$/;

export function createTokenAdminClient(options: TokenAdminClientOptions): TokenAdminClient {
  const logger = (options.logger ?? createLogger('silent')).child({ component: 'azure-devops-admin' });
  const transport = createTransport({
    timeoutMs: options.timeoutMs,
    ca: options.ca,
    agent: options.httpsAgent,
    logger,
  });
  const base = withoutTrailingSlash(options.baseUrl);

  function apis(organization: string): string {
    if (!ORGANIZATION_NAME.test(organization)) {
      throw new DevOpsError({
        kind: 'notFound',
        userMessage: MESSAGES.organizationNameInvalid,
        message: 'organization name is not a valid Azure DevOps organization name',
      });
    }
    return `${base}/${encodeURIComponent(organization)}/_apis`;
  }

  function checkedDescriptor(descriptor: string): string {
    if (!DESCRIPTOR.test(descriptor))
      throw new DevOpsError({
        kind: 'notFound',
        userMessage: 'That person could not be found in the organization.',
        message: 'not a subject descriptor',
      });
    return encodeURIComponent(descriptor);
  }

  async function descriptorOf(
    accessToken: AccessTokenSource,
    organization: string,
    profileId: string,
  ): Promise<string> {
    if (!GUID.test(profileId)) throw new RangeError('profileId must be a GUID');
    const operation = 'getDescriptor';
    const answer = await transport.send(accessToken, {
      operation,
      method: 'GET',
      url: `${apis(organization)}/graph/descriptors/${profileId}`,
      params: { 'api-version': API_VERSION.descriptors },
    });
    return validated(operation, answer, wireDescriptor).value;
  }

  async function listTokensOf(
    accessToken: AccessTokenSource,
    organization: string,
    descriptor: string,
    continuationToken?: string,
    pageSize = TOKENS_PAGE_SIZE,
    tokenJustAccepted = false,
  ) {
    const operation = 'listTokensOfPerson';
    const answer = await transport.send(accessToken, {
      operation,
      tokenJustAccepted,
      method: 'GET',
      url: `${apis(organization)}/tokenadmin/personalaccesstokens/${checkedDescriptor(descriptor)}`,
      params: {
        pageSize,
        continuationToken: continuationToken || undefined,
        isPublic: false,
        'api-version': API_VERSION.tokenAdmin,
      },
    });
    const page = validated(operation, answer, wirePagedSessionTokens);
    return { items: page.value.map(toAdminToken), continuationToken: page.continuationToken || null };
  }

  return {
    async isAdministrator(accessToken, organization, profileId) {
      try {
        const descriptor = await descriptorOf(accessToken, organization, profileId);
        // Graph has just accepted this token, so a 401 now is token administration refusing the person.
        await listTokensOf(accessToken, organization, descriptor, undefined, 1, true);
        return true;
      } catch (error) {
        // From the probe: not an administrator. From the descriptor lookup, after the transport's one
        // fresh token: not even a member (Azure DevOps answers non-members 401 too).
        if (isDevOpsError(error) && error.status === 401) return false;
        throw error;
      }
    },

    async listPeople(accessToken, organization, continuationToken) {
      const operation = 'listPeople';
      const answer = await transport.send(accessToken, {
        operation,
        method: 'GET',
        url: `${apis(organization)}/graph/users`,
        // Service identities (origin vsts) hold no PATs people manage.
        params: {
          subjectTypes: 'aad,msa',
          continuationToken: continuationToken || undefined,
          'api-version': API_VERSION.graphUsers,
        },
      });
      return {
        items: toPeople(validated(operation, answer, wireGraphUsers)),
        continuationToken: answer.continuationHeader ?? null,
      };
    },

    listTokensOf: (accessToken, organization, descriptor, continuationToken) =>
      listTokensOf(accessToken, organization, descriptor, continuationToken),

    async revoke(accessToken, organization, authorizationIds) {
      if (authorizationIds.length === 0 || !authorizationIds.every((id) => GUID.test(id)))
        throw new RangeError('revoke takes one or more authorization ids');
      const operation = 'revokeOnBehalf';
      await transport.send(accessToken, {
        operation,
        method: 'POST',
        url: `${apis(organization)}/tokenadmin/revocations`,
        params: { isPublic: false, 'api-version': API_VERSION.tokenAdmin },
        body: authorizationIds.map((authorizationId) => ({ authorizationId })),
      });
    },

    async createRevocationRule(accessToken, organization, { scopes, createdBefore }) {
      if (scopes.length === 0 || !scopes.every((scope) => SCOPE_NAME.test(scope)))
        throw new RangeError('a revocation rule takes one or more scope names');
      if (Number.isNaN(createdBefore.getTime())) throw new RangeError('createdBefore must be a date');
      const operation = 'createRevocationRule';
      const answer = await transport.send(accessToken, {
        operation,
        method: 'POST',
        url: `${apis(organization)}/tokenadmin/revocationrules`,
        params: { 'api-version': API_VERSION.tokenAdmin },
        // TokenAdminRevocationRule: scopes space-separated, as a token's scope is written.
        body: { scopes: scopes.join(' '), createdBefore: createdBefore.toISOString() },
      });
      validated(operation, answer, wireRuleCreated, true);
    },
  };
}
