/**
 * Error classes. Every error a caller sees is one of these, so `instanceof` tells what happened and
 * whether the server ever saw the request.
 */

/** Base class: everything Haul throws on purpose. */
export class HaulError extends Error {
  override name = 'HaulError';
}

/** The fields of an ErrorResponse/NoticeResponse, named as in the PostgreSQL docs (protocol-error-fields). */
export interface PostgresErrorFields {
  severity: string;
  code: string;
  message: string;
  detail?: string;
  hint?: string;
  position?: number;
  internalPosition?: number;
  internalQuery?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;
  file?: string;
  line?: number;
  routine?: string;
}

/** An ErrorResponse from the server. The message reads `SEVERITY: message (SQLSTATE code)`. */
export class PostgresError extends HaulError implements PostgresErrorFields {
  override name = 'PostgresError';
  severity: string;
  code: string;
  declare detail?: string;
  declare hint?: string;
  declare position?: number;
  /** The server's own message text, without severity and code. */
  readonly serverMessage: string;
  declare internalPosition?: number;
  declare internalQuery?: string;
  declare where?: string;
  declare schema?: string;
  declare table?: string;
  declare column?: string;
  declare dataType?: string;
  declare constraint?: string;
  declare file?: string;
  declare line?: number;
  declare routine?: string;

  constructor(fields: PostgresErrorFields) {
    super(`${fields.severity}: ${fields.message} (SQLSTATE ${fields.code})`);
    this.severity = fields.severity;
    this.code = fields.code;
    Object.assign(this, fields);
    // Bun puts its own numeric line/column (where the Error was made) on every Error: the fields
    // here are the server's, so they are absent unless the server sent them.
    if (fields.line === undefined) delete (this as { line?: number }).line;
    if (fields.column === undefined) delete (this as { column?: string }).column;
    this.message = `${fields.severity}: ${fields.message} (SQLSTATE ${fields.code})`;
    this.serverMessage = fields.message;
  }
}

/** The server (or something pretending to be one) sent bytes that break the protocol. */
export class ProtocolError extends HaulError {
  override name = 'ProtocolError';
}

/** The connection string or options are invalid. Nothing was sent. */
export class ConfigError extends HaulError {
  override name = 'ConfigError';
}

/** Authentication failed or the server asked for something we refuse (e.g. cleartext over a wire we can't trust). */
export class AuthError extends HaulError {
  override name = 'AuthError';
}

/**
 * The transport failed: connect refused, socket dropped, TLS failure. `sent` says whether any bytes
 * of the failed request may have reached the server (if false, retrying is safe).
 */
export class ConnectionError extends HaulError {
  override name = 'ConnectionError';
  constructor(
    message: string,
    readonly sent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The connection was closed by `close()` before the request completed. */
export class ConnectionClosedError extends ConnectionError {
  override name = 'ConnectionClosedError';
}

/** A timeout expired; `phase` tells which wait. */
export class TimeoutError extends HaulError {
  override name = 'TimeoutError';
  constructor(
    message: string,
    readonly phase: 'connect' | 'query' | 'queue' | 'close' | 'cancel',
  ) {
    super(message);
  }
}

/** The caller's AbortSignal fired; `cause` is the signal's reason. */
export class AbortError extends HaulError {
  override name = 'AbortError';
}

/**
 * `db.transaction()` could not do what was asked: `nested` (a transaction is already open on this
 * connection: transactions do not nest here; use SAVEPOINT inside the callback), `rolled-back` (the
 * callback returned but the transaction had failed, so COMMIT rolled it back: an error inside was
 * caught and not rethrown), `ended` (the handle was used after its transaction ended).
 */
export class TransactionError extends HaulError {
  override name = 'TransactionError';
  constructor(
    message: string,
    readonly reason: 'nested' | 'rolled-back' | 'ended',
  ) {
    super(message);
  }
}

/**
 * A statement did not run to completion because another statement in the same Sync segment failed.
 * `outcome` says what happened to it: `rolled-back` (it ran, its effects were undone),
 * `aborted-transaction` (it ran inside the caller's transaction, which is now failed and must be rolled
 * back), or `skipped` (the server never executed it).
 */
export class BatchError extends HaulError {
  override name = 'BatchError';
  constructor(
    message: string,
    readonly outcome: 'rolled-back' | 'aborted-transaction' | 'skipped',
    /** Index, within its batch/segment, of the statement that failed. */
    readonly failedIndex: number,
    /** The failing statement's error. */
    override readonly cause: PostgresError,
  ) {
    super(message, { cause });
  }
}

/**
 * A statement was never executed: it was bound to a prepared statement (sent with an earlier execution
 * of the same SQL) that was not there when the server reached it, for a reason that was not this
 * statement's — that statement's Parse was cancelled (`prepare-failed`, `cause` its error; the same for
 * a Parse that failed before a ROLLBACK or another statement changed what it would meet), or the session
 * dropped it (`statement-dropped`, e.g. a DEALLOCATE inside a function; `cause` the server's 26000).
 * Haul sends such a statement again once, itself, when nothing written after it has run; this error
 * says it could not without running it out of order. Nothing of it ran: sending it again is safe.
 */
export class StatementNotRunError extends HaulError {
  override name = 'StatementNotRunError';
  constructor(
    message: string,
    readonly reason: 'prepare-failed' | 'statement-dropped',
    override readonly cause: PostgresError,
  ) {
    super(message, { cause });
  }
}

/**
 * A statement's result went past the caller's `limits` (`maxRows` / `maxBytes`): its rows were let go
 * as soon as the limit was crossed, and it settles with this instead of a result. The server ran the
 * statement without error — a SELECT stops producing rows there, a write runs to completion — so its
 * effects stand or fall with its Sync segment, exactly as if it had returned its rows.
 */
export class ResultLimitError extends HaulError {
  override name = 'ResultLimitError';
  constructor(
    message: string,
    /** Which limit was crossed. */
    readonly limit: 'rows' | 'bytes',
    /** That limit's value (rows, or DataRow bytes as received). */
    readonly max: number,
  ) {
    super(message);
  }
}

/** A parameter could not be encoded; names its 1-based index. Nothing was sent. */
export class EncodeError extends HaulError {
  override name = 'EncodeError';
  constructor(
    message: string,
    readonly parameter: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
