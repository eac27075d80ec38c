/** A command line or configuration that cannot work; `haul` prints it with a pointer to `--help` and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** The command whose `--help` to point at, e.g. 'load'; undefined for the top level. */
    readonly command?: string,
  ) {
    super(message);
  }
}
