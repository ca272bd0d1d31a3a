// How often one client address may start or finish a sign-in (GET /login, /vault/consent and the
// callback /getAToken): express-rate-limit counts per address (IPv6 per /56, as its default), in
// process memory, or in Redis when instances share it (SESSION_STORE=redis), so that every
// instance counts the same hits. Past the limit the answer is 429 with Retry-After and a page in
// words. With TRUST_PROXY=true the address is the client's as the proxy reports it.
import type { RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import type { AppConfig } from '../config/config.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logging.ts';

/** Too many sign-ins from one address: a 429 page in words, with Retry-After. */
class SignInRateLimitedError extends AppError {
  override name = 'SignInRateLimitedError';
  readonly service = 'PAT Manager';
  constructor(retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super({
      pageStatus: 429,
      title: 'Too many requests',
      userMessage: `Too many sign-ins were started from your network in a short time, so PAT Manager is not starting another one just now. Nothing was changed. Please wait ${minutes === 1 ? 'a minute' : `${minutes} minutes`} and try again.`,
      message: 'too many sign-in requests from one address',
      retryAfterSeconds,
    });
  }
}

export function signInRateLimit(config: AppConfig, logger: Logger, store: Store | undefined): RequestHandler {
  const { limit, windowMinutes } = config.signInRateLimit;
  const windowMs = windowMinutes * 60 * 1000;
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    ...(store ? { store } : {}),
    // The store being away must not lock everyone out of signing in: the session store says 503 then anyway.
    passOnStoreError: true,
    logger: {
      error: (error, message) =>
        logger.warn(
          { errorName: (error as Error)?.name, errorMessage: message ?? (error as Error)?.message },
          'sign-in rate limit',
        ),
      warn: (error, message) =>
        logger.warn(
          { errorName: (error as Error)?.name, errorMessage: message ?? (error as Error)?.message },
          'sign-in rate limit',
        ),
    },
    handler: (req, _res, next) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = resetTime ? Math.ceil((resetTime.getTime() - Date.now()) / 1000) : windowMs / 1000;
      next(new SignInRateLimitedError(Math.max(1, seconds)));
    },
  });
}
