// Sealing: what a store must never hold readable (msal-node's token cache, the remembered access
// token) is encrypted with AES-256-GCM before it leaves the process, and authenticated with the place
// it belongs to (e.g. "token-cache:" + session id) as associated data, so a blob copied into another
// session, or into another slot of the same session, does not open.
//
// Several keys may be configured (TOKEN_CACHE_KEYS): the first seals, every one is tried to open, so
// a key is rotated by putting the new one first and removing the old one once nothing sealed with it
// is left (see README, "Tokens sealed at rest").
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

const FORMAT = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Why a blob did not open, for the log (never the blob itself). */
export type UnsealFailure = 'not-sealed' | 'unknown-key' | 'tampered';

export type Unsealed =
  { ok: true; plaintext: string; sealedWithCurrentKey: boolean } | { ok: false; reason: UnsealFailure };

export interface Sealer {
  /** A text blob (safe in SQLite TEXT and Redis strings) that only `open` with the same context reads. */
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): Unsealed;
}

export const UNSEAL_FAILURE_WORDS: Record<UnsealFailure, string> = {
  'not-sealed': 'the stored value is not a sealed blob (written by an older version, or damaged)',
  'unknown-key': 'it was sealed with a key that TOKEN_CACHE_KEYS no longer holds',
  tampered: 'it failed authentication (changed after sealing, or moved from another session)',
};

/**
 * A short public name for a key, stored with each blob so the log can tell "key removed" from
 * "tampered"; a hash, so it says nothing about the key itself.
 */
function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('pat-manager token cache key id\0').update(key).digest('base64url').slice(0, 11);
}

export function createSealer(keys: readonly Buffer[]): Sealer {
  if (keys.length === 0) throw new Error('createSealer needs at least one key');
  for (const key of keys) if (key.length !== KEY_BYTES) throw new Error(`a sealing key must be ${KEY_BYTES} bytes`);
  // Key objects made once: made from raw bytes on every call, they were a visible part of a page's CPU.
  const known = keys.map((key, index) => ({ key: createSecretKey(key), id: keyIdOf(key), current: index === 0 }));
  const sealing = known[0]!;

  function openWith(key: KeyObject, payload: Buffer, context: string): string | undefined {
    const iv = payload.subarray(0, IV_BYTES);
    const tag = payload.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const ciphertext = payload.subarray(IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }

  return {
    seal(plaintext, context) {
      // A fresh random IV per seal: with 96-bit IVs, 2^32 seals under one key stay well within GCM's limits.
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', sealing.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const payload = Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
      return `${FORMAT}.${sealing.id}.${payload.toString('base64url')}`;
    },

    open(sealed, context) {
      const [format, keyId, encoded, ...rest] = sealed.split('.');
      if (format !== FORMAT || !keyId || !encoded || rest.length > 0) return { ok: false, reason: 'not-sealed' };
      const payload = Buffer.from(encoded, 'base64url');
      if (payload.length < IV_BYTES + TAG_BYTES) return { ok: false, reason: 'not-sealed' };
      // Every key is tried (the id only orders the attempts and names the failure).
      const ordered = [...known].sort((a, b) => Number(b.id === keyId) - Number(a.id === keyId));
      for (const candidate of ordered) {
        const plaintext = openWith(candidate.key, payload, context);
        if (plaintext !== undefined) return { ok: true, plaintext, sealedWithCurrentKey: candidate.current };
      }
      return { ok: false, reason: known.some((candidate) => candidate.id === keyId) ? 'tampered' : 'unknown-key' };
    },
  };
}

/** A new random key, as TOKEN_CACHE_KEYS takes it (base64 of 32 bytes). */
export function newSealingKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}
