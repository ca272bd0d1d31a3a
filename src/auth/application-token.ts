// The app asking for a token for itself (client credentials): it needs no person, and succeeds only
// if the registration exists in the tenant and accepts the configured secret or certificate. The
// doctor uses it to check the credential, and register to tell whether the secret in .env still
// works; the token is dropped at once.
import { ConfidentialClientApplication, LogLevel, type INetworkModule } from '@azure/msal-node';
import type { AppConfig } from '../config/config.ts';
import { msalCredential } from './auth-service.ts';

const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';

export async function proveClientCredential(identity: AppConfig['identity'], networkClient: INetworkModule): Promise<void> {
  await applicationGraphToken(identity, networkClient);
}

/** The application's own Microsoft Graph token (the doctor reads its registration with it). */
export async function applicationGraphToken(identity: AppConfig['identity'], networkClient: INetworkModule): Promise<string> {
  const authority = `${identity.authorityHost}/${identity.tenant}`;
  const client = new ConfidentialClientApplication({
    auth: { clientId: identity.clientId, authority, knownAuthorities: [new URL(authority).host], ...msalCredential(identity.credential) },
    system: { networkClient, loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => {} } },
  });
  const result = await client.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT_SCOPE], skipCache: true });
  if (!result?.accessToken) throw new Error('the identity platform answered without an access token');
  return result.accessToken;
}
