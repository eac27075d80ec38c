/**
 * `load()`: one source into one table over N connections, each running one COPY, all or nothing by
 * default. The source is parsed and encoded on this thread while the shards' sockets drain; bounded
 * shard queues push back on the source, so memory holds a few chunks per shard whatever the input size.
 */
import type { Connection } from '@haul/protocol';
import type { Connector, LoadOptions, LoadReport, RejectedRow } from '../api.ts';
import { resolveConnector } from '../connect.ts';
import {
  CommitError,
  InputLimitError,
  LoadConfigError,
  LoadFailedError,
  type LoadPhase,
  RejectLimitError,
  rejectedRow,
} from '../errors.ts';
import { readSessionSettings } from '../schema/catalog.ts';
import { abortableSource } from '../source/abortable-source.ts';
import { type DelimitedDialect, resolveDialect } from '../source/dialect.ts';
import { inferFormat } from '../source/format.ts';
import { openRowReader } from '../source/open-reader.ts';
import type { RowBatch, RowReader } from '../source/row-reader.ts';
import { unescapeField } from '../source/unescape.ts';
import { BatchControl } from './batch-control.ts';
import type { EncodedChunk } from './chunk.ts';
import { CHUNK_SLACK } from './chunk-builder.ts';
import { ChunkEncoder, type SkipRow } from './chunk-encoder.ts';
import { ChunkPool } from './chunk-pool.ts';
import { chooseCommit } from './commit-choice.ts';
import { Coordinator } from './coordinator.ts';
import { abandonTable, ProvisionalTable } from './create-table.ts';
import { BatchFormats, shardLimits } from './dealer.ts';
import { planLoad } from './plan.ts';
import { ProgressTicker } from './progress.ts';
import { recentBytesPerShard } from './refused-row.ts';
import { validate } from './settings.ts';
import { SHARD_QUEUE } from './shard.ts';
import { LoadShardTransactions } from './shard-transactions.ts';
import { stageShape } from './stage-shape.ts';
import { StagedCreate } from './staged-create.ts';
import { type PublishOutcome, publishedBeforeReport, StagedLoad } from './staged-load.ts';
import { StallWatch } from './stall-watch.ts';
import { commitBarrier, commitTwoPhase, formatGid } from './two-phase.ts';

const ROLLBACK_TIMEOUT = 5_000;

/**
 * The chunk buffers a load keeps for reuse: at most what can be in flight at once, per shard its
 * queue, the chunk it sends, the chunks its COPY keeps (RecentChunks), and the one being filled.
 */
function chunkPool(chunkBytes: number, shards: number): ChunkPool {
  const perShard = SHARD_QUEUE + 2 + Math.ceil(recentBytesPerShard(shards) / chunkBytes);
  return new ChunkPool(chunkBytes + CHUNK_SLACK, shards * perShard);
}

