// A map that holds at most `limit` entries and drops the one used longest ago to make room: for what
// the process remembers per session or per person (session rows, vault-link lists, opened access
// tokens), so that its memory stays bounded however many people come.
export class RecentlyUsed<K, V> {
  // A Map iterates in insertion order, so moving an entry to the end on use keeps the least
  // recently used one first.
  private readonly entries = new Map<K, V>();
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  }

  /** The entry for `key`, which becomes the most recently used. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Drops every entry `unwanted` says yes to. */
  deleteWhere(unwanted: (value: V, key: K) => boolean): void {
    for (const [key, value] of this.entries) if (unwanted(value, key)) this.entries.delete(key);
  }
}
