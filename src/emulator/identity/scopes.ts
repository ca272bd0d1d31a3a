// Scopes: which resource (API) a request is for, which of its delegated permissions, and which
// OpenID Connect scopes. The emulator knows Azure DevOps, Microsoft Graph and Key Vault; most of
// their permissions are consented for the tenant (admin consent), the others each person consents
// to by signing in asking for them (the emulator shows no separate consent step). Unknown resources
// and permissions are refused as the real service does.
import { invalidScope, multipleResources, resourceNotFound } from './errors.ts';

export const AZURE_DEVOPS_RESOURCE_ID = '499b84ac-1321-427f-aa17-267ca6975798';
export const MICROSOFT_GRAPH_RESOURCE_ID = '00000003-0000-0000-c000-000000000000';
const KEY_VAULT_RESOURCE_ID = 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093';

export interface Resource {
  appId: string;
  identifierUri?: string;
  displayName: string;
  /** Delegated permissions, and what the consent screen would say about each. */
  permissions: Record<string, string>;
  /** The access token's `aud`, when it is not the app id. */
  audience?: string;
  /**
   * Not consented for the tenant: each person consents once, by signing in with one of its scopes.
   * A list names the only permissions that need it (Graph's Mail.Send, Azure DevOps's audit
   * permissions; the others are the tenant's).
   */
  needsUserConsent?: boolean | readonly string[];
  /** Each delegated permission's id, as its service principal's `oauth2PermissionScopes` list them. */
  permissionIds?: Record<string, string>;
}

// Azure DevOps's delegated permissions: its full access, and the granular ones PAT Manager asks for
// (the `security` sections of the OpenAPI files; vso.pats and vso.pats_manage since sprint 257).
// user_impersonation's id is the real one; the others are this emulator's (register looks them up).
// The tenant consented to what every person's sign-in asks; the organization audit's permissions
// each person consents to when they first open the audit (a guess at a typical tenant).
const AZURE_DEVOPS: Resource = {
  appId: AZURE_DEVOPS_RESOURCE_ID,
  displayName: 'Azure DevOps',
  permissions: {
    user_impersonation: 'Have full access to the Azure DevOps REST APIs as you',
    'vso.pats': 'Read your personal access tokens',
    'vso.pats_manage': 'Read, create, change and revoke your personal access tokens',
    'vso.profile':
      'Read your profile, accounts, collections, projects, teams and other top-level organizational artifacts',
    'vso.tokenadministration':
      "Manage (view and revoke) the organization's existing tokens, for organization administrators",
    'vso.graph': 'Read user, group, scope and group membership information',
    'vso.auditlog': 'Read the auditing log and audit streams',
  },
  permissionIds: {
    user_impersonation: 'ee69721e-6c3a-468f-a9ec-302d16a4c599',
    'vso.pats': '6b2ddc3c-35c8-4e3f-a8b3-3d0b0c1f5a01',
    'vso.pats_manage': '6b2ddc3c-35c8-4e3f-a8b3-3d0b0c1f5a02',
    'vso.profile': '6b2ddc3c-35c8-4e3f-a8b3-3d0b0c1f5a03',
    'vso.tokenadministration': '6b2ddc3c-35c8-4e3f-a8b3-3d0b0c1f5a04',
    'vso.graph': '6b2ddc3c-35c8-4e3f-a8b3-3d0b0c1f5a05',
    'vso.auditlog': '6b2ddc3c-35c8-4e3f-a8b3-3d0b0c1f5a06',
  },
  needsUserConsent: ['vso.tokenadministration', 'vso.graph', 'vso.auditlog'],
};
const MICROSOFT_GRAPH: Resource = {
  appId: MICROSOFT_GRAPH_RESOURCE_ID,
  identifierUri: 'https://graph.microsoft.com',
  displayName: 'Microsoft Graph',
  permissions: {
    'User.Read': 'Sign you in and read your profile',
    'Application.ReadWrite.All': 'Read and write all applications',
    'Mail.Send': 'Send mail as you',
  },
  needsUserConsent: ['Mail.Send'],
};
// Key Vault tokens carry its identifier URI as `aud` (what Key Vault checks); consent is per person
// here, so that incremental consent can be shown (a guess at a typical tenant: no admin consent).
const KEY_VAULT: Resource = {
  appId: KEY_VAULT_RESOURCE_ID,
  identifierUri: 'https://vault.azure.net',
  displayName: 'Azure Key Vault',
  permissions: { user_impersonation: 'Have full access to the Azure Key Vault service' },
  audience: 'https://vault.azure.net',
  needsUserConsent: true,
};
const RESOURCES = [AZURE_DEVOPS, MICROSOFT_GRAPH, KEY_VAULT];

/** A resource by its app id (a service principal's `appId`), for Graph's servicePrincipals list. */
export function resourceByAppId(appId: string): Resource | undefined {
  return RESOURCES.find((resource) => resource.appId === appId.toLowerCase());
}

/**
 * The token as granted: permissions the tenant has not consented to for this application are left
 * out of `scp` and `scope` (Entra issues what was asked and consented, no more).
 */
export function withoutWithheld(target: TokenTarget, withheld: ReadonlySet<string>): TokenTarget {
  if (withheld.size === 0) return target;
  const kept = (names: string) =>
    names
      .split(' ')
      .filter((name) => !withheld.has(name.slice(name.lastIndexOf('/') + 1)))
      .join(' ');
  return { ...target, scp: kept(target.scp), scope: kept(target.scope) };
}

