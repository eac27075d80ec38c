/**
 * Protocol results and errors as the Engine's StatementResult: the same shape, and the same error
 * body (the worker's own `errorBody`), that /v1/sql answers with.
 */
import type { QueryResult } from '@haul/protocol';
import { errorBody } from '@haul/worker/contract';
import type { StatementResult } from './contract.ts';

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

/** A failed statement; a BatchError's `outcome` (rolled back, aborted transaction, skipped) included. */
export function statementError(error: unknown): StatementResult {
  return { ok: false, error: errorBody(error) };
}
