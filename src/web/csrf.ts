// CSRF protection for every state-changing request, with the synchroniser token pattern (the
// token lives in the server-side session; forms carry it in a hidden `_csrf` field).
import { csrfSync } from 'csrf-sync';

const { csrfSynchronisedProtection, generateToken } = csrfSync({
  getTokenFromRequest: (req) => {
    const body = req.body as Record<string, unknown> | undefined;
    return typeof body?._csrf === 'string' ? body._csrf : undefined;
  },
});

export const csrfProtection = csrfSynchronisedProtection;
export const csrfTokenFor = generateToken;
