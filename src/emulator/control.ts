// The emulator's control: what tests and demos may change while it runs. In process it is the
// `EmulatorControl` object; over HTTP the same operations live under /_emulator/*, JSON in and out,
// and every call must carry the per-run control key in the `x-emulator-control-key` header:
//
//   GET    /_emulator/directory                             the directory now
//   PUT    /_emulator/directory/people/:objectId            Person: adds or replaces
//   DELETE /_emulator/directory/people/:objectId
//   PUT    /_emulator/directory/organizations/:accountName  Organization: adds or replaces
//   DELETE /_emulator/directory/organizations/:accountName
//   PUT    /_emulator/clients/:clientId                     EmulatorClient: registers or replaces
//   GET    /_emulator/faults            POST (FaultSpec) → the fault with its id    DELETE: clears all
//   DELETE /_emulator/faults/:id
//   POST   /_emulator/people/:objectId/expire-access-tokens
//   POST   /_emulator/people/:objectId/revoke-refresh-tokens
//   POST   /_emulator/people/:objectId/revoke-consents
//   POST   /_emulator/clients/:clientId/withhold-permission   { permission }: Azure DevOps tokens leave it out
//   POST   /_emulator/people/:objectId/access-tokens        { clientId?, lifetimeSeconds?, scope? } → { access_token }
//   PUT    /_emulator/access-token-lifetime                 { seconds }
//   GET    /_emulator/stats              DELETE: resets the counters
//   GET    /_emulator/issued-secrets                         [{ kind, value }]: every secret handed out
//   GET    /_emulator/registrations                          { applications, servicePrincipals } as Graph holds them
//   POST   /_emulator/device-codes/expire                    device codes still waiting expire now
//   PUT    /_emulator/clock-offset                           { seconds }: the Date header runs ahead (or behind)
//   *      /_emulator/devops/*                              the Azure DevOps half's control
//   *      /_emulator/keyvault/*                            the Key Vault half's control
import type { Outbox } from './graph/mail.ts';
import type { WebhookControl } from './webhooks.ts';
import { timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import { z, ZodError } from 'zod';
import type { EmulatorClock } from './clock.ts';
import type { DevOpsControl } from './devops/index.ts';
import type { Directory, Organization, Person } from './directory.ts';
import type { ActiveFault, FaultSpec, Faults } from './faults.ts';
import type { Application, Applications, ServicePrincipal } from './graph/applications.ts';
import type { EmulatorClient, IdentityPlatform, IssueAccessTokenOptions } from './identity/index.ts';
import type { IssuedSecret, IssuedSecrets } from './issued-secrets.ts';
import type { KeyVaultControl } from './keyvault/index.ts';
import type { EmulatorStats, StatsRecorder } from './stats.ts';

export interface EmulatorControl {
  /** A copy of the directory as it is now. */
  directory(): Directory;
  /** Adds a person, or replaces the one with the same object id. */
  addPerson(person: Person): void;
  removePerson(objectId: string): boolean;
  /** Adds an organization, or replaces the one with the same account id or name. */
  addOrganization(organization: Organization): void;
  removeOrganization(accountName: string): boolean;
  /** Registers an application, or replaces the one with the same client id. */
  registerClient(client: EmulatorClient): void;
  injectFault(spec: FaultSpec): ActiveFault;
  removeFault(id: string): boolean;
  clearFaults(): void;
  faults(): ActiveFault[];
  /** Access tokens already issued to the person stop working: the next Azure DevOps call gets 401. */
  expireAccessTokens(objectId: string): void;
  /** The person's refresh tokens stop working: the next refresh gets invalid_grant (AADSTS50173). */
  revokeRefreshTokens(objectId: string): void;
  /** The person's own consents (Key Vault) are forgotten: the next token for it needs a sign-in (AADSTS65001). */
  revokeConsents(objectId: string): void;
  /** The tenant has not consented to this Azure DevOps permission (e.g. vso.pats_manage) for the application: tokens leave it out. */
  withholdPermission(clientId: string, permission: string): void;
  setAccessTokenLifetime(seconds: number): void;
  /** A real Azure DevOps access token for the person, without a sign-in. */
  issueAccessToken(objectId: string, options?: IssueAccessTokenOptions): Promise<string>;
  stats(): EmulatorStats;
  resetStats(): void;
  /** Every access, refresh and ID token and PAT secret handed out (the most recent 20,000), for log checks. */
  issuedSecrets(): IssuedSecret[];
  /** The app registrations and service principals Microsoft Graph holds (secret values are never shown). */
  registrations(): { applications: Application[]; servicePrincipals: ServicePrincipal[] };
  /** Device codes still waiting for their person expire now (the next poll gets expired_token). */
  expireDeviceCodes(): void;
  /** Moves the clock the emulator's `Date` headers show, by this many seconds (0: the real time). */
  setClockOffset(seconds: number): void;
  devops: DevOpsControl;
  keyVault: KeyVaultControl;
  /** Mails sent through Microsoft Graph's /me/sendMail, oldest first. */
  outbox: Outbox;
  /** What the webhook sink (`*.hooks.localhost`) received, and failures to answer with. */
  webhooks: WebhookControl;
}

const personSchema = z
  .object({
    objectId: z.string().min(1),
    displayName: z.string().min(1),
    username: z.string().min(1),
    memberId: z.string().min(1),
    organizations: z.array(z.string()),
    canRegisterApplications: z.boolean().optional(),
    accountEnabled: z.boolean().optional(),
    demoRole: z.string().min(1).optional(),
  })
  .strict();
const organizationSchema = z
  .object({ accountId: z.string().min(1), accountName: z.string().min(1), ownerId: z.string().optional() })
  .strict();
const clientSchema = z
  .object({
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional(),
    certificatePem: z.string().includes('BEGIN CERTIFICATE').optional(),
    redirectUris: z.array(z.url()),
    postLogoutRedirectUris: z.array(z.url()).optional(),
    signInAudience: z.enum(['AzureADMyOrg', 'AzureADMultipleOrgs']).optional(),
  })
  .strict();

export function createEmulatorControl(parts: {
  directory: Directory;
  identity: IdentityPlatform;
  faults: Faults;
  stats: StatsRecorder;
  issued: IssuedSecrets;
  devops: DevOpsControl;
  graph: Applications;
  clock: EmulatorClock;
  keyVault: KeyVaultControl;
  outbox: Outbox;
  webhooks: WebhookControl;
}): EmulatorControl {
  const { directory, identity, faults, stats, issued } = parts;
  // The directory object is shared with both halves: change its arrays in place, never replace them.
  const replaceOrAdd = <T>(list: T[], item: T, same: (existing: T) => boolean) => {
    const index = list.findIndex(same);
    if (index === -1) list.push(item);
    else list[index] = item;
  };
  const removeWhere = <T>(list: T[], same: (existing: T) => boolean) => {
    const index = list.findIndex(same);
    if (index !== -1) list.splice(index, 1);
    return index !== -1;
  };
  const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

  return {
    directory: () => structuredClone(directory),
    addPerson(person) {
      const valid = personSchema.parse(person);
      replaceOrAdd(directory.people, valid, (existing) => existing.objectId === valid.objectId);
    },
    removePerson: (objectId) => removeWhere(directory.people, (person) => person.objectId === objectId),
    addOrganization(organization) {
      const valid = organizationSchema.parse(organization);
      replaceOrAdd(
        directory.organizations,
        valid,
        (existing) => existing.accountId === valid.accountId || sameName(existing.accountName, valid.accountName),
      );
    },
    removeOrganization: (accountName) =>
      removeWhere(directory.organizations, (org) => sameName(org.accountName, accountName)),
    registerClient: (client) => identity.registerClient(clientSchema.parse(client)),
    injectFault: (spec) => faults.inject(spec),
    removeFault: (id) => faults.remove(id),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    expireAccessTokens: (objectId) => identity.expireAccessTokens(objectId),
    revokeRefreshTokens: (objectId) => identity.revokeRefreshTokens(objectId),
    revokeConsents: (objectId) => identity.revokeConsents(objectId),
    withholdPermission: (clientId, permission) =>
      identity.withholdPermission(
        clientId,
        z
          .string()
          .regex(/^[\w.]{1,100}$/)
          .parse(permission),
      ),
    setAccessTokenLifetime: (seconds) => identity.setAccessTokenLifetime(seconds),
    async issueAccessToken(objectId, options) {
      const token = await identity.issueAccessToken(objectId, options);
      issued.record('access_token', token);
      return token;
    },
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    issuedSecrets: () => issued.list(),
    registrations: () =>
      structuredClone({ applications: parts.graph.list(), servicePrincipals: parts.graph.servicePrincipals() }),
    expireDeviceCodes: () => identity.expireDeviceCodes(),
    setClockOffset: (seconds) => parts.clock.setOffsetSeconds(seconds),
    devops: parts.devops,
    keyVault: parts.keyVault,
    outbox: parts.outbox,
    webhooks: parts.webhooks,
  };
}

export const CONTROL_KEY_HEADER = 'x-emulator-control-key';

export function createControlRouter(
  control: EmulatorControl,
  options: { controlKey: string; devopsControlRouter: Router; keyVaultControlRouter: Router },
): Router {
  const router = express.Router();
  router.use(requireControlKey(options.controlKey));
  router.use('/devops', options.devopsControlRouter);
  router.use('/keyvault', options.keyVaultControlRouter);
  router.use(express.json({ limit: '1mb' }));

  router.get('/directory', (_req, res) => {
    res.json(control.directory());
  });
  router.put('/directory/people/:objectId', (req, res) => {
    control.addPerson({ ...req.body, objectId: req.params.objectId });
    res.json(control.directory());
  });
  router.delete('/directory/people/:objectId', (req, res) => {
    res.status(control.removePerson(req.params.objectId) ? 204 : 404).end();
  });
  router.put('/directory/organizations/:accountName', (req, res) => {
    control.addOrganization({ ...req.body, accountName: req.params.accountName });
    res.json(control.directory());
  });
  router.delete('/directory/organizations/:accountName', (req, res) => {
    res.status(control.removeOrganization(req.params.accountName) ? 204 : 404).end();
  });
  router.put('/clients/:clientId', (req, res) => {
    control.registerClient({ ...req.body, clientId: req.params.clientId });
    res.status(204).end();
  });
  router.get('/faults', (_req, res) => {
    res.json(control.faults());
  });
  router.post('/faults', (req, res) => {
    res.status(201).json(control.injectFault(req.body as FaultSpec));
  });
  router.delete('/faults', (_req, res) => {
    control.clearFaults();
    res.status(204).end();
  });
  router.delete('/faults/:id', (req, res) => {
    res.status(control.removeFault(req.params.id) ? 204 : 404).end();
  });
  router.post('/people/:objectId/expire-access-tokens', (req, res) => {
    control.expireAccessTokens(req.params.objectId);
    res.status(204).end();
  });
  router.post('/people/:objectId/revoke-refresh-tokens', (req, res) => {
    control.revokeRefreshTokens(req.params.objectId);
    res.status(204).end();
  });
  router.post('/people/:objectId/revoke-consents', (req, res) => {
    control.revokeConsents(req.params.objectId);
    res.status(204).end();
  });
  router.post('/clients/:clientId/withhold-permission', (req, res) => {
    const { permission } = z.object({ permission: z.string() }).strict().parse(req.body);
    control.withholdPermission(req.params.clientId, permission);
    res.status(204).end();
  });
  router.post('/people/:objectId/access-tokens', async (req, res) => {
    const options = z
      .object({
        clientId: z.string().optional(),
        lifetimeSeconds: z.number().int().positive().optional(),
        scope: z.string().optional(),
      })
      .strict()
      .parse(req.body ?? {});
    res
      .status(201)
      .json({ access_token: await control.issueAccessToken(req.params.objectId, stripUndefined(options)) });
  });
  router.put('/access-token-lifetime', (req, res) => {
    const { seconds } = z.object({ seconds: z.number().int().positive() }).strict().parse(req.body);
    control.setAccessTokenLifetime(seconds);
    res.status(204).end();
  });
  router.get('/stats', (_req, res) => {
    res.json(control.stats());
  });
  router.get('/issued-secrets', (_req, res) => {
    res.json(control.issuedSecrets());
  });
  router.get('/registrations', (_req, res) => {
    res.json(control.registrations());
  });
  router.post('/device-codes/expire', (_req, res) => {
    control.expireDeviceCodes();
    res.status(204).end();
  });
  router.put('/clock-offset', (req, res) => {
    const { seconds } = z.object({ seconds: z.number().int() }).strict().parse(req.body);
    control.setClockOffset(seconds);
    res.status(204).end();
  });
  router.delete('/stats', (_req, res) => {
    control.resetStats();
    res.status(204).end();
  });
  router.use((_req, res) => {
    res.status(404).json({ error: 'No such control operation.' });
  });
  router.use(controlErrors);
  return router;
}

function requireControlKey(controlKey: string): RequestHandler {
  const expected = Buffer.from(controlKey);
  return (req, res, next) => {
    const given = Buffer.from(req.get(CONTROL_KEY_HEADER) ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    res.status(401).json({ error: `The control surface needs the run's key in the ${CONTROL_KEY_HEADER} header.` });
  };
}

const controlErrors: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  if (error instanceof ZodError) {
    res.status(400).json({
      error: 'Invalid control request.',
      issues: error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`),
    });
    return;
  }
  res.status(400).json({ error: error instanceof Error ? error.message : 'Invalid control request.' });
};

function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
