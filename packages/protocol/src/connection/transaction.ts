/**
 * `db.transaction(fn)`: BEGIN, `fn(tx)`, COMMIT; ROLLBACK if `fn` throws (the error is rethrown). While
 * it runs the connection belongs to `tx`: work queued on the connection itself waits, in order, until
 * the transaction ends (its timeouts and signals keep counting), so nothing else's statements land
 * inside it. Transactions do not nest: a second `transaction()` while one is open is refused
 * (TransactionError 'nested'); inside, use SAVEPOINT with `tx.exec`.
 *
 * A callback that catches a statement's error and returns leaves a failed transaction: its COMMIT is
 * answered ROLLBACK, and `transaction()` rejects with TransactionError 'rolled-back' instead of
 * resolving as if the work had been kept.
 */
import type { CopyColumn } from '../copy/binary-encoder.ts';
import type { CopySource, FrameSource } from '../copy/copy-in.ts';
import type { CopyOut } from '../copy/copy-out.ts';
import { copyInRows, copyOutRows, type RowSource } from '../copy/rows.ts';
import { TransactionError } from '../errors.ts';
import type { TypeRegistry } from '../types/registry.ts';
import type {
  BatchOptions,
  BatchOutcome,
  ExtendedQueryOptions,
  QueryOptions,
  QueryResult,
  Statement,
} from './api.ts';
import type { Unit } from './request-encoder.ts';

export interface TransactionOptions {
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  readOnly?: boolean;
  /** For BEGIN and COMMIT (the callback's statements take their own). */
  signal?: AbortSignal;
  timeout?: number;
}

/** The statements a transaction runs, on the connection it holds. */
export interface TransactionMethods {
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: ExtendedQueryOptions,
  ): Promise<QueryResult<Row>>;
  exec(sql: string, options?: QueryOptions): Promise<QueryResult[]>;
  batch<Row = Record<string, unknown>>(
    statements: readonly Statement[],
    options?: BatchOptions,
  ): Promise<BatchOutcome<Row>[]>;
  copyIn(sql: string, source: CopySource, options?: QueryOptions): Promise<QueryResult>;
  copyInFrames(sql: string, frames: FrameSource, options?: QueryOptions): Promise<QueryResult>;
  copyOut(sql: string, options?: QueryOptions): CopyOut;
}

/**
 * Holds back units queued from outside while a transaction owns the connection. `admit` runs a call
 * of the transaction's own, whose units pass; everything else is parked until `open` ends.
 */
export class TransactionGate {
  open = false;
  private admitting = false;
  private parked: Unit[] = [];

  /** Runs `call` (which queues synchronously) as the transaction's own. */
  admit<T>(call: () => T): T {
    this.admitting = true;
    try {
      return call();
    } finally {
      this.admitting = false;
    }
  }

  /** Parks `unit` if a transaction holds the connection and it is not the transaction's. */
  parks(unit: Unit): boolean {
    if (!this.open || this.admitting) return false;
    this.parked.push(unit);
    return true;
  }

  /** A parked unit given up by its caller (signal, timeout): true if it was still parked. */
  remove(unit: Unit): boolean {
    const at = this.parked.indexOf(unit);
    if (at < 0) return false;
    this.parked.splice(at, 1);
    return true;
  }

  /** The transaction ended: the parked units, in the order they were queued. */
  close(): Unit[] {
    this.open = false;
    const units = this.parked;
    this.parked = [];
    return units;
  }
}

/** What `transaction()` needs of the connection. */
export interface TransactionHost {
  readonly conn: TransactionMethods & {
    readonly transactionStatus: 'I' | 'T' | 'E';
    readonly isClosed: boolean;
  };
  readonly gate: TransactionGate;
  readonly types: TypeRegistry;
  /** The transaction ended: queue what was parked, in order. */
  releaseParked(units: Unit[]): void;
}

/** The handle a transaction's callback gets: the connection's methods, admitted past the gate. */
export class Transaction implements TransactionMethods {
  private ended = false;
  constructor(private readonly host: TransactionHost) {}

