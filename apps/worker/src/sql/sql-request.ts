/**
 * The body of POST /v1/sql, read exactly: `{ statements: [{ sql, params? }], sync? }`, checked for
 * shape (each refusal names its path, e.g. `statements[2].params`), with the parameters made ready for
 * the protocol without losing anything on the way. The body is read by exact-json.ts, so a number
 * parameter still has its source text: one whose double prints back as the same value is passed as
 * that number (1.0 and 1e3 still suit an int column), any other (9007199254740993,
 * 0.1000000000000000001, 1e999) as its text, which the server then reads exactly
 * for numeric and int8 (and refuses where the type cannot hold it). A JSON object parameter (for json
 * and jsonb) is passed as its text with every number as written.
 */
import type { Statement } from '@haul/protocol';
import { HttpError } from '../http/error-body.ts';
import { JsonNumber, printsBackExactly, stringifyExact } from '../http/exact-json.ts';

/** A bound on one request's pipeline: the protocol caps statements in flight at 10,000 anyway. */
export const MAX_STATEMENTS = 10_000;

export interface SqlRequest {
  statements: Statement[];
  sync: 'independent' | 'atomic';
}

/** A UTF-16 surrogate without its pair: no UTF-8 encoding exists, and the server would get U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Checks the body's shape and converts the parameters; `body` comes from parseJsonExact. */
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
    const sql = s['sql'];
    if (typeof sql !== 'string' || sql.trim() === '') {
      throw bad(`statements[${i}].sql must be a non-empty string`);
    }
    if (LONE_SURROGATE.test(sql)) throw loneSurrogate(`statements[${i}].sql`);
    const params = s['params'];
    if (params === undefined) return { sql };
    if (!Array.isArray(params)) throw bad(`statements[${i}].params must be an array`);
    return { sql, params: params.map((p, j) => toParam(p, `statements[${i}].params[${j}]`)) };
  });
  return { statements: parsed, sync };
}

/** One parameter as the protocol should send it; see the file comment. */
function toParam(value: unknown, path: string): unknown {
  if (value instanceof JsonNumber)
    return printsBackExactly(value.source) ? Number(value.source) : value.source;
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw loneSurrogate(path);
    return value;
  }
  // A top-level array is an SQL array (as the protocol sends one); its elements convert the same way.
  if (Array.isArray(value)) return value.map((element, k) => toParam(element, `${path}[${k}]`));
  if (isObject(value)) {
    checkStrings(value, path);
    return stringifyExact(value);
  }
  return value;
}

/** Every string in a JSON parameter (keys too) must be encodable as UTF-8. */
function checkStrings(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw loneSurrogate(path);
  } else if (Array.isArray(value)) {
    for (const [k, element] of value.entries()) checkStrings(element, `${path}[${k}]`);
  } else if (isObject(value)) {
    for (const [key, member] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) throw loneSurrogate(`${path} (a key)`);
      checkStrings(member, `${path}.${key}`);
    }
  }
}

function loneSurrogate(path: string): HttpError {
  return bad(
    `${path} holds a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape): it has no UTF-8 form, ` +
      'and PostgreSQL would store U+FFFD in its place',
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber)
  );
}

function bad(message: string): HttpError {
  return new HttpError(400, message);
}
