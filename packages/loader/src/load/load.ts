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
import { abortableSource } from '../source/abortable-source.ts';
import { type DelimitedDialect, resolveDialect } from '../source/dialect.ts';
import { inferFormat } from '../source/format.ts';
import { openRowReader } from '../source/open-reader.ts';
import { maxRowBytesOf } from '../source/row-limit.ts';
import type { RowBatch, RowReader } from '../source/row-reader.ts';
import { unescapeField } from '../source/unescape.ts';
import { BatchControl } from './batch-control.ts';
import type { EncodedChunk } from './chunk.ts';
import { CHUNK_SLACK } from './chunk-builder.ts';
import { ChunkEncoder } from './chunk-encoder.ts';
import { ChunkPool } from './chunk-pool.ts';
import { Coordinator } from './coordinator.ts';
import { abandonTable, ProvisionalTable } from './create-table.ts';
import { BatchFormats, shardLimits } from './dealer.ts';
import { planLoad } from './plan.ts';
import { ProgressTicker } from './progress.ts';
import { RECENT_BYTES } from './refused-row.ts';
import { SHARD_QUEUE } from './shard.ts';
import { LoadShardTransactions } from './shard-transactions.ts';
import { StallWatch } from './stall-watch.ts';
import { commitBarrier, commitTwoPhase, formatGid } from './two-phase.ts';

const DEFAULT_SHARDS = 4;
const MAX_SHARDS = 64;
const DEFAULT_CHUNK = 256 << 10;
const DEFAULT_BATCH_ROWS = 100_000;
const ROLLBACK_TIMEOUT = 5_000;
const DEFAULT_STALL_TIMEOUT = 60_000;

/**
 * The chunk buffers a load keeps for reuse: at most what can be in flight at once, per shard its
 * queue, the chunk it sends, the chunks its COPY keeps (RecentChunks), and the one being filled.
 */
function chunkPool(chunkBytes: number, shards: number): ChunkPool {
  const perShard = SHARD_QUEUE + 2 + Math.ceil(RECENT_BYTES / chunkBytes);
  return new ChunkPool(chunkBytes + CHUNK_SLACK, shards * perShard);
}

