/**
 * A ByteSocket over a `{ readable, writable }` pair of Web streams, the shape Cloudflare's
 * `connect()` and `Deno.connect()` both give. Their adapters only open the transport and say how to
 * close and upgrade it; the read loop, pause and write backpressure live here once.
 */
import { ConnectionError } from '../errors.ts';
import type { ByteSocket, SocketHandlers, TlsOptions } from '../socket.ts';

export interface StreamTransport {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
  /** Closes both directions at once. May throw, or return a promise that rejects, if already closed. */
  close(): unknown;
  /**
   * The runtime's TLS upgrade, called after this socket released its stream locks; resolves once the
   * handshake is done.
   */
  upgrade?(options: TlsOptions): Promise<StreamTransport>;
}

/** Bytes handed to the writer but not yet taken by the sink, beyond which `write` asks the caller to wait. */
const DEFAULT_HIGH_WATER_MARK = 256 * 1024;
const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

type Held = { chunk: Uint8Array } | { end: Error | undefined };

export class WebStreamSocket implements ByteSocket {
  readonly #transport: StreamTransport;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #highWaterMark: number;
  #handlers: SocketHandlers | undefined;
  #paused = false;
  #reading = false;
  #readInFlight = false;
  /** A read that completed after pause() (or before start()) waits here for resume(). */
  #held: Held[] = [];
  /** Set once: by EOF, a failure, close, destroy or handing the transport to startTls. */
  #finished = false;
  #endDelivered = false;
  /** Counted by hand: a stream's own queuing strategy may count chunks, not bytes. */
  #outstanding = 0;
  #drainWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  #onFinish: Array<(error: Error | undefined) => void> = [];
  #closing = false;
  #transportClosed = false;
  /** Set while startTls waits, so destroy() can fail that wait. */
  #onDestroy: ((error: Error | undefined) => void) | undefined;

  constructor(transport: StreamTransport, highWaterMark = DEFAULT_HIGH_WATER_MARK) {
    this.#transport = transport;
    this.#reader = transport.readable.getReader();
    this.#writer = transport.writable.getWriter();
    this.#highWaterMark = highWaterMark;
  }

