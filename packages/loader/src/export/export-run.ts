/**
 * One export, from first connection to last close. A planning connection describes the source, picks
 * the key ranges and (with `consistent`) exports its snapshot; then one connection per range runs a
 * COPY, and their rows are merged into the output as the consumer pulls them.
 *
 * Failure is all-or-nothing: the first error (a partition's, the consumer's cancel, the caller's
 * signal) aborts every COPY and connect still under way, every connection is rolled back and closed,
 * and only then does the consumer see the error. Success likewise ends the stream only once every
 * connection is closed.
 */
import { AbortError, type Connection } from '@haul/protocol';
import { readRelation } from '../schema/catalog.ts';
import { parseQualifiedName, quoteQualified } from '../schema/identifiers.ts';
import { BLOCK_KEY, blockRanges, queryTableBlocks, tableBlocks } from './block-ranges.ts';
import type { ResolvedExport } from './export-options.ts';
import { copyStatement, formatPrefix, formatSuffix, rowFramer } from './formats.ts';
import { MergeQueue } from './merge-queue.ts';
import { EVERYTHING, type KeyRange, planRanges, rangeCondition } from './partitions.ts';
import { describeColumns, describeKey, type ExportSource, sourceFrom } from './source.ts';
import { stringLiteral } from './sql-literal.ts';

/** Bounds the ROLLBACK sent during cleanup; close() is bounded by the connection's own closeTimeout. */
const ROLLBACK_TIMEOUT_MS = 5_000;
const BEGIN_SNAPSHOT_READER = 'begin isolation level repeatable read, read only';

interface Plan {
  source: ExportSource;
  /** What the ranges bound: the key column, or the row's ctid; null for one unsplit range. */
  splitOn: string | null;
  ranges: KeyRange[];
  /** The snapshot every partition imports; null when not consistent or when there is one partition. */
  snapshot: string | null;
}

export class ExportRun {
  private readonly controller = new AbortController();
  private readonly queue = new MergeQueue<Uint8Array>();
  /** Connections not yet closed: whatever happens, cleanup closes these. */
  private readonly open = new Set<Connection>();
  private failure: { reason: unknown } | null = null;
  private running: Promise<void> | null = null;
  private readonly onSignal = () => this.abort(this.config.signal?.reason);

  constructor(private readonly config: ResolvedExport) {
    const { signal } = config;
    if (signal?.aborted) this.abort(signal.reason);
    else signal?.addEventListener('abort', this.onSignal, { once: true });
  }

  /** The next chunk of output; starts the export on first call. */
  next(): Promise<IteratorResult<Uint8Array, undefined>> {
    this.running ??= this.run();
    return this.queue.take();
  }

  /** The consumer gave up: abort everything and resolve once all is closed. */
  async cancel(reason: unknown): Promise<void> {
    this.abort(reason ?? new AbortError('export cancelled'));
    // Never started: nothing to clean up, but the signal listener goes.
    this.running ??= this.run();
    await this.running;
  }

  /** Records the first failure and stops everything under way. */
  private abort(reason: unknown): void {
    if (this.failure) return;
    this.failure = { reason };
    this.queue.abort(reason);
    this.controller.abort(reason);
  }

  private async run(): Promise<void> {
    try {
      if (!this.failure) await this.export();
    } catch (error) {
      this.abort(error);
    }
    await this.closeAll();
    this.config.signal?.removeEventListener('abort', this.onSignal);
    if (this.failure) this.queue.fail(this.failure.reason);
    else this.queue.end();
  }

  private async export(): Promise<void> {
    const planner = await this.connect();
    const plan = await this.plan(planner);
    const { format, header } = this.config;
    const names = plan.source.columns.map((c) => c.name);
    const prefix = formatPrefix(format, names, header);
    // Not awaited: the consumer takes it first, as it was offered first; an abort drops it.
    if (prefix) this.queue.put(prefix).catch(() => {});

    const imports: Promise<Connection>[] = plan.ranges
      .slice(1)
      .map(() => this.connect().then((conn) => this.importSnapshot(conn, plan.snapshot)));
    const partitions = plan.ranges.map(async (range, i) => {
      if (i === 0) {
        await this.copyPartition(planner, plan, range);
        // The planner holds the exported snapshot: its transaction must outlive every import.
        await Promise.allSettled(imports);
        await this.finish(planner);
        return;
      }
      const conn = await imports[i - 1]!;
      await this.copyPartition(conn, plan, range);
      await this.finish(conn);
    });
    await Promise.all(partitions.map((p) => p.catch((error: unknown) => this.abort(error))));
    if (this.failure) return;
    const suffix = formatSuffix(format);
    if (suffix) await this.queue.put(suffix);
  }

