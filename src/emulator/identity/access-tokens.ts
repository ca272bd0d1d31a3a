// Access tokens: minted in the v1.0 format the real service issues for Azure DevOps (a resource that
// accepts v1 tokens: issuer sts.windows.net, `upn`/`unique_name`, `appid`), verified for the DevOps
// half, and revocable per person through the control surface.
import { randomBytes } from 'node:crypto';
import { jwtVerify } from 'jose';
import type { Person } from '../directory.ts';
import type { SigningKey } from '../signing-keys.ts';
import { pairwiseSubject } from './id-tokens.ts';
import { AZURE_DEVOPS_RESOURCE_ID, type TokenTarget } from './scopes.ts';

export type ClientAuthMethod = 'secret' | 'certificate';

export interface AccessTokenRequest {
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
}

export interface AccessTokens {
  issue(request: AccessTokenRequest): Promise<{ token: string; expiresIn: number }>;
  /** Checks the `Authorization: Bearer` header for a resource (Azure DevOps by default); null when the call must get a 401. */
  verify(authorizationHeader?: string, audience?: string): Promise<VerifiedCaller | null>;
  /** Makes every access token issued to the person so far invalid (the next call gets a 401). */
  expireFor(objectId: string): void;
  lifetimeSeconds(): number;
  setLifetimeSeconds(seconds: number): void;
}

const MAX_REMEMBERED = 10_000;

function v1Issuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

export function createAccessTokens(options: { signingKey: SigningKey; tenantId: string; lifetimeSeconds: number }): AccessTokens {
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
        // 1: the client proved itself with a secret, 2: with a certificate.
        appidacr: request.clientAuth === 'certificate' ? '2' : '1',
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

    async verify(authorizationHeader, audience = AZURE_DEVOPS_RESOURCE_ID) {
      const bearer = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(authorizationHeader ?? '')?.[1];
      if (!bearer) return null;
      try {
        const { payload } = await jwtVerify(bearer, signingKey.publicKey, {
          algorithms: ['RS256'],
          issuer: v1Issuer(tenantId),
          audience,
          requiredClaims: ['exp', 'iat', 'oid', 'tid', 'uti'],
        });
        const { oid, tid, uti, iat } = payload as { oid: unknown; tid: unknown; uti: unknown; iat: number };
        if (typeof oid !== 'string' || typeof uti !== 'string' || tid !== tenantId) return null;
        if (isRevoked(oid, uti, iat)) return null;
        return { objectId: oid, tenantId: tid };
      } catch {
        return null;
      }
    },

    expireFor(objectId) {
      validFromMs.set(objectId, Date.now());
    },
    lifetimeSeconds: () => lifetime,
    setLifetimeSeconds(seconds) {
      if (!Number.isInteger(seconds) || seconds < 1) throw new RangeError('access token lifetime must be a whole number of seconds, at least 1');
      lifetime = seconds;
    },
  };
}
