/**
 * Statements that did not run (see not-run.ts) wait here to be sent again once, by themselves. Sending
 * one again must not run it after anything written behind it that ran: so while one waits, nothing new
 * is written (the connection's pump holds), and it goes out again only once the pipeline is empty with
 * every segment after it one that did not run either — typically the rest of a run of identical queries
 * bound to the same lost statement. If anything after it ran, it settles with a StatementNotRunError.
 */
import { ConnectionError, type PostgresError } from '../errors.ts';
import { notRunError } from './not-run.ts';
import { type Segment, settleWith } from './pipeline.ts';
import { newUnit, type Unit } from './request-encoder.ts';
import { type PendingStatement, resetForRetry } from './statement.ts';

export class RetryQueue {
  #held: PendingStatement[] = [];

  /** Statements are waiting: the connection writes nothing new meanwhile. */
  get holding(): boolean {
    return this.#held.length > 0;
  }

  /** Takes `st`, alone in its segment and not run, if it may be sent again; false: it settles now. */
  take(st: PendingStatement): boolean {
    if (st.retried || st.abortReason !== null || st.settled) return false;
    this.#held.push(st);
    return true;
  }

  /**
   * A segment settled. Returns the units to send again, in their order, once nothing is in flight and
   * every segment since the first held one was held too; settles them if one that ran came between.
   */
  settled(segment: Segment, idle: boolean): Unit[] | null {
    const held = this.#held;
    if (held.length === 0) return null;
    if (segment.statements[0] !== held[held.length - 1]) {
      this.#held = [];
      for (const st of held) {
        settleWith(
          st,
          notRunError(
            st,
            st.error as PostgresError,
            'sending it again would have run it after statements written behind it',
          ),
        );
      }
      return null;
    }
    if (!idle) return null;
    this.#held = [];
    return held.map((st) => {
      resetForRetry(st);
      return newUnit('independent', [st]);
    });
  }

  /** The caller gave up on `st`: true if it was waiting here (it is then the caller's to settle). */
  remove(st: PendingStatement): boolean {
    const at = this.#held.indexOf(st);
    if (at < 0) return false;
    this.#held.splice(at, 1);
    return true;
  }

  /** The connection failed: nothing waiting was sent again. */
  drain(error: Error): void {
    const held = this.#held;
    this.#held = [];
    for (const st of held) {
      settleWith(
        st,
        new ConnectionError(`connection failed before the query was sent again: ${error.message}`, false, {
          cause: error,
        }),
      );
    }
  }
}
