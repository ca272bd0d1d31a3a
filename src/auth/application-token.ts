// The app proving its credential to the identity platform without a person: the doctor uses it to
// check the credential (and to read its own registration), register to tell whether the secret in
// .env still works.
import { ConfidentialClientApplication, LogLevel, type INetworkModule } from '@azure/msal-node';
import type { AppConfig } from '../config/config.ts';
import { msalCredential } from './auth-service.ts';

const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';
/** A code no authorization ever issued: redeeming it can only be refused. */
const NEVER_ISSUED_CODE = 'pat-manager-doctor-never-issued';

function clientFor(identity: AppConfig['identity'], networkClient: INetworkModule): ConfidentialClientApplication {
  const authority = `${identity.authorityHost}/${identity.tenant}`;
  return new ConfidentialClientApplication({
    auth: {
      clientId: identity.clientId,
      authority,
      knownAuthorities: [new URL(authority).host],
      ...msalCredential(identity.credential),
    },
    system: {
      networkClient,
      loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => {} },
    },
  });
}

/**
 * In a tenant: the app's own token (client credentials), which succeeds only if the registration
 * exists there and accepts the secret or certificate; the token is dropped at once. Through
 * `organizations` or `common` there is no tenant to issue that token, so a code that was never
 * issued is redeemed instead: the token endpoint authenticates the client before it reads the code
 * (a wrong secret is `invalid_client`, AADSTS7000215), so `invalid_grant` means the credential was
 * accepted. (The redirect URI only has to be well formed: the code is refused before it is compared.)
 */
export async function proveClientCredential(
  identity: AppConfig['identity'],
  networkClient: INetworkModule,
  redirectUri = 'http://localhost/getAToken',
): Promise<void> {
  if (!/^(organizations|common)$/i.test(identity.tenant)) {
    await applicationGraphToken(identity, networkClient);
    return;
  }
  try {
    await clientFor(identity, networkClient).acquireTokenByCode({
      code: NEVER_ISSUED_CODE,
      redirectUri,
      scopes: ['openid'],
    });
  } catch (error) {
    if ((error as { errorCode?: string }).errorCode === 'invalid_grant') return;
    throw error;
  }
}

/** The application's own Microsoft Graph token (the doctor reads its registration with it). */
export async function applicationGraphToken(
  identity: AppConfig['identity'],
  networkClient: INetworkModule,
): Promise<string> {
  const result = await clientFor(identity, networkClient).acquireTokenByClientCredential({
    scopes: [GRAPH_DEFAULT_SCOPE],
    skipCache: true,
  });
  if (!result?.accessToken) throw new Error('the identity platform answered without an access token');
  return result.accessToken;
}
