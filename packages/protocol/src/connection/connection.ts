/**
 * The connection driver: owns one socket, turns calls into messages in the shared writer, flushes once
 * per tick (or when the buffer is large), and feeds every byte read to the framer and the pipeline.
 * Every promise it hands out settles: by the server's answer, by cancel + grace period, or by the
 * connection failing, which rejects everything still pending.
 */

import type { CopyColumn } from '../copy/binary-encoder.ts';
import { CopyIn, type CopySource, type FrameSource, frameChunks, toIterator } from '../copy/copy-in.ts';
import { CopyOut } from '../copy/copy-out.ts';
import { copyInRows, copyOutRows, type RowSource } from '../copy/rows.ts';
import { ConnectionClosedError, ConnectionError } from '../errors.ts';
import type { Framer } from '../messages/framer.ts';
import { TERMINATE } from '../messages/frontend.ts';
import type { ByteSocket, SocketFactory } from '../socket.ts';
import { TypeRegistry } from '../types/registry.ts';
import type {
  BatchOptions,
  BatchOutcome,
  ExtendedQueryOptions,
  QueryOptions,
  QueryResult,
  Statement,
} from './api.ts';
import { Backlog } from './backlog.ts';
import { Cancellation } from './cancel-policy.ts';
import { sendCancelRequest } from './cancel-request.ts';
import type { ResolvedConfig } from './config.ts';
import { failPending, refuseLate } from './failure.ts';
import { IdleWaiters } from './idle-waiters.ts';
import { Outbound } from './outbound.ts';
import { Pipeline, type Segment, settleWith } from './pipeline.ts';
import { newCopyUnit, newUnit, RequestEncoder, type Unit } from './request-encoder.ts';
import { ResultBudget } from './result-budget.ts';
import { RetryQueue } from './retry-queue.ts';
import type { StartupResult } from './startup.ts';
import { captureSettlers, NO_PARAMS, newStatement, settlers } from './statement.ts';
import { runTransaction, type Transaction, TransactionGate, type TransactionOptions } from './transaction.ts';
import { watchUnit } from './watch.ts';

/** The default options, shared: a fresh `{}` per query was garbage at 20k pipelined queries. */
const NO_OPTIONS: ExtendedQueryOptions = Object.freeze({});

export class Connection {
  readonly processId: number;
  readonly secretKey: number;
  /** Server parameters (server_version, TimeZone, …), kept current from ParameterStatus. */
  readonly parameters: Map<string, string>;

  private readonly outbound: Outbound;
  private readonly framer: Framer;
  private readonly pipeline: Pipeline;
  /** Decodes text results and, by default, the binary rows of copyInRows/copyOutRows. */
  private readonly types: TypeRegistry;
  private readonly requests: RequestEncoder;
  private readonly cancellation: Cancellation;
  private readonly backlog = new Backlog();
  /** Statements that did not run, waiting to be sent again (nothing new is written meanwhile). */
  private readonly retries = new RetryQueue();
  /** A COPY FROM STDIN is in its data phase: nothing else may be written until it ends. */
  private copying = false;
  private closed: Error | null = null;
  private closing: Promise<void> | null = null;
  private readonly idleWaiters = new IdleWaiters();
  /** Holds back work queued from outside while `transaction()` owns the connection. */
  private readonly gate = new TransactionGate();

