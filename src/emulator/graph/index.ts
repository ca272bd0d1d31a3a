// The Microsoft Graph v1.0 subset an app registration script needs, under `{origin}/graph/v1.0`:
//
//   GET    /applications?$filter=displayName eq '…' | appId eq '…'     list
//   GET    /applications/{id}
//   POST   /applications                                            create (201)
//   PATCH  /applications/{id}                                       change (204)
//   DELETE /applications/{id}                                       (204)
//   POST   /applications/{id}/addPassword                           a client secret, shown once
//   POST   /servicePrincipals                                       { appId } (201)
//   GET    /servicePrincipals?$filter=appId eq '…'                   a resource's (Azure DevOps, Key
//          Vault, Microsoft Graph) with its oauth2PermissionScopes, or an application's own
//
// Every call needs a person's Graph token with Application.ReadWrite.All; a person the tenant does
// not let register applications gets 403 Authorization_RequestDenied on create. An application's
// own token may read its own registration (`applications?$filter=appId eq` its appId) and the
// service principals (a guess: a real tenant asks for Application.Read.All, or ownership, for that).
import express, { type Request, type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import type { Directory, Person } from '../directory.ts';
import type { EmulatorClient, VerifiedCaller } from '../identity/index.ts';
import { resourceByAppId, type Resource } from '../identity/scopes.ts';
import { stableUuid } from '../devops/identifiers.ts';
import { createApplications, type Applications } from './applications.ts';
import { createOutbox, sendMail, type Outbox } from './mail.ts';
import { graphCallerOf } from './callers.ts';
import { badRequest, graphErrors, insufficientPrivileges, unsupportedQuery } from './graph-errors.ts';

export interface GraphOptions {
  directory: Directory;
  identity: {
    verifyAccessToken(authorizationHeader?: string, audiences?: string[]): Promise<VerifiedCaller | null>;
    registerClient(client: EmulatorClient): void;
    removeClient(clientId: string): void;
  };
  onSecretIssued(secret: string): void;
  /** The emulator's clock: when a mail was sent. */
  now: () => Date;
}

export interface Graph {
  router: Router;
  applications: Applications;
  /** Every mail sent through `POST /me/sendMail`, oldest first. */
  outbox: Outbox;
}

const WRITE_PERMISSIONS = ['Application.ReadWrite.All', 'Directory.AccessAsUser.All'];

const guid = z.guid();
const resourceAccess = z
  .object({
    resourceAppId: guid,
    resourceAccess: z.array(z.object({ id: guid, type: z.enum(['Scope', 'Role']) }).strict()),
  })
  .strict();
const changesSchema = z
  .object({
    displayName: z.string().min(1).max(256),
    signInAudience: z.enum([
      'AzureADMyOrg',
      'AzureADMultipleOrgs',
      'AzureADandPersonalMicrosoftAccount',
      'PersonalMicrosoftAccount',
    ]),
    tags: z.array(z.string().max(256)),
    notes: z.string().max(1024).nullable(),
    web: z
      .object({
        redirectUris: z.array(z.url()).max(256),
        logoutUrl: z.url().nullable(),
        homePageUrl: z.url().nullable(),
      })
      .partial()
      .strict(),
    requiredResourceAccess: z.array(resourceAccess),
    keyCredentials: z.array(
      z
        .object({
          type: z.literal('AsymmetricX509Cert'),
          usage: z.literal('Verify'),
          key: z.string().min(1),
          displayName: z.string().optional(),
        })
        .strict(),
    ),
  })
  .partial()
  .strict();
const addPasswordSchema = z
  .object({
    passwordCredential: z
      .object({ displayName: z.string().max(256).optional(), endDateTime: z.iso.datetime({ offset: true }).optional() })
      .strict()
      .optional(),
  })
  .strict();

export function createGraph(options: GraphOptions): Graph {
  const applications = createApplications({
    tenantId: options.directory.tenantId,
    identity: options.identity,
    onSecretIssued: options.onSecretIssued,
  });
  const router = express.Router();
  const v1 = express.Router();
  router.use('/v1.0', v1);
  v1.use(express.json({ limit: '1mb' }));
  const outbox = createOutbox();
  v1.post('/me/sendMail', sendMail(options, outbox));
  v1.use(requireWritePermission(options));

  v1.get('/servicePrincipals', (req, res) => {
    const filter = typeof req.query.$filter === 'string' ? parseFilter(req.query.$filter) : undefined;
    if (filter?.property !== 'appId') throw unsupportedQuery();
    const resource = resourceByAppId(filter.value);
    const found = resource
      ? [resourcePrincipal(resource, options.directory.tenantId)]
      : applications
          .servicePrincipals()
          .filter((principal) => principal.appId.toLowerCase() === filter.value.toLowerCase())
          .map((principal) => ({ ...principal, oauth2PermissionScopes: [] }));
    res.json({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#servicePrincipals', value: found });
  });
  v1.get('/applications', (req, res) => {
    const filter = typeof req.query.$filter === 'string' ? parseFilter(req.query.$filter) : undefined;
    res.json({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#applications',
      value: applications.list(filter),
    });
  });
  v1.get('/applications/:id', (req, res) => {
    res.json({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#applications/$entity',
      ...applications.get(req.params.id),
    });
  });
  v1.post('/applications', (req, res) => {
    const caller = res.locals.person as Person;
    if (caller.canRegisterApplications === false) throw insufficientPrivileges();
    const changes = parse(changesSchema, req.body, 'application');
    if (!changes.displayName)
      throw badRequest("Property 'displayName' is required on type 'microsoft.graph.application'.");
    const created = applications.create({ ...changes, displayName: changes.displayName });
    res
      .status(201)
      .set(
        'Location',
        `https://graph.microsoft.com/v2/${options.directory.tenantId}/directoryObjects/${created.id}/Microsoft.DirectoryServices.Application`,
      )
      .json({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#applications/$entity', ...created });
  });
  v1.patch('/applications/:id', (req, res) => {
    applications.update(req.params.id, parse(changesSchema, req.body, 'application'));
    res.status(204).end();
  });
  v1.delete('/applications/:id', (req, res) => {
    applications.remove(req.params.id);
    res.status(204).end();
  });
  v1.post('/applications/:id/addPassword', (req, res) => {
    const { passwordCredential } = parse(addPasswordSchema, req.body ?? {}, 'passwordCredential');
    const credential = applications.addPassword(req.params.id, {
      displayName: passwordCredential?.displayName,
      endDateTime: passwordCredential?.endDateTime,
    });
    res.json({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.passwordCredential',
      ...credential,
    });
  });
  v1.post('/servicePrincipals', (req, res) => {
    const { appId } = parse(z.object({ appId: guid }).strict(), req.body, 'servicePrincipal');
    res.status(201).json({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity',
      ...applications.createServicePrincipal(appId),
    });
  });
  v1.use(graphErrors);
  return { router, applications, outbox };
}

function requireWritePermission(options: GraphOptions): RequestHandler {
  return async (req, res, next) => {
    try {
      const { caller, person } = await graphCallerOf(options, req);
      if (caller.application && req.method === 'GET' && readsItsOwn(req, caller.appId)) return next();
      // An application's own token carries roles, not scopes; PAT Manager's registration has none.
      if (!person || !caller.scopes.some((scope) => WRITE_PERMISSIONS.includes(scope))) throw insufficientPrivileges();
      res.locals.person = person;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** An application reading its own registration, or a service principal (what the doctor does). */
function readsItsOwn(req: Request, appId: string): boolean {
  if (req.path === '/servicePrincipals') return true;
  if (req.path !== '/applications' || typeof req.query.$filter !== 'string') return false;
  const filter = parseFilter(req.query.$filter);
  return filter.property === 'appId' && filter.value.toLowerCase() === appId.toLowerCase();
}

/** A Microsoft resource's service principal as Graph lists it, with its delegated permissions. */
function resourcePrincipal(resource: Resource, tenantId: string) {
  return {
    id: stableUuid(`service-principal:${tenantId}:${resource.appId}`),
    appId: resource.appId,
    displayName: resource.displayName,
    servicePrincipalType: 'Application',
    accountEnabled: true,
    appOwnerOrganizationId: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
    oauth2PermissionScopes: Object.entries(resource.permissions).flatMap(([value, description]) => {
      const id = resource.permissionIds?.[value];
      return id
        ? [
            {
              id,
              value,
              type: 'User',
              isEnabled: true,
              adminConsentDisplayName: description,
              adminConsentDescription: description,
              userConsentDisplayName: description,
              userConsentDescription: description,
            },
          ]
        : [];
    }),
  };
}

/** `displayName eq 'PAT Manager'` or `appId eq '…'` (a quote inside is doubled, as OData writes it). */
function parseFilter(filter: string): { property: 'displayName' | 'appId'; value: string } {
  const match = /^\s*(displayName|appId)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(filter);
  if (!match) throw unsupportedQuery();
  return { property: match[1] as 'displayName' | 'appId', value: match[2]!.replace(/''/g, "'") };
}

function parse<T>(schema: z.ZodType<T>, body: unknown, type: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    throw badRequest(
      `Property '${issue.keys[0]}' does not exist on type 'microsoft.graph.${type}'. Make sure to only use property names that are defined by the type.`,
    );
  }
  throw badRequest(`Invalid value specified for property '${issue.path.join('.') || type}' of resource '${type}'.`);
}
