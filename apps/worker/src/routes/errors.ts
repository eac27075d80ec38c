/**
 * One JSON shape for every failure: `{ error: { message, sqlstate?, line?, column?, value?, … } }`.
 * Used by the app's onError and by the load stream's final `{"type":"error"}` line, so a client
 * reads errors the same way whether they came before or after the response started.
 */
import {
  BadRowError,
  InputLimitError,
  LoadConfigError,
  LoadFailedError,
  type ProvisionalTableOutcome,
  RejectLimitError,
  SourceError,
  StallError,
} from '@haul/loader';
import {
  AbortError,
  BatchError,
  ConfigError,
  ConnectionError,
  EncodeError,
  PostgresError,
  ResultLimitError,
  SqlState,
  TimeoutError,
} from '@haul/protocol';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface ErrorBody {
  message: string;
  /** PostgreSQL's SQLSTATE, when the server (or the loader, from it) said one. */
  sqlstate?: string;
  /** 1-based source line of a bad row (loads). */
  line?: number;
  column?: string;
  value?: string;
  detail?: string;
  hint?: string;
  /** 1-based character position in the SQL text. */
  position?: number;
  constraint?: string;
  /** What a batch statement's failure did to it (atomic batches). */
  outcome?: 'rolled-back' | 'aborted-transaction' | 'skipped';
  /** For a load: whether nothing of it is committed. */
  rolledBack?: boolean;
  loadId?: string;
  /** For a createTable load: the table it created, and whether it was dropped again. */
  createdTable?: ProvisionalTableOutcome;
  /** /v1/sql: the 0-based index of the statement this is about (in the request's top-level error). */
  statement?: number;
  /** /v1/sql: the result limit crossed (HAUL_SQL_MAX_ROWS or HAUL_SQL_MAX_BYTES), and its value. */
  limit?: 'rows' | 'bytes';
  max?: number;
}

/** A failure with a chosen HTTP status and a message for the client. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
  }
}

/** SQLSTATE classes that mean the request was at fault, not the server: data, integrity, syntax/access. */
const CLIENT_SQLSTATE_CLASSES = new Set(['22', '23', '42', '0A', '2B', '25', '40']);

export function errorStatus(error: unknown): ContentfulStatusCode {
  if (error instanceof HttpError) return error.status;
  if (error instanceof HTTPException) return error.status as ContentfulStatusCode;
  if (error instanceof LoadFailedError) return errorStatus(error.cause);
  if (error instanceof InputLimitError) return 413;
  if (error instanceof BadRowError && error.sqlstate === SqlState.ProgramLimitExceeded) return 413; // maxRowBytes, like the server's limits
  if (error instanceof StallError) return 504;
  if (
    error instanceof LoadConfigError ||
    error instanceof BadRowError ||
    error instanceof RejectLimitError ||
    error instanceof EncodeError
  )
    return 400;
  if (error instanceof SourceError) return 400; // a truncated or corrupt upload
  if (error instanceof ConfigError) return 400;
  if (error instanceof ResultLimitError) return 413;
  if (error instanceof BatchError) return errorStatus(error.cause);
  if (error instanceof PostgresError) {
    if (error.code === SqlState.QueryCanceled) return 504; // cancelled: our deadline or the client went away
    return CLIENT_SQLSTATE_CLASSES.has(error.code.slice(0, 2)) ? 400 : 500;
  }
  if (error instanceof TimeoutError || error instanceof AbortError) return 504;
  if (error instanceof ConnectionError) return 502;
  return 500;
}

export function errorBody(error: unknown): ErrorBody {
  if (error instanceof LoadFailedError) {
    // The first error (a bad row, a server error) is what the user must fix; keep the load's fate too.
    const inner = error.cause !== undefined ? errorBody(error.cause) : { message: error.message };
    return {
      ...inner,
      message: error.message,
      loadId: error.loadId,
      rolledBack: error.rolledBack,
      ...(error.createdTable ? { createdTable: error.createdTable } : {}),
    };
  }
  if (error instanceof BadRowError) {
    const body: ErrorBody = { message: error.message };
    if (error.line > 0) body.line = error.line;
    if (error.column !== undefined) body.column = error.column;
    if (error.value !== undefined) body.value = error.value;
    if (error.sqlstate !== undefined) body.sqlstate = error.sqlstate;
    return body;
  }
  if (error instanceof BatchError) {
    return { ...errorBody(error.cause), message: error.message, outcome: error.outcome };
  }
  if (error instanceof ResultLimitError)
    return { message: error.message, limit: error.limit, max: error.max };
  if (error instanceof PostgresError) {
    // Not `line`: PostgresError.line is the server's C source line, not anything in the request.
    const body: ErrorBody = { message: error.message, sqlstate: error.code };
    if (error.detail !== undefined) body.detail = error.detail;
    if (error.hint !== undefined) body.hint = error.hint;
    if (error.position !== undefined) body.position = error.position;
    if (error.column !== undefined) body.column = error.column;
    if (error.constraint !== undefined) body.constraint = error.constraint;
    return body;
  }
  if (error instanceof Error) {
    // An abort carries the deadline's (or disconnect's) reason as its cause; that is the useful text.
    if (error instanceof AbortError && error.cause instanceof HttpError)
      return { message: error.cause.message };
    return { message: error.message || error.name };
  }
  return { message: String(error) };
}

/** The JSON error response for `error`. */
export function errorResponse(c: Context, error: unknown): Response {
  if (error instanceof HTTPException && error.res) return error.getResponse();
  const status = errorStatus(error);
  if (status >= 500 && !(error instanceof HttpError)) console.error(error);
  return c.json({ error: errorBody(error) }, status);
}

/** `{ error: { message } }` with `status`, for the simple refusals (404, 400 on a query parameter). */
export function jsonError(c: Context, status: ContentfulStatusCode, message: string): Response {
  return c.json({ error: { message } }, status);
}
