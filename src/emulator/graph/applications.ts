// The applications (app registrations) and service principals of the tenant, as Microsoft Graph
// v1.0 shows them, kept in memory. Every change is handed to the identity platform, so that an
// application created here is a client its token endpoint accepts, with its redirect URIs,
// secrets and certificate, as on the real service.
import { X509Certificate, randomBytes, randomUUID } from 'node:crypto';
import type { EmulatorClient } from '../identity/clients.ts';
import { badRequest, resourceNotFound, servicePrincipalExists } from './graph-errors.ts';

interface ResourceAccess {
  resourceAppId: string;
  resourceAccess: Array<{ id: string; type: 'Scope' | 'Role' }>;
}

interface KeyCredential {
  customKeyIdentifier: string | null;
  displayName: string | null;
  endDateTime: string;
  key: null;
  keyId: string;
  startDateTime: string;
  type: string;
  usage: string;
}

interface PasswordCredential {
  customKeyIdentifier: null;
  displayName: string | null;
  endDateTime: string;
  hint: string;
  keyId: string;
  secretText: string | null;
  startDateTime: string;
}

export interface Application {
  id: string;
  appId: string;
  displayName: string;
  signInAudience: string;
  createdDateTime: string;
  deletedDateTime: null;
  tags: string[];
  notes: string | null;
  identifierUris: string[];
  web: {
    redirectUris: string[];
    logoutUrl: string | null;
    homePageUrl: string | null;
    implicitGrantSettings: { enableAccessTokenIssuance: boolean; enableIdTokenIssuance: boolean };
  };
  requiredResourceAccess: ResourceAccess[];
  passwordCredentials: PasswordCredential[];
  keyCredentials: KeyCredential[];
}

export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  servicePrincipalType: 'Application';
  accountEnabled: boolean;
  appOwnerOrganizationId: string;
  servicePrincipalNames: string[];
  signInAudience: string;
  tags: string[];
}

/** What a create or PATCH may set (validated by the routes). */
interface ApplicationChanges {
  displayName?: string;
  signInAudience?: string;
  tags?: string[];
  notes?: string | null;
  web?: { redirectUris?: string[]; logoutUrl?: string | null; homePageUrl?: string | null };
  requiredResourceAccess?: ResourceAccess[];
  keyCredentials?: Array<{ type: string; usage: string; key: string; displayName?: string | undefined }>;
}

export interface Applications {
  list(filter?: { property: 'displayName' | 'appId'; value: string }): Application[];
  get(id: string): Application;
  create(changes: ApplicationChanges & { displayName: string }): Application;
  update(id: string, changes: ApplicationChanges): void;
  remove(id: string): void;
  addPassword(
    id: string,
    request: { displayName?: string | undefined; endDateTime?: string | undefined },
  ): PasswordCredential;
  createServicePrincipal(appId: string): ServicePrincipal;
  servicePrincipals(): ServicePrincipal[];
}

const TWO_YEARS_MS = 2 * 365 * 24 * 3600 * 1000;

