/**
 * The worker's HTTP API as types: every request the page (or any client) sends and every JSON body
 * and NDJSON line it gets back. The routes are checked against these (`satisfies`), and the
 * playground imports them from `@haul/worker/contract` instead of keeping copies, so a change here
 * breaks whichever side no longer fits at compile time. Also exported: the typed-error → body and
 * status mapping (no Hono at run time), which the page uses for what it runs itself.
 */
import type {
  LoadOptions,
  LoadProgress,
  LoadReport,
  ProvisionalTableOutcome,
  RejectedRow,
  TableDetail,
  TableSummary,
} from '@haul/loader';

export { errorBody, errorStatus, HttpError } from './http/error-body.ts';
export type { LoadProgress, LoadReport, RejectedRow, TableDetail, TableSummary };

/**
 * What a failed statement of an atomic batch did: rolled back with its batch, left inside the
 * caller's own transaction which is now failed (`aborted-transaction`: ROLLBACK it), or never run.
 */
export type StatementOutcome = 'rolled-back' | 'aborted-transaction' | 'skipped';

/** The error body every failure carries: `{ error: ErrorBody }`, and a failed statement's `error`. */
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
  outcome?: StatementOutcome;
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

export interface ErrorResponse {
  error: ErrorBody;
}

/** GET /healthz. */
export interface HealthResponse {
  ok: true;
  /** 'node', 'workerd', 'deno', 'bun'. */
  runtime: string;
}

/** GET /v1/database: where the browser's protocol client should connect through /v1/ws, and as whom. */
export interface DatabaseInfo {
  /** host:port as /v1/ws?address= expects it (IPv6 bracketed). */
  address: string;
  database: string;
  user: string;
  password?: string;
  /** Whether /v1/ws may reach `address` (it is on HAUL_ALLOWED_HOSTS). */
  proxied: boolean;
  /** The most shards a load (and partitions an export) may ask for (HAUL_MAX_SHARDS, 5 at most on Workers). */
  maxShards: number;
}

/** GET /v1/tables. GET /v1/tables/:table answers a TableDetail. */
export interface TablesResponse {
  tables: TableSummary[];
}

/**
 * POST /v1/tables/:table/load's query parameters, by name, as they are sent (`loadQuery` writes
 * them); the body is the file itself.
 */
export interface LoadQuery {
  format?: 'csv' | 'tsv' | 'ndjson';
  header?: boolean;
  /** One byte. */
  delimiter?: string;
  null?: string;
  /** Target columns in source order (sent comma-separated); omitted: by header name, keys or position. */
  columns?: readonly string[];
  /** At most HAUL_MAX_SHARDS; omitted: the loader's 'auto' within the cap. */
  shards?: number;
  mode?: 'atomic' | 'batches';
  /** How an atomic load commits ('auto', 'two-phase', 'staged' or 'barrier'; see the loader's `commit`). */
  commit?: LoadOptions['commit'];
  /** A row whose `key` exists: 'error' (default), 'skip' or 'update' (implies commit 'staged'). */
  conflict?: 'error' | 'skip' | 'update';
  /** Key columns (sent comma-separated): a primary key or unique index of the table. */
  key?: readonly string[];
  /** Replace the table's rows with the file's, in one transaction (implies commit 'staged'). */
  replace?: boolean;
  onError?: 'abort' | 'reject';
  loadId?: string;
  /** Create the table from the inferred schema when it does not exist. */
  createTable?: boolean;
  batchRows?: number;
  maxRejects?: number;
}

/** The parameter names of a load, for the route's parser (a name outside LoadQuery fails to compile). */
export type LoadParam = keyof LoadQuery & string;

/** `request` as the load URL's query string. */
export function loadQuery(request: LoadQuery): URLSearchParams {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request) as [LoadParam, LoadQuery[LoadParam]][]) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) query.set(name, value.join(','));
    } else {
      query.set(name, String(value));
    }
  }
  return query;
}

/** One NDJSON line of a load's response: progress and rejects as they happen, then a report or an error. */
export type LoadEvent =
  | ({ type: 'progress' } & LoadProgress)
  | ({ type: 'reject' } & RejectedRow)
  | ({ type: 'report' } & LoadReport)
  | { type: 'error'; status: number; error: ErrorBody };

/** The line that ends a load's response. */
export type LoadOutcome = Extract<LoadEvent, { type: 'report' | 'error' }>;

/** GET /v1/tables/:table/export's query parameters. */
export interface ExportQuery {
  format?: 'csv' | 'ndjson' | 'binary';
  partitions?: number;
  partitionOn?: string;
  header?: boolean;
}

export type SyncMode = 'independent' | 'atomic';

/** POST /v1/sql's body. */
export interface SqlRequestBody {
  statements: { sql: string; params?: unknown[] }[];
  sync?: SyncMode;
}

export interface FieldSummary {
  name: string;
  typeOid: number;
}

/** One statement's result in POST /v1/sql's answer, in request order, failures included. */
export type SqlResult =
  | {
      ok: true;
      command: string;
      rowCount: number | null;
      rows: Record<string, unknown>[];
      fields: FieldSummary[];
    }
  | { ok: false; error: ErrorBody };

/** POST /v1/sql's answer; `error` (with status 413) when a statement's results went past a limit. */
export interface SqlResponse {
  error?: ErrorBody;
  results: SqlResult[];
}
