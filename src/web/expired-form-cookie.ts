// A form sent after its session ended cannot be trusted (no CSRF token to check it against) and
// changes nothing, but what the person typed need not be lost: it is kept, sealed, in a cookie of
// its own for 15 minutes, and put back in the form after they sign in again, as the Key Vault
// consent does. Only fields a form shows are kept: never the CSRF token, and never a webhook
// address (a credential), so the cookie holds nothing secret. Only a form sent from one of this
// site's pages is kept (its Referer says so; another site cannot forge it), so no other site can
// fill in a form for the person to find after signing in.
import type { Request, Response } from 'express';
import type { AppConfig } from '../config/config.ts';
import { createSealer } from '../storage/sealing.ts';
import { cookieValue } from './pending-sign-in-cookie.ts';

const LIFETIME_MS = 15 * 60 * 1000;
const MAX_COOKIE_CHARS = 3800;
const SEALING_CONTEXT = 'expired-form';
const NEVER_KEPT = new Set(['_csrf', 'webhookUrl']);

type Fields = Record<string, string | string[]>;

export interface ExpiredFormCookie {
  /** Keeps what was sent from one of this site's pages; the page, or undefined when nothing was kept (another site's, or too big). */
  keep(req: Request, res: Response): string | undefined;
  /** What was kept for `page`, once: the cookie is cleared either way. */
  take(req: Request, res: Response, page: string): Fields | undefined;
}

export function expiredFormCookie(config: AppConfig): ExpiredFormCookie {
  const sealer = createSealer(config.tokenCacheKeys);
  const name = config.baseUrl.protocol === 'https:' ? '__Host-patmanager.form' : 'patmanager.form';
  const options = { httpOnly: true, sameSite: 'lax' as const, secure: config.baseUrl.protocol === 'https:', path: '/' };
  return {
    keep(req, res) {
      const referrer = URL.parse(req.get('referer') ?? '');
      if (!referrer || referrer.origin !== config.baseUrl.origin) return undefined;
      const page = referrer.pathname;
      const fields = Object.fromEntries(
        Object.entries((req.body ?? {}) as Record<string, unknown>).filter(
          (entry): entry is [string, string | string[]] =>
            !NEVER_KEPT.has(entry[0]) &&
            (typeof entry[1] === 'string' ||
              (Array.isArray(entry[1]) && entry[1].every((item) => typeof item === 'string'))),
        ),
      );
      const sealed = sealer.seal(JSON.stringify({ page, fields, savedAt: Date.now() }), SEALING_CONTEXT);
      if (encodeURIComponent(sealed).length > MAX_COOKIE_CHARS) return undefined;
      res.cookie(name, sealed, { ...options, maxAge: LIFETIME_MS });
      return page;
    },
    take(req, res, page) {
      const sealed = cookieValue(req.headers.cookie, name);
      if (!sealed) return undefined;
      res.clearCookie(name, options);
      const opened = sealer.open(sealed, SEALING_CONTEXT);
      if (!opened.ok) return undefined;
      try {
        const kept = JSON.parse(opened.plaintext) as { page?: unknown; fields?: Fields; savedAt?: unknown };
        const fresh = typeof kept.savedAt === 'number' && Date.now() - kept.savedAt < LIFETIME_MS;
        return fresh && kept.page === page && kept.fields ? kept.fields : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
