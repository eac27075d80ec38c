/** Progress events on a timer (Web-standard setInterval), plus a last one when the load ends. */
import type { LoadProgress } from '../api.ts';
import type { Shard } from './shard.ts';

export interface ProgressSource {
  shards: readonly Shard[];
  bytes: number;
  rejected: number;
}

export class ProgressTicker {
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly loadId: string,
    private readonly started: number,
    private readonly emit: ((event: LoadProgress) => void) | undefined,
    interval: number,
    private readonly read: () => ProgressSource,
  ) {
    if (emit) this.timer = setInterval(() => this.tick(), interval);
  }

  /** Stops the timer; with `final`, emits the last event first. Idempotent. */
  stop(final: boolean): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
    if (final) this.tick();
  }

  private tick(): void {
    const { shards, bytes, rejected } = this.read();
    const elapsedMs = Date.now() - this.started;
    let rows = 0;
    for (const shard of shards) rows += shard.rows;
    try {
      this.emit?.({
        loadId: this.loadId,
        rows,
        bytes,
        rejected,
        elapsedMs,
        rowsPerSecond: elapsedMs > 0 ? Math.round((rows * 1000) / elapsedMs) : 0,
        shards: shards.map((shard) => ({
          shard: shard.index,
          rows: shard.rows,
          bytes: shard.bytes,
          state: shard.state,
        })),
      });
    } catch {
      // A throwing progress callback must not break the load.
    }
  }
}