export async function load(options: LoadOptions): Promise<LoadReport> {
  const settings = validate(options);
  const { loadId, shards: maxShards, mode, onError } = settings;
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
    if (options.createTable) provisional = await ProvisionalTable.open(first, options.table, loadId);
    const plan = await planLoad(first, options, reader, firstBatch, dialect, provisional ?? undefined);
    // Raw rows need only their boundaries; the server splits and checks the fields. Not in reject
    // mode, where the encoder's checks set bad rows aside without a refused COPY each.
    if (plan.format === 'raw' && onError === 'abort') reader.findRowsOnly();
    // Mixed: the dealer picks each batch's format (dealer.ts); the encoder is told the same choice.
    const formats = new BatchFormats(plan.format === 'mixed', () => coordinator);
    formats.attach(reader, onError);
    const control =
      mode === 'batches' ? await BatchControl.open(first, plan.table, loadId, settings.batchRows) : null;
    const twoPhase = mode === 'atomic' && plan.maxPreparedTransactions > 0;
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
        batchRows: mode === 'batches' ? settings.batchRows : null,
      },
      unescapeField,
      (error, text) => {
        if (onError === 'abort') throw error;
        pendingRejects.push(rejectedRow(error, text));
      },
      chunkPool(settings.chunkBytes, maxShards),
    );
    const transactions = new LoadShardTransactions({
      mode,
      onError,
      sql: plan.copySql,
      get signal() {
        return coordinator!.abort.signal;
      },
      control,
      twoPhase,
      lockTimeout: settings.lockTimeout,
      reject: (chunk, row, error) => onReject(rejectedRow(error, chunk.rowText?.(row) ?? '')),
    });
    const [limits, unlabelled] = shardLimits(plan.format, maxShards);
    coordinator = new Coordinator(connector, first, limits, transactions, unlabelled);
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
    const skip = control && control.committedBatches > 0 ? (row: number) => control.skips(row) : undefined;
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
    const last = encoder.finish();
    if (last) await deal(last);
    await watch.waitOn('copy end', () => active.finish());

    phase = 'commit';
    const participants = await active.connections();
    const commitSignal = options.signal ? AbortSignal.any([options.signal, stalled.signal]) : stalled.signal;
    const commitOptions = { signal: commitSignal };
    let commit: LoadReport['commit'] = 'batches';
    const shard0 = participants.find((participant) => participant.index === 0);
    if (mode === 'atomic' && shard0) await provisional?.beforeCommit(shard0.conn, commitOptions);
    if (mode === 'atomic') {
      if (twoPhase && participants.length > 1) {
        commit = 'two-phase';
        const table = plan.table.qualified;
        await watch.waitOn('commit', () =>
          commitTwoPhase(
            participants,
            (shard) =>
              formatGid({
                loadId,
                shard,
                shards: participants.length,
                decidingXid: transactions.decidingXid,
                table,
              }),
            commitOptions,
          ),
        );
      } else {
        commit = 'barrier';
        await watch.waitOn('commit', () => commitBarrier(participants, commitOptions));
      }
    }
    for (const shard of active.shards) shard.state = 'committed';
    await provisional?.afterCommit(first);
    ticker.stop(true);
    const rows =
      mode === 'batches'
        ? transactions.committedRows + (control?.committedRows ?? 0)
        : active.shards.reduce((sum, shard) => sum + shard.rows, 0);
    const ms = Date.now() - started;
    return {
      loadId,
      table: plan.table.qualified,
      rows,
      bytes: activeReader.bytesRead,
      ms,
      rowsPerSecond: ms > 0 ? Math.round((rows * 1000) / ms) : rows,
      committed: true,
      mode,
      copyFormat: plan.format,
      ...(plan.textReason ? { textReason: plan.textReason } : {}),
      commit,
      ...(control ? { resumedBatches: control.committedBatches } : {}),
      rejected,
      ...(plan.createdTable ? { createdTable: plan.createdTable } : {}),
      shards: active.shards.map((shard) => shard.report()),
    };
  } catch (error) {
    coordinator?.fail(error);
    throw await failLoad(error, loadId, phase, coordinator, first, mode, provisional, connector);
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
  const what = mode === 'batches' ? 'the open batches were rolled back' : 'nothing was committed';
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

interface Settings {
  loadId: string;
  shards: number;
  mode: 'atomic' | 'batches';
  onError: 'abort' | 'reject';
  batchRows: number;
  chunkBytes: number;
  progressInterval: number;
  lockTimeout: number;
  maxRejects: number;
  maxRowBytes: number;
  maxInputBytes: number;
  stallTimeout: number;
}

function validate(options: LoadOptions): Settings {
  const loadId = options.loadId ?? crypto.randomUUID();
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(loadId)) {
    throw new LoadConfigError(
      `loadId must be 1-64 characters of A-Z a-z 0-9 _ . - (got ${JSON.stringify(loadId)})`,
    );
  }
  const shards = options.shards === undefined || options.shards === 'auto' ? DEFAULT_SHARDS : options.shards;
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw new LoadConfigError(
      `shards must be an integer from 1 to ${MAX_SHARDS} or 'auto' (got ${options.shards})`,
    );
  }
  const mode = options.mode ?? 'atomic';
  if (mode !== 'atomic' && mode !== 'batches')
    throw new LoadConfigError(`mode must be 'atomic' or 'batches'`);
  const onError = options.onError ?? 'abort';
  if (onError !== 'abort' && onError !== 'reject')
    throw new LoadConfigError(`onError must be 'abort' or 'reject'`);
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1)
    throw new LoadConfigError('batchRows must be a positive integer');
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK;
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1024)
    throw new LoadConfigError('chunkBytes must be at least 1024');
  const lockTimeout = options.lockTimeout ?? 5000;
  if (!Number.isInteger(lockTimeout) || lockTimeout < 0) {
    throw new LoadConfigError('lockTimeout must be a whole number of ms');
  }
  const maxRejects = options.maxRejects ?? Number.POSITIVE_INFINITY;
  if (!(maxRejects >= 0) || (maxRejects !== Number.POSITIVE_INFINITY && !Number.isInteger(maxRejects))) {
    throw new LoadConfigError('maxRejects must be a whole number of rows (0 or more)');
  }
  const maxInputBytes = options.maxInputBytes ?? Number.POSITIVE_INFINITY;
  if (!(maxInputBytes > 0)) throw new LoadConfigError('maxInputBytes must be a positive number of bytes');
  const stallTimeout = options.stallTimeout ?? DEFAULT_STALL_TIMEOUT;
  if (!Number.isInteger(stallTimeout) || stallTimeout < 0) {
    throw new LoadConfigError('stallTimeout must be a whole number of ms (0: no limit)');
  }
  let maxRowBytes: number;
  try {
    maxRowBytes = maxRowBytesOf(options.maxRowBytes);
  } catch (error) {
    throw new LoadConfigError((error as Error).message);
  }
  return {
    loadId,
    shards,
    maxRejects,
    maxRowBytes,
    maxInputBytes,
    stallTimeout,
    mode,
    onError,
    batchRows,
    chunkBytes,
    progressInterval: options.progressInterval ?? 250,
    lockTimeout,
  };
}
