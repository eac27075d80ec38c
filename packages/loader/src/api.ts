/**
 * The loader's public types: what `load` and `exportRows` take and what they report. Runtime-agnostic:
 * a caller passes a URL (with `connect` from a protocol adapter) or its own connection factory.
 */
import type { Connection, ConnectOptions } from '@haul/protocol';

/** Opens one connection; the loader opens one per shard (plus one for planning). */
export type Connector = (signal?: AbortSignal) => Promise<Connection>;

export type SourceFormat = 'csv' | 'tsv' | 'ndjson' | 'json';

/**
 * Where the rows come from. Bytes in any common shape (gzip is detected from its magic bytes), or rows
 * already in memory: arrays (by position) or objects (by key).
 */
export type LoadSource =
  | Uint8Array
  | string
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | Iterable<readonly unknown[] | Record<string, unknown>>
  | AsyncIterable<readonly unknown[] | Record<string, unknown>>;

export interface CsvOptions {
  /** One byte; ',' for csv, '\t' for tsv. */
  delimiter?: string;
  /** One byte; '"'. */
  quote?: string;
  /** One byte; defaults to the quote (RFC 4180 doubled quotes). */
  escape?: string;
  /** The first row names the columns (mapped to the table's by name). Default true for csv/tsv. */
  header?: boolean;
  /** The unquoted text that means NULL; default '' for csv, '\\N' for tsv. */
  null?: string;
}

export type LoadMode = 'atomic' | 'batches';
export type OnError = 'abort' | 'reject';

