/**
 * Ctrl+C during a command: the first SIGINT aborts the work through an AbortSignal (the loader rolls
 * back and the command exits 130 once it has); a second one exits at once, without waiting.
 */
import { ExitCode } from './exit-codes.ts';

export interface Interrupt {
  readonly signal: AbortSignal;
  readonly interrupted: boolean;
  /** Removes the SIGINT handler (a later Ctrl+C kills the process the default way). */
  dispose(): void;
}

/** A rollback that takes longer than this is not waited for: promptness beats a confirmation. */
const ROLLBACK_PATIENCE_MS = 15_000;

export function watchInterrupt(hooks: {
  /** Called on the first Ctrl+C, e.g. to stop the progress bars and say what happens next. */
  onFirst: () => void;
  stderr: NodeJS.WriteStream;
}): Interrupt {
  const controller = new AbortController();
  let interrupted = false;
  let watchdog: ReturnType<typeof setTimeout> | undefined;

  const exitNow = (why: string): never => {
    hooks.stderr.write(`${why}\n`);
    process.exit(ExitCode.interrupted);
  };

  const onSigint = () => {
    if (interrupted) {
      exitNow('interrupted again: exiting without waiting for the rollback');
    }
    interrupted = true;
    hooks.onFirst();
    controller.abort(new Error('interrupted by Ctrl+C'));
    watchdog = setTimeout(
      () => exitNow(`the rollback did not finish within ${ROLLBACK_PATIENCE_MS / 1000} s: exiting anyway`),
      ROLLBACK_PATIENCE_MS,
    );
    watchdog.unref();
  };
  process.on('SIGINT', onSigint);

  return {
    signal: controller.signal,
    get interrupted() {
      return interrupted;
    },
    dispose() {
      process.off('SIGINT', onSigint);
      clearTimeout(watchdog);
    },
  };
}
