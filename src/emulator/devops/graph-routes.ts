// Graph under vssps.dev.azure.com: the organization's users, paged, and a storage key resolved to
// its subject descriptor (graph-7.1.json, Users_List and Descriptors_Get).
// - Users answer `{ count, value }` (the GetAllUsers example); a further page is signalled only by the
//   `X-MS-ContinuationToken` response header, passed back as `continuationToken`.
// - The page size is not documented: 100 here is a guess, small enough that the demo pages.
// - `subjectTypes` (`aad,msa`) keeps only those origins; without it every user is listed, service
//   identities (`vsts`) included, as the example shows.
// - `originId` (graph-7.1.json: "For MSA this is the PUID in hex notation, for AAD this is the object
//   id"): the member's Entra object id for `aad`; for `msa` 16 hex digits made from the member (the
//   PUIDs' length is a guess from ones seen in the wild); for `vsts` its object id.
// - `isDeletedInOrigin` (AadGraphMember) is only sent when true: the example, which never has it,
//   suggests that defaults are left out (a guess).

import { createHash } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import type { Directory, Organization } from '../directory.ts';
import {
  authenticate,
  organizationOf,
  requireMembership,
  requirePermission,
  resolveOrganization,
  type AccessOptions,
} from './access.ts';
import { requireApiVersion } from './api-version.ts';
import { answerDevOpsErrors, DevOpsApiError, invalidArgument } from './devops-errors.ts';
import { isGuid } from './identifiers.ts';
import { descriptorOf, type MemberStore, type OrgMember } from './org-members.ts';
import { queryValue } from './query.ts';

const GRAPH_USERS_PAGE_SIZE = 100;

export function createGraphRouter(access: AccessOptions, members: MemberStore): Router {
  const router = express.Router();
  // graph-7.1.json: the reads need vso.graph (user_impersonation, full access, still covers them).
  const inOrganization = [
    resolveOrganization(access.directory),
    authenticate(access),
    requireMembership(access),
    requirePermission(() => ['vso.graph', 'user_impersonation']),
  ];

  router.get(
    '/:organization/_apis/graph/users',
    ...inOrganization,
    requireApiVersion({ minimum: '4.0', latest: '7.2', previewOnly: true, resourceVersion: 1 }),
    (req, res) => {
      const organization = organizationOf(res);
      const origins = subjectTypesOf(req);
      const listed = members
        .membersOf(organization)
        .filter((member) => origins === undefined || origins.has(member.origin));
      const start = offsetOf(queryValue(req, 'continuationToken'), listed.length);
      const page = listed.slice(start, start + GRAPH_USERS_PAGE_SIZE);
      const end = start + page.length;
      if (end < listed.length) res.set('X-MS-ContinuationToken', Buffer.from(`users;${end}`).toString('base64url'));
      res.json({ count: page.length, value: page.map((member) => graphUser(member, organization, access)) });
    },
  );

  router.get(
    '/:organization/_apis/graph/descriptors/:storageKey',
    ...inOrganization,
    requireApiVersion({ minimum: '4.0', latest: '7.2', previewOnly: false, resourceVersion: 1 }),
    (req, res) => {
      const storageKey = String(req.params.storageKey);
      if (!isGuid(storageKey)) throw invalidArgument(`The storage key '${storageKey}' is not a valid Guid.`);
      const member = members.byStorageKey(organizationOf(res), storageKey);
      if (!member)
        throw new DevOpsApiError(
          404,
          'GraphSubjectNotFoundException',
          `The subject with storage key '${storageKey}' could not be found.`,
        );
      const descriptor = descriptorOf(member);
      res.json({
        value: descriptor,
        _links: { self: { href: `${graphBase(organizationOf(res), access)}/Descriptors/${storageKey}` } },
      });
    },
  );

  router.use(answerDevOpsErrors);
  return router;
}

function subjectTypesOf(req: Request): Set<string> | undefined {
  const raw = queryValue(req, 'subjectTypes');
  if (raw === undefined || raw.trim() === '') return undefined;
  return new Set(
    raw
      .split(',')
      .map((type) => type.trim().toLowerCase())
      .filter(Boolean),
  );
}

function offsetOf(token: string | undefined, total: number): number {
  if (token === undefined || token === '') return 0;
  const match = /^users;(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  const offset = match ? Number(match[1]) : Number.NaN;
  if (!Number.isInteger(offset) || offset > total) throw invalidArgument('The continuation token is not valid.');
  return offset;
}

function graphBase(organization: Organization, access: AccessOptions): string {
  return `${access.origin}/vssps/${organization.accountName}/_apis/Graph`;
}

function domainOf(member: OrgMember, directory: Directory): string {
  if (member.origin === 'aad') return directory.tenantId;
  if (member.origin === 'msa') return 'Windows Live ID';
  return member.metaType === undefined ? 'Build' : 'LOCAL AUTHORITY';
}

function originIdOf(member: OrgMember): string {
  if (member.origin !== 'msa') return member.objectId;
  return createHash('sha256').update(`puid:${member.objectId}`).digest('hex').slice(0, 16).toUpperCase();
}

/** A GraphUser with the properties (and their order) of the GetAllUsers example. */
function graphUser(member: OrgMember, organization: Organization, access: AccessOptions) {
  const descriptor = descriptorOf(member);
  const base = graphBase(organization, access);
  const person = member.origin !== 'vsts';
  return {
    subjectKind: 'user',
    ...(member.metaType === undefined ? {} : { metaType: member.metaType }),
    domain: domainOf(member, access.directory),
    principalName: member.principalName,
    mailAddress: person ? member.principalName : '',
    origin: member.origin,
    originId: originIdOf(member),
    displayName: member.displayName,
    ...(member.deletedInOrigin ? { isDeletedInOrigin: true } : {}),
    _links: {
      self: { href: `${base}/Users/${descriptor}` },
      memberships: { href: `${base}/Memberships/${descriptor}` },
      membershipState: { href: `${base}/MembershipStates/${descriptor}` },
      storageKey: { href: `${base}/StorageKeys/${descriptor}` },
      avatar: { href: `${access.origin}/${organization.accountName}/_apis/GraphProfile/MemberAvatars/${descriptor}` },
    },
    url: `${base}/Users/${descriptor}`,
    descriptor,
  };
}
