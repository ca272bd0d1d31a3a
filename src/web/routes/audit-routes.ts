// The organization audit, for Project Collection Administrators: every person's tokens, riskiest
// first, filtered and exported; and revocation on someone's behalf (chosen tokens, or all of one
// person's), with a required reason, one confirmation and a result per token.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ActivityLog } from '../../storage/activity-log.ts';
import { errorOf, type AuditGatherings, type Gathering } from '../../admin/audit-gatherings.ts';
import type { Limiter } from '../../admin/bounded.ts';
import type { AuditResult } from '../../admin/gather.ts';
import { RISK_FLAGS, RISK_FLAG_NAMES } from '../../admin/risk-flags.ts';
import type { TokenAdminClient } from '../../admin/token-admin-client.ts';
import { leakedTokens, tokenTimeline } from '../../admin/token-history.ts';
import { AUDIT_LOG_PERMISSION, AUDIT_SCOPES } from '../../auth/devops-permissions.ts';
import { safeReturnTo } from '../../auth/return-to.ts';
import type { AdminToken, OrgPerson } from '../../admin/types.ts';
import { ConsentRequiredError, SignInRequiredError, type AuthService } from '../../auth/auth-service.ts';
import { isDevOpsError } from '../../devops/errors.ts';
import type { AdministratorStatus } from '../administrator-status.ts';
import { auditTokenOf } from '../devops-context.ts';
import { PageError } from '../errors.ts';
import { toCsv } from '../export-format.ts';
import { CONTROL_CHARACTERS } from '../forms/token-form.ts';
import {
  MAX_RISK,
  assessedRows,
  AUDIT_PAGE_SIZE,
  auditFilterSchema,
  EVENT_COLUMNS,
  exportEvent,
  exportRow,
  filterQuery,
  historyNote,
  isRevocableGlobal,
  summaryOf,
  type AuditFilter,
} from '../audit-view.ts';
import { GUID } from '../../identifiers.ts';
import { viewOf } from '../token-view.ts';
import { activityEntryView } from '../activity-view.ts';
import type { PendingSignInCookie } from '../pending-sign-in-cookie.ts';

/**
 * A small organization's audit is shown at once rather than after a "gathering" page; any longer
 * and the person would wait on a blank page, so they see its progress instead.
 */
const WAIT_FOR_SMALL_AUDIT_MS = 400;
/** The "gathering" page asks the browser to load it again after this many seconds (the Refresh header). */
const REFRESH_SECONDS = 1;
const MAX_REVOKE = 500;
const MAX_REASON_LENGTH = 500;
const SIGN_IN_AGAIN = 'your sign-in has expired; sign in again, then open the audit and try again.';

export interface AuditRouteDependencies {
  tokenAdmin: TokenAdminClient;
  /** The app's clock (ms). */
  now: () => number;
  administrators: AdministratorStatus;
  /** The audits gathered and being gathered, on the job engine, kept where every instance reads them. */
  gatherings: AuditGatherings;
  auth: AuthService;
  activity: ActivityLog;
  /** Every audit call of the process (gatherings and revocations alike) goes through this one limiter. */
  upstream: Limiter;
  baseUrl: URL;
  /** Where a sign-in in progress is kept (the consent sign-in is one). */
  signIns: PendingSignInCookie;
  /**
   * Pages of their own under /audit/rules (revocation rules), behind the same administrator check,
   * given the audit this router keeps.
   */
  rulesRouter?: (audit: GatheredAuditAccess) => Router;
}

/** What a router mounted under the audit may do with the audit gathered for the session. */
export interface GatheredAuditAccess {
  /** The finished audit, or undefined after answering with the "gathering" page. */
  finishedAudit(req: Request, res: Response): Promise<AuditResult | undefined>;
  /** The audit already gathered for this administrator and organization, if it is still kept. */
  gatheredAudit(req: Request): Promise<AuditResult | undefined>;
  /** Starts gathering the audit again (replacing the one kept). */
  gatherAgain(req: Request): Promise<void>;
}

