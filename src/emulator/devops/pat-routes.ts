// The PAT Lifecycle Management API: `/{organization}/_apis/tokens/pats` under vssps.dev.azure.com.
//
// What each operation answers follows Microsoft's OpenAPI file and examples, and where they are silent
// Azure DevOps Server 2022's PersonalAccessTokensController (decompiled copies are public):
// - Get, Create and Update answer HTTP 200 with a PatTokenResult; a refusal is `patToken: null` with
//   the reason in `patTokenError` (Get/Update of an unknown id: `tokenNotFound`; someone else's token:
//   `accessDenied`; Update of a revoked token: `invalidToken`; Update without an id:
//   `invalidAuthorizationId`).
// - Get, Update and Revoke find a token by id among all of the caller's tokens, whatever
//   organization it targets; List shows only those that work in the organization of the URL.
// - Revoke answers 204 with no body. Revoking an unknown or already revoked token throws
//   SessionTokenNotFoundException, which the controller does not map, so it surfaces as HTTP 500
//   (client libraries see the typeKey; Azure's secret-rotation tool catches it to ignore "not found").

import express, { type Request, type Response, type Router } from 'express';
import {
  authenticate,
  callerOf,
  organizationOf,
  requireMembership,
  requirePermission,
  resolveOrganization,
  type AccessOptions,
} from './access.ts';
import { requireApiVersion } from './api-version.ts';
import { actorOf, organizationsOfToken, type AuditLog, type TokenAction } from './audit-log.ts';
import { answerDevOpsErrors, DevOpsApiError, invalidArgument } from './devops-errors.ts';
import type { FaultableOperation, FaultQueue } from './fault-queue.ts';
import { isGuid, newTokenSecret } from './identifiers.ts';
import { listPage, readListOptions } from './list-query.ts';
import type { PolicyStore } from './organization-policies.ts';
import {
  namedAuthorizationId,
  prepareCreate,
  prepareUpdate,
  readCreateRequest,
  readUpdateRequest,
  type CreateRequest,
  type RequestContext,
  type UpdateRequest,
} from './pat-requests.ts';
import { queryValue } from './query.ts';
import { worksIn, type OwnedPat, type PatRecord, type TokenStore } from './token-store.ts';
import { patTokenFailure, patTokenResult, wirePatToken } from './wire.ts';

export interface PatsRouterDependencies {
  access: AccessOptions;
  tokens: TokenStore;
  policies: PolicyStore;
  faults: FaultQueue;
  /** Where what happens to tokens is recorded (the Auditing API reads it). */
  audit: AuditLog;
  /** The emulator's clock (tests move it). */
  now: () => Date;
}

const PATS_PATH = '/:organization/_apis/tokens/pats';

