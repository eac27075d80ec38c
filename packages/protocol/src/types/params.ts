/**
 * JS values → text-format query parameters. Parameters go out with type OID 0 so the server infers
 * each one's type from the statement, except Uint8Array, which is declared bytea so its hex text is
 * not taken for a string.
 *
 *   null, undefined       SQL NULL
 *   string                as is (no NUL characters: PostgreSQL text cannot hold them)
 *   number                String(n), with -0 as '-0'; NaN, Infinity, -Infinity spelled as PostgreSQL does
 *   bigint                String(n)
 *   boolean               't' / 'f'
 *   Date                  ISO 8601 in UTC, `2024-01-15T10:20:30.123Z` (BC and 5-digit years as the
 *                         server reads them); Invalid Date is an error
 *   Uint8Array            '\x' + hex (Buffer too, being a Uint8Array)
 *   Array                 array literal `{...}`, nested arrays as further dimensions
 *   plain object, or any  JSON.stringify: for json/jsonb. A top-level JS array is always an SQL
 *   object with toJSON    array; to send one as JSON, pass JSON.stringify(value).
 *
 * Anything else (functions, symbols, Map, Set, Promise, class instances without toJSON) is an
 * EncodeError naming the parameter: it is almost always a bug, such as a forgotten `await`.
 */

import { EncodeError } from '../errors.ts';
import { encodeArray, quoteArrayElement } from './arrays/text.ts';
import { encodeBool } from './bool/text.ts';
import { encodeBytea } from './bytea/text.ts';
import { encodeTimestamptz } from './datetime/index.ts';
import { Oid } from './oids.ts';

/** Type OID to declare for a parameter: bytea for Uint8Array, otherwise 0 (the server infers it). */
export function paramTypeOid(value: unknown): number {
  return value instanceof Uint8Array ? Oid.bytea : 0;
}

/**
 * One parameter → its text form, or null for SQL NULL. `index` is the parameter's 1-based number, as
 * in `$1`, `$2`…; an EncodeError for a value with no text form carries it in `parameter`.
 */
export function serializeParam(value: unknown, index: number): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return checkedString(value, index);
  if (Array.isArray(value)) {
    try {
      return encodeArray(value, (element) => arrayElement(element, index));
    } catch (error) {
      if (error instanceof RangeError) throw new EncodeError(`$${index}: ${error.message}`, index);
      throw error;
    }
  }
  return scalar(value, index);
}

/** Any non-null, non-array, non-string value → text. */
function scalar(value: unknown, index: number): string {
  switch (typeof value) {
    case 'string':
      return checkedString(value, index);
    case 'number':
      // String() already gives 'NaN', 'Infinity' and '-Infinity'; only the sign of zero needs help.
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return String(value);
    case 'boolean':
      return encodeBool(value);
    case 'object':
      return objectText(value as object, index);
    default:
      throw unsupported(value, index);
  }
}

function objectText(value: object, index: number): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new EncodeError(`$${index}: Invalid Date`, index);
    return encodeTimestamptz(value);
  }
  if (value instanceof Uint8Array) return encodeBytea(value);
  const prototype: unknown = Object.getPrototypeOf(value);
  const hasToJson = typeof (value as { toJSON?: unknown }).toJSON === 'function';
  if (prototype !== Object.prototype && prototype !== null && !hasToJson) throw unsupported(value, index);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    // Cycles and bigint members land here.
    throw new EncodeError(`$${index}: cannot serialize object as JSON: ${String(error)}`, index, {
      cause: error,
    });
  }
  if (json === undefined) throw new EncodeError(`$${index}: toJSON() returned undefined`, index);
  // No NUL check: JSON.stringify writes U+0000 as the escape \u0000.
  return json;
}

/** An array element's literal form: quoted unless it is a number, bigint or boolean. */
function arrayElement(value: unknown, index: number): string {
  switch (typeof value) {
    case 'number':
    case 'bigint':
    case 'boolean':
      return scalar(value, index);
    default:
      return quoteArrayElement(scalar(value, index));
  }
}

function checkedString(value: string, index: number): string {
  if (value.includes('\0')) {
    throw new EncodeError(
      `$${index}: string contains a NUL character (\\0), which PostgreSQL text cannot store; ` +
        'send binary data as a Uint8Array (bytea)',
      index,
    );
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}

function unsupported(value: unknown, index: number): EncodeError {
  const hint = value instanceof Promise ? ' (a missing await?)' : '';
  return new EncodeError(
    `$${index}: cannot send a value of type ${describe(value)} as a parameter${hint}`,
    index,
  );
}
