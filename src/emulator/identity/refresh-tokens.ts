// Refresh tokens: self-contained and encrypted (JWE, a key kept in the data directory), so they
// stay opaque to applications and survive an emulator restart. Revocation is a per-person
// "tokens valid from" time, in memory, as the real service's revokeSignInSessions sets one.
import { randomBytes } from 'node:crypto';
import { EncryptJWT, errors, jwtDecrypt } from 'jose';
import { readDataFile, writeDataFile } from '../data-dir.ts';
import { grantNotForThisClient, malformedGrant, refreshTokenExpired, refreshTokenRevoked } from './errors.ts';
import type { SignIn } from './sign-in.ts';

export interface RefreshTokens {
  issue(signIn: SignIn): Promise<string>;
  redeem(token: string, clientId: string): Promise<SignIn>;
  revokeFor(objectId: string): void;
}

/** Refresh tokens expire after 90 days without use; each use returns a new one. */
const INACTIVITY_DAYS = 90;
const KEY_FILE = 'refresh-token-key';

export function createRefreshTokens(options: { dataDir: string; now: () => Date }): RefreshTokens {
  const key = loadOrCreateKey(options.dataDir);
  const tokensValidFromMs = new Map<string, number>();

  return {
    issue(signIn) {
      const issuedAt = Math.floor(options.now().getTime() / 1000);
      return new EncryptJWT({ ...signIn })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + INACTIVITY_DAYS * 86_400)
        .encrypt(key);
    },

    async redeem(token, clientId) {
      const signIn = await decrypt(token, key, options.now());
      if (signIn.clientId.toLowerCase() !== clientId.toLowerCase()) throw grantNotForThisClient();
      const validFrom = tokensValidFromMs.get(signIn.objectId);
      if (validFrom !== undefined && signIn.grantedAtMs <= validFrom) {
        throw refreshTokenRevoked(new Date(signIn.grantedAtMs), new Date(validFrom));
      }
      return signIn;
    },

    revokeFor(objectId) {
      tokensValidFromMs.set(objectId, options.now().getTime());
    },
  };
}

async function decrypt(token: string, key: Uint8Array, now: Date): Promise<SignIn> {
  try {
    const { payload } = await jwtDecrypt(token, key, { currentDate: now });
    const { objectId, tenantId, clientId, scope, authTimeSeconds, grantedAtMs } = payload as Partial<SignIn>;
    if (
      !objectId ||
      !tenantId ||
      !clientId ||
      scope === undefined ||
      authTimeSeconds === undefined ||
      grantedAtMs === undefined
    )
      throw malformedGrant();
    return { objectId, tenantId, clientId, scope, authTimeSeconds, grantedAtMs };
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      const issuedAt = typeof error.payload.iat === 'number' ? new Date(error.payload.iat * 1000) : new Date(0);
      throw refreshTokenExpired(issuedAt, INACTIVITY_DAYS);
    }
    throw malformedGrant();
  }
}

function loadOrCreateKey(dataDir: string): Uint8Array {
  const stored = readDataFile(dataDir, KEY_FILE);
  if (stored) return Buffer.from(stored.trim(), 'base64url');
  const key = randomBytes(32);
  writeDataFile(dataDir, KEY_FILE, key.toString('base64url'), { secret: true });
  return key;
}
