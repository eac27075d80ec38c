/**
 * The connection driver: owns one socket, turns calls into messages in the shared writer, flushes once
 * per tick (or when the buffer is large), and feeds every byte read to the framer and the pipeline.
 * Every promise it hands out settles: by the server's answer, by cancel + grace period, or by the
 * connection failing, which rejects everything still pending.
 */
import { ConnectionClosedError, ConnectionError, TimeoutError } from '../errors.ts';
import type { Framer } from '../messages/framer.ts';
import { TERMINATE } from '../messages/frontend.ts';
import type { ByteSocket, SocketFactory } from '../socket.ts';
import { TypeRegistry } from '../types/registry.ts';
import { Writer } from '../wire/writer.ts';
import type { BatchOptions, BatchOutcome, QueryOptions, QueryResult, Statement } from './api.ts';
import { sendCancelRequest } from './cancel.ts';
import type { ResolvedConfig } from './config.ts';
import { Pipeline, type Segment, settleWith } from './pipeline.ts';
import { RequestEncoder, type Unit } from './request-encoder.ts';
import type { StartupResult } from './startup.ts';
import { newStatement, type PendingStatement } from './statement.ts';
import { watchUnit } from './watch.ts';

/** How often an unanswered CancelRequest is repeated while its statement is still running. */
const CANCEL_RETRY_MS = 250;

/** Writes above this size go out at once instead of waiting for the end of the tick. */
const FLUSH_THRESHOLD = 256 * 1024;

export interface ExtendedQueryOptions extends QueryOptions {
  /** Sync policy for this one query: `independent` (default) or `auto`. */
  sync?: 'independent' | 'auto';
  /** For `auto`: the query does not write, whatever it looks like (e.g. a SELECT of a pure function). */
  readOnly?: boolean;
}

export class Connection {
  readonly processId: number;
  readonly secretKey: number;
  /** Server parameters (server_version, TimeZone, …), kept current from ParameterStatus. */
  readonly parameters: Map<string, string>;

