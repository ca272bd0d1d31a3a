// One piece of work per key at a time: callers that ask while it runs share its promise. Used so a
// person's access token is renewed once when several calls (one page's parallel calls, or two pages
// at once) find it expired. Nothing is kept once the work settles, so no result outlives it here.
export type SingleFlight<T> = (key: string, work: () => Promise<T>) => Promise<T>;

export function singleFlight<T>(): SingleFlight<T> {
  const running = new Map<string, Promise<T>>();
  return (key, work) => {
    const joined = running.get(key);
    if (joined) return joined;
    const started = Promise.resolve()
      .then(work)
      .finally(() => running.delete(key));
    running.set(key, started);
    return started;
  };
}
