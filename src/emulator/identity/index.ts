// The identity platform half of the emulator: the v2.0 endpoints msal-node talks to, the access
// token verifier the Azure DevOps half uses, and the levers the control surface pulls.
import express, { type Router } from 'express';
import { findPerson, type Directory } from '../directory.ts';
import type { SigningKey } from '../signing-keys.ts';
import { createAccessTokens, type VerifiedCaller } from './access-tokens.ts';
import { createAuthorizationCodes } from './authorization-codes.ts';
import { authorizeEndpoint } from './authorize-endpoint.ts';
import { createClientRegistry, type EmulatorClient } from './clients.ts';
import { deviceCodeEndpoint } from './device-code-endpoint.ts';
import { createDeviceCodes } from './device-codes.ts';
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

export interface IdentityPlatformOptions {
  origin: string;
  directory: Directory;
  clients: EmulatorClient[];
  signingKey: SigningKey;
  dataDir: string;
  accessTokenLifetimeSeconds: number;
  /** The device code flow's polling interval and code lifetime (the real service: 5 and 900). */
  deviceCodeIntervalSeconds?: number;
  deviceCodeLifetimeSeconds?: number;
  onGrant(grantType: string): void;
  /** The emulator's clock: a refresh token's idle lifetime is counted from it. */
  now: () => Date;
}

export interface IssueAccessTokenOptions {
  /** The application the token is for (`appid`); by default the first registered one. */
  clientId?: string;
  lifetimeSeconds?: number;
  /** The token's scope: Azure DevOps (`…/.default`) unless told otherwise, e.g. a Microsoft Graph permission. */
  scope?: string;
}

export interface IdentityPlatform {
  router: Router;
  /** Checks a bearer token for a resource (by default Azure DevOps; see AccessTokens.verify). */
  verifyAccessToken(authorizationHeader?: string, audiences?: string[]): Promise<VerifiedCaller | null>;
  registerClient(client: EmulatorClient): void;
  /** Forgets an application (its registration was deleted). */
  removeClient(clientId: string): void;
  /** Device codes still waiting for their person expire now. */
  expireDeviceCodes(): void;
  expireAccessTokens(objectId: string): void;
  revokeRefreshTokens(objectId: string): void;
  revokeConsents(objectId: string): void;
  /** The tenant has not consented to this Azure DevOps permission for the application: its tokens leave it out. */
  withholdPermission(clientId: string, permission: string): void;
  setAccessTokenLifetime(seconds: number): void;
  /** Mints an Azure DevOps access token for the person, as if their application had asked. */
  issueAccessToken(objectId: string, options?: IssueAccessTokenOptions): Promise<string>;
}

const CONTROL_CLIENT_ID = '00000000-0000-0000-0000-00000000e1e1';

/**
 * Microsoft Graph Command Line Tools: a public client Microsoft publishes in every tenant, which
 * scripts use to sign a person in with the device code flow (as `npm run register` does).
 */
const GRAPH_COMMAND_LINE_TOOLS: EmulatorClient = {
  clientId: '14d82eec-204b-4c2f-b7e8-296a70dab67e',
  redirectUris: [],
  publicClient: true,
};

export function createIdentityPlatform(options: IdentityPlatformOptions): IdentityPlatform {
  const { origin, directory, signingKey } = options;
  // Microsoft's own client last: the control's default application is the first one registered.
  const clients = createClientRegistry([...options.clients, GRAPH_COMMAND_LINE_TOOLS]);
  const deviceCodes = createDeviceCodes({
    intervalSeconds: options.deviceCodeIntervalSeconds ?? 5,
    lifetimeSeconds: options.deviceCodeLifetimeSeconds ?? 900,
  });
  const accessTokens = createAccessTokens({
    signingKey,
    tenantId: directory.tenantId,
    lifetimeSeconds: options.accessTokenLifetimeSeconds,
  });
  const refreshTokens = createRefreshTokens({ dataDir: options.dataDir, now: options.now });
  const codes = createAuthorizationCodes();
  const sessions = createSsoSessions();
  const consents = createConsents();

  const router = express.Router();
  router.get(STYLESHEET_PATH, (_req, res) => {
    res.type('text/css').set('Cache-Control', 'max-age=3600').send(STYLESHEET);
  });
  router.get('/error', (req, res) => sendErrorCodePage(res, String(req.query.code ?? '').replace(/\D/g, '')));
  router.use(discoveryEndpoints({ origin, directory, signingKey }));
  router.use(authorizeEndpoint({ origin, directory, clients, codes, sessions, consents, now: options.now }));
  router.use(deviceCodeEndpoint({ origin, directory, clients, deviceCodes }));
  router.use(
    tokenEndpoint({
      origin,
      directory,
      signingKey,
      accessTokens,
      refreshTokens,
      consents,
      clients,
      codes,
      deviceCodes,
      onGrant: options.onGrant,
    }),
  );
  router.use(logoutEndpoint({ origin, directory, clients, sessions }));

  return {
    router,
    verifyAccessToken: (authorizationHeader, audiences) => accessTokens.verify(authorizationHeader, audiences),
    registerClient: (client) => clients.register(client),
    removeClient: (clientId) => clients.remove(clientId),
    expireDeviceCodes: () => deviceCodes.expireAll(),
    expireAccessTokens: (objectId) => accessTokens.expireFor(objectId),
    revokeRefreshTokens: (objectId) => refreshTokens.revokeFor(objectId),
    revokeConsents: (objectId) => consents.revokeFor(objectId),
    withholdPermission: (clientId, permission) => consents.withhold(clientId, AZURE_DEVOPS_RESOURCE_ID, permission),
    setAccessTokenLifetime: (seconds) => accessTokens.setLifetimeSeconds(seconds),
    async issueAccessToken(objectId, issue = {}) {
      const person = findPerson(directory, objectId);
      if (!person) throw new Error(`no person with object id ${objectId} in the directory`);
      const scope = issue.scope ?? `${AZURE_DEVOPS_RESOURCE_ID}/.default`;
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
