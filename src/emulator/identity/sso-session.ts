// The emulator's own sign-in session (the real service's ESTS cookie), so that prompt=none can
// succeed for someone who signed in earlier and sign-out has something to end. Per run: the
// signing key is not kept, so a restart signs everyone out.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

export interface SsoSessions {
  signedInAs(req: Request): string | undefined;
  start(res: Response, objectId: string): void;
  end(res: Response): void;
}

const COOKIE = 'emulator_sso';

export function createSsoSessions(): SsoSessions {
  const key = randomBytes(32);
  const mac = (objectId: string) => createHmac('sha256', key).update(objectId).digest('base64url');
  const attributes = 'Path=/; Secure; HttpOnly; SameSite=None';

  return {
    signedInAs(req) {
      const value = readCookie(req.get('cookie'), COOKIE);
      const [objectId, signature] = value?.split('.') ?? [];
      if (!objectId || !signature) return undefined;
      const expected = Buffer.from(mac(objectId));
      const given = Buffer.from(signature);
      return expected.length === given.length && timingSafeEqual(expected, given) ? objectId : undefined;
    },
    start(res, objectId) {
      res.append('Set-Cookie', `${COOKIE}=${objectId}.${mac(objectId)}; ${attributes}`);
    },
    end(res) {
      res.append('Set-Cookie', `${COOKIE}=; Max-Age=0; ${attributes}`);
    },
  };
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
