// ID tokens (v2.0) and `client_info`: who signed in, for the application. msal-node keys accounts by
// client_info's `uid.utid` and checks the ID token's `nonce` against the one it sent.
import { createHash, randomBytes } from 'node:crypto';
import type { Person } from '../directory.ts';
import type { SigningKey } from '../signing-keys.ts';

const ID_TOKEN_LIFETIME_SECONDS = 3600;

export function v2Issuer(origin: string, tenantId: string): string {
  return `${origin}/${tenantId}/v2.0`;
}

/** `sub` is pairwise: the same person has a different subject for each application or resource. */
export function pairwiseSubject(objectId: string, audience: string): string {
  return createHash('sha256').update(`${objectId}|${audience.toLowerCase()}`).digest('base64url');
}

export function issueIdToken(options: {
  signingKey: SigningKey;
  origin: string;
  tenantId: string;
  person: Person;
  clientId: string;
  nonce: string | undefined;
  authTimeSeconds: number;
}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const { person } = options;
  return options.signingKey.sign({
    aud: options.clientId,
    iss: v2Issuer(options.origin, options.tenantId),
    iat: now,
    nbf: now,
    exp: now + ID_TOKEN_LIFETIME_SECONDS,
    aio: randomBytes(24).toString('base64url'),
    auth_time: options.authTimeSeconds,
    name: person.displayName,
    ...(options.nonce ? { nonce: options.nonce } : {}),
    oid: person.objectId,
    preferred_username: person.username,
    rh: `0.${randomBytes(12).toString('base64url')}.`,
    sub: pairwiseSubject(person.objectId, options.clientId),
    tid: options.tenantId,
    uti: randomBytes(16).toString('base64url'),
    ver: '2.0',
  });
}

export function clientInfo(person: Person, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: person.objectId, utid: tenantId })).toString('base64url');
}
