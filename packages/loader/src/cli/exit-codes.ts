/** The process exit codes of `haul`, documented in its `--help`; scripts branch on them. */
export const ExitCode = {
  /** Everything asked for was done. */
  ok: 0,
  /** The load (or export, or recover) failed; a load was rolled back. */
  failed: 1,
  /** Bad flags or configuration (no URL, no such table, unknown columns); nothing was loaded. */
  usage: 2,
  /** The load committed, but some rows were rejected (see the rejects file). */
  rejected: 3,
  /** Stopped by Ctrl+C (SIGINT); a load was rolled back. 128 + SIGINT's number, as shells do. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
