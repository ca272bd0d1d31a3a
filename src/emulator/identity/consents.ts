// Per-person consent, for the resources that are not consented for the whole tenant (Key Vault):
// a person consents by completing a sign-in that asks for one of the resource's scopes. Kept in
// memory, so a restart of the emulator forgets it (people then sign in once more).
export interface Consents {
  grant(objectId: string, clientId: string, resourceAppId: string): void;
  has(objectId: string, clientId: string, resourceAppId: string): boolean;
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
  const key = (objectId: string, clientId: string, resourceAppId: string) =>
    `${objectId}|${clientId.toLowerCase()}|${resourceAppId}`;
  return {
    grant: (objectId, clientId, resourceAppId) => void granted.add(key(objectId, clientId, resourceAppId)),
    has: (objectId, clientId, resourceAppId) => granted.has(key(objectId, clientId, resourceAppId)),
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
