// Registered applications (app registrations): their ids, credentials and redirect URIs.
// Redirect URIs match exactly, as on the real service (a trailing slash makes a different URI).
export interface EmulatorClient {
  clientId: string;
  clientSecret?: string;
  /** Further secrets: an application may hold several passwords at once (Graph's addPassword). */
  clientSecrets?: string[];
  /** The public certificate (PEM) whose key signs client assertions. */
  certificatePem?: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** A public client (device code flow, no credential), such as Microsoft Graph Command Line Tools. */
  publicClient?: boolean;
  /** AzureADMyOrg: people sign in through the tenant's own authority only, not organizations/common. */
  signInAudience?: 'AzureADMyOrg' | 'AzureADMultipleOrgs';
}

export interface ClientRegistry {
  find(clientId: string | undefined): EmulatorClient | undefined;
  /** Adds an application, or replaces the one with the same client id. */
  register(client: EmulatorClient): void;
  /** Forgets an application (its registration was deleted). */
  remove(clientId: string): void;
  all(): EmulatorClient[];
}

export function createClientRegistry(initial: EmulatorClient[]): ClientRegistry {
  const clients = new Map<string, EmulatorClient>();
  const key = (clientId: string) => clientId.toLowerCase();
  const registry: ClientRegistry = {
    find: (clientId) => (clientId ? clients.get(key(clientId)) : undefined),
    register(client) {
      clients.set(key(client.clientId), structuredClone(client));
    },
    remove(clientId) {
      clients.delete(key(clientId));
    },
    all: () => [...clients.values()],
  };
  initial.forEach((client) => registry.register(client));
  return registry;
}

export function secretsOf(client: EmulatorClient): string[] {
  return [...(client.clientSecret ? [client.clientSecret] : []), ...(client.clientSecrets ?? [])];
}

export function hasRedirectUri(client: EmulatorClient, uri: string): boolean {
  return client.redirectUris.includes(uri);
}

/** Where sign-out may return: any redirect URI the application registered, as Entra allows. */
export function isRegisteredPostLogoutUri(clients: EmulatorClient[], uri: string): boolean {
  return clients.some(
    (client) => client.redirectUris.includes(uri) || (client.postLogoutRedirectUris ?? []).includes(uri),
  );
}
