/**
 * /v1/sql results as JSON that loses nothing. JSON.stringify writes NaN and ±Infinity as null (the
 * same as SQL NULL) and -0 as 0, and a parsed json/jsonb value has already had its numbers rounded; so
 * values are written here one by one, by what the protocol decoded (the connection asks for json and
 * dates as the server's text, see SQL_TYPES):
 *
 *   int2, int4, oid, finite float4/float8   JSON numbers (exact: a double prints as the shortest text
 *                                           that reads back as the same double; -0 as -0)
 *   float NaN, Infinity, -Infinity          the strings "NaN", "Infinity", "-Infinity" (PostgreSQL's
 *                                           spelling); never null
 *   int8                                    decimal string
 *   numeric                                 the server's text, as a string ("NaN", "Infinity" included)
 *   json, jsonb (and their arrays)          the server's JSON text itself, numbers as the server wrote
 *                                           them (a reader wanting them exact past 2^53 needs a
 *                                           number-preserving JSON parser)
 *   date, timestamp, timestamptz            the server's text ("2024-01-15 10:20:30.123456+00",
 *                                           "infinity"), never a rounded or shifted Date
 *   bytea                                   "\x…" hex
 *   anything else                           the server's text, as a string
 *   arrays                                  JSON arrays of the above
 */
import type { FieldInfo } from '@haul/protocol';
import { ArrayOid, Oid } from '@haul/protocol/types';
import { hexBytea } from '../http/json.ts';

/** The decoding the /v1/sql connection asks for: text wherever a JS value would lose something. */
export const SQL_TYPES = { json: 'string', dates: 'string' } as const;

/** json, jsonb, json[] and jsonb[]. */
const RAW_JSON_TYPES = new Set<number>([Oid.json, Oid.jsonb, ArrayOid.json, ArrayOid.jsonb]);

/** The rows as a JSON array of objects keyed by column name, every value encoded as above. */
export function encodeRows(rows: readonly Record<string, unknown>[], fields: readonly FieldInfo[]): string {
  // Rows are objects: a name given twice keeps the last column's value, so the last field's type.
  const rawJson = new Map<string, boolean>();
  for (const field of fields) rawJson.set(field.name, RAW_JSON_TYPES.has(field.typeOid));
  const parts: string[] = [];
  for (const row of rows) {
    const members: string[] = [];
    for (const key of Object.keys(row)) {
      members.push(`${JSON.stringify(key)}:${encodeValue(row[key], rawJson.get(key) === true)}`);
    }
    parts.push(`{${members.join(',')}}`);
  }
  return `[${parts.join(',')}]`;
}

/** One decoded value; `rawJson`: strings are the server's json/jsonb text, written as is. */
export function encodeValue(value: unknown, rawJson: boolean): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return rawJson ? value : JSON.stringify(value);
    case 'number':
      return encodeNumber(value);
    case 'bigint':
      return `"${value}"`;
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map((element) => encodeValue(element, rawJson)).join(',')}]`;
  if (value instanceof Uint8Array) return JSON.stringify(hexBytea(value));
  // Nothing else comes out of the decoders SQL_TYPES selects; a custom one's value goes as JSON does.
  return JSON.stringify(value) ?? 'null';
}

function encodeNumber(value: number): string {
  if (Number.isFinite(value)) return Object.is(value, -0) ? '-0' : String(value);
  if (Number.isNaN(value)) return '"NaN"';
  return value > 0 ? '"Infinity"' : '"-Infinity"';
}