  private run<T>(call: () => T): T {
    if (this.ended) throw new TransactionError('this transaction has ended: use the connection', 'ended');
    return this.host.gate.admit(call);
  }

  query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: ExtendedQueryOptions,
  ): Promise<QueryResult<Row>> {
    return this.run(() => this.host.conn.query<Row>(sql, params, options));
  }
  exec(sql: string, options?: QueryOptions): Promise<QueryResult[]> {
    return this.run(() => this.host.conn.exec(sql, options));
  }
  batch<Row = Record<string, unknown>>(
    statements: readonly Statement[],
    options?: BatchOptions,
  ): Promise<BatchOutcome<Row>[]> {
    return this.run(() => this.host.conn.batch<Row>(statements, options));
  }
  copyIn(sql: string, source: CopySource, options?: QueryOptions): Promise<QueryResult> {
    return this.run(() => this.host.conn.copyIn(sql, source, options));
  }
  copyInFrames(sql: string, frames: FrameSource, options?: QueryOptions): Promise<QueryResult> {
    return this.run(() => this.host.conn.copyInFrames(sql, frames, options));
  }
  copyOut(sql: string, options?: QueryOptions): CopyOut {
    return this.run(() => this.host.conn.copyOut(sql, options));
  }
  /** Typed binary COPY FROM STDIN inside the transaction (see Connection.copyInRows). */
  copyInRows(
    sql: string,
    columns: readonly CopyColumn[],
    rows: RowSource,
    options?: QueryOptions,
  ): Promise<QueryResult> {
    return copyInRows(this, sql, columns, rows, { registry: this.host.types, ...options });
  }
  /** Binary COPY TO STDOUT decoded to rows, inside the transaction (see Connection.copyOutRows). */
  copyOutRows(
    sql: string,
    columns: readonly (CopyColumn | string | number)[],
    options?: QueryOptions,
  ): AsyncGenerator<unknown[]> {
    return copyOutRows(this, sql, columns, { registry: this.host.types, ...options });
  }

  end(): void {
    this.ended = true;
  }
}

/** Bounds the ROLLBACK sent after a failure: nothing here waits without a limit. */
const ROLLBACK_TIMEOUT_MS = 5_000;

function beginSql(options: TransactionOptions): string {
  let sql = 'begin';
  if (options.isolation) sql += ` isolation level ${options.isolation}`;
  if (options.readOnly) sql += ' read only';
  return sql;
}

export async function runTransaction<T>(
  host: TransactionHost,
  fn: (tx: Transaction) => Promise<T>,
  options: TransactionOptions,
): Promise<T> {
  if (host.gate.open || host.conn.transactionStatus !== 'I') {
    throw new TransactionError(
      'a transaction is already open on this connection (transactions do not nest: use SAVEPOINT)',
      'nested',
    );
  }
  host.gate.open = true;
  const tx = new Transaction(host);
  const own = { signal: options.signal, timeout: options.timeout };
  try {
    await tx.exec(beginSql(options), own);
    let result: T;
    try {
      result = await fn(tx);
    } catch (error) {
      if (!host.conn.isClosed) await tx.exec('rollback', { timeout: ROLLBACK_TIMEOUT_MS }).catch(() => {});
      throw error;
    }
    const [commit] = await tx.exec('commit', own);
    // COMMIT of a failed transaction succeeds, tagged ROLLBACK: the work is gone, so say so.
    if (commit?.command === 'ROLLBACK') {
      throw new TransactionError(
        'the transaction failed inside the callback (an error was caught and not rethrown): COMMIT rolled it back',
        'rolled-back',
      );
    }
    return result;
  } catch (error) {
    // BEGIN or COMMIT itself failed, or was aborted: leave no transaction open behind us.
    if (!host.conn.isClosed && host.conn.transactionStatus !== 'I')
      await tx.exec('rollback', { timeout: ROLLBACK_TIMEOUT_MS }).catch(() => {});
    throw error;
  } finally {
    tx.end();
    host.releaseParked(host.gate.close());
  }
}
