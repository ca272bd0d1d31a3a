// Whether the signed-in person administers the current organization: asked once per organization
// (and again after a few minutes) of token administration itself, the only authority on it. The
// answer decides whether the navigation shows "Audit" and whether /audit may gather anything.
// Token administration needs the audit's permissions, which a person consents to when they first
// open the audit: until then the navigation's check is not made (no Audit link), and /audit itself
// sends them to consent (ConsentRequiredError from `check`).
import type { Request, RequestHandler, Response } from 'express';
import type { TokenAdminClient } from '../admin/token-admin-client.ts';
import { ConsentRequiredError, type AuthService } from '../auth/auth-service.ts';
import { isDevOpsError } from '../devops/errors.ts';
import type { DevOpsClient } from '../devops/types.ts';
import type { Logger } from '../logging.ts';
import { accessTokenOf, auditTokenOf } from './devops-context.ts';

/** An answer is trusted this long for the navigation's link; the audit itself asks again every time (`fresh`). */
const ANSWER_MS = 10 * 60_000;
/** After a failed check, the next page asks again no sooner than this. */
const RETRY_MS = 60_000;

export interface AdministratorStatus {
  /**
   * The answer for the current organization, asking Azure DevOps if there is none yet (throws on
   * failure); with `fresh`, asking it in any case: what shows or changes other people's tokens
   * must not rest on an answer given before the person was removed as an administrator.
   */
  check(req: Request, options?: { fresh?: boolean }): Promise<boolean>;
  /**
   * For pages: the check runs beside the page's own calls (it starts before the handler and the
   * page's render waits for it), so it adds no round trip of its own; a failure only hides the link.
   */
  navigation: RequestHandler;
}

export function administratorStatus(options: {
  tokenAdmin: TokenAdminClient;
  devops: DevOpsClient;
  auth: AuthService;
  logger: Logger;
}): AdministratorStatus {
  const { tokenAdmin, devops, auth, logger } = options;

  const known = (req: Request) => {
    const answer = req.session.administratorOf?.[req.session.organization!];
    if (!answer) return undefined;
    // Consent is given only through a sign-in, which starts a new session: no need to ask again in this one.
    if (answer.needsConsent) return answer;
    const age = Date.now() - answer.checkedAt;
    return age < (answer.isAdministrator === null ? RETRY_MS : ANSWER_MS) ? answer : undefined;
  };

  const remember = (req: Request, isAdministrator: boolean | null, needsConsent = false) => {
    // Only the current organizations are kept, so the session does not grow with every switch.
    const names = new Set((req.session.organizations ?? []).map((org) => org.accountName));
    const kept = Object.entries(req.session.administratorOf ?? {}).filter(([name]) => names.has(name));
    req.session.administratorOf = Object.fromEntries([
      ...kept,
      [
        req.session.organization!,
        { isAdministrator, ...(needsConsent ? { needsConsent: true as const } : {}), checkedAt: Date.now() },
      ],
    ]);
  };

  async function ask(req: Request): Promise<boolean> {
    const profileId =
      req.session.profileId ?? (req.session.profileId = (await devops.getMyProfile(accessTokenOf(req, auth))).id);
    const isAdministrator = await tokenAdmin.isAdministrator(
      auditTokenOf(req, auth),
      req.session.organization!,
      profileId,
    );
    remember(req, isAdministrator);
    return isAdministrator;
  }

  return {
    async check(req, { fresh = false } = {}) {
      const answer = known(req)?.isAdministrator;
      // Only a yes is asked again: a refusal that turned into a right is at worst late.
      if (answer === false || (answer === true && !fresh)) return answer;
      return ask(req);
    },

    navigation(req: Request, res: Response, next) {
      const answer = known(req);
      if (answer || req.method !== 'GET') {
        res.locals.isAdministrator = answer?.isAdministrator === true;
        return next();
      }
      const asked = ask(req).catch((error: unknown) => {
        // Not consented to the audit's permissions yet: no link; the audit asks for them when opened.
        if (error instanceof ConsentRequiredError) {
          remember(req, null, true);
          return false;
        }
        if (!isDevOpsError(error)) throw error;
        logger.warn(
          { kind: error.kind, detail: error.message },
          'could not tell whether the person administers the organization',
        );
        remember(req, null);
        return false;
      });
      // Another failure (the sign-in has expired) is the page's own calls' to report; never unhandled.
      asked.catch(() => undefined);
      const render = res.render.bind(res);
      res.render = ((view: string, locals?: object, callback?: (error: Error, html: string) => void) => {
        asked.then(
          (isAdministrator) => {
            res.locals.isAdministrator = isAdministrator;
            render(view, locals, callback);
          },
          () => render(view, locals, callback),
        );
      }) as Response['render'];
      res.locals.isAdministrator = false;
      next();
    },
  };
}
