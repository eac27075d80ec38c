/**
 * POST /v1/sql: `{ statements: [{ sql, params? }], sync?: 'independent' | 'atomic' }` → one pipeline
 * (`conn.batch`), and one result per statement in order, failures included: a failed statement
 * does not fail the request, since the other statements' fates are the point of a batch.
 */
import type { BatchOutcome, FieldInfo, Statement } from '@haul/protocol';
import type { Hono } from 'hono';
import { type AppEnv, type RouteDeps, withConnection } from './deadline.ts';
import { type ErrorBody, errorBody, HttpError } from './errors.ts';
import { jsonResponse, readJsonBody } from './json.ts';

/** A bound on one request's pipeline: the protocol caps statements in flight at 10,000 anyway. */
export const MAX_STATEMENTS = 10_000;

export interface SqlRequest {
  statements: Statement[];
  sync: 'independent' | 'atomic';
}

export type StatementResult =
  | {
      ok: true;
      command: string;
      rowCount: number | null;
      rows: Record<string, unknown>[];
      fields: { name: string; typeOid: number }[];
    }
  | { ok: false; error: ErrorBody };

export function sqlRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  app.post('/v1/sql', async (c) => {
    const request = parseSqlRequest(await readJsonBody(c));
    const { signal } = c.get('deadline');
    const outcomes = await withConnection(deps, (conn) =>
      conn.batch(request.statements, { sync: request.sync, signal }),
    );
    return jsonResponse(c, { results: outcomes.map(toResult) });
  });
}

function toResult(outcome: BatchOutcome): StatementResult {
  if (outcome.status === 'rejected') return { ok: false, error: errorBody(outcome.reason) };
  const { command, rowCount, rows, fields } = outcome.value;
  return { ok: true, command, rowCount, rows, fields: fields.map(fieldSummary) };
}

function fieldSummary(field: FieldInfo): { name: string; typeOid: number } {
  return { name: field.name, typeOid: field.typeOid };
}

/** Checks the body's shape; every refusal names the offending path, e.g. `statements[2].params`. */
export function parseSqlRequest(body: unknown): SqlRequest {
  if (!isObject(body)) throw bad('the body must be a JSON object { "statements": [...], "sync"?: ... }');
  const { statements, sync = 'independent' } = body;
  if (sync !== 'independent' && sync !== 'atomic') {
    throw bad(`"sync" must be "independent" or "atomic", got ${JSON.stringify(sync)}`);
  }
  if (!Array.isArray(statements) || statements.length === 0) {
    throw bad('"statements" must be a non-empty array of { "sql": string, "params"?: array }');
  }
  if (statements.length > MAX_STATEMENTS) {
    throw bad(`"statements" has ${statements.length} entries; at most ${MAX_STATEMENTS} per request`);
  }
  const parsed = statements.map((s: unknown, i): Statement => {
    if (!isObject(s)) throw bad(`statements[${i}] must be an object { "sql": string, "params"?: array }`);
    if (typeof s['sql'] !== 'string' || s['sql'].trim() === '') {
      throw bad(`statements[${i}].sql must be a non-empty string`);
    }
    const params = s['params'];
    if (params === undefined) return { sql: s['sql'] };
    if (!Array.isArray(params)) throw bad(`statements[${i}].params must be an array`);
    return { sql: s['sql'], params };
  });
  return { statements: parsed, sync };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(message: string): HttpError {
  return new HttpError(400, message);
}
