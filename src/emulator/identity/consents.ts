// Per-person consent, for the permissions that are not consented for the whole tenant (Key Vault,
// Graph's Mail.Send, Azure DevOps's audit permissions): a person consents to a permission by
// completing a sign-in that asks for it. Kept in memory, so a restart of the emulator forgets it
// (people then sign in once more).
export interface Consents {
  /** The person consented to these permissions of the resource (the ones their sign-in asked for). */
  grant(objectId: string, clientId: string, resourceAppId: string, permissions: readonly string[]): void;
  /** Whether the person consented to every one of these permissions. */
  has(objectId: string, clientId: string, resourceAppId: string, permissions: readonly string[]): boolean;
  /** Forgets every consent the person gave (as when they remove the app at myapps.microsoft.com). */
  revokeFor(objectId: string): void;
  /** The tenant has not consented to this permission for the application: tokens leave it out. */
  withhold(clientId: string, resourceAppId: string, permission: string): void;
  withheld(clientId: string, resourceAppId: string): ReadonlySet<string>;
  /** Every application gets every permission it asks for again. */
  clearWithheld(): void;
}

export function createConsents(): Consents {
  const granted = new Set<string>();
  const notGranted = new Map<string, Set<string>>();
  const appKey = (clientId: string, resourceAppId: string) => `${clientId.toLowerCase()}|${resourceAppId}`;
  const key = (objectId: string, clientId: string, resourceAppId: string, permission: string) =>
    `${objectId}|${clientId.toLowerCase()}|${resourceAppId}|${permission}`;
  return {
    grant(objectId, clientId, resourceAppId, permissions) {
      for (const permission of permissions) granted.add(key(objectId, clientId, resourceAppId, permission));
    },
    has: (objectId, clientId, resourceAppId, permissions) =>
      permissions.every((permission) => granted.has(key(objectId, clientId, resourceAppId, permission))),
    revokeFor(objectId) {
      for (const entry of granted) if (entry.startsWith(`${objectId}|`)) granted.delete(entry);
    },
    withhold(clientId, resourceAppId, permission) {
      const key = appKey(clientId, resourceAppId);
      notGranted.set(key, new Set([...(notGranted.get(key) ?? []), permission]));
    },
    withheld: (clientId, resourceAppId) => notGranted.get(appKey(clientId, resourceAppId)) ?? new Set(),
    clearWithheld: () => notGranted.clear(),
  };
}
