/**
 * POST /v1/sql: `{ statements: [{ sql, params? }], sync?: 'independent' | 'atomic' }` → one pipeline
 * (`conn.batch`), and one result per statement in order, failures included: a failed statement
 * does not fail the request, since the other statements' fates are the point of a batch.
 *
 * Memory is bounded by HAUL_SQL_MAX_ROWS / HAUL_SQL_MAX_BYTES for the whole request: the protocol
 * drops the rows of the statement that crosses either (the server stops a SELECT at the row cap) and
 * that statement's result says so; the request then answers 413, with every statement's result.
 */
import { type BatchOutcome, type FieldInfo, ResultLimitError } from '@haul/protocol';
import type { Hono } from 'hono';
import type { AppEnv, RouteDeps } from '../app-env.ts';
import { withConnection } from '../db/with-connection.ts';
import { errorBody } from '../http/error-body.ts';
import { readJsonBody } from '../http/json.ts';
import { encodeRows, SQL_TYPES } from '../sql/result-json.ts';
import { parseSqlRequest } from '../sql/sql-request.ts';

export function sqlRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  const limits = { maxRows: deps.config.sqlMaxRows, maxBytes: deps.config.sqlMaxBytes };
  app.post('/v1/sql', async (c) => {
    const request = parseSqlRequest(await readJsonBody(c));
    const { signal } = c.get('deadline');
    const outcomes = await withConnection(
      deps,
      (conn) => conn.batch(request.statements, { sync: request.sync, signal, limits }),
      { types: SQL_TYPES },
    );
    const results = outcomes.map((outcome, i) => encodeResult(outcome, i));
    const over = outcomes.findIndex((o) => o.status === 'rejected' && o.reason instanceof ResultLimitError);
    const body = `{${over >= 0 ? `"error":${results[over]!.error},` : ''}"results":[${results.map((r) => r.json).join(',')}]}`;
    return c.body(body, over >= 0 ? 413 : 200, { 'content-type': 'application/json; charset=utf-8' });
  });
}

/** One statement's result as JSON text (and, for a limit crossed, its error with the index added). */
function encodeResult(outcome: BatchOutcome, index: number): { json: string; error?: string } {
  if (outcome.status === 'rejected') {
    const error = errorBody(outcome.reason);
    if (outcome.reason instanceof ResultLimitError) {
      const limited = { ...error, message: limitMessage(outcome.reason, index), statement: index };
      return { json: JSON.stringify({ ok: false, error: limited }), error: JSON.stringify(limited) };
    }
    return { json: JSON.stringify({ ok: false, error }) };
  }
  const { command, rowCount, rows, fields } = outcome.value;
  const head = `{"ok":true,"command":${JSON.stringify(command)},"rowCount":${JSON.stringify(rowCount)}`;
  return {
    json: `${head},"rows":${encodeRows(rows, fields)},"fields":${JSON.stringify(fields.map(fieldSummary))}}`,
  };
}

function limitMessage(error: ResultLimitError, index: number): string {
  const cap =
    error.limit === 'rows'
      ? `${error.max} rows (HAUL_SQL_MAX_ROWS)`
      : `${error.max} bytes of row data (HAUL_SQL_MAX_BYTES)`;
  return (
    `statements[${index}]: the results went past ${cap}, the most one /v1/sql request returns; ` +
    "this statement's rows were not kept. It did run: a write in it stands unless its batch failed. " +
    'Add a LIMIT, or read large results with GET /v1/tables/:table/export'
  );
}

function fieldSummary(field: FieldInfo): { name: string; typeOid: number } {
  return { name: field.name, typeOid: field.typeOid };
}