export function createApplications(options: {
  tenantId: string;
  identity: { registerClient(client: EmulatorClient): void; removeClient(clientId: string): void };
  onSecretIssued(secret: string): void;
}): Applications {
  const applications = new Map<string, Application>();
  /** Secret values and certificates stay here: Graph never shows them again. */
  const secrets = new Map<string, Map<string, string>>();
  const certificates = new Map<string, string>();
  const servicePrincipals = new Map<string, ServicePrincipal>();

  function find(id: string): Application {
    const application = applications.get(id.toLowerCase());
    if (!application) throw resourceNotFound(id);
    return application;
  }

  function syncClient(application: Application): void {
    const certificatePem = certificates.get(application.id);
    options.identity.registerClient({
      clientId: application.appId,
      clientSecrets: [...(secrets.get(application.id)?.values() ?? [])],
      ...(certificatePem ? { certificatePem } : {}),
      redirectUris: application.web.redirectUris,
      postLogoutRedirectUris: application.web.logoutUrl ? [application.web.logoutUrl] : [],
      // Personal-account audiences are not modelled: anything but this tenant counts as multi-tenant.
      signInAudience: application.signInAudience === 'AzureADMyOrg' ? 'AzureADMyOrg' : 'AzureADMultipleOrgs',
    });
  }

  function apply(application: Application, changes: ApplicationChanges): void {
    if (changes.displayName !== undefined) application.displayName = changes.displayName;
    if (changes.signInAudience !== undefined) application.signInAudience = changes.signInAudience;
    if (changes.tags !== undefined) application.tags = changes.tags;
    if (changes.notes !== undefined) application.notes = changes.notes;
    if (changes.requiredResourceAccess !== undefined)
      application.requiredResourceAccess = changes.requiredResourceAccess;
    if (changes.web) application.web = { ...application.web, ...definedOnly(changes.web) };
    if (changes.keyCredentials !== undefined) {
      // PATCH replaces the whole collection, as Graph does.
      const parsed = changes.keyCredentials.map((credential) => ({
        credential,
        certificate: readCertificate(credential.key),
      }));
      application.keyCredentials = parsed.map(({ credential, certificate }) => ({
        customKeyIdentifier: Buffer.from(certificate.fingerprint.replace(/:/g, ''), 'hex').toString('base64'),
        displayName: credential.displayName ?? `CN=${certificate.subject.replace(/^CN=/, '')}`,
        endDateTime: new Date(certificate.validTo).toISOString(),
        key: null,
        keyId: randomUUID(),
        startDateTime: new Date(certificate.validFrom).toISOString(),
        type: credential.type,
        usage: credential.usage,
      }));
      const last = parsed.at(-1)?.certificate;
      if (last) certificates.set(application.id, last.toString());
      else certificates.delete(application.id);
    }
  }

  return {
    list(filter) {
      const all = [...applications.values()];
      return filter
        ? all.filter((application) => application[filter.property].toLowerCase() === filter.value.toLowerCase())
        : all;
    },
    get: (id) => find(id),
    create(changes) {
      const application: Application = {
        id: randomUUID(),
        appId: randomUUID(),
        displayName: changes.displayName,
        signInAudience: 'AzureADMyOrg',
        createdDateTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        deletedDateTime: null,
        tags: [],
        notes: null,
        identifierUris: [],
        web: {
          redirectUris: [],
          logoutUrl: null,
          homePageUrl: null,
          implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
        },
        requiredResourceAccess: [],
        passwordCredentials: [],
        keyCredentials: [],
      };
      apply(application, changes);
      applications.set(application.id, application);
      syncClient(application);
      return application;
    },
    update(id, changes) {
      const application = find(id);
      apply(application, changes);
      syncClient(application);
    },
    remove(id) {
      const application = find(id);
      applications.delete(application.id);
      secrets.delete(application.id);
      certificates.delete(application.id);
      // Deleting the application removes its service principal in its home tenant.
      for (const [spId, principal] of servicePrincipals)
        if (principal.appId === application.appId) servicePrincipals.delete(spId);
      options.identity.removeClient(application.appId);
    },
    addPassword(id, request) {
      const application = find(id);
      const start = new Date();
      const end = request.endDateTime ? new Date(request.endDateTime) : new Date(start.getTime() + TWO_YEARS_MS);
      if (Number.isNaN(end.getTime()) || end <= start)
        throw badRequest("Invalid value specified for property 'endDateTime' of resource 'PasswordCredential'.");
      // Shaped like the real ones: three characters, a version marker "8Q~", then the rest.
      const secretText = `${randomBytes(3).toString('base64url').slice(0, 3)}8Q~${randomBytes(28)
        .toString('base64url')
        .replace(/[^A-Za-z0-9]/g, '.')
        .slice(0, 34)}`;
      const credential: PasswordCredential = {
        customKeyIdentifier: null,
        displayName: request.displayName ?? null,
        endDateTime: end.toISOString(),
        hint: secretText.slice(0, 3),
        keyId: randomUUID(),
        secretText: null,
        startDateTime: start.toISOString(),
      };
      application.passwordCredentials.push(credential);
      if (!secrets.has(application.id)) secrets.set(application.id, new Map());
      secrets.get(application.id)!.set(credential.keyId, secretText);
      options.onSecretIssued(secretText);
      syncClient(application);
      return { ...credential, secretText };
    },
    createServicePrincipal(appId) {
      const application = [...applications.values()].find(
        (candidate) => candidate.appId.toLowerCase() === appId.toLowerCase(),
      );
      if (!application)
        throw badRequest(
          `The appId '${appId}' of the service principal does not reference a valid application object.`,
        );
      if ([...servicePrincipals.values()].some((principal) => principal.appId === application.appId))
        throw servicePrincipalExists(application.appId);
      const principal: ServicePrincipal = {
        id: randomUUID(),
        appId: application.appId,
        displayName: application.displayName,
        servicePrincipalType: 'Application',
        accountEnabled: true,
        appOwnerOrganizationId: options.tenantId,
        servicePrincipalNames: [application.appId],
        signInAudience: application.signInAudience,
        tags: [],
      };
      servicePrincipals.set(principal.id, principal);
      return principal;
    },
    servicePrincipals: () => [...servicePrincipals.values()],
  };
}

function readCertificate(base64Der: string): X509Certificate {
  try {
    return new X509Certificate(Buffer.from(base64Der, 'base64'));
  } catch {
    throw badRequest("Key credential's key is not a valid base64-encoded X.509 certificate.");
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}
