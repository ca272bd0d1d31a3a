// A sign-in between /login and /getAToken lives in a short-lived sealed cookie of its own, not in
// the session store: starting a sign-in costs the server nothing (no row, no key) until it
// completes, so a flood of cookieless GET /login cannot grow the store. The cookie is sealed with
// the token-cache keys (AES-256-GCM, bound to its purpose), so it can be neither read nor forged,
// and every instance that shares those keys can finish a sign-in another one started.
import type { Request, Response } from 'express';
import type { PendingSignIn, PendingSignInHolder } from '../session/session-types.ts';
import type { AppConfig } from '../config/config.ts';
import { createSealer } from '../storage/sealing.ts';

/** As long as a pending sign-in is honoured (auth-service.ts); the browser drops the cookie then too. */
const LIFETIME_MS = 15 * 60 * 1000;
/** Browsers keep about 4 KB per cookie; the oldest sign-ins are dropped to stay well inside that. */
const MAX_COOKIE_CHARS = 3800;
const SEALING_CONTEXT = 'pending-sign-in';

export interface PendingSignInCookie {
  read(req: Request): PendingSignInHolder;
  /** Sets the cookie to what `holder` keeps now (or clears it when nothing is pending). */
  write(res: Response, holder: PendingSignInHolder): void;
}

function pendingSignInCookieName(config: AppConfig): string {
  return config.baseUrl.protocol === 'https:' ? '__Host-patmanager.signin' : 'patmanager.signin';
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

function isPendingSignIn(value: unknown): value is PendingSignIn {
  const candidate = value as PendingSignIn;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.codeVerifier === 'string' &&
    typeof candidate.nonce === 'string' &&
    typeof candidate.returnTo === 'string' &&
    typeof candidate.startedAt === 'number'
  );
}

export function pendingSignInCookie(config: AppConfig): PendingSignInCookie {
  const sealer = createSealer(config.tokenCacheKeys);
  const name = pendingSignInCookieName(config);
  const options = { httpOnly: true, sameSite: 'lax' as const, secure: config.baseUrl.protocol === 'https:', path: '/' };

  return {
    read(req) {
      const sealed = cookieValue(req.headers.cookie, name);
      if (!sealed) return {};
      const opened = sealer.open(sealed, SEALING_CONTEXT);
      if (!opened.ok) return {};
      try {
        const parsed = JSON.parse(opened.plaintext) as Record<string, unknown>;
        return {
          pendingSignIns: Object.fromEntries(
            Object.entries(parsed).filter(([, value]) => isPendingSignIn(value)),
          ) as Record<string, PendingSignIn>,
        };
      } catch {
        return {};
      }
    },

    write(res, holder) {
      let entries = Object.entries(holder.pendingSignIns ?? {});
      while (entries.length > 0) {
        const sealed = sealer.seal(JSON.stringify(Object.fromEntries(entries)), SEALING_CONTEXT);
        if (encodeURIComponent(sealed).length <= MAX_COOKIE_CHARS)
          return void res.cookie(name, sealed, { ...options, maxAge: LIFETIME_MS });
        entries = entries.slice(1);
      }
      res.clearCookie(name, options);
    },
  };
}
