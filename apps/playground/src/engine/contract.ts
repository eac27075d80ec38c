/**
 * What the page needs from a database, whichever one it is: the worker (HTTP endpoints for tables,
 * load and export; the protocol core over the worker's /v1/ws proxy for the SQL console) or, offline,
 * PGlite running in the page. The UI talks to an `Engine` only, so both modes share every screen.
 *
 * Shapes mirror the worker's JSON (apps/worker/README.md) so the worker engine passes them through.
 */
import type {
  ColumnSummary,
  LoadProgress,
  LoadReport,
  RejectedRow,
  TableDetail,
  TableSummary,
} from '@haul/loader';

export type { ColumnSummary, LoadProgress, LoadReport, RejectedRow, TableDetail, TableSummary };

export interface LoadRequest {
  format: 'csv' | 'tsv' | 'ndjson';
  header?: boolean;
  delimiter?: string;
  /** Target columns in source order; omitted: by header name (CSV with header, NDJSON keys) or position. */
  columns?: string[];
  shards: number;
  mode: 'atomic' | 'batches';
  onError: 'abort' | 'reject';
  /** Create the table from the inferred schema when it does not exist. */
  createTable?: boolean;
  batchRows?: number;
}

/** The error body every failure carries (the worker's `{ error: … }`). */
export interface ErrorInfo {
  message: string;
  sqlstate?: string;
  line?: number;
  column?: string;
  value?: string;
  detail?: string;
  hint?: string;
  /** 1-based character position in the statement's SQL, when the server gave one. */
  position?: number;
  constraint?: string;
  rolledBack?: boolean;
  loadId?: string;
}

export type LoadEvent =
  | ({ type: 'progress' } & LoadProgress)
  | ({ type: 'reject' } & RejectedRow)
  | ({ type: 'report' } & LoadReport)
  | { type: 'error'; status: number; error: ErrorInfo };

export interface SqlStatement {
  sql: string;
  params?: unknown[];
}

export type SyncMode = 'independent' | 'atomic';

export type StatementResult =
  | {
      ok: true;
      command: string;
      rowCount: number | null;
      rows: Record<string, unknown>[];
      fields: { name: string; typeOid: number }[];
      ms?: number;
    }
  | {
      ok: false;
      error: ErrorInfo & { outcome?: 'failed' | 'rolled-back' | 'skipped' };
    };

export type ExportFormat = 'csv' | 'ndjson';

/** Thrown by engine calls that fail as a whole (unreachable worker, 401, 400 setup errors). */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly info: ErrorInfo | undefined,
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
  ): Promise<Extract<LoadEvent, { type: 'report' | 'error' }>>;
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