export interface LoadOptions extends CsvOptions {
  /** A connection URL; needs `connect` (an adapter's) unless `connector` is given. */
  url?: string | ConnectOptions;
  /** How to open connections, e.g. `connect` from `@haul/protocol/node`. */
  connect?: (options: string | ConnectOptions) => Promise<Connection>;
  /** Or a factory of ready connections (a pool, a proxy): overrides url/connect. */
  connector?: Connector;
  /** Target table, `name` or `schema.name` (quoted parts allowed: `"My Schema"."T"`). */
  table: string;
  /**
   * Which target columns the source's fields fill, in source order. Without it: by header names when
   * there is a header, else by position over the table's writable columns. For object rows (NDJSON,
   * JSON, objects): the columns to load, each from the key of its name (see the README on keys).
   */
  columns?: readonly string[];
  /** Skip source columns the table does not have (default: an error naming them). */
  ignoreUnknownColumns?: boolean;
  source: LoadSource;
  /** Required for byte sources unless it can be told from `fileName`; ignored for row iterables. */
  format?: SourceFormat;
  /** Only to infer the format from an extension (.csv, .tsv, .ndjson, .jsonl, .json, with .gz). */
  fileName?: string;
  /** Connections to use, each running one COPY; 'auto' = min(4, a guess from the server's cores). */
  shards?: number | 'auto';
  /** 'atomic' (default): all or nothing. 'batches': commit every `batchRows` rows per shard, resumable. */
  mode?: LoadMode;
  /** Rows per committed batch in 'batches' mode, and per staged batch with `commit: 'staged'`; default 100,000. */
  batchRows?: number;
  /**
   * How an atomic load commits (load/commit-choice.ts). 'auto' (default): two-phase commit where the
   * server allows prepared transactions, else one shard (its own COMMIT: faster there than staging,
   * measured). 'two-phase': PREPARE on every shard, then COMMIT PREPARED (refused by a server without
   * prepared transactions). 'staged': the shards COPY into an unlogged staging table, batch by batch,
   * and one transaction publishes it into the target; all or nothing on any server, and a failed load
   * resumes with the same `loadId` (staged-load.ts). 'barrier': every shard COMMITs at once, only when
   * asked for: a connection lost between the first COMMIT and the last leaves part of the load
   * committed (the error then says which shards).
   */
  commit?: 'auto' | 'two-phase' | 'staged' | 'barrier';
  /**
   * What a row whose key the target has already does (a staged load; implies `commit: 'staged'`):
   * 'error' (default) fails the load (23505); 'skip' keeps the existing row, and of a key repeated in
   * the file the first occurrence; 'update' sets every loaded non-key column, and of a key repeated
   * in the file the last occurrence wins. The report's `published` counts each.
   */
  conflict?: 'error' | 'skip' | 'update';
  /** The columns of a primary key or unique index of the target, for `conflict` 'skip' or 'update'. */
  key?: readonly string[];
  /**
   * Replace the target's rows with the file's (a staged load; implies `commit: 'staged'`): the publish
   * deletes them and inserts the stage in one transaction, so readers see the old rows or the new,
   * never neither. DELETE, not TRUNCATE: TRUNCATE is not MVCC-safe (a reader with an older snapshot
   * would see the table empty).
   */
  replace?: boolean;
  /**
   * A staged load first drops other staged loads older than this many ms that no run is using (what
   * abandoned loads leave behind); default 7 days, 0: never. `haul recover` lists and drops them too.
   */
  abandonedStageMs?: number;
  /** Names a load for `haul recover` and for resuming a batches or staged load; a random UUID if not given. */
  loadId?: string;
  /** 'abort' (default) rolls everything back at the first bad row; 'reject' sets bad rows aside. */
  onError?: OnError;
  /**
   * Called with each rejected row in 'reject' mode, as it is found (the CLI writes them to the rejects
   * file). The load keeps no list of them, only the count; it waits while the returned promise does.
   */
  onReject?: (row: RejectedRow) => void | Promise<void>;
  /**
   * 'reject' mode: the most rows that may be rejected; one more fails the load (RejectLimitError) and
   * rolls it back. Default: no limit.
   */
  maxRejects?: number;
  /**
   * How rows travel. 'binary': converted here to binary COPY. 'raw': CSV/TSV rows sent as they are,
   * parsed by the server in the same dialect (needs the source's fields to map one to one, in order).
   * 'text': re-encoded as COPY text. 'mixed': both raw and binary shards, each batch sent the way
   * that keeps both this thread and the server busy (needs what raw needs, mode 'atomic' and a binary
   * converter for every column). 'auto' (default): mixed for several shards in mode 'atomic' with
   * onError 'abort', binary for one shard or onError 'reject', raw in mode 'batches', each when it
   * fits; else raw, else text (load/auto-format.ts has the measurements behind it).
   */
  copyFormat?: 'binary' | 'text' | 'raw' | 'mixed' | 'auto';
  /** Bytes of COPY data per chunk dealt to a shard; default 256 KiB. */
  chunkBytes?: number;
  /**
   * The most bytes one source row may take; a longer one fails the load (BadRowError, SQLSTATE 54000,
   * naming its line) whatever `onError` says. A parser holds a row whole until its end arrives, so this
   * bounds the memory a source without line endings can take. Default 64 MiB.
   */
  maxRowBytes?: number;
  /**
   * The most source bytes (after decompression) the load reads; past it the load fails with
   * InputLimitError and rolls back. Bounds what a small gzip upload can inflate to. Default: no limit.
   */
  maxInputBytes?: number;
  /**
   * Milliseconds the load may wait on the server with nothing moving (no chunk taken, no COPY or commit
   * finished) before it fails with StallError and rolls back; 0 waits forever. Time spent waiting for
   * the source is not counted. Default 60,000. A shard waiting on a lock makes no progress either:
   * keep this above `lockTimeout`.
   */
  stallTimeout?: number;
  signal?: AbortSignal;
  onProgress?: (event: LoadProgress) => void;
  /** Milliseconds between progress events; default 250. */
  progressInterval?: number;
  /**
   * Milliseconds a shard may wait for a lock (SET LOCAL lock_timeout); default 5000. Two shards of one
   * atomic load inserting the same unique key would otherwise wait on each other forever (each holds
   * its transaction open for the other's commit); with the timeout the second fails with 55P03.
   */
  lockTimeout?: number;
  /** Create the table from a schema inferred from the first rows when it does not exist. */
  createTable?: boolean;
}

export interface ShardProgress {
  shard: number;
  rows: number;
  bytes: number;
  /** 'connecting' | 'copying' | 'waiting' (for commit) | 'committed' | 'failed' | 'rolled-back' */
  state: ShardState;
}

export type ShardState = 'connecting' | 'copying' | 'waiting' | 'committed' | 'failed' | 'rolled-back';

export interface LoadProgress {
  loadId: string;
  rows: number;
  /** Source bytes consumed (after decompression). */
  bytes: number;
  rejected: number;
  elapsedMs: number;
  rowsPerSecond: number;
  shards: ShardProgress[];
}

export interface RejectedRow {
  /** 1-based source line where the row starts. */
  line: number;
  /** The row's original text (without its line terminator) or, for in-memory rows, its JSON. */
  text: string;
  /** What was wrong: a message naming the column and value, and the SQLSTATE when the server said. */
  error: string;
  column?: string;
  sqlstate?: string;
}

export interface ShardReport {
  shard: number;
  rows: number;
  bytes: number;
  chunks: number;
  ms: number;
  state: ShardState;
}

