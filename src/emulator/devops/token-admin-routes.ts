// Token administration under vssps.dev.azure.com (tokenAdmin 7.2): a person's PATs listed for an
// organization administrator, and revocation on their behalf.
//
// - Only Project Collection Administrators of the organization may call these. Anyone else gets 401,
//   not 403: every operation of the OpenAPI file documents "401: If the caller does not have permission
//   to administrate tokens" and none documents 403. The body is the service's usual
//   UnauthorizedRequestException.
// - List: `TokenAdminPagedSessionTokens`; `continuationToken` is documented as a uuid, so here it is
//   the authorizationId the next page starts at. The default page size (20) is the example's; the
//   largest accepted (100) is a guess. Unknown descriptor: 404 (documented). `isPublic=true` asks for
//   SSH keys, which the emulator has none of.
// - What the list holds is not documented beyond the example: here, every one of the person's tokens
//   that works in this organization, revoked and expired ones included with `isValid: false` (the
//   field the SessionToken documents); global ones are listed as before, `isValid` by revocation and
//   date only (a guess: the documents do not say whether it reflects their retirement). `token` is
//   always null.
// - Revocation rules: 201 with no body (documented); 400 without a scope (documented), or with a
//   createdBefore that is not a date-time. What a rule does is in revocation-rules.ts.
// - Revocations: 204 with no body. Ids that name no token of this organization are passed over
//   silently (a guess: the documents only name 400 for a body without ids).

import express, { type Request, type RequestHandler, type Router } from 'express';
import {
  authenticate,
  callerOf,
  organizationOf,
  requireMembership,
  requirePermission,
  resolveOrganization,
  unauthorized,
  type AccessOptions,
} from './access.ts';
import { requireApiVersion } from './api-version.ts';
import { actorOf, organizationsOfToken, type AuditLog } from './audit-log.ts';
import { answerDevOpsErrors, DevOpsApiError, invalidArgument } from './devops-errors.ts';
import { isGuid } from './identifiers.ts';
import type { MemberStore, OrgMember } from './org-members.ts';
import type { RevocationRules } from './revocation-rules.ts';
import { queryValue } from './query.ts';
import { formatServiceTime } from './service-time.ts';
import { worksIn, type PatRecord, type TokenStore } from './token-store.ts';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;
const NO_GUID = '00000000-0000-0000-0000-000000000000';

