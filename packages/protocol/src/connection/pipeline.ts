/**
 * The pipeline as data: Sync segments written to the server, in order, each waiting for its
 * ReadyForQuery. Backend messages are matched to the statement they answer; "after an error, the server
 * skips to the next Sync" is a rule in here. No promise settles before its segment's ReadyForQuery, and
 * when a segment fails every statement in it is told what happened to it.
 */
import { BatchError, PostgresError, ProtocolError } from '../errors.ts';
import {
  type BackendMessage,
  decodeBackend,
  Tag,
  type TransactionStatus,
  tagName,
} from '../messages/backend.ts';
import { SqlState } from '../sql-state.ts';
import type { TypeRegistry } from '../types/registry.ts';
import type { QueryResult, SyncPolicy } from './api.ts';
import { append } from './append.ts';
import { Fifo } from './fifo.ts';
import { notRunError, parseOutcome } from './not-run.ts';
import {
  type CachedStatement,
  decodeRow,
  NO_COLUMNS,
  NO_RESULTS,
  NO_ROWS,
  type PendingStatement,
  planRows,
} from './statement.ts';
import { readCommandTag, readyStatus } from './tag-bytes.ts';

export interface Segment {
  policy: SyncPolicy;
  statements: PendingStatement[];
  /** Index of the statement the next response belongs to. */
  cursor: number;
  /** Its Sync has been written (an open `auto` segment has none yet). */
  synced: boolean;
  /** Index of the failed statement, -1 for a failure at commit (after every statement completed). */
  failedAt: number;
  error: PostgresError | null;
  /** The last statement's classification, for the `auto` write rule. */
  endsWithWrite: boolean;
}

export function newSegment(policy: SyncPolicy): Segment {
  return {
    policy,
    statements: [],
    cursor: 0,
    synced: false,
    failedAt: -2,
    error: null,
    endsWithWrite: false,
  };
}

const TXN_END = new Set([
  'COMMIT',
  'ROLLBACK',
  'COMMIT PREPARED',
  'ROLLBACK PREPARED',
  'PREPARE TRANSACTION',
]);

export interface PipelineEvents {
  /** A statement became the one the server is working on (where a deferred cancel is sent). */
  onCurrent(statement: PendingStatement): void;
  /** A segment settled; its statements no longer count as in flight. */
  onSettled(segment: Segment): void;
  onAsync(message: BackendMessage): void;
  /**
   * A statement alone in its segment did not run (see parseOutcome): true if the connection takes it,
   * to send again; it is then left unsettled. False: it settles with a StatementNotRunError.
   */
  onNotRun(statement: PendingStatement): boolean;
}

export class Pipeline {
  /** Oldest first; the head is the segment the server is answering. */
  readonly segments = new Fifo<Segment>();
  transactionStatus: TransactionStatus = 'I';
  /**
   * The statement whose Parse failed last, while only its own executions have run since (`streakFrom`
   * is the segment it failed in): its dependents then meet what its Parse met. Null once anything else ran.
   */
  private streak: CachedStatement | null = null;
  private streakFrom: Segment | null = null;

  constructor(
    private readonly registry: TypeRegistry,
    private readonly events: PipelineEvents,
  ) {}

  get idle(): boolean {
    return this.segments.length === 0;
  }

  /** The statement the server is executing now, if any. */
  current(): PendingStatement | undefined {
    const head = this.segments.peek();
    return head?.statements[head.cursor];
  }

