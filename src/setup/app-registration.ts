// What `npm run register` makes in Microsoft Entra ID, and how it finds it again: one application
// (tagged as made here) with PAT Manager's redirect URIs and delegated permissions, its service
// principal, and a credential. Only reads happen before it is sure what to change.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GraphRequestError,
  type ApplicationFields,
  type GraphApplication,
  type GraphClient,
  type ResourceAccess,
} from './graph-client.ts';

/** Marks the registrations this command made, so that --remove deletes only those. */
export const REGISTER_TAG = 'pat-manager:npm-run-register';

/** Azure Key Vault `user_impersonation`, for the Key Vault feature. */
const KEY_VAULT_ACCESS: ResourceAccess = {
  resourceAppId: 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093',
  resourceAccess: [{ id: 'f53da476-18e3-4152-8e01-aec403e6edc0', type: 'Scope' }],
};
const SECRET_LIFETIME_DAYS = 180;

export class RegistrationRefused extends Error {
  override name = 'RegistrationRefused';
}

export interface DesiredRegistration {
  displayName: string;
  multiTenant: boolean;
  baseUrl: URL;
  /** The AZURE_CLIENT_ID already in .env, if any. */
  currentClientId: string | undefined;
  force: boolean;
}

/** `{BASE_URL}/getAToken` (sign-in) and `{BASE_URL}/` (where sign-out returns). */
function redirectUrisFor(baseUrl: URL): string[] {
  const base = baseUrl.href.replace(/\/+$/, '');
  return [`${base}/getAToken`, `${base}/`];
}

/** The registration to update, or undefined to create one; refuses to replace another app's id in .env. */
export async function findRegistration(
  graph: GraphClient,
  desired: DesiredRegistration,
): Promise<GraphApplication | undefined> {
  if (desired.currentClientId) {
    const [current] = await graph.findApplications({ appId: desired.currentClientId });
    if (current) return current;
    if (!desired.force) {
      throw new RegistrationRefused(
        `.env already has AZURE_CLIENT_ID=${desired.currentClientId}, which is not an application in this tenant. Nothing was changed; run again with --force to register a new application and replace it.`,
      );
    }
  }
  const ours = (await graph.findApplications({ displayName: desired.displayName })).filter((app) =>
    app.tags.includes(REGISTER_TAG),
  );
  if (ours.length > 1)
    throw new RegistrationRefused(
      `Several applications named "${desired.displayName}" were made by this command (${ours.map((app) => app.appId).join(', ')}). Put the one to keep in .env as AZURE_CLIENT_ID and run again.`,
    );
  return ours[0];
}

/**
 * `azureDevOps`: exactly the Azure DevOps permissions PAT Manager asks for (looked up by
 * devops-access.ts); it replaces whatever the registration listed for Azure DevOps before, so a
 * `user_impersonation` (full access) an earlier run added goes.
 */
export function applicationFields(
  desired: DesiredRegistration,
  existing: GraphApplication | undefined,
  azureDevOps: ResourceAccess,
): ApplicationFields & { displayName: string } {
  const others = (existing?.requiredResourceAccess ?? []).filter(
    (entry) => entry.resourceAppId.toLowerCase() !== azureDevOps.resourceAppId,
  );
  return {
    displayName: desired.displayName,
    signInAudience: desired.multiTenant ? 'AzureADMultipleOrgs' : 'AzureADMyOrg',
    tags: [...new Set([...(existing?.tags ?? []), REGISTER_TAG])],
    web: { redirectUris: redirectUrisFor(desired.baseUrl) },
    // Other resources' permissions someone added by hand are kept; PAT Manager's are added.
    requiredResourceAccess: [...withAccess(others, [KEY_VAULT_ACCESS]), azureDevOps],
  };
}

function withAccess(current: ResourceAccess[], wanted: ResourceAccess[]): ResourceAccess[] {
  const merged = structuredClone(current);
  for (const resource of wanted) {
    const entry = merged.find((candidate) => candidate.resourceAppId === resource.resourceAppId);
    if (!entry) merged.push(structuredClone(resource));
    else
      for (const access of resource.resourceAccess)
        if (!entry.resourceAccess.some((have) => have.id === access.id)) entry.resourceAccess.push(access);
  }
  return merged;
}

/**
 * A new application takes a moment to reach every Graph replica; until it does, creating its
 * service principal fails as if the appId were unknown. Microsoft's guidance is to retry.
 */
export async function ensureServicePrincipal(graph: GraphClient, appId: string, retryDelayMs = 2000): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await graph.createServicePrincipal(appId);
    } catch (error) {
      const notYetVisible =
        error instanceof GraphRequestError && error.status === 400 && /valid application object/.test(error.message);
      if (!notYetVisible || attempt === 5) throw error;
      await sleep(retryDelayMs);
    }
  }
}

export async function addClientSecret(
  graph: GraphClient,
  application: GraphApplication,
): Promise<{ secretText: string; endDateTime: string }> {
  const expires = new Date(Date.now() + SECRET_LIFETIME_DAYS * 24 * 3600 * 1000);
  return graph.addPassword(application.id, 'PAT Manager (npm run register)', expires);
}