export function createTokenAdminRouter(
  access: AccessOptions,
  members: MemberStore,
  tokens: TokenStore,
  now: () => Date,
  audit: AuditLog,
  rules: RevocationRules,
): Router {
  const router = express.Router();
  const administrators = [
    resolveOrganization(access.directory),
    authenticate(access),
    requireMembership(access),
    requirePermission(() => ['vso.tokenadministration', 'user_impersonation']),
    requireAdministrator(access),
    requireApiVersion({ minimum: '5.0', latest: '7.2', previewOnly: true, resourceVersion: 1 }),
  ];

  /** The member's tokens the list shows in this organization, in a stable order. */
  const listable = (member: OrgMember, accountId: string): PatRecord[] =>
    tokens.tokensOf(member.objectId).filter((record) => worksIn(record, accountId));

  router.get(
    '/:organization/_apis/tokenadmin/personalaccesstokens/:subjectDescriptor',
    ...administrators,
    (req, res) => {
      const organization = organizationOf(res);
      const descriptor = String(req.params.subjectDescriptor);
      const member = members.byDescriptor(organization, descriptor);
      if (!member)
        throw new DevOpsApiError(
          404,
          'GraphSubjectNotFoundException',
          `The user with descriptor '${descriptor}' could not be found.`,
        );
      const pageSize = pageSizeOf(req);
      const sshKeys = /^true$/i.test(queryValue(req, 'isPublic') ?? '');
      const records = sshKeys ? [] : listable(member, organization.accountId);
      const start = startOf(queryValue(req, 'continuationToken'), records);
      const page = records.slice(start, start + pageSize);
      const following = records[start + pageSize];
      res.json({
        value: page.map((record) => sessionToken(record, member, now().getTime())),
        continuationToken: following ? following.authorizationId : null,
      });
    },
  );

  router.post('/:organization/_apis/tokenadmin/revocations', ...administrators, express.json(), (req, res) => {
    const { accountId } = organizationOf(res);
    const ids = revocationIds(req.body);
    const organizationMembers = new Map(
      members.membersOf(organizationOf(res)).map((member) => [member.objectId, member]),
    );
    const inOrganization = new Set(organizationMembers.keys());
    for (const id of ids) {
      const owned = tokens.find(id);
      if (
        !owned ||
        owned.record.revoked ||
        !inOrganization.has(owned.ownerObjectId) ||
        !worksIn(owned.record, accountId)
      )
        continue;
      tokens.put({ ...owned.record, revoked: true });
      audit.record(organizationsOfToken(owned.record, accountId), {
        actionId: 'Token.PatRevokeEvent',
        actor: actorOf(callerOf(res)),
        token: owned.record,
        owner: organizationMembers.get(owned.ownerObjectId)!,
        at: now(),
        client: { ipAddress: req.ip ?? null, userAgent: req.get('user-agent') ?? '' },
      });
    }
    res.status(204).send();
  });

  router.post('/:organization/_apis/tokenadmin/revocationrules', ...administrators, express.json(), (req, res) => {
    const body = (req.body ?? {}) as { scopes?: unknown; createdBefore?: unknown };
    const scopes = typeof body.scopes === 'string' ? body.scopes.split(' ').filter(Boolean) : [];
    if (scopes.length === 0) throw invalidArgument('The revocation rule must name at least one scope.');
    let createdBefore = now();
    if (body.createdBefore !== undefined && body.createdBefore !== null) {
      const parsed = typeof body.createdBefore === 'string' ? new Date(body.createdBefore) : new Date(Number.NaN);
      if (Number.isNaN(parsed.getTime())) throw invalidArgument('createdBefore is not a valid date-time.');
      createdBefore = parsed;
    }
    rules.add(organizationOf(res).accountId, { scopes, createdBefore });
    res.status(201).send();
  });

  router.use(answerDevOpsErrors);
  return router;
}

function requireAdministrator(access: AccessOptions): RequestHandler {
  return (_req, res, next) => {
    const person = callerOf(res);
    if (!(organizationOf(res).administrators ?? []).includes(person.objectId)) {
      throw unauthorized(
        access,
        `Access Denied: ${person.username} needs the Project Collection Administrator role to administrate tokens in this organization.`,
      );
    }
    next();
  };
}

function pageSizeOf(req: Request): number {
  const raw = queryValue(req, 'pageSize');
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  const size = Number(raw);
  if (!/^\d+$/.test(raw) || size < 1 || size > MAX_PAGE_SIZE)
    throw invalidArgument(`The page size '${raw}' is not valid: use 1 to ${MAX_PAGE_SIZE}.`);
  return size;
}

function startOf(token: string | undefined, records: readonly PatRecord[]): number {
  if (token === undefined || token === '') return 0;
  const start = isGuid(token) ? records.findIndex((record) => record.authorizationId === token.toLowerCase()) : -1;
  if (start < 0) throw invalidArgument('The continuation token is not valid.');
  return start;
}

function revocationIds(body: unknown): string[] {
  if (!Array.isArray(body) || body.length === 0) throw invalidArgument('At least one authorization ID is required.');
  return body.map((item: unknown) => {
    const id = (item as { authorizationId?: unknown } | null)?.authorizationId;
    if (typeof id !== 'string' || !isGuid(id)) throw invalidArgument('Every revocation needs a valid authorizationId.');
    return id.toLowerCase();
  });
}

/** A SessionToken with the properties (and their order) of the example. */
function sessionToken(record: PatRecord, member: OrgMember, now: number) {
  return {
    clientId: NO_GUID,
    accessId: NO_GUID,
    authorizationId: record.authorizationId,
    hostAuthorizationId: NO_GUID,
    userId: member.storageKey,
    validFrom: formatServiceTime(record.validFrom),
    validTo: formatServiceTime(record.validTo),
    displayName: record.displayName,
    scope: record.scope,
    targetAccounts: record.targetAccounts === null ? null : [...record.targetAccounts],
    token: null,
    alternateToken: null,
    isValid: !record.revoked && record.validTo.getTime() > now,
    isPublic: false,
    publicData: null,
    source: null,
  };
}