  /**
   * Handles one backend message of the normal (post-startup) phase, its body at `bytes[start, end)`
   * (valid only during the call, unless `owned`: a socket read handed over, see CopySink.data). The
   * frequent messages are read in place, without a view.
   */
  handle(type: number, bytes: Uint8Array, start: number, end: number, owned = false): void {
    const head = this.segments.peek();
    if (type === Tag.DataRow) {
      const st = head?.statements[head.cursor];
      if (!st?.plan) throw new ProtocolError('DataRow without a RowDescription');
      // Checked before decoding: a row over the budget is never materialised.
      if (st.budget && !st.budget.admit(st, end - start)) return;
      st.rows = append(st.rows, decodeRow(st.plan, st.rowMode, bytes, start, end));
      return;
    }
    if (type === Tag.CopyData) {
      const sink = head?.statements[head.cursor]?.copy;
      if (!sink) throw new ProtocolError('CopyData outside a COPY');
      sink.data(bytes, start, end, owned);
      return;
    }
    // One of each per statement: read from the bytes, no message object (see tag-bytes.ts).
    if (type === Tag.ReadyForQuery) return this.ready(head, readyStatus(bytes, start, end));
    if (type === Tag.BindComplete || type === Tag.ParseComplete || type === Tag.CommandComplete) {
      const st = head?.statements[head.cursor];
      if (!head || !st)
        throw new ProtocolError(`unexpected ${tagName(type)} with no statement waiting for it`);
      if (type === Tag.ParseComplete) {
        if (st.creates) st.creates.parsed = true;
      } else if (type === Tag.BindComplete) {
        // An execution of a cached statement takes its row description here: the Describe sent with
        // the Parse was answered before this Bind, however early this execution was queued.
        if (st.plan === null && st.uses !== null) st.plan = st.uses.plan;
        st.bound = true;
        this.rebind(st);
      } else {
        this.complete(head, st, readCommandTag(bytes, start, end));
      }
      return;
    }
    const message = decodeBackend(type, bytes.subarray(start, end));
    switch (message.type) {
      case 'NoticeResponse':
      case 'NotificationResponse':
      case 'ParameterStatus':
        this.events.onAsync(message);
        return;
      case 'ErrorResponse':
        return this.fail(head, new PostgresError(message.fields));
      case 'ReadyForQuery':
        return this.ready(head, message.status);
      default:
        break;
    }
    const st = head?.statements[head.cursor];
    if (!head || !st) throw new ProtocolError(`unexpected ${message.type} with no statement waiting for it`);
    switch (message.type) {
      case 'CloseComplete':
        // In the order the Closes were sent; what is left when the statement settles was skipped.
        st.closes?.shift();
        return;
      case 'ParameterDescription':
        return;
      case 'RowDescription':
        st.plan = planRows(message.fields, this.registry);
        if (st.uses) st.uses.plan = st.plan;
        return;
      case 'NoData':
        st.plan = NO_COLUMNS;
        if (st.uses) st.uses.plan = NO_COLUMNS;
        return;
      case 'EmptyQueryResponse':
      case 'PortalSuspended':
        return this.complete(head, st, { command: '', rowCount: null });
      case 'CopyInResponse':
      case 'CopyOutResponse':
        if (!st.copy || st.copy.direction !== (message.type === 'CopyInResponse' ? 'in' : 'out')) {
          throw new ProtocolError(
            `server started ${message.type === 'CopyInResponse' ? 'COPY FROM STDIN' : 'COPY TO STDOUT'} for a ` +
              'statement not sent as one: use copyIn()/copyOut() for COPY',
          );
        }
        st.copy.started(message.format, message.columnFormats);
        return;
      case 'CopyDone':
        if (!st.copy) throw new ProtocolError('CopyDone outside a COPY');
        st.copy.done();
        return;
      case 'CopyBothResponse':
        throw new ProtocolError('replication (CopyBothResponse) is not supported');
      default:
        throw new ProtocolError(`unexpected ${message.type} during a query`);
    }
  }

  /** A cached statement's plan was made by an older registry if a type was registered since. */
  private rebind(st: PendingStatement): void {
    if (st.plan !== null && st.plan.fields.length > 0 && st.plan.version !== this.registry.version) {
      st.plan = planRows(st.plan.fields, this.registry);
      if (st.uses) st.uses.plan = st.plan;
    }
  }

  /** CommandComplete, EmptyQueryResponse or PortalSuspended: the statement (or a simple query's part) ended. */
  private complete(
    head: Segment,
    st: PendingStatement,
    tag: { command: string; rowCount: number | null },
  ): void {
    const result: QueryResult = {
      // The shared empty list is never handed out: a caller may push onto its rows.
      rows: (st.rows === NO_ROWS ? [] : st.rows) as QueryResult['rows'],
      fields: st.plan?.fields ?? [],
      command: tag.command,
      rowCount: tag.rowCount,
    };
    if (st.kind === 'simple') {
      st.results = append(st.results, result);
      st.rows = NO_ROWS;
      st.plan = null;
      return;
    }
    // One result: kept as is, no one-element list per statement.
    st.result = result;
    this.advance(head);
  }

  private advance(head: Segment): void {
    head.cursor++;
    const next = head.statements[head.cursor];
    if (next) this.events.onCurrent(next);
  }