const exportSchema = auditFilterSchema.extend({ format: z.enum(['csv', 'json']) });
const selectionSchema = z.object({
  ids: z.union([z.string(), z.array(z.string())]).optional(),
  person: z.string().max(1100).optional(),
  /** "Revoke every global token": they all stopped working on 1 December 2026. */
  global: z.literal('1').optional(),
});

function parsed<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success)
    throw new PageError(
      400,
      'Unknown audit options',
      'The address asks for a filter or page the audit does not offer, so nothing was changed. Use the controls on the audit page instead.',
    );
  return result.data;
}

interface Selected {
  person: OrgPerson;
  token: AdminToken;
}

/** The tokens named by ids, or all of one person's: only ones the gathered audit holds. */
function selection(audit: AuditResult, input: unknown): Selected[] {
  const { ids, person, global } = parsed(selectionSchema, input);
  const wanted = [...new Set(ids === undefined ? [] : Array.isArray(ids) ? ids : [ids])].map((id) => id.toLowerCase());
  const chosen: Selected[] = [];
  const now = new Date();
  for (const holder of audit.people) {
    for (const token of holder.tokens) {
      // "Revoke all" takes the tokens still valid: revoked and expired ones cannot be used anyway.
      const offboarded = person !== undefined && holder.person.descriptor === person && token.isValid;
      const retired = global !== undefined && isRevocableGlobal(token, now);
      if (wanted.includes(token.authorizationId) || offboarded || retired)
        chosen.push({ person: holder.person, token });
    }
  }
  if (global !== undefined && chosen.length === 0)
    throw new PageError(
      400,
      'No global tokens',
      'Nobody in this organization holds a global token that is not revoked, so there is nothing to revoke.',
    );
  if (wanted.length === 0 && person === undefined && global === undefined)
    throw new PageError(
      400,
      'No tokens selected',
      'Tick the tokens to revoke in the audit, or choose "Revoke all" beside a person, then try again.',
    );
  if (
    !wanted.every((id) => GUID.test(id)) ||
    chosen.filter((item) => wanted.includes(item.token.authorizationId)).length !== wanted.length
  ) {
    throw new PageError(
      400,
      'Unknown tokens',
      'The selection names tokens that are not in this audit (they may have been revoked since), so nothing was changed. Open the audit again.',
    );
  }
  if (person !== undefined && !audit.people.some((holder) => holder.person.descriptor === person)) {
    throw new PageError(
      400,
      'Unknown person',
      'That person is not in this audit, so nothing was changed. Open the audit again.',
    );
  }
  if (chosen.length === 0)
    throw new PageError(
      400,
      'Nothing to revoke',
      'That person holds no tokens in this organization, so there is nothing to revoke.',
    );
  if (chosen.length > MAX_REVOKE)
    throw new PageError(400, 'Too many tokens', `Revoke at most ${MAX_REVOKE} tokens at a time.`);
  return chosen;
}

/** People in order of first appearance, each with their chosen tokens: what the confirmation names. */
function byPerson(chosen: readonly Selected[]): { person: OrgPerson; tokens: AdminToken[] }[] {
  const groups = new Map<string, { person: OrgPerson; tokens: AdminToken[] }>();
  for (const { person, token } of chosen) {
    const group = groups.get(person.descriptor) ?? { person, tokens: [] };
    group.tokens.push(token);
    groups.set(person.descriptor, group);
  }
  return [...groups.values()];
}

function reasonError(reason: unknown): string | undefined {
  if (typeof reason !== 'string' || reason.trim().length < 3)
    return 'Say why these tokens are being revoked (at least 3 characters): the activity log keeps it.';
  if (reason.length > MAX_REASON_LENGTH) return `Keep the reason to ${MAX_REASON_LENGTH} characters or fewer.`;
  if (CONTROL_CHARACTERS.test(reason.replace(/\r?\n/g, ' ')))
    return 'The reason contains control characters or marks that reorder text; type it again without them.';
  return undefined;
}

