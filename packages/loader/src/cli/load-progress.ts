/**
 * The live view of a load on stderr: a total line and one bar per shard with rows, rows/s and bytes,
 * redrawn by cli-progress. Only on a terminal: in a pipe or a log file, redraws are noise.
 */
import { MultiBar, type Options, type Params, type SingleBar } from 'cli-progress';
import type { LoadProgress, ShardProgress } from '../api.ts';
import { bytes, count, perSecond } from './units.ts';

export interface ProgressView {
  update(event: LoadProgress): void;
  /** Removes nothing: leaves the last frame on screen and moves below it. Idempotent. */
  stop(): void;
}

const SILENT: ProgressView = { update() {}, stop() {} };

const BAR_WIDTH = 24;

function bar(fraction: number): string {
  const filled = Math.max(0, Math.min(BAR_WIDTH, Math.round(fraction * BAR_WIDTH)));
  return `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
}

/** What each line shows; handed to cli-progress as the bar's payload and rendered by `renderLine`. */
interface LinePayload {
  text: () => string;
}

function renderLine(_options: Options, _params: Params, payload: LinePayload): string {
  return payload.text();
}

function totalLine(event: LoadProgress, totalBytes: number | undefined): string {
  // A gzip file's size says nothing about its decompressed bytes, nor does a pipe's; then no bar.
  const known = totalBytes !== undefined && totalBytes > 0 && event.bytes <= totalBytes;
  const share = known
    ? `${bar(event.bytes / totalBytes)} ${Math.floor((100 * event.bytes) / totalBytes)}%`
    : '';
  const rejected = event.rejected > 0 ? `  ${count(event.rejected)} rejected` : '';
  const of = known ? ` of ${bytes(totalBytes)}` : '';
  return (
    `total    ${share}  ${count(event.rows)} rows  ${count(event.rowsPerSecond)} rows/s  ` +
    `${bytes(event.bytes)}${of}${rejected}`
  );
}

function shardLine(shard: ShardProgress, event: LoadProgress): string {
  // The bar is the shard's share of the bytes read so far: even bars mean well-balanced shards.
  const share = event.bytes > 0 ? shard.bytes / event.bytes : 0;
  const rate = count(perSecond(shard.rows, event.elapsedMs));
  return `shard ${String(shard.shard).padEnd(2)} ${bar(share)}  ${count(shard.rows)} rows  ${rate} rows/s  ${bytes(shard.bytes)}  ${shard.state}`;
}

/**
 * `totalBytes`: the input's size when the loader's byte count can reach it (a plain file), for a
 * percentage; undefined for stdin and gzip.
 */
export function progressView(options: {
  enabled: boolean;
  stream: NodeJS.WriteStream;
  totalBytes?: number;
}): ProgressView {
  if (!options.enabled) return SILENT;
  const multi = new MultiBar({
    stream: options.stream,
    format: renderLine,
    hideCursor: true,
    // Our own SIGINT handler stops the bars; cli-progress's would race it.
    gracefulExit: false,
    linewrap: true,
    fps: 8,
  });
  let latest: LoadProgress | undefined;
  let bars: SingleBar[] = [];
  let stopped = false;

  function ensureBars(event: LoadProgress): void {
    if (bars.length === event.shards.length + 1) return;
    for (const old of bars) multi.remove(old);
    const total: LinePayload = { text: () => (latest ? totalLine(latest, options.totalBytes) : '') };
    bars = [multi.create(1, 0, total)];
    for (let index = 0; index < event.shards.length; index++) {
      const line: LinePayload = {
        text: () => {
          const shard = latest?.shards[index];
          return latest && shard ? shardLine(shard, latest) : '';
        },
      };
      bars.push(multi.create(1, 0, line));
    }
  }

  return {
    update(event) {
      if (stopped) return;
      latest = event;
      // The lines read `latest` when cli-progress's timer draws them; no per-bar values to push.
      ensureBars(event);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      multi.stop();
    },
  };
}
