/**
 * Values kept for a fixed time after they are set. Entries are held in the order they expire (setting one again
 * moves it to the end), so each `set` drops the expired ones from the front: memory follows what was used within
 * the last `ttlMs`, never more than `maxEntries` (the oldest go first).
 */
export class ExpiringCache<K, V extends NonNullable<unknown> | null> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value, while it has not expired; undefined otherwise (so `V` should not include undefined). */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    return entry && entry.until > this.now() ? entry.value : undefined;
  }

  set(key: K, value: V): V {
    const now = this.now();
    for (const [oldest, entry] of this.entries) {
      if (entry.until > now && this.entries.size < this.maxEntries) break;
      this.entries.delete(oldest);
    }
    this.entries.delete(key);
    this.entries.set(key, { value, until: now + this.ttlMs });
    return value;
  }

  /** Entries held, expired ones not yet dropped included. */
  get size(): number {
    return this.entries.size;
  }
}