export function auditRoutes(options: AuditRouteDependencies): Router {
  const { tokenAdmin, now, administrators, gatherings, auth, activity, upstream } = options;
  const router = Router();
  /** Whose audit of which organization: the administrator's, whichever of their sessions asks. */
  const ownerOf = (req: Request): [person: string, organization: string] => [
    req.session.account!.homeAccountId,
    req.session.organization!,
  ];

  /**
   * The sign-in that asks for the audit's permissions (incremental consent, the first time the
   * audit is opened), then back to the audit page that sent the person here.
   */
  router.get('/consent', async (req, res) => {
    const returnTo = safeReturnTo(req.query.returnTo ?? '/audit', options.baseUrl);
    const pending = options.signIns.read(req);
    const authorizeUrl = await auth.beginSignIn(pending, returnTo, { extraScopes: AUDIT_SCOPES });
    options.signIns.write(res, pending);
    res.redirect(303, authorizeUrl);
  });

  /**
   * Only administrators go further, asked afresh on every request (it is one call): someone removed
   * as administrator loses the audit at once, and the audit gathered for them is dropped. Someone
   * who has not consented to the audit's permissions yet is sent to do so first.
   */
  router.use(async (req, res, next) => {
    let isAdministrator: boolean;
    try {
      isAdministrator = await administrators.check(req, { fresh: true });
    } catch (error) {
      if (!(error instanceof ConsentRequiredError)) throw error;
      // A form cannot be sent again after a sign-in: its audit page is where they come back to.
      const back = req.method === 'GET' ? req.originalUrl : '/audit';
      return res.redirect(303, `/audit/consent?returnTo=${encodeURIComponent(back)}`);
    }
    if (isAdministrator) {
      res.locals.isAdministrator = true;
      return next();
    }
    await gatherings.forget(...ownerOf(req));
    res.locals.isAdministrator = false;
    res.status(403).render('audit/refused', { title: 'Audit' });
  });

  /** Gathers the audit afresh with an access token got now (the job has no session to ask). */
  const start = async (req: Request, waitMs: number): Promise<Gathering> => {
    const accessToken = await auditTokenOf(req, auth)({ forceRefresh: false });
    return gatherings.start(...ownerOf(req), req.sessionID, accessToken, { waitMs });
  };

  /** The finished audit, or undefined after answering with the "gathering" page. */
  async function finishedAudit(req: Request, res: Response): Promise<AuditResult | undefined> {
    let gathering = await gatherings.get(...ownerOf(req), req.sessionID);
    if (!gathering || gathering.state === 'failed' || gatherings.stalled(gathering))
      gathering = await start(req, WAIT_FOR_SMALL_AUDIT_MS);
    if (gathering.state === 'failed') {
      await gatherings.forget(...ownerOf(req));
      throw errorOf(gathering.failure!);
    }
    if (gathering.result) return gathering.result;
    res.set('Refresh', `${REFRESH_SECONDS}; url=/audit`);
    res.set('Cache-Control', 'no-store');
    res.render('audit/progress', {
      title: 'Gathering the audit',
      progress: gathering.progress,
      refreshSeconds: REFRESH_SECONDS,
    });
    return undefined;
  }

  const gatheredAudit = async (req: Request) => (await gatherings.get(...ownerOf(req), req.sessionID))?.result;

  if (options.rulesRouter)
    router.use(
      '/rules',
      options.rulesRouter({
        finishedAudit,
        gatheredAudit,
        gatherAgain: async (req) => void (await start(req, 0)),
      }),
    );

  router.get('/', async (req, res) => {
    const filter = parsed(auditFilterSchema, req.query);
    const audit = await finishedAudit(req, res);
    if (!audit) return;
    const organizations = req.session.organizations ?? [];
    const rows = assessedRows(audit, filter, organizations);
    const pageCount = Math.max(1, Math.ceil(rows.length / AUDIT_PAGE_SIZE));
    const page = Math.min(filter.page, pageCount);
    res.set('Cache-Control', 'no-store');
    res.render('audit/index', {
      title: 'Audit',
      audit,
      filter,
      rows: rows.slice((page - 1) * AUDIT_PAGE_SIZE, page * AUDIT_PAGE_SIZE),
      matching: rows.length,
      page,
      pageCount,
      history: audit.history,
      leaks: leakedTokens(audit, new Date(now())),
      auditLogPermission: AUDIT_LOG_PERMISSION,
      summary: summaryOf(audit, assessedRows(audit, { ...filter, flag: 'any', person: '', scope: '' }, organizations)),
      flags: RISK_FLAG_NAMES.map((name) => ({ name, ...RISK_FLAGS[name] })),
      maxRisk: MAX_RISK,
      url: (changes: Partial<AuditFilter>) => `/audit?${filterQuery(filter, changes)}`,
      exportUrl: (format: string) =>
        `/audit/export?${new URLSearchParams([...new URLSearchParams(filterQuery({ ...filter, page: 1 })), ['format', format]]).toString()}`,
    });
  });

  // One token's history: its audit log events of the last 90 days and PAT Manager's entries about it, oldest first.
  router.get('/tokens/:authorizationId', async (req, res) => {
    const audit = await finishedAudit(req, res);
    if (!audit) return;
    const wanted = String(req.params.authorizationId).toLowerCase();
    const holder = GUID.test(wanted)
      ? audit.people
          .map(({ person, tokens }) => ({ person, token: tokens.find((token) => token.authorizationId === wanted) }))
          .find((candidate) => candidate.token !== undefined)
      : undefined;
    if (!holder?.token)
      throw new PageError(404, 'Token not in this audit', 'This audit holds no such token. Open the audit again.');
    const account = req.session.account!;
    const viewer = { id: account.homeAccountId, name: account.name, tenantId: account.tenantId };
    res.set('Cache-Control', 'no-store');
    res.render('audit/timeline', {
      title: `History of ${holder.token.displayName || 'a token'}`,
      organization: audit.organization,
      person: holder.person,
      token: holder.token,
      view: viewOf(holder.token, {
        now: new Date(now()),
        listedAs: 'all',
        organizations: req.session.organizations ?? [],
      }),
      history: audit.history,
      items: (await tokenTimeline(activity, audit, { person: holder.person, token: holder.token }, viewer)).map(
        (item) =>
          item.source === 'patManager' ? { ...item, entry: activityEntryView(item.entry, 'administrator') } : item,
      ),
    });
  });

  router.get('/export', async (req, res) => {
    const { format, ...filter } = parsed(exportSchema, req.query);
    const audit = await finishedAudit(req, res);
    if (!audit) return;
    const rows = assessedRows(audit, filter, req.session.organizations ?? []).map(exportRow);
    // The audit log's token events of the last 90 days, newest first, whatever the tokens' filter.
    const events = audit.history.state === 'read' ? audit.history.events.map(exportEvent) : [];
    res.set('Cache-Control', 'no-store');
    res.attachment(`pat-audit-${audit.organization}-${audit.gatheredAt.toISOString().slice(0, 10)}.${format}`);
    if (format === 'json')
      res.type('application/json').send(JSON.stringify({ tokens: rows, events, history: historyNote(audit) }, null, 2));
    // Two tables, the tokens then (after an empty line) the events, each with its header.
    else res.type('text/csv').send(`${toCsv(rows)}\r\n${toCsv(events, EVENT_COLUMNS)}`);
  });

  // A POST (with its CSRF token), so that no link from another site can start a gathering.
  router.post('/gather-again', async (req, res) => {
    await start(req, 0);
    res.redirect(303, '/audit');
  });

  /** The one confirmation: who and what, and the reason field (again with its error when refused). */
  const confirmation = (
    req: Request,
    res: Response,
    audit: AuditResult,
    chosen: Selected[],
    values: { offboarding: string | undefined; reason: string; error?: string },
  ) => {
    const now = new Date();
    const organizations = req.session.organizations ?? [];
    res.render('audit/confirm', {
      title: 'Revoke on behalf',
      organization: audit.organization,
      groups: byPerson(chosen).map(({ person, tokens }) => ({
        person,
        tokens: tokens.map((token) => viewOf(token, { now, listedAs: 'all', organizations })),
      })),
      count: chosen.length,
      maxReasonLength: MAX_REASON_LENGTH,
      ...values,
    });
  };

  router.get('/revoke', async (req, res) => {
    const audit = await finishedAudit(req, res);
    if (!audit) return;
    const offboarding = typeof req.query.person === 'string' ? req.query.person : undefined;
    confirmation(req, res, audit, selection(audit, req.query), { offboarding, reason: '' });
  });

  router.post('/revoke', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const audit = await gatheredAudit(req);
    if (!audit)
      throw new PageError(
        409,
        'Audit no longer open',
        'The audit these tokens were chosen from has closed (audits are kept for 15 minutes), so nothing was changed. Open the audit again and choose them there.',
      );
    const chosen = selection(audit, { ids: body.ids, person: body.person });
    const error = reasonError(body.reason);
    if (error) {
      res.status(422);
      const offboarding = typeof body.person === 'string' ? body.person : undefined;
      return confirmation(req, res, audit, chosen, {
        offboarding,
        reason: typeof body.reason === 'string' ? body.reason.slice(0, MAX_REASON_LENGTH) : '',
        error,
      });
    }
    const reason = (body.reason as string).trim();
    const accessToken = auditTokenOf(req, auth);
    const who = req.session.account!;
    // One call per token, so each gets its own result, whatever happens to the others (an expired
    // sign-in included: some may have been revoked before it, and the page must say which).
    const outcomes = await Promise.all(
      chosen.map(({ person, token }) =>
        upstream(async () => {
          try {
            await tokenAdmin.revoke(accessToken, audit.organization, [token.authorizationId]);
          } catch (failure) {
            const message = isDevOpsError(failure)
              ? failure.userMessage
              : failure instanceof SignInRequiredError
                ? SIGN_IN_AGAIN
                : undefined;
            if (message === undefined) throw failure;
            return {
              authorizationId: token.authorizationId,
              displayName: token.displayName,
              person: person.displayName,
              revoked: false,
              message: `not revoked: ${message}`,
            };
          }
          await activity.record(who.homeAccountId, {
            action: 'revokeOnBehalf',
            organization: audit.organization,
            tokenId: token.authorizationId,
            tokenName: token.displayName,
            changes: [
              `for ${person.displayName}${person.principalName ? ` (${person.principalName})` : ''}`,
              `by ${who.name} (${who.username})`,
              `reason: ${reason}`,
            ],
          });
          return {
            authorizationId: token.authorizationId,
            displayName: token.displayName,
            person: person.displayName,
            revoked: true,
            message: 'revoked',
          };
        }),
      ),
    );
    // The audit forgets what was revoked, so the page shows what is left.
    const revoked = new Set(outcomes.filter((outcome) => outcome.revoked).map((outcome) => outcome.authorizationId));
    await gatherings.replaceResult(...ownerOf(req), {
      ...audit,
      people: audit.people.map((holder) => ({
        ...holder,
        tokens: holder.tokens.filter((token) => !revoked.has(token.authorizationId)),
      })),
    });
    req.session.auditRevokeOutcome = { organization: audit.organization, reason, outcomes };
    res.redirect(303, '/audit/revoke/result');
  });

  router.get('/revoke/result', (req, res) => {
    const result = req.session.auditRevokeOutcome;
    if (!result) return res.redirect(303, '/audit');
    delete req.session.auditRevokeOutcome;
    res.render('audit/result', {
      title: 'Revoke on behalf: result',
      ...result,
      revokedCount: result.outcomes.filter((outcome) => outcome.revoked).length,
    });
  });

  return router;
}