  /**
   * Describes the source and cuts its ranges, inside the snapshot the partitions will share. Two
   * round trips for a table split by pages: BEGIN, the table's catalog row and its size together
   * (neither can fail for a missing name, so one cannot abort the transaction under the other),
   * then its columns and the snapshot export.
   */
  private async plan(conn: Connection): Promise<Plan> {
    const { signal } = this.controller;
    const { consistent, partitionOn, partitions, source: spec } = this.config;
    const byBlocks = partitionOn === null && partitions > 1 && 'table' in spec;
    const [, relation, blocks] = await Promise.all([
      consistent ? conn.exec(BEGIN_SNAPSHOT_READER, { signal }) : null,
      'table' in spec ? readRelation(conn, spec.table, { signal }) : null,
      // In an async function, so a bad name rejects beside readRelation's (same error) instead of throwing.
      byBlocks ? (async () => queryTableBlocks(conn, quoteTableName(spec.table), signal))() : undefined,
    ]);
    const { from, label } = sourceFrom(spec, relation);
    let splitOn: string | null = null;
    let ranges = [EVERYTHING];
    if (byBlocks) {
      splitOn = BLOCK_KEY;
      ranges = blockRanges(tableBlocks({ from, label, columns: [] }, blocks), partitions);
    }
    // A repeatable-read transaction exports the snapshot its planning queries already used.
    const exportsNow = consistent && ranges.length > 1;
    const [columns, exported] = await Promise.all([
      describeColumns(conn, from, signal),
      exportsNow ? this.exportSnapshot(conn) : null,
    ]);
    const source: ExportSource = { from, label, columns };
    if (partitionOn !== null) {
      const key = await describeKey(conn, source, partitionOn, signal);
      splitOn = key.expression;
      ranges = await planRanges(conn, source, key, this.config, signal);
    }
    const snapshot = exported ?? (consistent && ranges.length > 1 ? await this.exportSnapshot(conn) : null);
    return { source, splitOn, ranges, snapshot };
  }

  private async exportSnapshot(conn: Connection): Promise<string> {
    const { rows } = await conn.query<{ id: string }>('select pg_export_snapshot() as id', [], {
      signal: this.controller.signal,
    });
    return rows[0]!.id;
  }

  private async importSnapshot(conn: Connection, snapshot: string | null): Promise<Connection> {
    if (snapshot !== null) {
      await conn.exec(`${BEGIN_SNAPSHOT_READER}; set transaction snapshot ${stringLiteral(snapshot)}`, {
        signal: this.controller.signal,
      });
    }
    return conn;
  }

  /** Streams one range's COPY into the queue, a run of whole rows at a time. */
  private async copyPartition(conn: Connection, plan: Plan, range: KeyRange): Promise<void> {
    const { format } = this.config;
    const where = plan.splitOn === null ? '' : rangeCondition(plan.splitOn, range);
    const sql = copyStatement(format, plan.source.from, where);
    const framer = rowFramer(format, plan.source.columns.length, plan.ranges.length);
    const out = conn.copyOut(sql, { signal: this.controller.signal });
    // A put that rejects (the export was aborted) leaves the loop, which cancels the COPY.
    for await (const chunk of out) {
      const rows = framer.push(chunk);
      if (rows) await this.queue.put(rows);
    }
    framer.end();
  }

  private async connect(): Promise<Connection> {
    const conn = await this.config.connector(this.controller.signal);
    this.open.add(conn);
    // A connector that ignores its signal may deliver after an abort: cleanup closes it.
    this.controller.signal.throwIfAborted();
    return conn;
  }

  /** Ends a finished partition's read-only transaction and frees its connection at once. */
  private async finish(conn: Connection): Promise<void> {
    if (conn.transactionStatus !== 'I') await conn.exec('commit', { signal: this.controller.signal });
    this.open.delete(conn);
    await conn.close();
  }

  /** Rolls back and closes every connection still open; never throws. */
  private async closeAll(): Promise<void> {
    const closing = [...this.open].map(async (conn) => {
      try {
        if (!conn.isClosed && conn.transactionStatus !== 'I') {
          await conn.exec('rollback', { timeout: ROLLBACK_TIMEOUT_MS });
        }
      } catch {
        // A connection that cannot roll back is closed below; the server rolls back when it goes.
      }
      await conn.close().catch(() => {});
    });
    this.open.clear();
    await Promise.all(closing);
  }
}

/** A table name as the user wrote it, quoted as SQL, resolved as readRelation resolves it. */
function quoteTableName(table: string): string {
  return quoteQualified(parseQualifiedName(table));
}
