/**
 * Named prepared statements per connection, keyed by SQL text and parameter types. The first execution
 * of a text sends Parse with a fresh name in the same flight as its Bind/Describe/Execute (one round
 * trip); later executions send only Bind/Execute, reusing the cached row description.
 */
import type { CachedStatement } from './statement.ts';

export class StatementCache {
  private readonly entries = new Map<string, CachedStatement>();
  private counter = 0;

  constructor(private readonly capacity: number) {}

  static key(sql: string, paramTypes: readonly number[]): string {
    for (const oid of paramTypes) if (oid !== 0) return `${paramTypes.join(',')}\0${sql}`;
    return sql;
  }

  /**
   * What to use for this execution: a ready statement, a new one to create, or null (use the unnamed
   * statement: the cached one is still being parsed, or the cache is full).
   */
  choose(key: string): { entry: CachedStatement; create: boolean } | null {
    const entry = this.entries.get(key);
    if (entry) return entry.parsed ? { entry, create: false } : null;
    if (this.entries.size >= this.capacity) return null;
    const created: CachedStatement = { name: `haul_${++this.counter}`, parsed: false, plan: null };
    this.entries.set(key, created);
    return { entry: created, create: true };
  }

  /** Forgets a statement whose Parse never ran or whose plan the server invalidated. */
  forget(entry: CachedStatement): void {
    for (const [key, value] of this.entries) {
      if (value === entry) {
        this.entries.delete(key);
        return;
      }
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