  private fail(head: Segment | undefined, reported: PostgresError): void {
    if (!head) throw reported; // an error outside any request (e.g. FATAL at shutdown): the connection handles it
    const st = head.statements[head.cursor];
    const error = st ? parseOutcome(st, reported, this.sameState(head, st)) : reported;
    // A creator's failed Parse: its dependents answered next meet what it met (see parseOutcome).
    if (st !== undefined && st.creates !== null && st.creates.parseError === error) {
      this.streak = st.creates;
      this.streakFrom = head;
    }
    head.error = error;
    head.failedAt = st ? head.cursor : -1;
    if (st) st.error = error;
    // The server now skips everything up to the Sync.
    head.cursor = head.statements.length;
    st?.copy?.failed(error);
  }

  private ready(head: Segment | undefined, status: TransactionStatus): void {
    this.transactionStatus = status;
    if (!head?.synced) throw new ProtocolError('ReadyForQuery with no Sync outstanding');
    this.segments.shift();
    if (this.streak !== null && head !== this.streakFrom) this.follow(head);
    const first = head.statements[0]!;
    const taken =
      head.error !== null && head.statements.length === 1 && first.notRun && this.events.onNotRun(first);
    if (!taken) settleSegment(head, status);
    this.events.onSettled(head);
    const next = this.current();
    if (next) this.events.onCurrent(next);
  }

  /** Whether only executions of `st`'s statement ran since its Parse failed, up to `st` itself. */
  private sameState(head: Segment, st: PendingStatement): boolean {
    if (this.streak === null || st.uses !== this.streak) return false;
    if (head === this.streakFrom) return true;
    for (let i = 0; i < head.cursor; i++) if (head.statements[i]!.uses !== this.streak) return false;
    return true;
  }

  /** A segment answered after the streak began: anything in it that ran, other than its dependents, ends it. */
  private follow(head: Segment): void {
    const ran = head.failedAt >= 0 ? head.failedAt + 1 : head.statements.length;
    for (let i = 0; i < ran; i++) {
      if (head.statements[i]!.uses !== this.streak) {
        this.streak = null;
        this.streakFrom = null;
        return;
      }
    }
  }
}

/** Settles every statement of a segment according to how it ended. */
export function settleSegment(segment: Segment, status: TransactionStatus): void {
  const { statements, error, failedAt } = segment;
  if (!error) {
    for (const st of statements) settleWith(st, succeeded(st));
    return;
  }
  // Statements up to a completed COMMIT/ROLLBACK inside the segment were settled by it, not by the failure.
  let settledThrough = -1;
  const failed = failedAt === -1 ? statements.length : failedAt;
  for (let i = 0; i < failed; i++) {
    const command = (statements[i]!.result ?? statements[i]!.results[0])?.command;
    if (command !== undefined && TXN_END.has(command)) settledThrough = i;
  }
  for (let i = 0; i < statements.length; i++) {
    const st = statements[i]!;
    if (i === failedAt || statements.length === 1) {
      const own = st.notRun
        ? notRunError(
            st,
            error,
            st.retried ? 'it had been sent again once already' : 'its Sync segment held other statements',
          )
        : error;
      settleWith(
        st,
        st.abortReason && (own !== error || error.code === SqlState.QueryCanceled)
          ? withCause(st.abortReason, own)
          : own,
      );
    } else if (i <= settledThrough) {
      settleWith(st, succeeded(st));
    } else if (i < failed) {
      const outcome = status === 'E' ? 'aborted-transaction' : 'rolled-back';
      const what = outcome === 'rolled-back' ? 'rolled back' : 'left in a failed transaction (ROLLBACK it)';
      const because =
        failedAt === -1 ? 'the commit failed' : `statement ${failedAt} of its Sync segment failed`;
      settleWith(
        st,
        new BatchError(`${what} because ${because}: ${error.message}`, outcome, failedAt, error),
      );
    } else {
      settleWith(
        st,
        new BatchError(
          `skipped because statement ${failedAt} of its Sync segment failed: ${error.message}`,
          'skipped',
          failedAt,
          error,
        ),
      );
    }
  }
}

/** What a statement the server completed settles with: its result, or the limit its rows crossed. */
function succeeded(st: PendingStatement): QueryResult | QueryResult[] | Error {
  if (st.limitError) return st.limitError;
  if (st.kind === 'simple') return st.results === NO_RESULTS ? [] : st.results;
  return st.result!;
}

function withCause(reason: Error, cause: Error): Error {
  if (reason.cause === undefined) Object.defineProperty(reason, 'cause', { value: cause, enumerable: false });
  return reason;
}

export function settleWith(st: PendingStatement, outcome: QueryResult | QueryResult[] | Error): void {
  if (st.settled) return;
  st.settled = true;
  st.cleanup();
  if (outcome instanceof Error) st.reject(outcome);
  else st.resolve(outcome);
}
