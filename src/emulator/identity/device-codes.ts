// Device codes (RFC 8628, the device authorization grant): the application asks for a code, shows
// the person the user code and the verification address, and polls the token endpoint while the
// person signs in on the emulator's /devicelogin page, or declines. Kept in memory.
import { randomBytes, randomInt } from 'node:crypto';
import type { SignIn } from './sign-in.ts';

type DeviceCodeState = { status: 'pending' } | { status: 'approved'; signIn: SignIn } | { status: 'declined' };

interface DeviceCodeGrant {
  deviceCode: string;
  userCode: string;
  clientId: string;
  tenantId: string;
  scope: string;
  expiresAt: number;
  state: DeviceCodeState;
}

export interface DeviceCodes {
  issue(request: { clientId: string; tenantId: string; scope: string }): DeviceCodeGrant;
  byDeviceCode(deviceCode: string): DeviceCodeGrant | undefined;
  /** The code a person typed on /devicelogin (any letter case); only while it is still valid. */
  byUserCode(userCode: string): DeviceCodeGrant | undefined;
  /** Redeemed codes are forgotten: a device code gives tokens once. */
  forget(deviceCode: string): void;
  /** Every code still waiting for its person expires now (for tests of `expired_token`). */
  expireAll(): void;
  lifetimeSeconds: number;
  intervalSeconds: number;
}

/** The real service's user codes: nine letters and digits that are hard to confuse. */
const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function createDeviceCodes(options: { lifetimeSeconds: number; intervalSeconds: number }): DeviceCodes {
  const codes = new Map<string, DeviceCodeGrant>();

  function forgetLongExpired(): void {
    const cutoff = Date.now() - options.lifetimeSeconds * 1000;
    for (const [code, grant] of codes) if (grant.expiresAt < cutoff) codes.delete(code);
  }

  return {
    issue(request) {
      forgetLongExpired();
      const userCode = Array.from({ length: 9 }, () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]).join(
        '',
      );
      const grant: DeviceCodeGrant = {
        ...request,
        deviceCode: `DAQABAAEAAA${randomBytes(96).toString('base64url')}`,
        userCode,
        expiresAt: Date.now() + options.lifetimeSeconds * 1000,
        state: { status: 'pending' },
      };
      codes.set(grant.deviceCode, grant);
      return grant;
    },
    byDeviceCode: (deviceCode) => codes.get(deviceCode),
    byUserCode(userCode) {
      const wanted = userCode.trim().toUpperCase();
      return [...codes.values()].find(
        (grant) => grant.userCode === wanted && grant.expiresAt > Date.now() && grant.state.status === 'pending',
      );
    },
    forget: (deviceCode) => void codes.delete(deviceCode),
    expireAll() {
      for (const grant of codes.values()) if (grant.state.status === 'pending') grant.expiresAt = Date.now() - 1;
    },
    lifetimeSeconds: options.lifetimeSeconds,
    intervalSeconds: options.intervalSeconds,
  };
}
