/**
 * What an execution bound to a cached statement gets when that statement was not there at its Bind
 * (26000): the Parse's error when its own Parse would have met the same, else "did not run", which the
 * connection answers by sending it again (see retry-queue.ts). Decided from SQLSTATEs and the statement
 * each execution named, never from message text.
 */
import { type PostgresError, StatementNotRunError } from '../errors.ts';
import { SqlState, SqlStateClass, sqlStateClass } from '../sql-state.ts';
import type { PendingStatement } from './statement.ts';

/**
 * The error a failed execution settles with, decided from SQLSTATEs and the statement each execution
 * named, never from message text. Before its ParseComplete, a statement's creator failed in its Parse:
 * that error is the creator's. An execution bound to it hears "does not exist" (26000) at its Bind. It
 * gets the Parse's error when its own Parse would have met the same: nothing but executions of that
 * statement ran in between (`sameState`: e.g. still the same failed transaction, 25P02) and the error is
 * not one of the moment (a cancel or statement timeout, a lock or serialization failure). Otherwise, or
 * when the statement had been parsed and the session dropped it, it did not run (`notRun`: see
 * Connection, which sends it again when it can).
 */
export function parseOutcome(st: PendingStatement, error: PostgresError, sameState: boolean): PostgresError {
  if (st.creates !== null && !st.creates.parsed) {
    st.creates.parseError = error;
    return error;
  }
  const entry = st.uses;
  if (entry === null || st.bound || st.creates !== null || error.code !== SqlState.InvalidSqlStatementName)
    return error;
  const parseError = entry.parseError;
  if (parseError !== null && sameState && !ofTheMoment(parseError)) return parseError;
  st.notRun = true;
  return error;
}

/** Errors that say when a Parse ran, not what it parsed: another attempt may well succeed. */
function ofTheMoment(error: PostgresError): boolean {
  const cls = sqlStateClass(error.code);
  return (
    cls === SqlStateClass.OperatorIntervention ||
    cls === SqlStateClass.TransactionRollback ||
    error.code === SqlState.LockNotAvailable
  );
}

/** What a statement that did not run (see parseOutcome) settles with; `why` says why it was not sent again. */
export function notRunError(
  st: PendingStatement,
  reported: PostgresError,
  why: string,
): StatementNotRunError {
  const parseError = st.uses?.parseError ?? null;
  if (parseError !== null) {
    return new StatementNotRunError(
      `not run: the prepared statement it was bound to failed in its Parse (${parseError.message}) for a ` +
        `reason that was not this statement's, and ${why}`,
      'prepare-failed',
      parseError,
    );
  }
  return new StatementNotRunError(
    `not run: the prepared statement it was bound to was gone (${reported.message}), and ${why}`,
    'statement-dropped',
    reported,
  );
}