  start(handlers: SocketHandlers): void {
    this.#handlers = handlers;
    queueMicrotask(() => this.#pump());
  }

  /** Delivers held reads, then reads until paused or finished. One loop at a time. */
  async #pump(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      while (this.#handlers && !this.#paused && !this.#endDelivered) {
        let item = this.#held.shift();
        if (!item) {
          if (this.#finished) return;
          item = await this.#read();
          // Finished meanwhile: loop, to deliver the end that close/destroy queued.
          if (!item) continue;
          if (this.#paused || !this.#handlers) {
            this.#held.unshift(item);
            return;
          }
        }
        if ('chunk' in item) this.#handlers.data(item.chunk);
        else this.#deliverEnd(item.end);
      }
    } finally {
      this.#reading = false;
    }
  }

  async #read(): Promise<Held | undefined> {
    let end: Error | undefined;
    try {
      this.#readInFlight = true;
      const { done, value } = await this.#reader.read().finally(() => {
        this.#readInFlight = false;
      });
      if (this.#finished) return undefined;
      if (!done) return { chunk: value };
    } catch (error) {
      // After destroy or startTls the pending read fails on purpose; that is not news.
      if (this.#finished) return undefined;
      // During close() some runtimes fail the read as they close the stream under it: a clean end.
      if (!this.#closing)
        end = new ConnectionError(`socket read failed: ${(error as Error).message}`, true, { cause: error });
    }
    this.#finish(end);
    this.#closeTransport();
    return { end };
  }

  #deliverEnd(error: Error | undefined) {
    if (this.#endDelivered) return;
    this.#endDelivered = true;
    this.#handlers?.end(error);
  }

  /** Marks the socket finished and settles every wait on it. */
  #finish(error: Error | undefined) {
    if (this.#finished) return;
    this.#finished = true;
    const failure = error ?? new ConnectionError('socket closed before its buffered writes drained', true);
    for (const waiter of this.#drainWaiters.splice(0)) waiter.reject(failure);
    for (const settle of this.#onFinish.splice(0)) settle(error);
  }

  write(chunk: Uint8Array): Promise<void> | undefined {
    // After close() the writer is closing and would reject; the bytes could not be sent anyway.
    if (this.#finished || this.#closing) return undefined;
    const size = chunk.length;
    this.#outstanding += size;
    this.#writer.write(chunk).then(
      () => {
        this.#outstanding -= size;
        if (this.#outstanding > this.#highWaterMark) return;
        for (const waiter of this.#drainWaiters.splice(0)) waiter.resolve();
      },
      (error: unknown) => {
        if (this.#finished) return;
        this.destroy(
          new ConnectionError(`socket write failed: ${(error as Error).message}`, true, { cause: error }),
        );
      },
    );
    if (this.#outstanding <= this.#highWaterMark) return undefined;
    return new Promise<void>((resolve, reject) => this.#drainWaiters.push({ resolve, reject }));
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    // Later, not now: the caller may not expect data() while still inside resume().
    queueMicrotask(() => this.#pump());
  }

  async startTls(options: TlsOptions): Promise<ByteSocket> {
    const upgrade = this.#transport.upgrade;
    if (!upgrade) throw new ConnectionError('this transport cannot upgrade to TLS', true);
    // Deno refuses to upgrade a connection with a read in flight ("TCP stream is currently in use"):
    // hence the contract's rule to pause() inside the data() call that delivered the server's answer.
    const hint = this.#readInFlight ? ' (a read was in flight: pause() the socket before startTls)' : '';
    // Finish first, so a released pending read fails quietly and nothing reaches the old handlers.
    this.#finish(undefined);
    this.#handlers = undefined;
    this.#reader.releaseLock();
    this.#writer.releaseLock();
    // destroy() on this socket during the handshake (a connect timeout) must not leave us waiting.
    const destroyed = new Promise<never>((_, reject) => {
      this.#onDestroy = (error) =>
        reject(error ?? new ConnectionError('socket destroyed during TLS handshake', true));
    });
    const upgrading = upgrade(options);
    try {
      return new WebStreamSocket(await Promise.race([upgrading, destroyed]), this.#highWaterMark);
    } catch (error) {
      upgrading.then((late) => late.close()).catch(() => {});
      if (error instanceof ConnectionError) throw error;
      throw new ConnectionError(`TLS handshake failed: ${(error as Error).message}${hint}`, true, {
        cause: error,
      });
    } finally {
      this.#onDestroy = undefined;
    }
  }

  async close(timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
    if (this.#finished) return;
    this.#closing = true;
    const finished = new Promise<void>((resolve) => this.#onFinish.push(() => resolve()));
    const timer = setTimeout(() => this.destroy(), timeoutMs);
    // close() on the writer waits for every queued write to reach the sink, then ends the stream.
    const flushed = this.#writer.close().then(
      () => this.#shutdown(undefined),
      () => this.destroy(),
    );
    await Promise.race([flushed, finished]);
    clearTimeout(timer);
  }

  destroy(error?: Error): void {
    this.#onDestroy?.(error);
    if (this.#finished) return;
    this.#writer.abort(error).catch(() => {});
    this.#shutdown(error);
  }

  #shutdown(error: Error | undefined) {
    if (this.#finished) return;
    this.#finish(error);
    this.#closeTransport();
    this.#held.push({ end: error });
    queueMicrotask(() => this.#pump());
  }

  #closeTransport() {
    if (this.#transportClosed) return;
    this.#transportClosed = true;
    try {
      Promise.resolve(this.#transport.close()).catch(() => {});
    } catch {
      // Already closed by the runtime (e.g. the peer went first).
    }
  }
}
