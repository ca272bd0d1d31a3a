// Access tokens: minted in the v1.0 format the real service issues for Azure DevOps (a resource that
// accepts v1 tokens: issuer sts.windows.net, `upn`/`unique_name`, `appid`), verified for the DevOps
// half, and revocable per person through the control surface.
import { randomBytes } from 'node:crypto';
import { jwtVerify } from 'jose';
import type { Person } from '../directory.ts';
import type { SigningKey } from '../signing-keys.ts';
import { pairwiseSubject } from './id-tokens.ts';
import { AZURE_DEVOPS_RESOURCE_ID, type TokenTarget } from './scopes.ts';

export type ClientAuthMethod = 'secret' | 'certificate' | 'none';

interface AccessTokenRequest {
  person: Person;
  clientId: string;
  clientAuth: ClientAuthMethod;
  target: TokenTarget;
  authTimeSeconds: number;
  lifetimeSeconds?: number;
}

export interface VerifiedCaller {
  objectId: string;
  tenantId: string;
  /** The application the token was issued to (`appid`). */
  appId: string;
  /** Delegated permissions (`scp`); empty for an application's own token. */
  scopes: string[];
  /** True for a token an application got for itself (client credentials): `oid` is its service principal. */
  application: boolean;
}

interface ApplicationTokenRequest {
  clientId: string;
  clientAuth: ClientAuthMethod;
  /** The resource (its app id) the token is for. */
  audience: string;
  /** The application's service principal in the tenant: the token's `oid` and `sub`. */
  servicePrincipalId: string;
}

export interface AccessTokens {
  issue(request: AccessTokenRequest): Promise<{ token: string; expiresIn: number }>;
  /** An application's own token (client credentials): no person, no `scp`, `idtyp: app`. */
  issueForApplication(request: ApplicationTokenRequest): Promise<{ token: string; expiresIn: number }>;
  /**
   * Checks the `Authorization: Bearer` header for a resource (Azure DevOps unless told otherwise: its
   * app id or identifier URI); null when the call must get a 401.
   */
  verify(authorizationHeader?: string, audiences?: string[]): Promise<VerifiedCaller | null>;
  /** Makes every access token issued to the person so far invalid (the next call gets a 401). */
  expireFor(objectId: string): void;
  lifetimeSeconds(): number;
  setLifetimeSeconds(seconds: number): void;
}

const MAX_REMEMBERED = 10_000;
/** 0: a public client (no proof), 1: a client secret, 2: a certificate. */
const APPIDACR: Record<ClientAuthMethod, string> = { none: '0', secret: '1', certificate: '2' };

function v1Issuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

export function createAccessTokens(options: {
  signingKey: SigningKey;
  tenantId: string;
  lifetimeSeconds: number;
}): AccessTokens {
  const { signingKey, tenantId } = options;
  let lifetime = options.lifetimeSeconds;
  // JWT times are whole seconds; revocation needs finer: remember when each token (by `uti`) was
  // minted in this run. A token minted before a restart counts as minted at the end of its `iat` second.
  const mintedAtMs = new Map<string, { at: number; expires: number }>();
  const validFromMs = new Map<string, number>();

  function remember(uti: string, expires: number): void {
    if (mintedAtMs.size >= MAX_REMEMBERED) {
      for (const [key, value] of mintedAtMs) if (value.expires < Date.now()) mintedAtMs.delete(key);
    }
    mintedAtMs.set(uti, { at: Date.now(), expires });
  }

  function isRevoked(objectId: string, uti: string, iat: number): boolean {
    const validFrom = validFromMs.get(objectId);
    if (validFrom === undefined) return false;
    return (mintedAtMs.get(uti)?.at ?? iat * 1000 + 999) <= validFrom;
  }

  return {
    async issue(request) {
      const now = Math.floor(Date.now() / 1000);
      const expiresIn = request.lifetimeSeconds ?? lifetime;
      const uti = randomBytes(16).toString('base64url');
      const { person, target } = request;
      const [givenName, ...rest] = person.displayName.split(' ');
      const token = await signingKey.sign({
        aud: target.resource.audience ?? target.resource.appId,
        iss: v1Issuer(tenantId),
        iat: now,
        nbf: now,
        exp: now + expiresIn,
        acr: '1',
        aio: randomBytes(24).toString('base64url'),
        amr: ['pwd'],
        appid: request.clientId,
        appidacr: APPIDACR[request.clientAuth],
        auth_time: request.authTimeSeconds,
        family_name: rest.join(' ') || undefined,
        given_name: givenName,
        ipaddr: '127.0.0.1',
        name: person.displayName,
        oid: person.objectId,
        rh: `0.${randomBytes(12).toString('base64url')}.`,
        scp: target.scp,
        sub: pairwiseSubject(person.objectId, target.resource.appId),
        tid: tenantId,
        unique_name: person.username,
        upn: person.username,
        uti,
        ver: '1.0',
      });
      remember(uti, (now + expiresIn) * 1000);
      return { token, expiresIn };
    },

    async issueForApplication(request) {
      const now = Math.floor(Date.now() / 1000);
      const uti = randomBytes(16).toString('base64url');
      const token = await signingKey.sign({
        aud: request.audience,
        iss: v1Issuer(tenantId),
        iat: now,
        nbf: now,
        exp: now + lifetime,
        aio: randomBytes(24).toString('base64url'),
        appid: request.clientId,
        appidacr: APPIDACR[request.clientAuth],
        idp: v1Issuer(tenantId),
        idtyp: 'app',
        oid: request.servicePrincipalId,
        rh: `0.${randomBytes(12).toString('base64url')}.`,
        sub: request.servicePrincipalId,
        tid: tenantId,
        uti,
        ver: '1.0',
      });
      remember(uti, (now + lifetime) * 1000);
      return { token, expiresIn: lifetime };
    },

    async verify(authorizationHeader, audiences = [AZURE_DEVOPS_RESOURCE_ID]) {
      const bearer = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(authorizationHeader ?? '')?.[1];
      if (!bearer) return null;
      try {
        const { payload } = await jwtVerify(bearer, signingKey.publicKey, {
          algorithms: ['RS256'],
          issuer: v1Issuer(tenantId),
          audience: audiences,
          requiredClaims: ['exp', 'iat', 'oid', 'tid', 'uti'],
        });
        const { oid, tid, uti, iat, appid, scp, idtyp } = payload as {
          oid: unknown;
          tid: unknown;
          uti: unknown;
          iat: number;
          appid: unknown;
          scp: unknown;
          idtyp: unknown;
        };
        if (typeof oid !== 'string' || typeof uti !== 'string' || tid !== tenantId) return null;
        if (isRevoked(oid, uti, iat)) return null;
        return {
          objectId: oid,
          tenantId: tid,
          appId: typeof appid === 'string' ? appid : '',
          scopes: typeof scp === 'string' ? scp.split(' ').filter(Boolean) : [],
          application: idtyp === 'app',
        };
      } catch {
        return null;
      }
    },

    expireFor(objectId) {
      validFromMs.set(objectId, Date.now());
    },
    lifetimeSeconds: () => lifetime,
    setLifetimeSeconds(seconds) {
      if (!Number.isInteger(seconds) || seconds < 1)
        throw new RangeError('access token lifetime must be a whole number of seconds, at least 1');
      lifetime = seconds;
    },
  };
}
