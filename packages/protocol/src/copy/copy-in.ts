/**
 * The data phase of `COPY … FROM STDIN`: pulls CopyData frames from the caller's source and writes them
 * with backpressure, then CopyDone — or CopyFail when the caller aborts or the source throws. It starts
 * right after the COPY statement, without waiting for CopyInResponse (zero RTT): if the statement
 * fails, the server ignores the stray copy messages. Every exit path releases the connection.
 */

import type { CopySink, PendingStatement } from '../connection/statement.ts';
import type { PostgresError } from '../errors.ts';
import { COPY_DONE, copyFail } from '../messages/frontend.ts';
import { Writer } from '../wire/writer.ts';
import { beginCopyData, copyDataMessage, endCopyData } from './pgcopy.ts';

/** What the copy needs from its connection. */
export interface CopyInHost {
  /** Writes bytes; resolves when more may be written (socket backpressure). */
  send(bytes: Uint8Array): Promise<void>;
  /** The data phase is over (CopyDone/CopyFail written, or given up): other requests may go out again. */
  release(): void;
}

type Stop = { kind: 'server'; error: PostgresError } | { kind: 'abort'; reason: Error };

export class CopyIn implements CopySink {
  readonly direction = 'in';
  private stop: Stop | null = null;
  private finished = false;
  /** Wakes the one pending wait for the next frame; set only while the run loop is waiting. */
  private wake: (() => void) | null = null;

  constructor(
    private readonly st: PendingStatement,
    /** Complete CopyData messages, in order. */
    private readonly frames: AsyncIterator<Uint8Array> | Iterator<Uint8Array>,
  ) {}

  /** Streams until done, stopped or failed; never throws (outcomes reach the statement's promise). */
  async run(host: CopyInHost): Promise<void> {
    let reason: Error | null = null;
    try {
      for (;;) {
        const next = await this.nextFrame();
        if (!next || this.stop) break;
        if (next.done) {
          await host.send(COPY_DONE.slice());
          return;
        }
        await host.send(next.value);
      }
    } catch (error) {
      reason = error instanceof Error ? error : new Error(String(error));
      this.stop ??= { kind: 'abort', reason };
    } finally {
      if (this.stop?.kind === 'abort') {
        // The statement settles with the caller's reason once the server confirms the CopyFail.
        this.st.abortReason ??= this.stop.reason;
        await host.send(failMessage(this.stop.reason)).catch(() => {});
      }
      this.finished = true;
      host.release();
      if (this.stop) void Promise.resolve(this.frames.return?.()).catch(() => {});
    }
  }

  /**
   * The source's next frame, or null once the copy is stopped. Not Promise.race against one long-lived
   * "stopped" promise: every race would leave a reaction on it holding that frame, so everything sent
   * during the COPY would stay in memory until the end.
   */
  private nextFrame(): Promise<IteratorResult<Uint8Array> | null> | IteratorResult<Uint8Array> | null {
    if (this.stop) return null;
    const next = this.frames.next();
    if (!(next instanceof Promise)) return next;
    return new Promise((resolve, reject) => {
      const wake = () => resolve(null);
      this.wake = wake;
      next.then(resolve, reject).finally(() => {
        if (this.wake === wake) this.wake = null;
      });
    });
  }

  /** Still in the data phase (CopyDone/CopyFail not yet written). */
  get streaming(): boolean {
    return !this.finished;
  }

  /** The caller gave up (signal, timeout): CopyFail instead of CopyDone. False if the data phase is over. */
  abort(reason: Error): boolean {
    if (this.finished) return false;
    this.halt({ kind: 'abort', reason });
    return true;
  }

  started(): void {}

  data(): void {
    // The server never sends CopyData during COPY FROM STDIN; the pipeline would not route it here.
  }

  done(): void {}

  /** The server rejected the COPY: stop reading the source; it ignores anything more we send. */
  failed(error: PostgresError): void {
    this.halt({ kind: 'server', error });
  }

  private halt(stop: Stop): void {
    if (this.stop) return;
    this.stop = stop;
    this.wake?.();
  }
}

function failMessage(reason: Error): Uint8Array {
  const w = new Writer(64);
  copyFail(w, reason.message || reason.name);
  return w.take();
}

/** Ready-made CopyData messages, from an iterator or iterable, sync or async. */
export type FrameSource =
  | AsyncIterator<Uint8Array>
  | Iterator<Uint8Array>
  | AsyncIterable<Uint8Array>
  | Iterable<Uint8Array>;

export type CopySource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | ReadableStream<Uint8Array>;

/**
 * Frames raw payload chunks (any COPY format) as CopyData messages. Small chunks are gathered into
 * messages of about 64 KiB (one socket write per message, not per line); a large chunk goes out as its
 * own message.
 */
export async function* frameChunks(source: CopySource): AsyncGenerator<Uint8Array> {
  const iterable = isReadableStream(source) ? readableToIterable(source) : source;
  const w = new Writer(FRAME_SIZE + 1024);
  let open = -1;
  for await (const chunk of iterable) {
    if (chunk.length === 0) continue;
    if (chunk.length >= FRAME_SIZE) {
      if (open >= 0) {
        endCopyData(w, open);
        open = -1;
        yield w.take();
      }
      yield copyDataMessage(chunk);
      continue;
    }
    if (open < 0) open = beginCopyData(w);
    w.raw(chunk);
    if (w.length >= FRAME_SIZE) {
      endCopyData(w, open);
      open = -1;
      yield w.take();
    }
  }
  if (open >= 0) {
    endCopyData(w, open);
    yield w.take();
  }
}

/** Large enough to amortize per-message and per-write costs, small enough to keep memory flat. */
const FRAME_SIZE = 64 * 1024;

function isReadableStream(source: unknown): source is ReadableStream<Uint8Array> {
  return typeof (source as ReadableStream).getReader === 'function';
}

/** ReadableStream's own async iteration is missing in some browsers; a reader loop works everywhere. */
async function* readableToIterable(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Accepts iterators and iterables, sync or async. */
export function toIterator<T>(
  source: AsyncIterator<T> | Iterator<T> | AsyncIterable<T> | Iterable<T>,
): AsyncIterator<T> | Iterator<T> {
  if (Symbol.asyncIterator in source) return (source as AsyncIterable<T>)[Symbol.asyncIterator]();
  if (Symbol.iterator in source) return (source as Iterable<T>)[Symbol.iterator]();
  return source as AsyncIterator<T> | Iterator<T>;
}