/** The token's permissions the person must have consented to themselves (none, for most). */
export function permissionsNeedingConsent(target: TokenTarget): string[] {
  const needs = target.resource.needsUserConsent;
  if (!needs) return [];
  const permissions = target.scp.split(' ').filter((name) => name in target.resource.permissions);
  return needs === true ? permissions : permissions.filter((permission) => needs.includes(permission));
}

const OIDC_SCOPES: Record<string, string> = {
  openid: 'Sign you in',
  profile: 'View your basic profile',
  email: 'View your email address',
  offline_access: 'Keep access to what you allowed, even when you are not using the app',
};

interface ResourceScopes {
  resource: Resource;
  /** The resource as the request named it (app id or identifier URI); answers repeat it. */
  prefix: string;
  permissions: string[];
  asksDefault: boolean;
}

export interface RequestedScopes {
  oidc: Set<string>;
  /** In request order: when several resources are named, the first one gets the token. */
  resources: ResourceScopes[];
}

export function parseScopes(scope: string, tenantId: string): RequestedScopes {
  const requested: RequestedScopes = { oidc: new Set(), resources: [] };
  for (const name of scope.split(' ').filter(Boolean)) {
    const oidcName = name.toLowerCase();
    if (oidcName in OIDC_SCOPES) {
      requested.oidc.add(oidcName);
      continue;
    }
    const { resource, prefix, permission } = splitScope(name, tenantId);
    const entry = findOrAdd(requested, resource, prefix);
    if (permission === '.default') {
      entry.asksDefault = true;
      addPermissions(entry, Object.keys(resource.permissions));
    } else {
      const canonical = Object.keys(resource.permissions).find(
        (known) => known.toLowerCase() === permission.toLowerCase(),
      );
      if (!canonical) throw invalidScope(name);
      addPermissions(entry, [canonical]);
    }
  }
  return requested;
}

function splitScope(name: string, tenantId: string): { resource: Resource; prefix: string; permission: string } {
  const slash = name.lastIndexOf('/');
  // A bare permission such as `User.Read` belongs to Microsoft Graph.
  if (slash === -1) return { resource: MICROSOFT_GRAPH, prefix: MICROSOFT_GRAPH.identifierUri!, permission: name };
  const prefix = name.slice(0, slash);
  const resource = RESOURCES.find(
    (candidate) =>
      candidate.appId === prefix.toLowerCase() ||
      (candidate.identifierUri && candidate.identifierUri === prefix.replace(/\/$/, '')),
  );
  if (!resource) throw resourceNotFound(prefix, tenantId);
  return { resource, prefix, permission: name.slice(slash + 1) };
}

function findOrAdd(requested: RequestedScopes, resource: Resource, prefix: string): ResourceScopes {
  let entry = requested.resources.find((candidate) => candidate.resource === resource);
  if (!entry) {
    entry = { resource, prefix, permissions: [], asksDefault: false };
    requested.resources.push(entry);
  }
  return entry;
}

function addPermissions(entry: ResourceScopes, permissions: string[]): void {
  for (const permission of permissions) if (!entry.permissions.includes(permission)) entry.permissions.push(permission);
}

export interface TokenTarget {
  resource: Resource;
  /** The access token's `scp` claim. */
  scp: string;
  /** The token response's `scope`. */
  scope: string;
}

/**
 * The resource an access token is issued for. Without a resource scope the token is for Microsoft
 * Graph (`User.Read`), as on the real service. Code redemption takes one resource only; a refresh
 * names several at its peril and gets the first (Microsoft's documented behaviour for each grant).
 */
export function tokenTarget(
  requested: RequestedScopes,
  rawScope: string,
  options: { singleResource: boolean },
): TokenTarget {
  if (options.singleResource && requested.resources.length > 1) throw multipleResources(rawScope);
  const first = requested.resources[0];
  if (!first || first.resource === MICROSOFT_GRAPH) {
    const permissions = first?.permissions.length ? first.permissions : ['User.Read'];
    const prefix = first?.prefix ?? MICROSOFT_GRAPH.identifierUri!;
    const oidc = [...requested.oidc].filter((name) => name !== 'offline_access');
    return {
      resource: MICROSOFT_GRAPH,
      scp: [...oidc, ...permissions].join(' '),
      scope: [
        ...oidc,
        ...permissions.map((permission) => `${prefix}/${permission}`),
        ...(first?.asksDefault ? [`${prefix}/.default`] : []),
      ].join(' '),
    };
  }
  // Other resources' answers leave out the OpenID Connect scopes (they are Graph's).
  return {
    resource: first.resource,
    scp: first.permissions.join(' '),
    scope: [
      ...first.permissions.map((permission) => `${first.prefix}/${permission}`),
      ...(first.asksDefault ? [`${first.prefix}/.default`] : []),
    ].join(' '),
  };
}

/** Plain words for the sign-in page: what the application asks for. */
export function describeScopes(requested: RequestedScopes): string[] {
  return [
    ...[...requested.oidc].map((name) => OIDC_SCOPES[name] ?? name),
    ...requested.resources.flatMap(({ resource, permissions }) =>
      permissions.map((permission) => `${resource.displayName}: ${resource.permissions[permission] ?? permission}`),
    ),
  ];
}