export function createPatsRouter({ access, tokens, policies, faults, audit, now }: PatsRouterDependencies): Router {
  const router = express.Router();
  /** The caller's own token event, in the organizations the token works in. */
  const audited = (req: Request, res: Response, actionId: TokenAction, record: PatRecord) => {
    const caller = callerOf(res);
    audit.record(organizationsOfToken(record, organizationOf(res).accountId), {
      actionId,
      actor: actorOf(caller),
      token: record,
      owner: { objectId: caller.objectId, displayName: caller.displayName },
      at: now(),
      client: { ipAddress: req.ip ?? null, userAgent: req.get('user-agent') ?? '' },
    });
  };
  router.use(
    PATS_PATH,
    resolveOrganization(access.directory),
    authenticate(access),
    requireMembership(access),
    // tokens 7.2: vso.pats to read, vso.pats_manage ("read and manage") to change; user_impersonation no longer does.
    requirePermission((req) => (req.method === 'GET' ? ['vso.pats', 'vso.pats_manage'] : ['vso.pats_manage'])),
    requireApiVersion({ minimum: '6.1', latest: '7.2', previewOnly: true, resourceVersion: 1 }),
    express.json(),
  );

  const contextOf = (res: Response): RequestContext => {
    const { accountId } = organizationOf(res);
    return {
      accountId,
      callerObjectId: callerOf(res).objectId,
      policies: policies.policiesOf(accountId),
      now: now(),
    };
  };

  /** A queued domain fault answers the call in place of the service. */
  const answeredByFault = (operation: FaultableOperation, res: Response): boolean => {
    const fault = faults.take(operation);
    if (fault) res.json(patTokenFailure(fault));
    return fault !== undefined;
  };

  /** The caller's token by id, or the patTokenError the controller answers instead. */
  const ownToken = (res: Response, authorizationId: string): OwnedPat | 'tokenNotFound' | 'accessDenied' => {
    const owned = tokens.find(authorizationId);
    if (!owned) return 'tokenNotFound';
    return owned.ownerObjectId === callerOf(res).objectId ? owned : 'accessDenied';
  };

  const list = (req: Request, res: Response) => {
    const { accountId } = organizationOf(res);
    const visible = tokens.tokensOf(callerOf(res).objectId).filter((record) => worksIn(record, accountId));
    const page = listPage(visible, readListOptions(req), now());
    res.json({
      continuationToken: page.continuationToken,
      patTokens: page.records.map((record) => wirePatToken(record)),
    });
  };

  const got = (res: Response, authorizationId: string) => {
    const owned = ownToken(res, authorizationId);
    return typeof owned === 'string' ? patTokenFailure(owned) : patTokenResult(owned.record);
  };

  // Web API picks GetPat when the query names an authorizationId, ListPats otherwise.
  router.get(PATS_PATH, (req, res) => {
    const authorizationId = queryValue(req, 'authorizationId');
    if (authorizationId === undefined) return list(req, res);
    const id = requiredAuthorizationId(authorizationId);
    if (!answeredByFault('get', res)) res.json(got(res, id));
  });

  const created = (req: Request, res: Response, request: CreateRequest) => {
    const outcome = prepareCreate(request, contextOf(res));
    if (outcome.error) return patTokenFailure(outcome.error);
    tokens.add(callerOf(res).objectId, outcome.record);
    audited(req, res, 'Token.PatCreateEvent', outcome.record);
    const secret = newTokenSecret();
    tokens.rememberSecret(outcome.record.authorizationId, secret);
    return patTokenResult(outcome.record, secret);
  };

  const updated = (req: Request, res: Response, request: UpdateRequest) => {
    const authorizationId = namedAuthorizationId(request);
    if (authorizationId === undefined) return patTokenFailure('invalidAuthorizationId');
    const owned = ownToken(res, authorizationId);
    if (typeof owned === 'string') return patTokenFailure(owned);
    if (owned.record.revoked) return patTokenFailure('invalidToken');
    const outcome = prepareUpdate(owned.record, request, contextOf(res));
    if (outcome.error) return patTokenFailure(outcome.error);
    tokens.put(outcome.record);
    audited(req, res, 'Token.PatUpdateEvent', outcome.record);
    return patTokenResult(outcome.record);
  };

  router.post(PATS_PATH, (req, res) => {
    const request = readCreateRequest(req.body);
    if (!answeredByFault('create', res)) res.json(created(req, res, request));
  });

  router.put(PATS_PATH, (req, res) => {
    const request = readUpdateRequest(req.body);
    if (!answeredByFault('update', res)) res.json(updated(req, res, request));
  });

  router.delete(PATS_PATH, (req, res) => {
    const authorizationId = requiredAuthorizationId(queryValue(req, 'authorizationId'));
    const owned = ownToken(res, authorizationId);
    if (owned === 'accessDenied') {
      throw new DevOpsApiError(
        403,
        'AccessCheckException',
        `Access Denied: ${callerOf(res).username} does not have permission to revoke the session token ${authorizationId}.`,
      );
    }
    if (owned === 'tokenNotFound' || owned.record.revoked) {
      throw new DevOpsApiError(
        500,
        'SessionTokenNotFoundException',
        `No valid session token was found for authorization id ${authorizationId}.`,
      );
    }
    tokens.put({ ...owned.record, revoked: true });
    audited(req, res, 'Token.PatRevokeEvent', owned.record);
    res.status(204).send();
  });

  router.all(PATS_PATH, (req, res) => {
    // Web API's own refusal, which is not in the Azure DevOps error shape.
    res
      .status(405)
      .set('Allow', 'GET, POST, PUT, DELETE')
      .json({ $id: '1', Message: `The requested resource does not support http method '${req.method}'.` });
  });

  router.use(answerDevOpsErrors);
  return router;
}

function requiredAuthorizationId(raw: string | undefined): string {
  if (raw === undefined || raw === '') throw invalidArgument('The authorizationId parameter is required.');
  if (!isGuid(raw)) throw invalidArgument(`The authorizationId '${raw}' is not a valid Guid.`);
  return raw.toLowerCase();
}
