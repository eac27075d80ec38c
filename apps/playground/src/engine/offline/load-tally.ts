/**
 * Counting an offline load and speaking of it in the loader's shapes: `progress` events with one
 * shard (PGlite is one session), the final report, and the error event.
 *
 * The report's `commit` is 'transaction' in atomic mode (one session, one COMMIT, never partly) and
 * 'batches' in batches mode (one transaction per batch).
 */
import type { LoadReport, ShardProgress, ShardState } from '@haul/loader';
import type { CopyPlan } from '@haul/loader/copy-encode';
import type { ErrorBody, LoadEvent, LoadRequest } from '../contract.ts';
import { errorInfo, errorStatus } from './errors.ts';

/** Progress events at most this often (one after each chunk otherwise would flood a fast load). */
const PROGRESS_INTERVAL_MS = 100;

export class LoadTally {
  /** Rows sent (stored by a COPY in the open or a committed transaction). */
  rows = 0;
  /** Rows in committed transactions. */
  committedRows = 0;
  rejected = 0;
  chunks = 0;
  /** COPY payload bytes sent to PGlite. */
  copyBytes = 0;
  state: ShardState = 'connecting';
  private readonly started = Date.now();
  private lastProgress = 0;

  constructor(
    readonly loadId: string,
    private readonly sourceBytes: () => number,
    private readonly onEvent: (event: LoadEvent) => void,
  ) {}

  get elapsedMs(): number {
    return Date.now() - this.started;
  }

  /** Emits a progress event unless one went out less than the interval ago (`force`: always). */
  progress(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastProgress < PROGRESS_INTERVAL_MS) return;
    this.lastProgress = now;
    const elapsedMs = now - this.started;
    const shard: ShardProgress = { shard: 0, rows: this.rows, bytes: this.copyBytes, state: this.state };
    this.onEvent({
      type: 'progress',
      loadId: this.loadId,
      rows: this.rows,
      bytes: this.sourceBytes(),
      rejected: this.rejected,
      elapsedMs,
      rowsPerSecond: perSecond(this.rows, elapsedMs),
      shards: [shard],
    });
  }

  report(plan: CopyPlan, request: LoadRequest): Extract<LoadEvent, { type: 'report' }> {
    const ms = this.elapsedMs;
    const report: LoadReport = {
      loadId: this.loadId,
      table: plan.table.qualified,
      rows: this.committedRows,
      bytes: this.sourceBytes(),
      ms,
      rowsPerSecond: perSecond(this.committedRows, ms),
      committed: true,
      mode: request.mode,
      copyFormat: plan.format,
      ...(plan.textReason ? { textReason: plan.textReason } : {}),
      commit: request.mode === 'atomic' ? 'transaction' : 'batches',
      rejected: this.rejected,
      ...(plan.createdTable ? { createdTable: plan.createdTable } : {}),
      shards: [
        {
          shard: 0,
          rows: this.committedRows,
          bytes: this.copyBytes,
          chunks: this.chunks,
          ms,
          state: 'committed',
        },
      ],
    };
    return { type: 'report', ...report };
  }

  /** The load failed and its open transaction was rolled back; earlier batches may stand. */
  failure(error: unknown, mode: LoadRequest['mode']): Extract<LoadEvent, { type: 'error' }> {
    const inner = errorInfo(error);
    const partial = this.committedRows > 0;
    const what =
      mode === 'batches'
        ? partial
          ? `the open batch was rolled back; ${this.committedRows} rows of earlier batches stay committed`
          : 'the open batch was rolled back; nothing was committed'
        : 'nothing was committed';
    const info: ErrorBody = {
      ...inner,
      message: `load ${this.loadId} failed: ${inner.message} (${what})`,
      loadId: this.loadId,
      rolledBack: !partial,
    };
    return { type: 'error', status: errorStatus(error), error: info };
  }
}

function perSecond(rows: number, ms: number): number {
  return ms > 0 ? Math.round((rows * 1000) / ms) : rows;
}

/** A load id for messages and reports; randomUUID needs a secure context, which a page may not be. */
export function newLoadId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function' && isSecure()) {
    return crypto.randomUUID();
  }
  return `offline-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

function isSecure(): boolean {
  const scope = globalThis as { isSecureContext?: boolean };
  return scope.isSecureContext !== false;
}
