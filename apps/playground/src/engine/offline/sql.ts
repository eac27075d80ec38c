/**
 * The SQL console on PGlite, with the worker's semantics (apps/worker/src/routes/sql.ts over the
 * protocol's batch): one result per statement, failures included.
 *  - 'independent': each statement on its own; a failure touches only itself.
 *  - 'atomic': all in one transaction. On a failure the failing statement gets its error, earlier ones
 *    `outcome: 'rolled-back'` and later ones `'skipped'` (never run), with the protocol's BatchError
 *    wording; a failed COMMIT (a deferred constraint) rolls back every statement.
 * PGlite has one session and no cancel: `signal` is checked between statements only.
 */
import type { PGlite, Results, Transaction } from '@electric-sql/pglite';
import type { ErrorBody, SqlStatement, StatementResult, SyncMode } from '../contract.ts';
import { abortError, errorInfo, toPostgresError } from './errors.ts';
import { RESULT_PARSERS } from './values.ts';

/** PGlite itself or a transaction of it: both run queries the same way. */
type Queryable = Pick<Transaction, 'query' | 'exec'>;

/** Command tags that carry a row count (the others give rowCount null, as on the wire). */
const COUNTED = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY', 'FETCH', 'MOVE']);

export async function runStatements(
  db: PGlite,
  statements: readonly SqlStatement[],
  sync: SyncMode,
  signal?: AbortSignal,
): Promise<StatementResult[]> {
  if (signal?.aborted) throw abortError(signal, 'the query');
  return sync === 'atomic' ? runAtomic(db, statements, signal) : runIndependent(db, statements, signal);
}

async function runIndependent(
  db: PGlite,
  statements: readonly SqlStatement[],
  signal?: AbortSignal,
): Promise<StatementResult[]> {
  const results: StatementResult[] = [];
  for (const statement of statements) {
    if (signal?.aborted) throw abortError(signal, 'the query');
    try {
      results.push(await run(db, statement));
    } catch (error) {
      results.push({ ok: false, error: errorInfo(error) });
    }
  }
  return results;
}

async function runAtomic(
  db: PGlite,
  statements: readonly SqlStatement[],
  signal?: AbortSignal,
): Promise<StatementResult[]> {
  const done: StatementResult[] = [];
  let failedAt = -1;
  let failure: unknown;
  try {
    await db.transaction(async (tx) => {
      for (const [i, statement] of statements.entries()) {
        if (signal?.aborted) throw abortError(signal, 'the query');
        try {
          done.push(await run(tx, statement));
        } catch (error) {
          failedAt = i;
          throw error;
        }
      }
    });
    return done;
  } catch (error) {
    failure = error;
  }
  if (failedAt === -1 && signal?.aborted) throw abortError(signal, 'the query');
  const cause = errorInfo(failure);
  const message = toPostgresError(failure)?.message ?? cause.message;
  return statements.map((_, i): StatementResult => {
    // A lone statement is reported with its own error, as the protocol does.
    if (i === failedAt || statements.length === 1) return { ok: false, error: cause };
    if (failedAt === -1 || i < failedAt) {
      const because =
        failedAt === -1 ? 'the commit failed' : `statement ${failedAt} of its Sync segment failed`;
      return outcome(cause, `rolled back because ${because}: ${message}`, 'rolled-back');
    }
    return outcome(
      cause,
      `skipped because statement ${failedAt} of its Sync segment failed: ${message}`,
      'skipped',
    );
  });
}

function outcome(
  cause: ErrorBody,
  message: string,
  what: 'rolled-back' | 'skipped',
): Extract<StatementResult, { ok: false }> {
  return { ok: false, error: { ...cause, message, outcome: what } };
}

async function run(db: Queryable, statement: SqlStatement): Promise<StatementResult> {
  const started = performance.now();
  const result: Results<Record<string, unknown>> = await db.query<Record<string, unknown>>(
    statement.sql,
    statement.params ? [...statement.params] : [],
    { parsers: RESULT_PARSERS },
  );
  const ms = performance.now() - started;
  const command = result.command ?? '';
  return {
    ok: true,
    command,
    rowCount: COUNTED.has(command) ? (result.rowCount ?? result.affectedRows ?? result.rows.length) : null,
    rows: result.rows,
    fields: result.fields.map((field) => ({ name: field.name, typeOid: field.dataTypeID })),
    ms: Math.round(ms * 10) / 10,
  };
}
