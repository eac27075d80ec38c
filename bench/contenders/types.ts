/**
 * The contract every contender module fills in: open one connection, run a workload, close.
 */

/** The two workloads the runner measures; see `../lib/workloads.ts` for their SQL. */
export type WorkloadId = 'select' | 'insert';

/** One open connection of one contender, ready to run its workload again and again. */
export interface Session {
  /**
   * Issues `count` operations all at once (every promise created before any is awaited), waits for
   * all of them, and returns the elapsed time in milliseconds. Throws if any operation failed or
   * returned something unexpected: a benchmark that drops work must not report a number.
   */
  run(count: number): Promise<number>;
  close(): Promise<void>;
}

export interface Contender {
  /** Shown in the tables, e.g. `Haul (sync: auto)`. */
  name: string;
  workload: WorkloadId;
  /** Opens the one connection this contender may use. Throws `ContenderUnavailable` to be skipped. */
  open(url: string): Promise<Session>;
}

/** Thrown by `open` when a contender cannot run on this machine (a missing binary, say). */
export class ContenderUnavailable extends Error {
  override name = 'ContenderUnavailable';
}
