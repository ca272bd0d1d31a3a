// An emulator for identity tests: two registered applications (one with a secret, one with a
// certificate) and real msal-node apps pointed at it, with a network client that trusts its CA.
import { randomBytes, X509Certificate, createHash } from 'node:crypto';
import {
  ConfidentialClientApplication,
  CryptoProvider,
  LogLevel,
  type AuthenticationResult,
  type Configuration,
} from '@azure/msal-node';
import { demoDirectory } from '../../../src/emulator/directory.ts';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from '../../../src/emulator/index.ts';
import { createCertificate, generateRsaKeyPair } from '../../../src/emulator/x509.ts';
import { signInThroughEmulator, type EmulatorSignInOptions, type SignInChoice } from './emulator-sign-in.ts';
import { emulatorNetworkClient, type TestNetworkClient } from './msal-network-client.ts';

export const AZURE_DEVOPS_SCOPE = '499b84ac-1321-427f-aa17-267ca6975798/.default';
export const REDIRECT_URI = 'https://app.localhost:8443/getAToken';
const demoPerson = (name: string) => demoDirectory().people.find((person) => person.displayName === name)!;
export const ADA = demoPerson('Ada Lovelace');
export const GRACE = demoPerson('Grace Hopper');

export interface ClientCertificate {
  certificatePem: string;
  privateKeyPem: string;
  /** Hex SHA-256 of the DER certificate, as msal-node's `thumbprintSha256` wants it. */
  thumbprintSha256: string;
}

export function makeClientCertificate(): ClientCertificate {
  const keys = generateRsaKeyPair();
  const certificatePem = createCertificate({
    kind: 'signing',
    commonName: 'PAT Manager test client',
    publicKeyPem: keys.publicKeyPem,
    issuer: { privateKeyPem: keys.privateKeyPem },
    validDays: 30,
  });
  const thumbprintSha256 = createHash('sha256').update(new X509Certificate(certificatePem).raw).digest('hex');
  return { certificatePem, privateKeyPem: keys.privateKeyPem, thumbprintSha256 };
}

export const SECRET_CLIENT = {
  clientId: '6a1f0c1e-3a43-4a5e-9b0e-1f3c9d7e2b11',
  clientSecret: randomBytes(24).toString('base64url'),
  redirectUris: [REDIRECT_URI],
};
export const CERTIFICATE = makeClientCertificate();
export const CERTIFICATE_CLIENT = {
  clientId: 'f2d6c4b8-8e1a-4c3b-a9d7-5e6f7a8b9c0d',
  certificatePem: CERTIFICATE.certificatePem,
  redirectUris: [REDIRECT_URI],
};

export async function startTestEmulator(options: Partial<StartEmulatorOptions> = {}): Promise<RunningEmulator> {
  return startEmulator({ clients: [SECRET_CLIENT, CERTIFICATE_CLIENT], seed: 'empty', ...options });
}

export type Authority = 'tenant' | 'organizations' | 'common';

export interface TestApp {
  msal: ConfidentialClientApplication;
  network: TestNetworkClient;
  authority: string;
}

export function msalApp(
  emulator: RunningEmulator,
  options: {
    authority?: Authority;
    credential?: { clientSecret: string } | { certificate: ClientCertificate };
    clientId?: string;
    timeoutMs?: number;
  } = {},
): TestApp {
  const network = emulatorNetworkClient(
    emulator.caCertificatePem,
    options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs },
  );
  const segment = (options.authority ?? 'tenant') === 'tenant' ? emulator.tenantId : options.authority!;
  const authority = `${emulator.urls.identity}/${segment}`;
  const credential = options.credential ?? { clientSecret: SECRET_CLIENT.clientSecret };
  const config: Configuration = {
    auth: {
      clientId:
        options.clientId ?? ('certificate' in credential ? CERTIFICATE_CLIENT.clientId : SECRET_CLIENT.clientId),
      authority,
      // msal-node compares knownAuthorities with the authority's host and port.
      knownAuthorities: [new URL(authority).host],
      ...('certificate' in credential
        ? {
            clientCertificate: {
              thumbprintSha256: credential.certificate.thumbprintSha256,
              privateKey: credential.certificate.privateKeyPem,
            },
          }
        : { clientSecret: credential.clientSecret }),
    },
    system: {
      networkClient: network,
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} },
    },
  };
  return { msal: new ConfidentialClientApplication(config), network, authority };
}

export interface AuthorizedCode {
  code: string;
  verifier: string;
  nonce: string;
  state: string;
}

/** The first leg: msal-node's authorize URL (PKCE S256), a person picked on the emulator's page, the code. */
export async function authorizeCode(
  app: TestApp,
  emulator: RunningEmulator,
  who: SignInChoice = { objectId: ADA.objectId },
  signInOptions: Partial<EmulatorSignInOptions> = {},
): Promise<AuthorizedCode> {
  const crypto = new CryptoProvider();
  const { verifier, challenge } = await crypto.generatePkceCodes();
  const state = crypto.createNewGuid();
  const nonce = crypto.createNewGuid();
  const url = await app.msal.getAuthCodeUrl({
    scopes: [AZURE_DEVOPS_SCOPE],
    redirectUri: REDIRECT_URI,
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    state,
    nonce,
    prompt: 'select_account',
  });
  const location = new URL(
    await signInThroughEmulator(url, who, { caCertificatePem: emulator.caCertificatePem, ...signInOptions }),
  );
  const code = location.searchParams.get('code');
  if (!code || location.searchParams.get('state') !== state)
    throw new Error(`no code for this state in ${location.href}`);
  return { code, verifier, nonce, state };
}

/** The second leg, as PAT Manager does it. */
export function redeemCode(
  app: TestApp,
  authorized: AuthorizedCode,
  overrides: { codeVerifier?: string; redirectUri?: string } = {},
): Promise<AuthenticationResult> {
  const { code, state, nonce } = authorized;
  return app.msal.acquireTokenByCode(
    // msal-node 7 takes the expected nonce from the request; the payload's is ignored.
    {
      code,
      codeVerifier: overrides.codeVerifier ?? authorized.verifier,
      redirectUri: overrides.redirectUri ?? REDIRECT_URI,
      scopes: [AZURE_DEVOPS_SCOPE],
      state,
      nonce,
    },
    { code, state },
  );
}

export interface SignInResult {
  result: AuthenticationResult;
  nonce: string;
}

/** The whole authorization code flow with PKCE, choosing a person on the emulator's page. */
export async function signIn(
  app: TestApp,
  emulator: RunningEmulator,
  who: SignInChoice = { objectId: ADA.objectId },
  signInOptions: Partial<EmulatorSignInOptions> = {},
): Promise<SignInResult> {
  const authorized = await authorizeCode(app, emulator, who, signInOptions);
  return { result: await redeemCode(app, authorized), nonce: authorized.nonce };
}
