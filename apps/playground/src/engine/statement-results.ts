/** Protocol results and errors as the Engine's StatementResult (the same shape /v1/sql answers with). */
import { BatchError, type PostgresError, type QueryResult } from '@haul/protocol';
import type { ErrorInfo, StatementResult } from './contract.ts';

export function statementRows(result: QueryResult, ms: number): StatementResult {
  return {
    ok: true,
    command: result.command,
    rowCount: result.rowCount,
    rows: result.rows,
    fields: result.fields.map((f) => ({ name: f.name, typeOid: f.typeOid })),
    ms,
  };
}

export function statementError(error: unknown): StatementResult {
  if (error instanceof BatchError) {
    const info: Extract<StatementResult, { ok: false }>['error'] = {
      message: `${outcomeText(error.outcome)}: statement ${error.failedIndex + 1} of the batch failed (${error.cause.serverMessage}, SQLSTATE ${error.cause.code})`,
    };
    // The contract has no word for 'aborted-transaction'; the message says it.
    if (error.outcome !== 'aborted-transaction') info.outcome = error.outcome;
    return { ok: false, error: info };
  }
  if (isPostgresError(error)) return { ok: false, error: { ...postgresErrorInfo(error), outcome: 'failed' } };
  return { ok: false, error: { message: error instanceof Error ? error.message : String(error) } };
}

function outcomeText(outcome: BatchError['outcome']): string {
  if (outcome === 'skipped') return 'Skipped';
  if (outcome === 'aborted-transaction') return 'Ran, but its transaction is now failed (ROLLBACK it)';
  return 'Rolled back';
}

function isPostgresError(error: unknown): error is PostgresError {
  return (
    error instanceof Error &&
    error.name === 'PostgresError' &&
    typeof (error as PostgresError).code === 'string'
  );
}

export function postgresErrorInfo(error: PostgresError): ErrorInfo {
  const info: ErrorInfo = { message: error.serverMessage, sqlstate: error.code };
  if (error.detail) info.detail = error.detail;
  if (error.hint) info.hint = error.hint;
  if (error.position !== undefined) info.position = Number(error.position);
  if (error.constraint) info.constraint = error.constraint;
  return info;
}
