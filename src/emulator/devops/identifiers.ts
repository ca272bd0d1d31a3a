// Identifiers the emulated service hands out: authorization ids and token secrets.

import { createHash, randomBytes, randomUUID } from 'node:crypto';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(text: string): boolean {
  return GUID.test(text);
}

export function newAuthorizationId(): string {
  return randomUUID();
}

/** The same name always gives the same GUID, so demo data keeps its ids across restarts. */
export function stableUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A PAT secret in the format Azure DevOps has issued since 2024: 84 characters with the fixed
 * `AZDO` signature at positions 77-80 (52-character base32 secrets, as in the 2020 CreatePat
 * example, are the older format).
 */
export function newTokenSecret(): string {
  const random = (length: number) =>
    Array.from(randomBytes(length), (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
  return `${random(76)}AZDO${random(4)}`;
}
