// What the token pages share: which organization a request works in, loading the token named in
// the URL, recording what was done, and the one-time forms that must never create twice.
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ActivityAction, ActivityLog } from '../activity/activity-log.ts';
import type { AuthService } from '../auth/auth-service.ts';
import type { Claims } from '../storage/claims.ts';
import type { AccessTokenSource, DevOpsClient, Organization, PatToken } from '../devops/types.ts';
import { accessTokenOf } from './devops-context.ts';
import { PageError } from './errors.ts';
import { flash } from './flash.ts';
import { viewOf, type TokenView } from './token-view.ts';

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Tokens revoked are looked up (at most this many) to mark them in "all" lists and on details. */
const REVOKED_LOOKUP_SIZE = 100;
const REMEMBERED_FORMS = 20;

/**
 * The organization to call Azure DevOps in: one of the person's own named by the page (the
 * all-organizations views link to a token through an organization it belongs to), else the chosen one.
 */
export function organizationOf(req: Request): string {
  const body = req.body as Record<string, unknown> | undefined;
  const requested = [req.query.organization, body?.organization].find((value): value is string => typeof value === 'string');
  const known = req.session.organizations ?? [];
  return requested && known.some((org) => org.accountName === requested) ? requested : req.session.organization!;
}

export async function revokedIds(devops: DevOpsClient, accessToken: AccessTokenSource, organization: string): Promise<Set<string>> {
  const page = await devops.listTokens(accessToken, organization, { filter: 'revoked', sortBy: 'displayDate', ascending: false, top: REVOKED_LOOKUP_SIZE });
  return new Set(page.tokens.map((token) => token.authorizationId));
}

export interface RequestContext {
  accessToken: AccessTokenSource;
  organization: string;
  organizations: Organization[];
}

export interface TokenRequests {
  forms: OneTimeForms;
  context(req: Request): RequestContext;
  /** The token named by `:authorizationId`, with its status; 404 for a malformed id. */
  loadToken(req: Request, id?: string): Promise<{ token: PatToken; view: TokenView }>;
  record(req: Request, action: ActivityAction, token: PatToken, changes: string[]): Promise<void>;
}

export interface TokenPageDependencies {
  devops: DevOpsClient;
  auth: AuthService;
  activity: ActivityLog;
  claims: Claims;
}

export function tokenRequests(options: TokenPageDependencies): TokenRequests {
  const { devops, auth, activity } = options;
  const context = (req: Request): RequestContext => ({ accessToken: accessTokenOf(req, auth), organization: organizationOf(req), organizations: req.session.organizations ?? [] });
  return {
    forms: oneTimeForms(options.claims),
    context,
    async loadToken(req, id = req.params.authorizationId as string | undefined) {
      if (typeof id !== 'string' || !GUID.test(id)) throw new PageError(404, 'Token not found', 'There is no token at this address.');
      const { accessToken, organization, organizations } = context(req);
      const [token, revoked] = await Promise.all([devops.getToken(accessToken, organization, id), revokedIds(devops, accessToken, organization)]);
      return { token, view: viewOf(token, { now: new Date(), listedAs: 'all', organizations, revokedIds: revoked }) };
    },
    record(req, action, token, changes) {
      return activity.record(req.session.account!.homeAccountId, { action, organization: organizationOf(req), tokenId: token.authorizationId, tokenName: token.displayName, changes });
    },
  };
}

/** How long a one-time form stays claimed once handled, or if its handler never finishes (a crash mid-request). */
const CLAIM_TTL_MS = 60_000;

/** Forms that create a token carry a one-time key: a reload or a second click must not create twice. */
export interface OneTimeForms {
  newKey(): string;
  keyOf(body: Record<string, unknown>): string;
  /** When this form already created a token, sends the person to it (with `message`) and says so. */
  sentToEarlierResult(req: Request, res: Response, key: string, message: string): boolean;
  /** Runs `work` unless the same form is being handled right now (on any instance); remembers what it created. */
  once<T extends { createdId: string }>(req: Request, key: string, work: () => Promise<T>): Promise<T>;
}

export function oneTimeForms(claims: Claims): OneTimeForms {
  return {
    newKey: () => randomUUID(),

    keyOf(body) {
      const key = body.formKey;
      if (typeof key !== 'string' || !GUID.test(key)) throw new PageError(400, 'Form incomplete', 'This form is missing part of what PAT Manager put in it, so nothing was created. Open it again from the token list.');
      return key;
    },

    sentToEarlierResult(req, res, key, message) {
      const created = req.session.createdForms?.[key];
      if (!created) return false;
      flash(req, 'info', message);
      res.redirect(303, `/tokens/${created}`);
      return true;
    },

    async once(req, key, work) {
      const claim = `form:${req.sessionID}:${key}`;
      if (!(await claims.claim(claim, CLAIM_TTL_MS))) {
        throw new PageError(409, 'Already being created', 'This token is being created from your first click. Open your token list in a moment to see it.');
      }
      const result = await work().catch(async (error: unknown) => {
        // Nothing was made (or the page says it cannot tell): the person may send the form again.
        await claims.release(claim).catch(() => undefined);
        throw error;
      });
      // Done: the claim is kept until it expires, because a second click whose request read the
      // session before this one saved it cannot see createdForms, only the claim.
      const remembered = Object.entries(req.session.createdForms ?? {}).slice(-(REMEMBERED_FORMS - 1));
      req.session.createdForms = Object.fromEntries([...remembered, [key, result.createdId]]);
      await new Promise<void>((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
      return result;
    },
  };
}
