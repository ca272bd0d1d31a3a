// The sealing layer on its own: AES-256-GCM with the place a blob belongs to as associated data, a
// first key that seals and older keys that still open.
import { describe, expect, it } from 'vitest';
import { createSealer, newSealingKey } from '../../src/storage/sealing.ts';

const KEY_A = Buffer.alloc(32, 1);
const KEY_B = Buffer.alloc(32, 2);

function flipOneByte(sealed: string): string {
  const [format, keyId, payload] = sealed.split('.');
  const bytes = Buffer.from(payload!, 'base64url');
  bytes[bytes.length - 1]! ^= 0x01;
  return `${format}.${keyId}.${bytes.toString('base64url')}`;
}

describe('createSealer', () => {
  it('opens what it sealed, in the same place only', () => {
    const sealer = createSealer([KEY_A]);
    const sealed = sealer.seal('{"RefreshToken":{}}', 'token-cache:s1');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{11}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('RefreshToken');
    expect(sealer.open(sealed, 'token-cache:s1')).toEqual({
      ok: true,
      plaintext: '{"RefreshToken":{}}',
      sealedWithCurrentKey: true,
    });
    expect(sealer.open(sealed, 'token-cache:s2')).toEqual({ ok: false, reason: 'tampered' });
    expect(sealer.open(sealed, 'access-token:s1')).toEqual({ ok: false, reason: 'tampered' });
  });

  it('seals the same text differently every time (a fresh IV)', () => {
    const sealer = createSealer([KEY_A]);
    expect(sealer.seal('same', 'c')).not.toBe(sealer.seal('same', 'c'));
  });

  it('refuses a blob with one flipped byte, and one that is not sealed at all', () => {
    const sealer = createSealer([KEY_A]);
    expect(sealer.open(flipOneByte(sealer.seal('text', 'c')), 'c')).toEqual({ ok: false, reason: 'tampered' });
    expect(sealer.open('{"Account":{}}', 'c')).toEqual({ ok: false, reason: 'not-sealed' });
    expect(sealer.open('v1.abc.', 'c')).toEqual({ ok: false, reason: 'not-sealed' });
    expect(sealer.open('v1.abc.AAAA', 'c')).toEqual({ ok: false, reason: 'not-sealed' });
  });

  it('rotates: the first key seals, an older key still opens, a removed key does not', () => {
    const old = createSealer([KEY_A]).seal('text', 'c');
    const rotated = createSealer([KEY_B, KEY_A]);
    expect(rotated.open(old, 'c')).toEqual({ ok: true, plaintext: 'text', sealedWithCurrentKey: false });
    const resealed = rotated.seal('text', 'c');
    expect(createSealer([KEY_B]).open(resealed, 'c')).toMatchObject({ ok: true, sealedWithCurrentKey: true });
    expect(createSealer([KEY_A]).open(resealed, 'c')).toEqual({ ok: false, reason: 'unknown-key' });
    expect(createSealer([KEY_B]).open(old, 'c')).toEqual({ ok: false, reason: 'unknown-key' });
  });

  it('takes only 32-byte keys, and makes them', () => {
    expect(() => createSealer([])).toThrow();
    expect(() => createSealer([Buffer.alloc(16)])).toThrow(/32 bytes/);
    expect(Buffer.from(newSealingKey(), 'base64')).toHaveLength(32);
  });
});
