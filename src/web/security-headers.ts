// Strict security headers with helmet. The CSP allows no inline script or style at all; the only
// other origin named is the identity platform, because the sign-out form ends with a redirect
// there and Chrome applies form-action to redirects.
import helmet from 'helmet';
import type { RequestHandler } from 'express';
import type { AppConfig } from '../config/config.ts';

export function securityHeaders(config: AppConfig): RequestHandler {
  const https = config.baseUrl.protocol === 'https:';
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        formAction: ["'self'", new URL(config.identity.authorityHost).origin],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    // Same-origin referrers let a form that meets an expired sign-in come back to its own page.
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
}

/**
 * Every response to a signed-in person (their tokens, forms, the audit, exports, even redirects)
 * is theirs alone: no browser history, shared cache or proxy may keep a copy.
 */
export const noStoreWhenSignedIn: RequestHandler = (req, res, next) => {
  if (req.session?.account) res.setHeader('Cache-Control', 'no-store');
  next();
};
