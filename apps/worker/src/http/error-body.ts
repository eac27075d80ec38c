/**
 * What a failure says to the client, decided from typed errors: the JSON error body and the HTTP
 * status. No Hono at run time: the playground maps the errors of its offline loads and of its own
 * protocol connection with these same functions (through `@haul/worker/contract`), so a page shows
 * a failure the same way whichever engine ran it.
 */
import {
  BadRowError,
  InputLimitError,
  LoadConfigError,
  LoadFailedError,
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
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody } from '../contract.ts';

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