  constructor(
    private readonly socket: ByteSocket,
    private readonly config: ResolvedConfig,
    private readonly socketFactory: SocketFactory,
    started: StartupResult,
    framer: Framer,
    /** The session is encrypted; its CancelRequests will be too. */
    private readonly tls: boolean,
  ) {
    this.processId = started.processId;
    this.secretKey = started.secretKey;
    this.parameters = started.parameters;
    this.framer = framer;
    this.types = config.types instanceof TypeRegistry ? config.types : new TypeRegistry(config.types);
    this.pipeline = new Pipeline(this.types, {
      onCurrent: (st) => this.cancellation.onCurrent(st),
      onSettled: (segment) => this.onSettled(segment),
      onNotRun: (st) => this.closed === null && this.retries.take(st),
      onAsync: (message) => {
        if (message.type === 'ParameterStatus') this.parameters.set(message.name, message.value);
        else if (message.type === 'NoticeResponse') this.config.onNotice?.(message.fields);
        else if (message.type === 'NotificationResponse') this.config.onNotification?.(message);
      },
    });
    this.outbound = new Outbound(
      socket,
      () => this.requests.closeAuto(),
      (error) => this.fail(error),
    );
    this.requests = new RequestEncoder(this.outbound.out, this.pipeline.segments, config);
    this.cancellation = new Cancellation(
      {
        current: () => this.pipeline.current(),
        isClosed: () => this.closed !== null,
        fail: (error) => this.fail(error),
        sendCancelRequest: () => this.sendCancel(),
      },
      config,
    );
  }