  private readonly out = new Writer();
  private readonly framer: Framer;
  private readonly pipeline: Pipeline;
  private readonly requests: RequestEncoder;
  private readonly backlog: Unit[] = [];
  private flushScheduled = false;
  private writeBlocked = false;
  private closed: Error | null = null;
  private closing: Promise<void> | null = null;
  private idleWaiters: (() => void)[] = [];

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
    this.pipeline = new Pipeline(new TypeRegistry(config.types), {
      onCurrent: (st) => {
        if (st.abortReason && !st.cancelSent) this.cancel(st);
      },
      onSettled: (segment) => this.onSettled(segment),
      onAsync: (message) => {
        if (message.type === 'ParameterStatus') this.parameters.set(message.name, message.value);
        else if (message.type === 'NoticeResponse') this.config.onNotice?.(message.fields);
        else if (message.type === 'NotificationResponse') this.config.onNotification?.(message);
      },
    });
    this.requests = new RequestEncoder(this.out, this.pipeline.segments, config);
  }

  /** Called by the socket relay with each chunk read. */
  receive(chunk: Uint8Array): void {
    if (this.closed) return;
    try {
      this.framer.push(chunk);
      for (let type = this.framer.next(); type !== -1; type = this.framer.next()) {
        this.pipeline.handle(type, this.framer.body);
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
    options: ExtendedQueryOptions = {},
  ): Promise<QueryResult<Row>> {
    return new Promise((resolve, reject) => {
      const st = newStatement(sql, options.rowMode, resolve as (v: unknown) => void, reject);
      const policy = options.sync ?? 'independent';
      this.enqueue(
        { policy, statements: [st], params: [params], readOnly: options.readOnly ?? false },
        options,
      );
    });
  }

  /** Runs SQL text with the simple protocol (several statements allowed, no parameters); one result each. */
  exec(sql: string, options: QueryOptions = {}): Promise<QueryResult[]> {
    return new Promise((resolve, reject) => {
      const st = newStatement(sql, options.rowMode, resolve as (v: unknown) => void, reject);
      st.kind = 'simple';
      this.enqueue({ policy: 'simple', statements: [st], params: [[]], readOnly: false }, options);
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
    if (policy !== 'atomic') {
      return Promise.allSettled(
        statements.map((s) => this.query<Row>(s.sql, s.params, { ...options, sync: policy })),
      ) as Promise<BatchOutcome<Row>[]>;
    }
    const promises: Promise<QueryResult<Row>>[] = [];
    const unit: Unit = { policy, statements: [], params: [], readOnly: false };
    for (const s of statements) {
      promises.push(
        new Promise((resolve, reject) => {
          unit.statements.push(newStatement(s.sql, undefined, resolve as (v: unknown) => void, reject));
          unit.params.push(s.params ?? []);
        }),
      );
    }
    this.enqueue(unit, options);
    return Promise.allSettled(promises) as Promise<BatchOutcome<Row>[]>;
  }

  /** Waits for in-flight work (bounded by closeTimeout), sends Terminate and closes the socket. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      if (this.closed) return;
      const timedOut = await this.waitIdle(this.config.closeTimeout);
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

  private waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.pipeline.idle && this.backlog.length === 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(true), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(false);
      });
    });
  }

  /** Wires signal and timeout (once per unit), then queues the unit for encoding. */
  private enqueue(unit: Unit, options: QueryOptions): void {
    if (this.closed || this.closing) {
      const error = this.closed ?? new ConnectionClosedError('connection is closing', false);
      for (const st of unit.statements)
        settleWith(st, new ConnectionClosedError(error.message, false, { cause: error }));
      return;
    }
    const watching = watchUnit(unit.statements, options, this.config.queryTimeout, (reason) =>
      this.abortUnit(unit, reason),
    );
    if (!watching) return;
    this.backlog.push(unit);
    this.pump();
  }

  /**
   * The caller gave up on a unit. Not yet written: it settles at once. Written: the server is asked to
   * cancel it once it is the statement running (never an innocent neighbour), and it settles with the
   * server's answer — or, if none comes within `cancelGrace` (say, it is stuck behind a long statement),
   * the connection is destroyed and every pending query rejects.
   */
  private abortUnit(unit: Unit, reason: Error): void {
    const queued = this.backlog.indexOf(unit);
    if (queued >= 0) {
      this.backlog.splice(queued, 1);
      for (const st of unit.statements) settleWith(st, reason);
      return;
    }
    for (const st of unit.statements) {
      if (st.settled || st.abortReason) continue;
      st.abortReason = reason;
      this.armGrace(st);
      if (this.pipeline.current() === st) this.cancel(st);
    }
  }

  private armGrace(st: PendingStatement): void {
    const grace = setTimeout(() => {
      if (st.settled || this.closed) return;
      // Stop whatever the server is running for us, then give up on the connection.
      this.sendCancel();
      this.fail(
        new TimeoutError(
          `no answer within ${this.config.cancelGrace} ms of giving up on a query (${st.abortReason?.message})`,
          'cancel',
        ),
      );
    }, this.config.cancelGrace);
    const cleanup = st.cleanup;
    st.cleanup = () => {
      clearTimeout(grace);
      cleanup();
    };
  }

  /**
   * Sends a CancelRequest for `st`, which the server is executing now. A backend that is still reading
   * the statement's messages ignores a cancel (PostgreSQL drops it while DoingCommandRead), so it is
   * repeated while `st` stays the running statement; the grace timer bounds the whole wait.
   */
  private cancel(st: PendingStatement): void {
    st.cancelSent = true;
    this.sendCancel();
    const retry = setInterval(() => {
      if (st.settled || this.closed) clearInterval(retry);
      else if (this.pipeline.current() === st) this.sendCancel();
    }, CANCEL_RETRY_MS);
    const cleanup = st.cleanup;
    st.cleanup = () => {
      clearInterval(retry);
      cleanup();
    };
  }

  private sendCancel(): void {
    sendCancelRequest(this.socketFactory, this.config, this.tls, this.processId, this.secretKey).catch(() => {
      // Best effort: the grace timer still bounds every wait.
    });
  }

  /** Encodes queued units while the in-flight caps allow. */
  private pump(): void {
    while (this.backlog.length > 0 && !this.closed && this.requests.hasRoomFor(this.backlog[0]!)) {
      this.requests.encode(this.backlog.shift()!);
      if (this.out.length > FLUSH_THRESHOLD) this.writeOut();
    }
    this.scheduleFlush();
  }

  private onSettled(segment: Segment): void {
    this.requests.release(segment);
    if (this.backlog.length > 0) this.pump();
    if (this.pipeline.idle && this.backlog.length === 0) {
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.requests.closeAuto();
      this.writeOut();
    });
  }

  /** Hands buffered bytes to the socket, unless it asked us to wait. Reads continue meanwhile. */
  private writeOut(): void {
    if (this.writeBlocked || this.out.length === 0 || this.closed) return;
    const pending = this.socket.write(this.out.take());
    if (!pending) return;
    this.writeBlocked = true;
    pending.then(
      () => {
        this.writeBlocked = false;
        this.writeOut();
      },
      (error: unknown) => this.fail(new ConnectionError('write failed', true, { cause: error })),
    );
  }

  /** The connection is unusable: reject everything pending and drop the socket. */
  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = error;
    for (const segment of this.pipeline.segments.splice(0)) {
      for (const st of segment.statements) {
        const reason =
          st.error ??
          (error instanceof ConnectionError
            ? error
            : new ConnectionError(`connection failed: ${error.message}`, true, { cause: error }));
        settleWith(
          st,
          st.abortReason && !(error instanceof ConnectionClosedError)
            ? withCauseOnce(st.abortReason, reason)
            : reason,
        );
      }
    }
    for (const unit of this.backlog.splice(0)) {
      const reason = new ConnectionError(
        `connection failed before the query was sent: ${error.message}`,
        false,
        { cause: error },
      );
      for (const st of unit.statements) settleWith(st, reason);
    }
    this.requests.reset();
    this.socket.destroy();
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}

function withCauseOnce(reason: Error, cause: Error): Error {
  if (reason.cause === undefined) Object.defineProperty(reason, 'cause', { value: cause, enumerable: false });
  return reason;
}
