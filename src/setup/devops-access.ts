// The Azure DevOps delegated permissions an app registration needs, by id: looked up in Azure
// DevOps's own service principal in the tenant (its `oauth2PermissionScopes`) rather than
// hard-coded, so a permission Microsoft adds or renames is found or reported, never guessed.
import { AZURE_DEVOPS_RESOURCE, FULL_ACCESS_PERMISSION, REGISTERED_PERMISSIONS } from '../auth/devops-permissions.ts';
import type { GraphClient, ResourceAccess, ResourcePrincipal } from './graph-client.ts';

export class PermissionLookupFailed extends Error {
  override name = 'PermissionLookupFailed';
}

/** Azure DevOps's service principal, or why the permissions cannot be looked up. */
export async function azureDevOpsPrincipal(graph: GraphClient): Promise<ResourcePrincipal> {
  const principal = await graph.findServicePrincipal(AZURE_DEVOPS_RESOURCE);
  if (!principal)
    throw new PermissionLookupFailed(
      `Azure DevOps (${AZURE_DEVOPS_RESOURCE}) has no service principal in this tenant, so its permissions cannot be looked up. Sign in to https://dev.azure.com once with an account of this tenant (that adds it), then run again.`,
    );
  return principal;
}

/** The registration's Azure DevOps entry: exactly PAT Manager's permissions, by the ids the tenant gives them. */
export function azureDevOpsAccess(principal: ResourcePrincipal): ResourceAccess {
  const ids = REGISTERED_PERMISSIONS.map((permission) => {
    const scope = principal.oauth2PermissionScopes.find((candidate) => candidate.value === permission);
    if (!scope)
      throw new PermissionLookupFailed(
        `Azure DevOps's service principal offers no delegated permission ${permission}, so nothing was changed.`,
      );
    return scope.id;
  });
  return { resourceAppId: AZURE_DEVOPS_RESOURCE, resourceAccess: ids.map((id) => ({ id, type: 'Scope' as const })) };
}

/** The names of the Azure DevOps permissions a registration lists (ids it cannot name are left out). */
export function listedPermissions(
  requiredResourceAccess: readonly ResourceAccess[],
  principal: ResourcePrincipal,
): string[] {
  const listed =
    requiredResourceAccess.find((entry) => entry.resourceAppId.toLowerCase() === AZURE_DEVOPS_RESOURCE)
      ?.resourceAccess ?? [];
  return listed.flatMap(({ id }) => principal.oauth2PermissionScopes.find((scope) => scope.id === id)?.value ?? []);
}

export function missingPermissions(listed: readonly string[]): string[] {
  return REGISTERED_PERMISSIONS.filter((permission) => !listed.includes(permission));
}

export { FULL_ACCESS_PERMISSION };
