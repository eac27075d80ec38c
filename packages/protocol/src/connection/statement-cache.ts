/**
 * Named prepared statements per connection, keyed by SQL text and parameter types. The first execution
 * of a text sends Parse with a fresh name and a Describe of that statement in the same flight as its
 * Bind/Execute (one round trip). Every later execution sends only Bind/Execute, even while that Parse is
 * still on its way: the server answers in order, so the statement's row description has arrived before
 * any later execution's BindComplete, which is where that execution takes it (see Pipeline). At 20k
 * identical queries queued at once that is one Parse and one Describe, not 20k of each.
 *
 * At `capacity` the least recently used statement is evicted and its name handed back, for a Close
 * sent before the new Parse; the server then keeps at most `capacity` of ours. A Close runs after
 * every Bind written before it (the server works in order), so executions already sent to an evicted
 * statement are unaffected. A Close the server skipped (an earlier error in its Sync segment) is
 * queued and sent again with the next execution.
 */
import type { CachedStatement } from './statement.ts';
import { tokens } from './write-classifier.ts';

/** Cheap prefilter: most statements never mention either word, and need no tokenizing. */
const DROP_WORDS = /discard|deallocate/i;

/**
 * Whether `sql` may drop the session's prepared statements (DISCARD ALL/PLANS, DEALLOCATE). Erring
 * towards yes only costs a Parse per cached text; a miss costs one execution failing with 26000.
 */
export function mayDropStatements(sql: string): boolean {
  if (!DROP_WORDS.test(sql)) return false;
  const words = tokens(sql);
  return words.includes('discard') || words.includes('deallocate');
}

/** Cheap prefilter for mayEndTransaction: the words a transaction-ending statement starts with. */
const EXIT_WORDS = /commit|rollback|abort|end|prepare/i;
const EXIT_LEADERS = new Set(['commit', 'rollback', 'abort', 'end', 'prepare']);

/**
 * Whether `sql` has a statement that may end the transaction, or leave a failed one (COMMIT, END,
 * ROLLBACK [TO SAVEPOINT], ABORT, PREPARE TRANSACTION): PostgreSQL's IsTransactionExitStmt, the only
 * statements a failed transaction still runs. Only a statement's first word counts (`case … end` is not
 * END). Erring towards yes costs a Parse per pending text; a miss leaves dependents to parseOutcome.
 */
export function mayEndTransaction(sql: string): boolean {
  if (!EXIT_WORDS.test(sql)) return false;
  const words = tokens(sql);
  for (let i = 0; i < words.length; i++) {
    if ((i === 0 || words[i - 1] === ';') && EXIT_LEADERS.has(words[i]!)) return true;
  }
  return false;
}

export class StatementCache {
  /** In order of last use, least recent first (a Map keeps insertion order; a use re-inserts). */
  private readonly entries = new Map<string, CachedStatement>();
  /** The entry used last: the common case (one text over and over) skips the re-insert. */
  private recent: CachedStatement | null = null;
  /** Names of evicted statements still to Close on the server. */
  private closing: string[] = [];
  private counter = 0;
  /** Whether the last choose() created the statement it returned (a field, not an object per call). */
  created = false;

  constructor(private readonly capacity: number) {}

  static key(sql: string, paramTypes: readonly number[]): string {
    for (const oid of paramTypes) if (oid !== 0) return `${paramTypes.join(',')}\0${sql}`;
    return sql;
  }

  /**
   * What to use for this execution: a statement to bind to (parsed, or pending with a Parse nothing can
   * skip), a new one to create (`created` says which), or null (use the unnamed statement: the cached one's Parse may be skipped
   * by an earlier failure in its Sync segment, or the cache is full). `anchored`: this execution's Parse
   * would be the first message of its Sync segment, so the server is sure to attempt it.
   */
  choose(key: string, anchored: boolean): CachedStatement | null {
    this.created = false;
    const entry = this.entries.get(key);
    if (entry) {
      if (!(entry.parsed || entry.anchored)) return null;
      if (entry !== this.recent) {
        this.entries.delete(key);
        this.entries.set(key, entry);
        this.recent = entry;
      }
      return entry;
    }
    if (this.capacity === 0) return null;
    if (this.entries.size >= this.capacity) this.evictOldest();
    const created: CachedStatement = {
      name: `haul_${++this.counter}`,
      key,
      parsed: false,
      anchored,
      parseError: null,
      fenced: false,
      endsTransaction: false,
      plan: null,
    };
    this.entries.set(key, created);
    this.recent = created;
    this.created = true;
    return created;
  }

  private evictOldest(): void {
    const oldest = this.entries.values().next().value as CachedStatement;
    this.entries.delete(oldest.key);
    if (this.recent === oldest) this.recent = null;
    // One whose Parse failed or never ran is not on the server: nothing to close.
    if (oldest.parseError === null) this.closing.push(oldest.name);
  }

  /** Statements to Close before the next execution's messages; the caller sends them. */
  takeCloses(): string[] | null {
    if (this.closing.length === 0) return null;
    const names = this.closing;
    this.closing = [];
    return names;
  }

  /** Closes the server skipped: sent again with the next execution. */
  closeLater(names: readonly string[]): void {
    this.closing.push(...names);
  }

  /**
   * Forgets a statement whose Parse never ran or failed, or whose plan the server dropped or invalidated.
   * A no-op once its key names a newer statement (executions still in flight hold the old one).
   */
  forget(entry: CachedStatement): void {
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    if (this.recent === entry) this.recent = null;
  }

  /**
   * A statement that may end the transaction was just queued (see mayEndTransaction): executions queued
   * after it must not bind to a statement whose Parse was sent before it. That Parse may fail for the
   * transaction's sake (25P02 in a failed one), which says nothing of executions after the ROLLBACK; so
   * every entry not yet parsed leaves the cache (the next execution parses afresh, once, in its place in
   * the pipeline) and is Closed once parsed. `keep` is the entry the ending statement itself used.
   */
  fence(keep: CachedStatement | null): void {
    for (const entry of this.entries.values()) {
      if (entry.parsed || entry === keep) continue;
      entry.fenced = true;
      this.forget(entry);
    }
  }

  /**
   * The session's prepared statements may be gone (DISCARD ALL, DEALLOCATE): everything after parses
   * afresh. What was cached is Closed too, since a DEALLOCATE of one name leaves the others on the
   * server (a Close of a statement that is gone is no error), and pending Closes stay queued.
   */
  clear(): void {
    for (const entry of this.entries.values()) if (entry.parseError === null) this.closing.push(entry.name);
    this.entries.clear();
    this.recent = null;
  }

  get size(): number {
    return this.entries.size;
  }
}
