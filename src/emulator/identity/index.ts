// The identity platform half of the emulator: the v2.0 endpoints msal-node talks to, the access
// token verifier the Azure DevOps half uses, and the levers the control surface pulls.
import express, { type Router } from 'express';
import { findPerson, type Directory } from '../directory.ts';
import type { SigningKey } from '../signing-keys.ts';
import { createAccessTokens, type VerifiedCaller } from './access-tokens.ts';
import { createAuthorizationCodes } from './authorization-codes.ts';
import { authorizeEndpoint } from './authorize-endpoint.ts';
import { createClientRegistry, type EmulatorClient } from './clients.ts';
import { createConsents } from './consents.ts';
import { discoveryEndpoints } from './discovery-endpoints.ts';
import { STYLESHEET, STYLESHEET_PATH } from './html.ts';
import { logoutEndpoint } from './logout-endpoint.ts';
import { sendErrorCodePage } from './pages.ts';
import { createRefreshTokens } from './refresh-tokens.ts';
import { AZURE_DEVOPS_RESOURCE_ID, parseScopes, tokenTarget } from './scopes.ts';
import { createSsoSessions } from './sso-session.ts';
import { tokenEndpoint } from './token-endpoint.ts';

export type { EmulatorClient } from './clients.ts';
export type { VerifiedCaller } from './access-tokens.ts';
export { AZURE_DEVOPS_RESOURCE_ID, KEY_VAULT_RESOURCE_ID, MICROSOFT_GRAPH_RESOURCE_ID } from './scopes.ts';

export interface IdentityPlatformOptions {
  origin: string;
  directory: Directory;
  clients: EmulatorClient[];
  signingKey: SigningKey;
  dataDir: string;
  accessTokenLifetimeSeconds: number;
  onGrant(grantType: string): void;
}

export interface IssueAccessTokenOptions {
  /** The application the token is for (`appid`); by default the first registered one. */
  clientId?: string;
  lifetimeSeconds?: number;
}

export interface IdentityPlatform {
  router: Router;
  /** `audience`: Azure DevOps unless named (Key Vault's is https://vault.azure.net). */
  verifyAccessToken(authorizationHeader?: string, audience?: string): Promise<VerifiedCaller | null>;
  registerClient(client: EmulatorClient): void;
  expireAccessTokens(objectId: string): void;
  revokeRefreshTokens(objectId: string): void;
  revokeConsents(objectId: string): void;
  setAccessTokenLifetime(seconds: number): void;
  /** Mints an Azure DevOps access token for the person, as if their application had asked. */
  issueAccessToken(objectId: string, options?: IssueAccessTokenOptions): Promise<string>;
}

const CONTROL_CLIENT_ID = '00000000-0000-0000-0000-00000000e1e1';

export function createIdentityPlatform(options: IdentityPlatformOptions): IdentityPlatform {
  const { origin, directory, signingKey } = options;
  const clients = createClientRegistry(options.clients);
  const accessTokens = createAccessTokens({ signingKey, tenantId: directory.tenantId, lifetimeSeconds: options.accessTokenLifetimeSeconds });
  const refreshTokens = createRefreshTokens({ dataDir: options.dataDir });
  const codes = createAuthorizationCodes();
  const sessions = createSsoSessions();
  const consents = createConsents();

  const router = express.Router();
  router.get(STYLESHEET_PATH, (_req, res) => {
    res.type('text/css').set('Cache-Control', 'max-age=3600').send(STYLESHEET);
  });
  router.get('/error', (req, res) => sendErrorCodePage(res, String(req.query.code ?? '').replace(/\D/g, '')));
  router.use(discoveryEndpoints({ origin, directory, signingKey }));
  router.use(authorizeEndpoint({ origin, directory, clients, codes, sessions, consents }));
  router.use(tokenEndpoint({ origin, directory, signingKey, accessTokens, refreshTokens, consents, clients, codes, onGrant: options.onGrant }));
  router.use(logoutEndpoint({ origin, directory, clients, sessions }));

  return {
    router,
    verifyAccessToken: (authorizationHeader, audience) => accessTokens.verify(authorizationHeader, audience),
    registerClient: (client) => clients.register(client),
    expireAccessTokens: (objectId) => accessTokens.expireFor(objectId),
    revokeRefreshTokens: (objectId) => refreshTokens.revokeFor(objectId),
    revokeConsents: (objectId) => consents.revokeFor(objectId),
    setAccessTokenLifetime: (seconds) => accessTokens.setLifetimeSeconds(seconds),
    async issueAccessToken(objectId, issue = {}) {
      const person = findPerson(directory, objectId);
      if (!person) throw new Error(`no person with object id ${objectId} in the directory`);
      const scope = `${AZURE_DEVOPS_RESOURCE_ID}/.default`;
      const { token } = await accessTokens.issue({
        person,
        clientId: issue.clientId ?? clients.all()[0]?.clientId ?? CONTROL_CLIENT_ID,
        clientAuth: 'secret',
        target: tokenTarget(parseScopes(scope, directory.tenantId), scope, { singleResource: true }),
        authTimeSeconds: Math.floor(Date.now() / 1000),
        ...(issue.lifetimeSeconds === undefined ? {} : { lifetimeSeconds: issue.lifetimeSeconds }),
      });
      return token;
    },
  };
}
