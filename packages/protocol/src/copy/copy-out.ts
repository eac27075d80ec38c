/**
 * The data phase of `COPY … TO STDOUT` as a byte stream the caller pulls: an async iterable (and a
 * Web ReadableStream). A slow consumer pauses the socket at a high-water mark, so the server is held
 * back by TCP instead of memory growing; a consumer that stops early cancels the COPY on the server.
 */

import type { QueryResult } from '../connection/api.ts';
import type { CopySink } from '../connection/statement.ts';
import type { PostgresError } from '../errors.ts';

export interface CopyOutHost {
  pause(): void;
  resume(): void;
  /** Gives up on the COPY: cancels it on the server (the statement then settles). */
  abandon(reason: Error): void;
}

const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
const GATHER_SIZE = 64 * 1024;

export class CopyOut implements CopySink, AsyncIterable<Uint8Array> {
  readonly direction = 'out';
  /** Settles with the COPY's command result (row count) or its error. */
  readonly result: Promise<QueryResult>;
  private host: CopyOutHost | null = null;
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  private paused = false;
  private ended = false;
  private abandoned = false;
  /** The statement's promise has settled (the connection may end a COPY without CopyDone). */
  private settled = false;
  /**
   * Resolves the promise a waiting `next()` is parked on; null while nobody waits or once woken.
   * Cleared when called, so a socket read of a thousand rows wakes the reader once, not per row.
   */
  private wake: (() => void) | null = null;
  /** The last queued chunk, still being filled. */
  private gathering: { bytes: Uint8Array; used: number } | null = null;

  constructor(result: Promise<QueryResult>) {
    this.result = result;
    // A consumer that stops early never looks at the result: don't let it become an unhandled rejection.
    // One reaction for the COPY's lifetime (not one per wait) wakes a reader parked when it settles.
    const settle = (): void => {
      this.settled = true;
      this.notify();
    };
    result.then(settle, settle);
  }

  attach(host: CopyOutHost): void {
    this.host = host;
  }

  started(): void {}

  data(payload: Uint8Array): void {
    if (this.abandoned) return;
    // Servers send one CopyData per row: gather them into ~64 KiB chunks so the consumer sees a few
    // large pieces instead of a promise per row. One copy either way (the payload view is transient).
    const last = this.gathering;
    if (last && last.used + payload.length <= last.bytes.length) {
      last.bytes.set(payload, last.used);
      last.used += payload.length;
    } else {
      // The chunk being filled is the queue's last entry: close it at its used length, or the consumer
      // would get its unfilled (zero) tail.
      if (last) this.queue[this.queue.length - 1] = last.bytes.subarray(0, last.used);
      const bytes = new Uint8Array(Math.max(GATHER_SIZE, payload.length));
      bytes.set(payload);
      this.gathering = { bytes, used: payload.length };
      this.queue.push(bytes);
    }
    this.queued += payload.length;
    if (this.queued > HIGH_WATER && !this.paused) {
      this.paused = true;
      this.host?.pause();
    }
    this.notify();
  }

  done(): void {
    this.ended = true;
    this.notify();
  }

  failed(_error: PostgresError): void {
    this.ended = true;
    this.resumeSocket();
    this.notify();
  }

  /** Rejected or ended without CopyDone (connection lost): the statement's promise carries the error. */
  private async finish(): Promise<IteratorResult<Uint8Array>> {
    await this.result;
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: () => this.next(),
      return: async () => {
        this.stop(new Error('COPY TO STDOUT consumer stopped reading'));
        return { done: true, value: undefined };
      },
    };
  }

  private async next(): Promise<IteratorResult<Uint8Array>> {
    for (;;) {
      let chunk = this.queue.shift();
      if (chunk) {
        if (this.gathering?.bytes === chunk) {
          chunk = chunk.subarray(0, this.gathering.used);
          this.gathering = null;
        }
        this.queued -= chunk.length;
        if (this.paused && this.queued < LOW_WATER) this.resumeSocket();
        return { done: false, value: chunk };
      }
      if (this.ended || this.abandoned || this.settled) return this.finish();
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /** The consumer gave up: drop buffered data, let the socket flow, cancel the COPY on the server. */
  stop(reason: Error): void {
    if (this.abandoned || this.ended) return;
    this.abandoned = true;
    this.queue.length = 0;
    this.queued = 0;
    this.gathering = null;
    this.resumeSocket();
    this.host?.abandon(reason);
  }

  /** The same bytes as a Web ReadableStream (pull-based, so backpressure carries through). */
  stream(): ReadableStream<Uint8Array> {
    const iterator = this[Symbol.asyncIterator]();
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: async () => {
        await iterator.return?.();
      },
    });
  }

  private resumeSocket(): void {
    if (!this.paused) return;
    this.paused = false;
    this.host?.resume();
  }

  private notify(): void {
    const wake = this.wake;
    if (wake === null) return;
    this.wake = null;
    wake();
  }
}
