/**
 * Public shapes of the connection API: what a query returns and what it accepts.
 */

export interface FieldInfo {
  name: string;
  /** OID of the table the column comes from, or 0. */
  tableOid: number;
  columnAttr: number;
  typeOid: number;
  typeSize: number;
  typeModifier: number;
  format: 0 | 1;
}

export interface QueryResult<Row = Record<string, unknown>> {
  rows: Row[];
  fields: FieldInfo[];
  /** The command tag's verb, e.g. `SELECT`, `INSERT`, `CREATE TABLE`. */
  command: string;
  /** Rows affected/returned as the command tag reports it, or null when the tag has no count. */
  rowCount: number | null;
}

export interface QueryOptions {
  /** Aborting sends a CancelRequest; the query rejects with AbortError. */
  signal?: AbortSignal;
  /** Milliseconds before the query is cancelled and rejects with TimeoutError. */
  timeout?: number;
  /** Return rows as arrays instead of objects keyed by column name. */
  rowMode?: 'object' | 'array';
}

/**
 * Caps on the rows a query keeps (for a batch: all its statements together), so a huge result cannot
 * exhaust memory. The statement whose rows would cross a cap settles with ResultLimitError, its rows
 * let go at once; the others keep theirs. `maxRows` also reaches the server (Execute's row limit of
 * maxRows + 1), so a SELECT stops there; past `maxBytes` the rows still arriving are skipped unread.
 */
export interface ResultLimits {
  /** Most rows kept. */
  maxRows?: number;
  /** Most bytes of row data kept, counted as received (DataRow message bodies). */
  maxBytes?: number;
}

export interface Statement {
  sql: string;
  params?: readonly unknown[];
}

export type SyncPolicy = 'independent' | 'atomic' | 'auto';

export interface BatchOptions {
  sync?: SyncPolicy;
  signal?: AbortSignal;
  timeout?: number;
  /** Caps on the rows the whole batch keeps (one budget shared by its statements). */
  limits?: ResultLimits;
}

/** One statement's outcome in a batch: `db.batch` never rejects for a statement's own failure. */
export type BatchOutcome<Row = Record<string, unknown>> =
  | { status: 'fulfilled'; value: QueryResult<Row> }
  | { status: 'rejected'; reason: Error };

export interface ExtendedQueryOptions extends QueryOptions {
  /** Sync policy for this one query: `independent` (default) or `auto`. */
  sync?: 'independent' | 'auto';
  /** For `auto`: the query does not write, whatever it looks like (e.g. a SELECT of a pure function). */
  readOnly?: boolean;
  /** Caps on the rows this query keeps. */
  limits?: ResultLimits;
}
