/**
 * What every pending statement settles with when the connection fails: those sent keep the server's
 * error if one came (else a ConnectionError that may have run), those still queued get one saying they
 * were never sent. A statement its caller gave up on settles with the caller's reason, the failure as cause.
 */
import { ConnectionClosedError, ConnectionError } from '../errors.ts';
import { type Segment, settleWith } from './pipeline.ts';
import type { Unit } from './request-encoder.ts';

export function failPending(sent: Segment[], queued: Unit[], error: Error): void {
  for (const segment of sent) {
    for (const st of segment.statements) {
      const reason =
        st.error ??
        (error instanceof ConnectionError
          ? error
          : new ConnectionError(`connection failed: ${error.message}`, true, { cause: error }));
      settleWith(
        st,
        st.abortReason && !(error instanceof ConnectionClosedError)
          ? withCauseOnce(st.abortReason, reason)
          : reason,
      );
    }
  }
  for (const unit of queued) {
    const reason = new ConnectionError(
      `connection failed before the query was sent: ${error.message}`,
      false,
      {
        cause: error,
      },
    );
    for (const st of unit.statements) settleWith(st, reason);
  }
}

/** Settles a unit that comes after the connection closed (`closed`) or began closing; true if it did. */
export function refuseLate(unit: Unit, closed: Error | null, closing: boolean): boolean {
  if (!closed && !closing) return false;
  const error = closed ?? new ConnectionClosedError('connection is closing', false);
  for (const st of unit.statements)
    settleWith(st, new ConnectionClosedError(error.message, false, { cause: error }));
  return true;
}

function withCauseOnce(reason: Error, cause: Error): Error {
  if (reason.cause === undefined) Object.defineProperty(reason, 'cause', { value: cause, enumerable: false });
  return reason;
}