export interface LoadReport {
  loadId: string;
  table: string;
  /** Rows committed (a staged load: inserted plus updated), or, if `committed` is false, rows sent before the rollback. */
  rows: number;
  bytes: number;
  ms: number;
  rowsPerSecond: number;
  committed: boolean;
  mode: LoadMode;
  /** 'binary', 'raw', or 'text' with `textReason` naming the column whose type had no binary converter. */
  copyFormat: 'binary' | 'text' | 'raw' | 'mixed';
  textReason?: string;
  /**
   * How the load committed: 'single' (one shard, one COMMIT), 'two-phase' (PREPARE TRANSACTION),
   * 'staged', 'barrier' (asked for), or 'batches' (mode 'batches').
   */
  commit: 'single' | 'two-phase' | 'barrier' | 'batches' | 'staged';
  /** Why the load was given fewer shards than asked, when the commit decided it up front. */
  shardsReason?: string;
  /** Batches mode and staged loads: batches skipped because an earlier run with the same load id committed (staged) them. */
  resumedBatches?: number;
  /**
   * Staged loads: what the publish did. `skipped`: rows whose key existed (in the table or earlier in
   * the file); `duplicates`: rows replaced by a later row of the same key in the file ('update').
   */
  published?: { inserted: number; updated: number; skipped: number; duplicates: number; deleted: number };
  /**
   * A staged load id whose publish had committed in an earlier run (one that died around its
   * COMMIT): this run moved nothing; `rows` are what that publish inserted and updated.
   */
  publishedBefore?: { rows: number; publishedAt: string };
  /** Staged loads: ms from the start to the last batch staged, and ms the publish transaction took. */
  stagedMs?: number;
  publishMs?: number;
  rejected: number;
  /** The CREATE TABLE statement run for `createTable`, when the table was created. */
  createdTable?: string;
  shards: ShardReport[];
}

/** Where `listPreparedLoads` / `recoverLoad` connect: the same connection options as a load. */
export interface ConnectionOptions {
  url?: string | ConnectOptions;
  connect?: (options: string | ConnectOptions) => Promise<Connection>;
  connector?: Connector;
}

/** A staged load not published yet (`commit: 'staged'`): resume it with its load id, or drop it. */
export interface StagedLoadListing {
  loadId: string;
  table: string;
  /** How it publishes: 'error' (append), or 'skip (…)' / 'update (…)' with the key. */
  publish: string;
  batches: number;
  rows: number;
  createdAt: Date;
  /** A run of it holds its lock now. */
  running: boolean;
}

/** A two-phase load left prepared on the server (its coordinator died between PREPARE and COMMIT). */
export interface PreparedLoad {
  loadId: string;
  database: string;
  table: string;
  /** Shards the load had. */
  shards: number;
  /** Shard numbers still prepared (the others committed or never prepared). */
  prepared: number[];
  preparedAt: Date;
  /** What `recoverLoad(…, 'auto')` does: commit when the load's decision was commit, else roll back. */
  decision: 'commit' | 'rollback' | 'unknown';
}

/**
 * A table `createTable` made that no load has committed into yet: it carries a `haul:create:<loadId>`
 * comment until one does (see `listProvisionalTables`).
 */
export interface ProvisionalTableListing {
  /** `"schema"."name"`. */
  table: string;
  /** The load that created it. */
  createdBy: string;
}

/** What a failed load or `haul recover` did with a provisional table. */
export interface ProvisionalTableOutcome extends ProvisionalTableListing {
  /** Dropped: no load committed into it and nothing else used it. */
  dropped: boolean;
  /** Why it was kept, when it was (another load is using it, it has rows, objects depend on it…). */
  keptBecause?: string;
}

export interface RecoverResult {
  loadId: string;
  committed: number;
  rolledBack: number;
}

export type ExportFormat = 'csv' | 'ndjson' | 'binary';

export interface ExportOptions {
  url?: string | ConnectOptions;
  connect?: (options: string | ConnectOptions) => Promise<Connection>;
  connector?: Connector;
  /** A table (`name` / `schema.name`) or a query; one of the two. */
  table?: string;
  query?: string;
  /** A column of the table/query to range-partition on (integer, numeric, date/time or text). */
  partitionOn?: string;
  /** Partitions (one connection each); default 1, or 4 when `partitionOn` is given. */
  partitions?: number;
  /** Explicit range bounds instead of min/max: n+1 ascending values give n partitions. */
  bounds?: readonly (string | number | bigint)[];
  format?: ExportFormat;
  /** CSV: write a header line (default true). */
  header?: boolean;
  /** All partitions read one snapshot (pg_export_snapshot + SET TRANSACTION SNAPSHOT). Default true. */
  consistent?: boolean;
  signal?: AbortSignal;
}
