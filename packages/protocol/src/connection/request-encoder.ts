/**
 * Turns queued requests into messages in the connection's writer, segment by segment, under their
 * Sync policy, and keeps the in-flight accounting the caps are checked against.
 */
import { AbortError } from '../errors.ts';
import { query as queryMessage, SYNC } from '../messages/frontend.ts';
import { SqlState } from '../sql-state.ts';
import type { Writer } from '../wire/writer.ts';
import type { QueryResult, SyncPolicy } from './api.ts';
import { append } from './append.ts';
import type { ResolvedConfig } from './config.ts';
import { encodeExtended } from './encode-statement.ts';
import type { Fifo } from './fifo.ts';
import { newSegment, type Segment, settleWith } from './pipeline.ts';
import { NO_PARAMS, newStatement, type PendingStatement } from './statement.ts';
import { mayDropStatements, mayEndTransaction, StatementCache } from './statement-cache.ts';
import { mayWrite } from './write-classifier.ts';

/** Statements queued together: one unit is encoded contiguously (an atomic batch is never split). */
export interface Unit {
  /** `simple`: a Query message; `copy`: a COPY statement sent as a Query, whose data phase follows. */
  policy: SyncPolicy | 'simple' | 'copy';
  statements: PendingStatement[];
  /** `auto` only: the caller says the statement does not write. */
  readOnly: boolean;
  /** Armed while the unit waits behind a COPY, so a busy connection fails clearly instead of hanging. */
  queueTimer?: ReturnType<typeof setTimeout>;
  /** Where it sits in the connection's backlog (see Backlog), -1 when not queued. */
  backlogPosition: number;
}

/** A unit of `statements`, not queued yet. */
export function newUnit(policy: Unit['policy'], statements: PendingStatement[], readOnly = false): Unit {
  return { policy, statements, readOnly, queueTimer: undefined, backlogPosition: -1 };
}

/** A COPY statement alone in its unit; `result` settles with the statement. */
export function newCopyUnit(sql: string): { st: PendingStatement; unit: Unit; result: Promise<QueryResult> } {
  let resolveResult!: (value: unknown) => void;
  let rejectResult!: (reason: Error) => void;
  const result = new Promise<QueryResult>((resolve, reject) => {
    resolveResult = resolve as (value: unknown) => void;
    rejectResult = reject;
  });
  const st = newStatement(sql, NO_PARAMS, 'object', resolveResult, rejectResult);
  st.kind = 'copy';
  return { st, unit: newUnit('copy', [st]), result };
}

export class RequestEncoder {
  private readonly cache: StatementCache;
  private openAuto: Segment | null = null;
  private inFlightStatements = 0;
  private inFlightBytes = 0;

  constructor(
    private readonly out: Writer,
    /** The pipeline's segment queue: encoded segments are appended in write order. */
    private readonly segments: Fifo<Segment>,
    private readonly config: ResolvedConfig,
  ) {
    this.cache = new StatementCache(config.statementCacheSize);
  }

  /** Whether `unit` may be written now. With nothing in flight anything goes, so a big batch can't wedge. */
  hasRoomFor(unit: Unit): boolean {
    if (this.inFlightStatements === 0) return true;
    return (
      this.inFlightStatements + unit.statements.length <= this.config.maxInFlightStatements &&
      this.inFlightBytes <= this.config.maxInFlightBytes
    );
  }

  encode(unit: Unit): void {
    if (unit.policy === 'auto') return this.encodeAuto(unit);
    this.closeAuto();
    const simple = unit.policy === 'simple' || unit.policy === 'copy';
    const segment = newSegment(simple ? 'independent' : (unit.policy as SyncPolicy));
    const mark = this.out.length;
    try {
      for (let i = 0; i < unit.statements.length; i++) {
        const st = unit.statements[i]!;
        if (st.settled) throw new AbortError('batch aborted before it was sent');
        st.policy = segment.policy;
        if (simple) {
          const at = this.out.length;
          queryMessage(this.out, st.sql);
          st.bytes = this.out.length - at;
        } else {
          st.bytes = encodeExtended(this.out, st, this.cache, i === 0);
        }
        this.invalidate(st);
        segment.statements = append(segment.statements, st);
      }
    } catch (error) {
      this.out.truncate(mark);
      for (const st of segment.statements) {
        if (st.creates) this.cache.forget(st.creates);
        // Its Closes were cut with its messages.
        if (st.closes !== null) this.cache.closeLater(st.closes);
      }
      return rejectUnencoded(unit.statements, error, segment.statements.length);
    }
    // A simple Query carries its own implicit Sync.
    if (!simple) this.out.raw(SYNC);
    segment.synced = true;
    this.segments.push(segment);
    this.inFlightStatements += segment.statements.length;
    for (const st of segment.statements) this.inFlightBytes += st.bytes;
  }