export async function load(options: LoadOptions): Promise<LoadReport> {
  const settings = validate(options);
  const { loadId, mode, onError } = settings;
  // A staged load runs its shards as batches mode does, into the stage, and publishes at the end.
  const shardMode = settings.commit === 'staged' ? 'batches' : mode;
  const connector = resolveConnector(options);
  const started = Date.now();
  // Rejected rows go to their sink as they are found; only the count is kept.
  let rejected = 0;
  const onReject = async (row: RejectedRow) => {
    rejected++;
    if (rejected > settings.maxRejects) throw new RejectLimitError(settings.maxRejects, row.line);
    await options.onReject?.(row);
  };
  let reader: RowReader | undefined;
  let first: Connection | undefined;
  let coordinator: Coordinator | undefined;
  let provisional: ProvisionalTable | null = null;
  let staged: StagedLoad | null = null;
  let transactions: LoadShardTransactions | undefined;
  let ticker: ProgressTicker | undefined;
  let phase: LoadPhase = 'setup';
  // A stall fails the shards through the coordinator, and the commit (which has no shards) through this.
  const stalled = new AbortController();
  const watch = new StallWatch(
    settings.stallTimeout,
    () => rejected + (coordinator?.shards.reduce((sum, shard) => sum + shard.steps, 0) ?? 0),
    (error) => {
      coordinator?.fail(error);
      stalled.abort(error);
    },
  );
  const userAbort = () => coordinator?.fail(options.signal?.reason ?? new Error('load aborted'));
  options.signal?.addEventListener('abort', userAbort, { once: true });
  try {
    options.signal?.throwIfAborted();
    const readerOptions = {
      ...(options.format ? { format: options.format } : {}),
      ...(options.fileName ? { fileName: options.fileName } : {}),
      ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
      ...(options.quote !== undefined ? { quote: options.quote } : {}),
      ...(options.escape !== undefined ? { escape: options.escape } : {}),
      ...(options.header !== undefined ? { header: options.header } : {}),
      ...(options.null !== undefined ? { null: options.null } : {}),
      targetBytes: settings.chunkBytes,
      maxRowBytes: settings.maxRowBytes,
    };
    const opened = await Promise.allSettled([
      openRowReader(abortableSource(options.source, options.signal), readerOptions),
      connector(options.signal),
    ]);
    if (opened[0].status === 'fulfilled') reader = opened[0].value;
    if (opened[1].status === 'fulfilled') first = opened[1].value;
    for (const result of opened) if (result.status === 'rejected') throw result.reason;
    if (!reader || !first) throw new Error('unreachable: reader and connection are open');
    const batches = reader.batches()[Symbol.asyncIterator]();
    const head = await batches.next();
    const firstBatch: RowBatch | null = head.done ? null : head.value;
    const dialect = dialectOf(options, firstBatch);
    // A staged load creates a missing table as its stage, moved into place at the publish.
    const staging = settings.commit === 'staged';
    const creating = staging && options.createTable ? new StagedCreate(loadId, settings.batchRows) : null;
    if (options.createTable && !staging) {
      provisional = await ProvisionalTable.open(first, options.table, loadId);
    }
    const session = await readSessionSettings(first);
    const choice = chooseCommit(settings, session.maxPreparedTransactions);
    const maxShards = choice.shards;
    // A staged load's shards run batches, whose chunks all go to one shard: no mixed format.
    const planned = { ...options, mode: shardMode, shards: maxShards };
    const plan = await planLoad(
      first,
      planned,
      reader,
      firstBatch,
      dialect,
      session,
      creating ?? provisional ?? undefined,
    );
    // Raw rows need only their boundaries; the server splits and checks the fields. Not in reject
    // mode, where the encoder's checks set bad rows aside without a refused COPY each.
    if (plan.format === 'raw' && onError === 'abort') reader.findRowsOnly();
    if (staging) {
      const shape = await stageShape(first, plan.table, plan.mapping.columns, settings);
      const { batchRows, abandonedStageMs } = settings;
      const creates = creating?.table ?? null;
      const opened = await StagedLoad.open(
        first,
        plan.table,
        shape,
        loadId,
        batchRows,
        abandonedStageMs,
        creates,
      );
      if (!(opened instanceof StagedLoad)) {
        const table = creates?.qualified ?? plan.table.qualified;
        return publishedBeforeReport({ loadId, table, mode, copyFormat: plan.format }, opened, started);
      }
      staged = opened;
    }
    // Mixed: the dealer picks each batch's format (dealer.ts); the encoder is told the same choice.
    const formats = new BatchFormats(plan.format === 'mixed', () => coordinator);
    formats.attach(reader, onError);
    const control =
      staged?.control ??
      (mode === 'batches' ? await BatchControl.open(first, plan.table, loadId, settings.batchRows) : null);
    const twoPhase = choice.commit === 'two-phase';
    const pendingRejects: RejectedRow[] = [];
    const encoder = new ChunkEncoder(
      {
        format: plan.format,
        rawDialect: dialect,
        columns: plan.mapping.columns,
        fieldIndex: plan.mapping.fieldIndex,
        keyIndex: plan.mapping.keyIndex ?? null,
        width: plan.width,
        converters: plan.converters,
        keepText: onError === 'reject',
        chunkBytes: settings.chunkBytes,
        batchRows: shardMode === 'batches' ? settings.batchRows : null,
      },
      unescapeField,
      (error, text) => {
        if (onError === 'abort') throw error;
        pendingRejects.push(rejectedRow(error, text));
      },
      chunkPool(settings.chunkBytes, maxShards),
    );
    transactions = new LoadShardTransactions({
      mode: shardMode,
      onError,
      sql: staged ? staged.copySql(plan.copySql) : plan.copySql,
      get signal() {
        return coordinator!.abort.signal;
      },
      control,
      twoPhase,
      lockTimeout: settings.lockTimeout,
      recentBytes: recentBytesPerShard(maxShards),
      reject: (chunk, row, error) => onReject(rejectedRow(error, chunk.rowText?.(row) ?? '')),
    });
    const shardTransactions = transactions;
    const [limits, unlabelled] = shardLimits(plan.format, maxShards);
    coordinator = new Coordinator(connector, first, limits, shardTransactions, unlabelled);
    phase = 'copy';
    if (options.signal?.aborted) userAbort();
    const active = coordinator;
    const activeReader = reader;
    ticker = new ProgressTicker(loadId, started, options.onProgress, settings.progressInterval, () => ({
      shards: active.shards,
      bytes: activeReader.bytesRead,
      rejected,
    }));

    const deal = async (chunk: EncodedChunk) => {
      const batchOf = control ? control.batchOf(chunk.firstRow) : null;
      await watch.waitOn('shards', () => active.deal(chunk, batchOf));
    };
    const skip: SkipRow | undefined =
      control && control.committedBatches > 0
        ? (row, start, end) => control.skips(row, start, end)
        : undefined;
    let batch = firstBatch;
    while (batch) {
      const format = formats.forBatch(batch === firstBatch);
      for (const chunk of encoder.encode(batch, skip, format)) await deal(chunk);
      for (const row of pendingRejects.splice(0)) await onReject(row);
      if (active.failed) throw active.failed;
      if (activeReader.bytesRead > settings.maxInputBytes) {
        throw new InputLimitError(settings.maxInputBytes, activeReader.bytesRead);
      }
      const next = await batches.next();
      batch = next.done ? null : next.value;
    }
    control?.checkEnd(encoder.rows);
    const last = encoder.finish();
    if (last) await deal(last);
    await watch.waitOn('copy end', () => active.finish());

    phase = 'commit';
    const participants = await active.connections();
    const commitSignal = options.signal ? AbortSignal.any([options.signal, stalled.signal]) : stalled.signal;
    const commitOptions = { signal: commitSignal };
    let commit = choice.commit;
    const stagedMs = Date.now() - started;
    let published: PublishOutcome | undefined;
    const shard0 = participants.find((participant) => participant.index === 0);
    if (mode === 'atomic' && shard0) await provisional?.beforeCommit(shard0.conn, commitOptions);
    if (staged) {
      commit = 'staged';
      // Not under the stall watch: a big stage takes its time to insert, with nothing to count; the
      // publish's lock waits are bounded by lockTimeout and the caller's signal stops it.
      const expected = shardTransactions.committedRows + staged.control.committedRows;
      published = await staged.publish(first, expected, {
        ...commitOptions,
        lockTimeout: settings.lockTimeout,
      });
    } else if (mode === 'atomic') {
      if (twoPhase && participants.length > 1) {
        const table = plan.table.qualified;
        await watch.waitOn('commit', () =>
          commitTwoPhase(
            participants,
            (shard) =>
              formatGid({
                loadId,
                shard,
                shards: participants.length,
                decidingXid: shardTransactions.decidingXid,
                table,
              }),
            commitOptions,
          ),
        );
      } else {
        // One participant commits alone ('single'); several only when the barrier was asked for.
        if (participants.length <= 1) commit = 'single';
        await watch.waitOn('commit', () => commitBarrier(participants, commitOptions));
      }
    }
    for (const shard of active.shards) shard.state = 'committed';
    await provisional?.afterCommit(first);
    ticker.stop(true);
    const rows = published
      ? published.inserted + published.updated
      : mode === 'batches'
        ? shardTransactions.committedRows + (control?.committedRows ?? 0)
        : active.shards.reduce((sum, shard) => sum + shard.rows, 0);
    const ms = Date.now() - started;
    return {
      loadId,
      table: staged?.table ?? plan.table.qualified,
      rows,
      bytes: activeReader.bytesRead,
      ms,
      rowsPerSecond: ms > 0 ? Math.round((rows * 1000) / ms) : rows,
      committed: true,
      mode,
      copyFormat: plan.format,
      ...(plan.textReason ? { textReason: plan.textReason } : {}),
      commit,
      ...(choice.shardsReason ? { shardsReason: choice.shardsReason } : {}),
      ...(control ? { resumedBatches: control.committedBatches } : {}),
      ...(published ? { published, stagedMs, publishMs: Date.now() - started - stagedMs } : {}),
      rejected,
      ...(plan.createdTable ? { createdTable: plan.createdTable } : {}),
      shards: active.shards.map((shard) => shard.report()),
    };
  } catch (error) {
    coordinator?.fail(error);
    const stage = staged ? { load: staged, stagedThisRun: transactions?.committedBatches ?? 0 } : null;
    throw await failLoad(error, loadId, phase, coordinator, first, mode, provisional, connector, stage);
  } finally {
    options.signal?.removeEventListener('abort', userAbort);
    watch.stop();
    ticker?.stop(false);
    await reader?.close().catch(() => {});
    await closeAll(coordinator, first);
  }
}

