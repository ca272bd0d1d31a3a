// CSRF protection for every state-changing request, with the synchroniser token pattern (the
// token lives in the server-side session; forms carry it in a hidden `_csrf` field).
import { csrfSync } from 'csrf-sync';

const { csrfSynchronisedProtection, generateToken } = csrfSync({
  // 32 random bytes (256 bits) rather than the library's 128: the token sits in the session, which
  // express-session serialises and hashes three times on every page.
  size: 32,
  getTokenFromRequest: (req) => {
    const body = req.body as Record<string, unknown> | undefined;
    return typeof body?._csrf === 'string' ? body._csrf : undefined;
  },
});

export const csrfProtection = csrfSynchronisedProtection;
export const csrfTokenFor = generateToken;
