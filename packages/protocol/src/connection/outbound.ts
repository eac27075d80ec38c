/**
 * The write side of a connection: one Writer that requests are encoded into, flushed once per tick (or
 * as soon as it passes a threshold), and handed to the socket honouring its backpressure. Reads are
 * never held up by writes: nothing here waits on the read side.
 */
import { ConnectionError } from '../errors.ts';
import type { ByteSocket } from '../socket.ts';
import { Writer } from '../wire/writer.ts';

/** Writes above this size go out at once instead of waiting for the end of the tick. */
const FLUSH_THRESHOLD = 256 * 1024;

export class Outbound {
  /** Encoders append here; bytes leave at the end of the tick. */
  readonly out = new Writer();
  private flushScheduled = false;
  /** Set while the socket asked us to wait; settles when it can take more. */
  private drained: Promise<void> | null = null;
  private dead: Error | null = null;

  constructor(
    private readonly socket: ByteSocket,
    /** Runs just before each end-of-tick flush (closes an open `auto` segment). */
    private readonly beforeFlush: () => void,
    private readonly onWriteError: (error: ConnectionError) => void,
  ) {}

  /** Flushes at the end of this tick, or now if a lot is buffered. */
  flushSoon(): void {
    if (this.out.length > FLUSH_THRESHOLD) this.writeOut();
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.beforeFlush();
      this.writeOut();
    });
  }

  /** Hands buffered bytes to the socket, unless it asked us to wait. */
  writeOut(): void {
    if (this.drained || this.out.length === 0 || this.dead) return;
    this.send(this.out.take()).catch(() => {});
  }

  /** For a COPY's data: after whatever is already queued, honouring backpressure. */
  async sendInOrder(bytes: Uint8Array): Promise<void> {
    while (this.drained) await this.drained;
    return this.send(bytes);
  }

  /** No more writes: the connection is gone. */
  stop(error: Error): void {
    this.dead = error;
  }

  /** Writes now; resolves when the socket can take more. A failed write is reported once. */
  private send(bytes: Uint8Array): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    const pending = this.socket.write(bytes);
    if (!pending) return Promise.resolve();
    const drained = pending.then(
      () => {
        this.drained = null;
        this.writeOut();
      },
      (error: unknown) => {
        this.drained = null;
        const failure = new ConnectionError('write failed', true, { cause: error });
        this.onWriteError(failure);
        throw failure;
      },
    );
    this.drained = drained;
    return drained;
  }
}