/** Rolls back whatever is open and builds the error the caller sees. */
async function failLoad(
  error: unknown,
  loadId: string,
  phase: LoadPhase,
  coordinator: Coordinator | undefined,
  first: Connection | undefined,
  mode: 'atomic' | 'batches',
  provisional: ProvisionalTable | null,
  connector: Connector,
  stage: { load: StagedLoad; stagedThisRun: number } | null,
): Promise<unknown> {
  if (error instanceof LoadConfigError && !coordinator) {
    if (provisional) await abandonTable(provisional, first, connector);
    return error;
  }
  if (coordinator) {
    await coordinator.settled();
    const participants = await coordinator.connections();
    await Promise.allSettled(
      participants.map(({ conn }) => conn.exec('rollback', { timeout: ROLLBACK_TIMEOUT })),
    );
    for (const shard of coordinator.shards) if (shard.state !== 'committed') shard.state = 'rolled-back';
  } else if (first) {
    await first.exec('rollback', { timeout: ROLLBACK_TIMEOUT }).catch(() => {});
  }
  const table = provisional ? await abandonTable(provisional, first, connector) : null;
  const cause = coordinator?.failed ?? error;
  const reason = cause instanceof Error ? cause.message : String(cause);
  // Only a broken commit can leave anything committed; it says whether, and how much.
  const broken = cause instanceof CommitError ? cause : null;
  const rolledBack = broken?.rolledBack ?? true;
  const stayStaged = stage && first ? await stage.load.afterFailure(first, stage.stagedThisRun) : 0;
  const what = stage
    ? stayStaged > 0
      ? `nothing was published; ${stayStaged} staged batch${stayStaged === 1 ? '' : 'es'} stay for a re-run with load id ${loadId}`
      : 'nothing was published'
    : mode === 'batches'
      ? 'the open batches were rolled back'
      : 'nothing was committed';
  const tableFate = !table
    ? ''
    : table.dropped
      ? `; table ${table.table} was dropped again`
      : `; table ${table.table} was kept: ${table.keptBecause}`;
  const fate = rolledBack ? `${what}${tableFate}` : undefined;
  return new LoadFailedError(
    `load ${loadId} failed: ${reason}${fate === undefined ? '' : ` (${fate})`}`,
    loadId,
    rolledBack,
    {
      cause,
      phase,
      committedShards: broken?.committedShards ?? 0,
      ...(fate !== undefined ? { fate } : {}),
      ...(table ? { createdTable: table } : {}),
    },
  );
}

async function closeAll(coordinator: Coordinator | undefined, first: Connection | undefined): Promise<void> {
  const conns = coordinator ? (await coordinator.connections()).map(({ conn }) => conn) : [];
  if (first && !conns.includes(first)) conns.push(first);
  await Promise.allSettled(conns.map((conn) => conn.close()));
}

/** The CSV/TSV dialect the parser used, when the source is delimited text. */
function dialectOf(options: LoadOptions, first: RowBatch | null): DelimitedDialect | null {
  if (first?.kind === 'values') return null;
  const format = options.format ?? (options.fileName ? inferFormat(options.fileName) : undefined) ?? 'csv';
  if (format !== 'csv' && format !== 'tsv') return null;
  return resolveDialect({
    kind: format === 'csv' ? 'csv' : 'text',
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
    ...(options.quote !== undefined ? { quote: options.quote } : {}),
    ...(options.escape !== undefined ? { escape: options.escape } : {}),
    ...(options.header !== undefined ? { header: options.header } : {}),
    ...(options.null !== undefined ? { null: options.null } : {}),
  });
}
