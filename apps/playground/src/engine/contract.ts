/**
 * What the page needs from a database, whichever one it is: the worker (HTTP endpoints for tables,
 * load and export; the protocol core over the worker's /v1/ws proxy for the SQL console) or, offline,
 * PGlite running in the page. The UI talks to an `Engine` only, so both modes share every screen.
 *
 * The shapes are the worker's own (`@haul/worker/contract`, its HTTP API's types): the worker engine
 * passes its JSON through, and the offline engine builds the same objects.
 */
import type {
  ErrorBody,
  LoadEvent,
  LoadOutcome,
  LoadQuery,
  SqlResult,
  SyncMode,
  TableDetail,
  TableSummary,
} from '@haul/worker/contract';

export type {
  ColumnSummary,
  LoadProgress,
  LoadReport,
  RejectedRow,
  TableDetail,
  TableSummary,
} from '@haul/loader';
export type { ErrorBody, LoadEvent, LoadOutcome, StatementOutcome, SyncMode } from '@haul/worker/contract';

/** A load as the page asks for it: the worker's query parameters, with the shard count always chosen. */
export type LoadRequest = Omit<LoadQuery, 'format' | 'shards' | 'mode' | 'onError'> &
  Required<Pick<LoadQuery, 'format' | 'shards' | 'mode' | 'onError'>>;

export interface SqlStatement {
  sql: string;
  params?: unknown[];
}

/** One statement's result: /v1/sql's, and the time the page measured for it when it ran it itself. */
export type StatementResult =
  | (Extract<SqlResult, { ok: true }> & { ms?: number })
  | Extract<SqlResult, { ok: false }>;

export type ExportFormat = 'csv' | 'ndjson';

/** Thrown by engine calls that fail as a whole (unreachable worker, 401, 400 setup errors). */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly info: ErrorBody | undefined,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export interface Engine {
  readonly kind: 'worker' | 'offline';
  /** Largest shard count a load may ask for (worker: its HAUL_MAX_SHARDS; offline: 1). */
  readonly maxShards: number;
  /** A short description for the status line ("worker http://… · PostgreSQL 15.8", "PGlite 0.5 in this tab"). */
  readonly label: string;
  tables(signal?: AbortSignal): Promise<TableSummary[]>;
  /** null when the table does not exist. */
  table(name: string, signal?: AbortSignal): Promise<TableDetail | null>;
  /**
   * Loads `file` into `table`, calling `onEvent` for every progress/reject event as it happens.
   * Settles with the final `report` or `error` event (never rejects for a bad row: that is an
   * `error` event naming the line); rejects with EngineError for setup failures, and with an
   * AbortError when `signal` aborts (the load is rolled back).
   */
  load(
    table: string,
    file: Blob,
    request: LoadRequest,
    onEvent: (event: LoadEvent) => void,
    signal: AbortSignal,
  ): Promise<LoadOutcome>;
  /** One pipeline: every statement is sent before any result is awaited. */
  sql(statements: SqlStatement[], sync: SyncMode, signal?: AbortSignal): Promise<StatementResult[]>;
  /** The table as a file (partitioned export on the worker). */
  exportTable(
    table: string,
    format: ExportFormat,
    options: { partitions?: number; partitionOn?: string },
    signal?: AbortSignal,
  ): Promise<Blob>;
  close(): Promise<void>;
}
