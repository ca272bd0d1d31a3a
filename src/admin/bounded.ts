// Runs tasks with at most `limit` of them in flight at once: the audit asks Azure DevOps about
// hundreds of people, and a burst of hundreds of calls would only get it throttled.

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function boundedConcurrency(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    // A finishing task hands its slot straight to the next in line, so none can slip in between.
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}
