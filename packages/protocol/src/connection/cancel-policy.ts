/**
 * What happens when a caller gives up on a statement that was already written: the policy piece the
 * connection calls (like pgx's ctxwatch). The server is asked to cancel the statement only while it is
 * the one running — never an innocent neighbour — and the wait for its answer is bounded: after
 * `cancelGrace` the connection is given up and every pending query rejects.
 */

import { CopyIn } from '../copy/copy-in.ts';
import { TimeoutError } from '../errors.ts';
import type { ResolvedConfig } from './config.ts';
import type { PendingStatement } from './statement.ts';

/** How often an unanswered CancelRequest is repeated while its statement is still running. */
const CANCEL_RETRY_MS = 250;

export interface CancellationHost {
  /** The statement the server is executing now. */
  current(): PendingStatement | undefined;
  isClosed(): boolean;
  fail(error: Error): void;
  /** Opens a second connection and sends CancelRequest for this session (best effort). */
  sendCancelRequest(): void;
}

export class Cancellation {
  constructor(
    private readonly host: CancellationHost,
    private readonly config: ResolvedConfig,
  ) {}

  /** The caller gave up on `st`, which has been written. */
  abandon(st: PendingStatement, reason: Error): void {
    if (st.settled || st.abortReason) return;
    st.abortReason = reason;
    this.armGrace(st);
    // A COPY FROM STDIN still streaming ends with CopyFail, which is precise where a cancel is not.
    if (st.copy instanceof CopyIn && st.copy.abort(reason)) return;
    if (this.host.current() === st) this.cancel(st);
  }

  /** `st` became the running statement: a cancel that had to wait for it goes out now. */
  onCurrent(st: PendingStatement): void {
    if (st.abortReason && !st.cancelSent && !(st.copy instanceof CopyIn && st.copy.streaming))
      this.cancel(st);
  }

  private armGrace(st: PendingStatement): void {
    const grace = setTimeout(() => {
      if (st.settled || this.host.isClosed()) return;
      // Stop whatever the server is running for us, then give up on the connection.
      this.host.sendCancelRequest();
      this.host.fail(
        new TimeoutError(
          `no answer within ${this.config.cancelGrace} ms of giving up on a query (${st.abortReason?.message})`,
          'cancel',
        ),
      );
    }, this.config.cancelGrace);
    addCleanup(st, () => clearTimeout(grace));
  }

  /**
   * Sends a CancelRequest for `st`, which the server is executing now. A backend still reading the
   * statement's messages ignores a cancel (PostgreSQL drops it while DoingCommandRead), so it is repeated
   * while `st` stays the running statement; the grace timer bounds the whole wait.
   */
  private cancel(st: PendingStatement): void {
    st.cancelSent = true;
    this.host.sendCancelRequest();
    const retry = setInterval(() => {
      if (st.settled || this.host.isClosed()) clearInterval(retry);
      else if (this.host.current() === st) this.host.sendCancelRequest();
    }, CANCEL_RETRY_MS);
    addCleanup(st, () => clearInterval(retry));
  }
}

function addCleanup(st: PendingStatement, extra: () => void): void {
  const cleanup = st.cleanup;
  st.cleanup = () => {
    extra();
    cleanup();
  };
}
