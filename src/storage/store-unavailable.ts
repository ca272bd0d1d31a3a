// The one error every store failure becomes (Redis down, too slow, or reconnecting), so that the
// error page can say "temporarily unavailable" and nothing mistakes it for a sign-in problem.
import { AppError } from '../errors.ts';

export class StoreUnavailableError extends AppError {
  override name = 'StoreUnavailableError';
  readonly service = 'session store';
  constructor(operation: string, cause: unknown) {
    super({
      pageStatus: 503,
      title: 'Temporarily unavailable',
      userMessage:
        'PAT Manager cannot reach the store that keeps sign-ins right now, so it could not finish this request. This usually passes within a minute: please try again shortly.',
      // Only the cause's class and message: Redis errors name commands, never the values sent.
      message: `the session store did not answer (${operation}: ${describeCause(cause)})`,
      cause,
    });
  }
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

/** The error as StoreUnavailableError (unchanged if it already is one). */
export function storeUnavailable(operation: string, cause: unknown): StoreUnavailableError {
  return cause instanceof StoreUnavailableError ? cause : new StoreUnavailableError(operation, cause);
}
