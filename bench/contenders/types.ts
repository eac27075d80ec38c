/**
 * The contract every contender module fills in: open one connection, run a workload, close.
 */

/**
 * The tables the runner measures; see `../lib/workloads.ts` and `../lib/copy-rows.ts` for their SQL.
 * `--workloads copy` selects the three `copy-*` tables at once; `worker-select` is W2 (run-worker.ts).
 */
export type WorkloadId = 'select' | 'insert' | 'copy-in' | 'copy-out' | 'copy-encode' | 'worker-select';

/** What `Session.run` may report beyond its time: the bytes it moved, for a MB/s column. */
export interface RunOutcome {
  ms: number;
  /** Payload bytes of the run (COPY data without protocol framing), when meaningful. */
  bytes?: number;
}

/** One open connection of one contender, ready to run its workload again and again. */
export interface Session {
  /**
   * Issues `count` operations all at once (every promise created before any is awaited), or moves
   * `count` rows for a COPY workload, waits for all of it, and returns the elapsed time in
   * milliseconds (with the bytes moved, where that means something). Throws if any operation failed
   * or returned something unexpected: a benchmark that drops work must not report a number.
   */
  run(count: number): Promise<number | RunOutcome>;
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
