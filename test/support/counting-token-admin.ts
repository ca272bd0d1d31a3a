// The real token administration client, counting its calls and how many are in flight at once:
// what the audit's concurrency limits are measured with.
import type { TokenAdminClient } from '../../src/admin/token-admin-client.ts';

export function countingTokenAdmin(inner: TokenAdminClient) {
  const seen = { inFlight: 0, peak: 0, calls: 0 };
  const wrap =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      seen.calls += 1;
      seen.inFlight += 1;
      seen.peak = Math.max(seen.peak, seen.inFlight);
      try {
        return await call(...args);
      } finally {
        seen.inFlight -= 1;
      }
    };
  return { seen, client: { ...inner, listPeople: wrap(inner.listPeople), listTokensOf: wrap(inner.listTokensOf) } };
}
