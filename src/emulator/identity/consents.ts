// Per-person consent, for the resources that are not consented for the whole tenant (Key Vault):
// a person consents by completing a sign-in that asks for one of the resource's scopes. Kept in
// memory, so a restart of the emulator forgets it (people then sign in once more).
export interface Consents {
  grant(objectId: string, clientId: string, resourceAppId: string): void;
  has(objectId: string, clientId: string, resourceAppId: string): boolean;
  /** Forgets every consent the person gave (as when they remove the app at myapps.microsoft.com). */
  revokeFor(objectId: string): void;
}

export function createConsents(): Consents {
  const granted = new Set<string>();
  const key = (objectId: string, clientId: string, resourceAppId: string) => `${objectId}|${clientId.toLowerCase()}|${resourceAppId}`;
  return {
    grant: (objectId, clientId, resourceAppId) => void granted.add(key(objectId, clientId, resourceAppId)),
    has: (objectId, clientId, resourceAppId) => granted.has(key(objectId, clientId, resourceAppId)),
    revokeFor(objectId) {
      for (const entry of granted) if (entry.startsWith(`${objectId}|`)) granted.delete(entry);
    },
  };
}
