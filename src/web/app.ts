// The Express application: middleware in the order that keeps people safe, then the routes.
import { fileURLToPath } from 'node:url';
import { extname } from 'node:path';
import express, { type Express, type RequestHandler } from 'express';
import session from 'express-session';
import type { AuthService } from '../auth/auth-service.ts';
import type { ActivityLog } from '../storage/activity-log.ts';
import type { Claims } from '../storage/claims.ts';
import type { DevOpsClient } from '../devops/types.ts';
import type { AuditGatherings } from '../admin/audit-gatherings.ts';
import type { TokenAdminClient } from '../admin/token-admin-client.ts';
import type { LeakNotices } from '../admin/leak-notices.ts';
import type { VaultLinks } from '../keyvault/vault-links.ts';
import type { VaultSecrets } from '../keyvault/vault-secrets.ts';
import type { AppConfig } from '../config/config.ts';
import type { Logger } from '../logging.ts';
import { csrfProtection } from './csrf.ts';
import { errorHandler, notFound } from './errors.ts';
import { baseLocals, pageLocals } from './page-locals.ts';
import { requestLog } from './request-log.ts';
import { viewEngine } from './view-engine.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { healthRoutes, type Readiness } from './routes/health-routes.ts';
import { activityRoutes } from './routes/activity-routes.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { auditRulesRoutes } from './routes/audit-rules-routes.ts';
import { systemClock, type Clock } from '../clock.ts';
import { administratorStatus } from './administrator-status.ts';
import { organizationRoutes } from './routes/organization-routes.ts';
import { overviewRoutes } from './routes/overview-routes.ts';
import { tokensRouter } from './routes/tokens-router.ts';
import { vaultRouter } from './routes/vault-router.ts';
import { organizationContext } from './devops-context.ts';
import { oneTimeForms } from './one-time-forms.ts';
import { requireSignIn } from './require-sign-in.ts';
import { noStoreWhenSignedIn, securityHeaders } from './security-headers.ts';
import { sessionLifetime } from './session-lifetime.ts';
import { pendingSignInCookie } from './pending-sign-in-cookie.ts';
import { signInRateLimit } from './rate-limit.ts';
import type { Store as RateLimitStore } from 'express-rate-limit';
import { vaultLocals } from './vault-locals.ts';
import type { TokenLifecycle } from '../tokens/lifecycle.ts';
import type { AutomationService } from '../automation/automation-service.ts';
import { automationRoutes } from './routes/automation-routes.ts';
import { notificationRoutes } from './routes/notification-routes.ts';
import { expiredFormCookie } from './expired-form-cookie.ts';
import type { ReminderService } from '../notifications/reminder-service.ts';
import type { AuditDigest } from '../notifications/audit-digest.ts';
import type { Limiter } from '../admin/bounded.ts';

const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url));
const PUBLIC_DIR = fileURLToPath(new URL('../../public', import.meta.url));

export interface AppDependencies {
  config: AppConfig;
  logger: Logger;
  auth: AuthService;
  devops: DevOpsClient;
  /** Graph users and token administration, for the organization audit. */
  tokenAdmin: TokenAdminClient;
  /** The organization audits, gathered on the job engine and kept where every instance reads them. */
  auditGatherings: AuditGatherings;
  /** The app's clock (the audit's dates and the history's 90 days are counted from it). */
  clock?: Clock | undefined;
  activity: ActivityLog;
  /** Leaked tokens' owners are told on their token list (recorded when an administrator gathers the audit). */
  leakNotices: LeakNotices;
  sessionStore: session.Store;
  /** Shared with the session store, so a double click is caught whichever instance it reaches. */
  claims: Claims;
  /** Key Vault, through the official SDK with the person's own token; and which tokens live where. */
  vaultSecrets: VaultSecrets;
  vaultLinks: VaultLinks;
  /** What pages and background jobs do to tokens (see src/tokens/). */
  lifecycle: TokenLifecycle;
  /** Rotation while nobody is signed in; undefined when AUTOMATION=false. */
  automation: AutomationService | undefined;
  /** Reminders by mail and webhook; undefined when AUTOMATION=false (they run on the same job engine). */
  reminders: ReminderService | undefined;
  /** Administrators' weekly audit digest; undefined when AUTOMATION=false. */
  digest: AuditDigest | undefined;
  /** The process-wide limit on concurrent audit calls, shared by the audit pages and the digest. */
  auditLimiter: Limiter;
  /** Where the sign-in rate limit counts (Redis when instances share it); process memory when absent. */
  rateLimitStore?: RateLimitStore | undefined;
  /** For /readyz: whether the session store answers and the instance is not stopping. */
  readiness: () => Promise<Readiness>;
}