  /** Called by the socket relay with each chunk read. */
  receive(chunk: Uint8Array): void {
    if (this.closed) return;
    try {
      const framer = this.framer;
      framer.push(chunk);
      for (let type = framer.next(); type !== -1; type = framer.next()) {
        this.pipeline.handle(type, framer.bytes, framer.start, framer.end, framer.inChunk);
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Called by the socket relay when the stream ends. */
  ended(error?: Error): void {
    this.fail(
      new ConnectionError(`connection to ${this.config.host}:${this.config.port} lost`, true, {
        cause: error,
      }),
    );
  }

  /** Transaction status after the last ReadyForQuery: idle, in a transaction, or in a failed one. */
  get transactionStatus(): 'I' | 'T' | 'E' {
    return this.pipeline.transactionStatus;
  }

  get isClosed(): boolean {
    return this.closed !== null;
  }

  /** Runs one statement with the extended protocol (Parse/Bind/Describe/Execute/Sync in one flight). */
  query<Row = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
    options: ExtendedQueryOptions = NO_OPTIONS,
  ): Promise<QueryResult<Row>> {
    let budget: ResultBudget | null;
    try {
      budget = ResultBudget.from(options.limits);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.queryWithin<Row>(sql, params, options, budget);
  }

  /** `query` drawing its rows from `budget` (a batch's statements share one). */
  private queryWithin<Row>(
    sql: string,
    params: readonly unknown[],
    options: ExtendedQueryOptions,
    budget: ResultBudget | null,
  ): Promise<QueryResult<Row>> {
    const promise = new Promise<QueryResult<Row>>(captureSettlers);
    const st = newStatement(sql, params, options.rowMode, settlers.resolve, settlers.reject);
    st.budget = budget;
    try {
      this.enqueue(newUnit(options.sync ?? 'independent', [st], options.readOnly ?? false), options);
    } catch (error) {
      settleWith(st, error instanceof Error ? error : new Error(String(error)));
    }
    return promise;
  }

  /** Runs SQL text with the simple protocol (several statements allowed, no parameters); one result each. */
  exec(sql: string, options: QueryOptions = NO_OPTIONS): Promise<QueryResult[]> {
    return new Promise((resolve, reject) => {
      const st = newStatement(sql, NO_PARAMS, options.rowMode, resolve as (v: unknown) => void, reject);
      st.kind = 'simple';
      this.enqueue(newUnit('simple', [st]), options);
    });
  }

  /**
   * Pipelines several statements under one Sync policy. Never rejects for a statement's failure: each
   * outcome says what happened to that statement (see BatchError for rolled-back / skipped).
   */
  async batch<Row = Record<string, unknown>>(
    statements: readonly Statement[],
    options: BatchOptions = {},
  ): Promise<BatchOutcome<Row>[]> {
    const policy = options.sync ?? 'independent';
    if (statements.length === 0) return [];
    const { limits, ...rest } = options;
    const budget = ResultBudget.from(limits);
    if (policy !== 'atomic') {
      return Promise.allSettled(
        statements.map((s) =>
          this.queryWithin<Row>(s.sql, s.params ?? [], { ...rest, sync: policy }, budget),
        ),
      ) as Promise<BatchOutcome<Row>[]>;
    }
    const promises: Promise<QueryResult<Row>>[] = [];
    const unit = newUnit(policy, []);
    for (const s of statements) {
      promises.push(new Promise<QueryResult<Row>>(captureSettlers));
      const st = newStatement(s.sql, s.params ?? NO_PARAMS, undefined, settlers.resolve, settlers.reject);
      st.budget = budget;
      unit.statements.push(st);
    }
    this.enqueue(unit, options);
    return Promise.allSettled(promises) as Promise<BatchOutcome<Row>[]>;
  }

  /**
   * `COPY … FROM STDIN` in any format: `source` yields the payload bytes (binary, text or CSV). The data
   * streams right behind the statement with backpressure; abort or a source error sends CopyFail, and
   * the promise settles with the caller's error (cause: the server's). Resolves with the row count.
   */
  copyIn(sql: string, source: CopySource, options: QueryOptions = {}): Promise<QueryResult> {
    return this.copyInFrames(sql, frameChunks(source), options);
  }

  /** `copyIn` with ready-made CopyData messages (e.g. from BinaryCopyEncoder), written without a copy. */
  copyInFrames(sql: string, frames: FrameSource, options: QueryOptions = {}): Promise<QueryResult> {
    const { st, unit, result } = newCopyUnit(sql);
    st.copy = new CopyIn(st, toIterator(frames));
    this.enqueue(unit, options);
    return result;
  }

  /** Typed binary COPY FROM STDIN: `rows` (arrays of JS values) encoded on the fly; see copy/rows.ts. */
  copyInRows(
    sql: string,
    columns: readonly CopyColumn[],
    rows: RowSource,
    options?: QueryOptions,
  ): Promise<QueryResult> {
    return copyInRows(this, sql, columns, rows, { registry: this.types, ...options });
  }

  /** Binary COPY TO STDOUT decoded to rows, one type per column; see copy/rows.ts. */
  copyOutRows(
    sql: string,
    columns: readonly (CopyColumn | string | number)[],
    options?: QueryOptions,
  ): AsyncGenerator<unknown[]> {
    return copyOutRows(this, sql, columns, { registry: this.types, ...options });
  }

  /**
   * `COPY … TO STDOUT` in any format, as a stream of payload bytes the caller pulls (async iterable, or
   * `.stream()` for a ReadableStream); `.result` gives the row count. A slow consumer holds the server
   * back; stopping early cancels the COPY on the server.
   */
  copyOut(sql: string, options: QueryOptions = {}): CopyOut {
    const { st, unit, result } = newCopyUnit(sql);
    const out = new CopyOut(result);
    out.attach({
      pause: () => this.socket.pause(),
      resume: () => this.socket.resume(),
      abandon: (reason) => this.abortUnit(unit, reason),
    });
    st.copy = out;
    this.enqueue(unit, options);
    return out;
  }

  /**
   * BEGIN, `fn(tx)`, COMMIT (ROLLBACK when it throws); work queued on the connection meanwhile waits
   * for the end. No nesting. See transaction.ts.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const host = {
      conn: this,
      gate: this.gate,
      types: this.types,
      releaseParked: (units: Unit[]) => this.requeue(units),
    };
    return runTransaction(host, fn, options);
  }

  /** Units held back by a transaction, queued in their order once it ends. */
  private requeue(units: Unit[]): void {
    for (const unit of units) {
      if (refuseLate(unit, this.closed, this.closing !== null)) continue;
      this.backlog.push(unit, this.copying, this.config.busyTimeout);
    }
    this.pump();
  }

  /** Waits for in-flight work (bounded by closeTimeout), sends Terminate and closes the socket. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      if (this.closed) return;
      const timedOut = await this.idleWaiters.wait(
        this.pipeline.idle && this.backlog.length === 0,
        this.config.closeTimeout,
      );
      if (this.closed) return;
      if (timedOut) {
        // Don't leave the server working for nobody: cancel what it is running, then drop the socket.
        sendCancelRequest(this.socketFactory, this.config, this.tls, this.processId, this.secretKey).catch(
          () => {},
        );
        this.fail(
          new ConnectionClosedError(
            `close() gave up after ${this.config.closeTimeout} ms of waiting for queries`,
            true,
          ),
        );
        return;
      }
      this.closed = new ConnectionClosedError('connection closed by close()', false);
      void this.socket.write(TERMINATE.slice())?.catch(() => {});
      await this.socket.close(this.config.closeTimeout);
    })();
    return this.closing;
  }

  /** Wires signal and timeout (once per unit), then queues the unit for encoding. */
  private enqueue(unit: Unit, options: QueryOptions): void {
    if (refuseLate(unit, this.closed, this.closing !== null)) return;
    const watching = watchUnit(unit, options, this.config.queryTimeout, this.onAbort);
    if (!watching) return;
    if (this.gate.parks(unit)) return;
    this.backlog.push(unit, this.copying, this.config.busyTimeout);
    this.pump();
  }

  /** abortUnit as a value made once, for watchUnit: not a closure per query. */
  private readonly onAbort = (unit: Unit, reason: Error): void => this.abortUnit(unit, reason);

  /** The caller gave up on a unit: if it is still queued it settles at once, else see Cancellation. */
  private abortUnit(unit: Unit, reason: Error): void {
    if (this.gate.remove(unit) || this.backlog.remove(unit)) {
      for (const st of unit.statements) settleWith(st, reason);
      return;
    }
    for (const st of unit.statements) {
      if (this.retries.remove(st)) settleWith(st, reason);
      else this.cancellation.abandon(st, reason);
    }
  }

  private sendCancel(): void {
    sendCancelRequest(this.socketFactory, this.config, this.tls, this.processId, this.secretKey).catch(() => {
      // Best effort: the grace timer still bounds every wait.
    });
  }

  /** Encodes queued units while the in-flight caps allow and no COPY holds the connection. */
  private pump(): void {
    for (let next = this.backlog.peek(); next !== undefined; next = this.backlog.peek()) {
      if (this.closed || this.copying || this.retries.holding || !this.requests.hasRoomFor(next)) break;
      const unit = this.backlog.shift()!;
      this.requests.encode(unit);
      const copy = unit.statements[0]?.copy;
      if (copy instanceof CopyIn && !unit.statements[0]!.settled) {
        // COPY is a barrier: its data follows the statement at once (zero RTT), and nothing else until it ends.
        this.copying = true;
        this.outbound.writeOut();
        void copy.run({
          send: (bytes) => this.outbound.sendInOrder(bytes),
          release: () => {
            this.copying = false;
            this.pump();
          },
        });
        return;
      }
      this.outbound.flushSoon();
    }
    this.outbound.flushSoon();
  }

  private onSettled(segment: Segment): void {
    this.requests.release(segment);
    const again = this.retries.settled(segment, this.pipeline.idle);
    if (again !== null) {
      // Nothing is in flight and nothing was written after them: first in line, in their order.
      for (const unit of again) this.requests.encode(unit);
      this.outbound.flushSoon();
    }
    if (this.backlog.length > 0) this.pump();
    if (this.pipeline.idle && this.backlog.length === 0) this.idleWaiters.wake();
  }

  /** The connection is unusable: reject everything pending and drop the socket. */
  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = error;
    this.outbound.stop(error);
    failPending(this.pipeline.segments.drain(), this.backlog.drain(), error);
    this.retries.drain(error);
    this.requests.reset();
    this.socket.destroy();
    this.idleWaiters.wake();
  }
}