  /** `auto`: append to the open segment unless a sync point falls between (see AutoSyncOptions). */
  private encodeAuto(unit: Unit): void {
    const st = unit.statements[0]!;
    const write = !unit.readOnly && mayWrite(st.sql);
    const rules = this.config.autoSync;
    const open = this.openAuto;
    if (
      open &&
      (open.statements.length >= rules.maxStatements ||
        (open.endsWithWrite && (!write || !rules.groupWrites)))
    ) {
      this.closeAuto();
    }
    try {
      st.bytes = encodeExtended(this.out, st, this.cache, this.openAuto === null);
    } catch (error) {
      return rejectUnencoded(unit.statements, error, 0);
    }
    this.invalidate(st);
    st.policy = 'auto';
    let segment = this.openAuto;
    if (!segment) {
      segment = newSegment('auto');
      this.openAuto = segment;
      this.segments.push(segment);
    }
    segment.statements = append(segment.statements, st);
    segment.endsWithWrite = write;
    this.inFlightStatements++;
    this.inFlightBytes += st.bytes;
    if (st.bytes > rules.largeStatementBytes) this.closeAuto();
  }

  /** What the statement just encoded does to the cache: it may drop the session's statements, or end its transaction. */
  private invalidate(st: PendingStatement): void {
    const reused = st.uses !== null && st.creates === null ? st.uses : null;
    // A reused text was classified when its statement was created (one that drops them is never reused:
    // it empties the cache it is in).
    if (reused !== null) {
      if (reused.endsTransaction) this.cache.fence(reused);
      return;
    }
    if (mayDropStatements(st.sql)) return this.cache.clear();
    const ends = mayEndTransaction(st.sql);
    if (st.creates !== null) st.creates.endsTransaction = ends;
    if (ends) this.cache.fence(st.uses);
  }

  /** Ends the open `auto` segment with its Sync (end of tick, or before a segment of another policy). */
  closeAuto(): void {
    if (!this.openAuto) return;
    this.out.raw(SYNC);
    this.openAuto.synced = true;
    this.openAuto = null;
  }

  /** A segment settled: it no longer counts as in flight, and its statements' cache entries are checked. */
  release(segment: Segment): void {
    this.inFlightStatements -= segment.statements.length;
    for (const st of segment.statements) {
      this.inFlightBytes -= st.bytes;
      if (st.creates && !st.creates.parsed) this.cache.forget(st.creates);
      // Fenced while pending: out of the cache, so nothing else would Close it.
      else if (st.creates?.fenced) this.cache.closeLater([st.creates.name]);
      if (st.closes !== null && st.closes.length > 0) this.cache.closeLater(st.closes);
      // The server dropped or invalidated the plan: parse afresh next time.
      if (
        st.uses &&
        st.error &&
        (st.error.code === SqlState.InvalidSqlStatementName || st.error.code === SqlState.FeatureNotSupported)
      )
        this.cache.forget(st.uses);
    }
  }

  /** The connection failed: nothing is in flight any more. */
  reset(): void {
    this.openAuto = null;
    this.inFlightStatements = 0;
    this.inFlightBytes = 0;
  }
}

/** Nothing of the unit was sent: the statement that failed to encode gets its error, the rest say why. */
function rejectUnencoded(statements: PendingStatement[], error: unknown, failedIndex: number): void {
  const reason = error instanceof Error ? error : new Error(String(error));
  statements.forEach((st, i) => {
    if (i === failedIndex || statements.length === 1) settleWith(st, reason);
    else
      settleWith(
        st,
        new AbortError(
          `not sent: statement ${failedIndex} of its batch failed before sending (${reason.message})`,
          {
            cause: reason,
          },
        ),
      );
  });
}
