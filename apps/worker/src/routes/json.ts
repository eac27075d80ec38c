/**
 * JSON in and out of the routes. Query results hold values JSON.stringify refuses or mangles
 * (int8 as bigint, bytea as Uint8Array), and a bad request body deserves a 400 that says where.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HttpError } from './errors.ts';

/** bigint → decimal string (exact; a JS number would round past 2^53), bytea → PostgreSQL's `\x…` hex. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) {
    let hex = '\\x';
    for (const byte of value) hex += byte.toString(16).padStart(2, '0');
    return hex;
  }
  return value;
}

export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, jsonReplacer);
}

/** A JSON response whose values may include bigint and Uint8Array. */
export function jsonResponse(c: Context, value: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(stringifyJson(value), status, { 'content-type': 'application/json; charset=utf-8' });
}

/** The request body parsed as JSON, or a 400 naming the parser's complaint (it gives the position). */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw new HttpError(400, 'the request body is empty; expected a JSON object');
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HttpError(400, `the request body is not valid JSON: ${reason}`);
  }
}
