/**
 * One JSON shape for every failure: `{ error: ErrorBody }` (contract.ts), built by error-body.ts.
 * Used by the app's onError and by the load stream's final `{"type":"error"}` line, so a client
 * reads errors the same way whether they came before or after the response started.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { errorBody, errorStatus, HttpError } from './error-body.ts';

/** The status for `error`; Hono's own HTTPException (a body limit, a bad upgrade) keeps its status. */
export function httpStatus(error: unknown): ContentfulStatusCode {
  if (error instanceof HTTPException) return error.status as ContentfulStatusCode;
  return errorStatus(error);
}

/** The JSON error response for `error`. */
export function errorResponse(c: Context, error: unknown): Response {
  if (error instanceof HTTPException && error.res) return error.getResponse();
  const status = httpStatus(error);
  if (status >= 500 && !(error instanceof HttpError)) console.error(error);
  return c.json({ error: errorBody(error) }, status);
}

/** `{ error: { message } }` with `status`, for the simple refusals (404, 400 on a query parameter). */
export function jsonError(c: Context, status: ContentfulStatusCode, message: string): Response {
  return c.json({ error: { message } }, status);
}
