/**
 * JSON in and out of the routes. Values JSON.stringify refuses or mangles (int8 as bigint, bytea as
 * Uint8Array) get a replacer, and a bad request body deserves a 400 that says where. /v1/sql's results
 * have their own, lossless writer (sql/result-json.ts).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HttpError } from './error-body.ts';
import { JsonSyntaxError, parseJsonExact } from './exact-json.ts';

/** bigint → decimal string (exact; a JS number would round past 2^53), bytea → PostgreSQL's `\x…` hex. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return hexBytea(value);
  return value;
}

/** bytea as PostgreSQL writes it: `\x` and two hex digits per byte. */
export function hexBytea(bytes: Uint8Array): string {
  let hex = '\\x';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, jsonReplacer);
}

/** A JSON response whose values may include bigint and Uint8Array. */
export function jsonResponse(c: Context, value: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(stringifyJson(value), status, { 'content-type': 'application/json; charset=utf-8' });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The request body parsed by exact-json.ts (numbers as JsonNumber, kept as written), or a 400 naming
 * the problem and its position. Bytes that are not UTF-8 are refused rather than replaced by U+FFFD.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  let text: string;
  try {
    text = utf8.decode(await c.req.arrayBuffer());
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new HttpError(400, 'the request body is not valid UTF-8');
  }
  if (text.trim() === '') throw new HttpError(400, 'the request body is empty; expected a JSON object');
  try {
    return parseJsonExact(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new HttpError(400, `the request body is not valid JSON: ${error.message}`);
    }
    throw error;
  }
}
