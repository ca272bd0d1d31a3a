// Glue between a request and the Azure DevOps client: the person's access token, and their
// organizations (listed once per session, in parallel where possible).
import type { Request, RequestHandler } from 'express';
import type { AuthService } from '../auth/auth-service.ts';
import type { AppConfig } from '../config/config.ts';
import { isDevOpsError } from '../devops/errors.ts';
import type { AccessTokenSource, DevOpsClient, Organization } from '../devops/types.ts';
import type { Logger } from '../logging.ts';
import { flash } from './flash.ts';

/** A request's access token: being got, or got (`value`); `forced` when it replaces a refused one. */
interface Acquisition {
  token: Promise<string>;
  forced: boolean;
  value?: string;
}

type Acquire = (
  auth: AuthService,
  req: Request,
  options: { forceRefresh: boolean; refused?: string },
) => Promise<string>;

/**
 * A request's token source. Calls made for one request share one silent acquisition (one read of
 * the token cache). A forced refresh goes to msal-node, unless the token it reports refused is one
 * this request has already replaced (or is replacing): then the newer one is handed out, so a
 * page's parallel calls that all meet an expired token renew it once.
 */
function requestTokenSource(acquire: Acquire) {
  const requestTokens = new WeakMap<Request, Acquisition>();
  return (req: Request, auth: AuthService): AccessTokenSource =>
    ({ forceRefresh, refused }) => {
      const known = requestTokens.get(req);
      if (known && !forceRefresh) return known.token;
      if (known && refused !== undefined && (known.value === undefined ? known.forced : known.value !== refused))
        return known.token;
      const acquisition: Acquisition = { token: acquire(auth, req, { forceRefresh, refused }), forced: forceRefresh };
      requestTokens.set(req, acquisition);
      acquisition.token.then(
        (value) => {
          acquisition.value = value;
        },
        () => {
          // A failed silent acquisition is tried again by the request's next call; a failed forced one stands.
          if (!forceRefresh && requestTokens.get(req) === acquisition) requestTokens.delete(req);
        },
      );
      return acquisition.token;
    };
}

/** The person's access token for Azure DevOps, with sign-in's permissions. */
export const accessTokenOf = requestTokenSource((auth, req, options) => auth.acquireAccessToken(req.session, options));

/**
 * The person's access token for the organization audit's permissions (token administration, Graph
 * users, the audit log): ConsentRequiredError until they have consented to them.
 */
export const auditTokenOf = requestTokenSource((auth, req, { forceRefresh }) =>
  auth.acquireAuditToken(req.session, { forceRefresh }),
);

async function listOrganizations(
  req: Request,
  devops: DevOpsClient,
  accessToken: AccessTokenSource,
): Promise<Organization[]> {
  const profile = await devops.getMyProfile(accessToken);
  req.session.profileId = profile.id;
  const organizations = await devops.listOrganizations(accessToken, profile.id);
  return [...organizations].sort((a, b) => a.accountName.localeCompare(b.accountName));
}

/**
 * Makes sure the person has an organization to work in: their chosen one, else their first, else
 * the configured default. Upstream trouble listing them falls back to the default with a note.
 */
export function organizationContext(options: {
  devops: DevOpsClient;
  auth: AuthService;
  config: AppConfig;
  logger: Logger;
}): RequestHandler {
  const { devops, auth, config, logger } = options;
  return async (req, res, next) => {
    if (!req.session.organizations || req.query.refreshOrganizations === '1') {
      try {
        req.session.organizations = await listOrganizations(req, devops, accessTokenOf(req, auth));
      } catch (error) {
        if (!isDevOpsError(error) || error.kind === 'unauthorized') throw error;
        logger.warn({ kind: error.kind, detail: error.message }, 'could not list organizations');
        req.session.organizations = [];
        flash(
          req,
          'error',
          `Your organizations could not be listed (${error.userMessage})${config.devops.defaultOrganization ? `; using ${config.devops.defaultOrganization}.` : '.'}`,
        );
      }
    }
    const organizations = req.session.organizations;
    const chosen = req.session.organization;
    if (!chosen || (organizations.length > 0 && !organizations.some((org) => org.accountName === chosen))) {
      const fallback = organizations[0]?.accountName ?? config.devops.defaultOrganization;
      if (fallback) req.session.organization = fallback;
      else delete req.session.organization;
    }
    if (!req.session.organization) {
      // Every page needs an organization, so each would lead back here: this page says what to do instead.
      res.status(404).render('no-organization', { title: 'No Azure DevOps organization' });
      return;
    }
    res.locals.organization = req.session.organization;
    res.locals.organizations = organizations;
    next();
  };
}
