// The one error every store failure becomes (Redis down, too slow, or reconnecting), so that the
// error page can say "temporarily unavailable" and nothing mistakes it for a sign-in problem.

export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(operation: string, cause: unknown) {
    // Only the cause's class and message: Redis errors name commands, never the values sent.
    super(`the session store did not answer (${operation}: ${describeCause(cause)})`, { cause });
  }
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

/** The error as StoreUnavailableError (unchanged if it already is one). */
export function storeUnavailable(operation: string, cause: unknown): StoreUnavailableError {
  return cause instanceof StoreUnavailableError ? cause : new StoreUnavailableError(operation, cause);
}
