/**
 * PGlite's errors in the engine's shapes. PGlite throws node-postgres-style DatabaseErrors (fields as
 * strings, message without severity or SQLSTATE); they become protocol PostgresErrors, so the
 * loader's COPY error mapping reads them and messages read as the worker's do ("ERROR: … (SQLSTATE
 * 42P01)"). ErrorInfo follows the worker's errorBody (apps/worker/src/routes/errors.ts).
 */
import { BadRowError, LoadConfigError } from '@haul/loader';
import { PostgresError } from '@haul/protocol';
import type { ErrorInfo } from '../contract.ts';

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

/** The same rule as the worker: data, integrity, syntax/access classes are the request's fault. */
const CLIENT_SQLSTATE_CLASSES = new Set(['22', '23', '42', '0A', '2B', '25', '40']);

/** The HTTP-style status the worker would have answered with. */
export function errorStatus(error: unknown): number {
  if (error instanceof BadRowError || error instanceof LoadConfigError) return 400;
  const pg = toPostgresError(error);
  if (pg) return CLIENT_SQLSTATE_CLASSES.has(pg.code.slice(0, 2)) ? 400 : 500;
  return 500;
}

export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof BadRowError) {
    const info: ErrorInfo = { message: error.message };
    if (error.line > 0) info.line = error.line;
    if (error.column !== undefined) info.column = error.column;
    if (error.value !== undefined) info.value = error.value;
    if (error.sqlstate !== undefined) info.sqlstate = error.sqlstate;
    return info;
  }
  const pg = toPostgresError(error);
  if (pg) {
    // Not `line`: a server error's line is PostgreSQL's C source line, nothing in the request.
    const info: ErrorInfo = { message: pg.message, sqlstate: pg.code };
    if (pg.detail !== undefined) info.detail = pg.detail;
    if (pg.hint !== undefined) info.hint = pg.hint;
    if (pg.position !== undefined) info.position = pg.position;
    if (pg.column !== undefined) info.column = pg.column;
    if (pg.constraint !== undefined) info.constraint = pg.constraint;
    return info;
  }
  if (error instanceof Error) return { message: error.message || error.name };
  return { message: String(error) };
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
