// Profile and Accounts, under app.vssps.visualstudio.com: who the caller is, and which organizations
// they belong to (or own). Shapes follow the examples in Microsoft's OpenAPI files: the profile
// without `details` carries displayName, publicAlias, emailAddress, coreRevision, timeStamp, id and
// revision; accounts come in the `{ count, value }` wrapper Azure DevOps puts around every list.

import { createHash } from 'node:crypto';
import express, { type Router } from 'express';
import type { Organization, Person } from '../directory.ts';
import { authenticate, callerOf, requirePermission, type AccessOptions } from './access.ts';
import { requireApiVersion } from './api-version.ts';
import { answerDevOpsErrors, DevOpsApiError, invalidArgument } from './devops-errors.ts';
import { isGuid } from './identifiers.ts';
import { queryValue } from './query.ts';
import { addDays, formatProfileTime } from './service-time.ts';

const RELEASED_API = { minimum: '1.0', latest: '7.2', previewOnly: false };

export function createProfileRouter(access: AccessOptions): Router {
  const router = express.Router();
  // Both operations' "security": vso.profile (user_impersonation, Azure DevOps's full access, still covers them).
  const signedIn = [authenticate(access), requirePermission(() => ['vso.profile', 'user_impersonation'])];

  router.get(
    '/_apis/profile/profiles/:id',
    ...signedIn,
    requireApiVersion({ ...RELEASED_API, resourceVersion: 3 }),
    (req, res) => {
      const person = callerOf(res);
      const id = String(req.params.id);
      if (id.toLowerCase() !== 'me' && id.toLowerCase() !== person.memberId) {
        throw new DevOpsApiError(
          404,
          'ProfileDoesNotExistException',
          `The profile '${id}' does not exist or you do not have permission to read it.`,
        );
      }
      res.json(profileOf(person));
    },
  );

  router.get('/_apis/accounts', ...signedIn, requireApiVersion({ ...RELEASED_API, resourceVersion: 1 }), (req, res) => {
    const person = callerOf(res);
    const memberId = ownId(person, 'memberId', queryValue(req, 'memberId'));
    const ownerId = ownId(person, 'ownerId', queryValue(req, 'ownerId'));
    if (memberId === undefined && ownerId === undefined) {
      throw invalidArgument('One of the following parameters is required: ownerId, memberId.');
    }
    const accounts = access.directory.organizations
      .filter(
        (org) =>
          memberId === undefined ||
          person.organizations.some((name) => name.toLowerCase() === org.accountName.toLowerCase()),
      )
      .filter((org) => ownerId === undefined || org.ownerId === ownerId)
      .map((org) => accountOf(org, access.origin));
    res.json({ count: accounts.length, value: accounts });
  });

  router.use(answerDevOpsErrors);
  return router;
}

/** memberId/ownerId must be a GUID, and only one's own organizations can be asked for. */
function ownId(person: Person, name: string, raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!isGuid(raw)) throw invalidArgument(`The ${name} '${raw}' is not a valid Guid.`);
  if (raw.toLowerCase() !== person.memberId) {
    throw new DevOpsApiError(
      403,
      'AccessCheckException',
      `Access Denied: ${person.username} needs permission to read the accounts of ${raw}.`,
    );
  }
  return raw.toLowerCase();
}

function profileOf(person: Person) {
  // Revision numbers and the last-change time are fixed per person, so answers are stable.
  const seed = Number.parseInt(createHash('sha256').update(person.memberId).digest('hex').slice(0, 8), 16);
  const revision = 100 + (seed % 1900);
  const timeStamp = new Date(addDays(new Date(Date.UTC(2021, 0, 1)), seed % 1200).getTime() + (seed % 86_400_000));
  return {
    displayName: person.displayName,
    publicAlias: person.memberId,
    emailAddress: person.username,
    coreRevision: revision,
    timeStamp: formatProfileTime(timeStamp),
    id: person.memberId,
    revision,
  };
}

function accountOf(org: Organization, origin: string) {
  return {
    accountId: org.accountId,
    // Where this organization's PAT API lives in the emulator (https://vssps.dev.azure.com/{name}/ for real).
    accountUri: `${origin}/vssps/${org.accountName}/`,
    accountName: org.accountName,
    properties: {},
  };
}