function sessionCookieName(config: AppConfig): string {
  // The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and path=/.
  return config.baseUrl.protocol === 'https:' ? '__Host-patmanager.sid' : 'patmanager.sid';
}

/**
 * The files under public/ (css/, js/, favicon.svg). Only a path with a file extension can name one,
 * so pages skip serve-static's file-system lookup (a stat per request) altogether.
 */
function publicFiles(config: AppConfig): RequestHandler {
  const serve = express.static(PUBLIC_DIR, { index: false, redirect: false, maxAge: config.production ? '1h' : 0 });
  return (req, res, next) => (extname(req.path) ? serve(req, res, next) : next());
}

export function createApp({
  config,
  logger,
  auth,
  devops,
  tokenAdmin,
  auditGatherings,
  clock = systemClock,
  activity,
  leakNotices,
  sessionStore,
  claims,
  readiness,
  vaultSecrets,
  vaultLinks,
  lifecycle,
  automation,
  reminders,
  digest,
  auditLimiter,
  rateLimitStore,
}: AppDependencies): Express {
  const app = express();
  app.set('trust proxy', config.trustProxy ? 1 : false);
  app.set('view engine', 'ejs');
  app.set('views', VIEWS_DIR);
  app.engine('ejs', viewEngine(VIEWS_DIR, config.cacheViews));
  app.set('view cache', config.cacheViews);
  app.set('session cookie name', sessionCookieName(config));
  // Every page is made for one person at one moment (relative dates, flash messages), so an ETag
  // would seldom match, yet it costs a copy and a SHA-1 of every page. Files under public/ keep theirs.
  app.set('etag', false);

  app.use(requestLog(logger));
  app.use(baseLocals(config));
  app.use(securityHeaders(config));
  app.use(publicFiles(config));
  app.use(healthRoutes(readiness));
  app.use(
    session({
      name: sessionCookieName(config),
      secret: config.session.secret,
      store: sessionStore,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      unset: 'destroy',
      proxy: config.trustProxy,
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.baseUrl.protocol === 'https:',
        path: '/',
        maxAge: config.session.idleMinutes * 60 * 1000,
      },
    }),
  );
  app.use(sessionLifetime(config.session.maxHours), noStoreWhenSignedIn);
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  app.use(csrfProtection);
  app.use(pageLocals(config));
  app.use(
    ['/login', '/getAToken', '/vault/consent', '/notifications/consent', '/audit/consent'],
    signInRateLimit(config, logger, rateLimitStore),
  );
  const signIns = pendingSignInCookie(config);
  const expiredForms = expiredFormCookie(config);
  app.use(authRoutes(auth, config.baseUrl, signIns, expiredForms));
  // Every signed-in page: the sign-in guard, the organization it works in, which tokens are in a vault.
  const inOrganization = [
    requireSignIn,
    organizationContext({ devops, auth, config, logger }),
    vaultLocals({ vaultLinks, config, automation }),
  ];
  const administrators = administratorStatus({ tokenAdmin, devops, auth, logger });
  const signedIn = [...inOrganization, administrators.navigation];
  const pages = {
    signedIn,
    lifecycle,
    auth,
    forms: oneTimeForms(claims),
    vaultSecrets,
    vaultLinks,
    baseUrl: config.baseUrl,
    hostSuffixes: config.keyVault.hostSuffixes,
    signIns,
    automation,
  };
  app.use(overviewRoutes({ signedIn, devops, lifecycle, auth, leakNotices, now: () => clock.now() }));
  app.use('/tokens', tokensRouter(pages));
  app.use('/vault', vaultRouter(pages));
  app.use('/activity', activityRoutes(signedIn, activity));
  if (automation) app.use('/automation', automationRoutes(signedIn, automation));
  if (reminders)
    app.use(
      '/notifications',
      notificationRoutes(signedIn, {
        reminders,
        digest,
        administrators,
        auth,
        webhookHosts: config.reminders.webhookHosts,
        baseUrl: config.baseUrl,
        signIns,
      }),
    );
  app.use('/organizations', organizationRoutes(signedIn, config.baseUrl));
  app.use(
    '/audit',
    ...inOrganization,
    auditRoutes({
      tokenAdmin,
      now: () => clock.now(),
      administrators,
      gatherings: auditGatherings,
      auth,
      activity,
      upstream: auditLimiter,
      rulesRouter: (audit) => auditRulesRoutes({ tokenAdmin, auth, activity, now: () => clock.now(), ...audit }),
      baseUrl: config.baseUrl,
      signIns,
    }),
  );
  app.use(notFound());
  app.use(errorHandler(logger, expiredForms));
  return app;
}
