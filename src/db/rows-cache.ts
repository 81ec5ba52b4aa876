/**
 * Rows kept in memory per key (an organization), for the hot path of every request. A load that
 * overlapped any invalidation is not stored: a write racing a read can never leave an old row behind.
 */
export class RowsCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();
  /** Bumped by every invalidation; a load stores its result only if it has not moved. */
  private generation = 0;
  /** False while changes made elsewhere could go unheard: every read then goes to the database. */
  private trusted: boolean;

  constructor(private readonly options: { ttlMs: number; maxEntries: number; trusted: boolean }) {
    this.trusted = options.trusted;
  }

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.trusted && hit.expiresAt > Date.now()) return hit.value;
    const generation = this.generation;
    const value = await load();
    if (this.trusted && generation === this.generation) {
      if (this.entries.size >= this.options.maxEntries) this.entries.clear();
      this.entries.set(key, { value, expiresAt: Date.now() + this.options.ttlMs });
    }
    return value;
  }

  invalidate(key: string): void {
    this.generation++;
    this.entries.delete(key);
  }

  /** Whether to serve from memory at all (the change feed is up, or there is no other writer). */
  setTrusted(trusted: boolean): void {
    this.generation++;
    this.entries.clear();
    this.trusted = trusted;
  }
}
