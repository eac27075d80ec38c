/**
 * PGlite's errors in the engine's shapes. PGlite throws node-postgres-style DatabaseErrors (fields as
 * strings, message without severity or SQLSTATE); they become protocol PostgresErrors, so the
 * loader's COPY error mapping reads them and messages read as the worker's do ("ERROR: … (SQLSTATE
 * 42P01)"), and the body and status are the worker's own (`@haul/worker/contract`).
 */
import { PostgresError } from '@haul/protocol';
import { errorBody, errorStatus as workerErrorStatus } from '@haul/worker/contract';
import type { ErrorBody } from '../contract.ts';

/** The ErrorResponse fields PGlite's DatabaseError carries. */
interface DatabaseErrorLike {
  message: string;
  severity?: string;
  code: string;
  detail?: string;
  hint?: string;
  position?: string;
  internalPosition?: string;
  internalQuery?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;
  routine?: string;
}

function isDatabaseError(error: unknown): error is DatabaseErrorLike {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/** A server error from PGlite as a PostgresError; null for anything else (a JS error, an abort). */
export function toPostgresError(error: unknown): PostgresError | null {
  if (error instanceof PostgresError) return error;
  if (!isDatabaseError(error)) return null;
  const pg = new PostgresError({
    severity: error.severity ?? 'ERROR',
    code: error.code,
    message: error.message,
    ...optional('detail', error.detail),
    ...optional('hint', error.hint),
    ...optional('position', toNumber(error.position)),
    ...optional('internalPosition', toNumber(error.internalPosition)),
    ...optional('internalQuery', error.internalQuery),
    ...optional('where', error.where),
    ...optional('schema', error.schema),
    ...optional('table', error.table),
    ...optional('column', error.column),
    ...optional('dataType', error.dataType),
    ...optional('constraint', error.constraint),
    ...optional('routine', error.routine),
  });
  return pg;
}

/** The status the worker would have answered with: its own mapping, PGlite's errors read as the server's. */
export function errorStatus(error: unknown): number {
  return workerErrorStatus(toPostgresError(error) ?? error);
}

/** The worker's error body for `error`, PGlite's errors read as the server's. */
export function errorInfo(error: unknown): ErrorBody {
  return errorBody(toPostgresError(error) ?? error);
}

/** The error an aborted call rejects with: the signal's reason when it is an Error, else an AbortError. */
export function abortError(signal: AbortSignal | undefined, what: string): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  return new DOMException(typeof reason === 'string' ? reason : `${what} was aborted`, 'AbortError');
}

function toNumber(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
