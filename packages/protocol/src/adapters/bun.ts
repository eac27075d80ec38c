/**
 * The Bun socket adapter: `Bun.connect` with socket callbacks, TLS via `upgradeTLS`. Also the entry
 * point `@haul/protocol/bun`.
 *
 * Bun's own API rather than its `node:net`: `write` reports how many bytes the kernel took, so
 * backpressure is exact (the unsent rest waits here for `drain`) instead of depending on how closely
 * Bun emulates Node's stream buffering.
 */
import { type ConnectOptions, connectWith } from '../connection/connect.ts';
import type { Connection } from '../connection/connection.ts';
import { AbortError, ConnectionError } from '../errors.ts';
import type { ByteSocket, SocketFactory, SocketHandlers, TlsOptions } from '../socket.ts';
import { connectAbortably } from './abortable-connect.ts';
import type { BunApi, BunSocket, BunSocketHandlers } from './bun-api.ts';

const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

class BunByteSocket implements ByteSocket {
  raw: BunSocket | undefined;
  #handlers: SocketHandlers | undefined;
  #paused = false;
  /** Reads that arrived while paused or before start(); Bun may call data() once more after pause(). */
  #held: Uint8Array[] = [];
  /** Bytes `write` could not hand to the kernel yet, oldest first; sent on drain. */
  #unsent: Uint8Array[] = [];
  #drainWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  #closeWaiters: Array<() => void> = [];
  #error: Error | undefined;
  #closing = false;
  #closed = false;
  #endDelivered = false;
  /** After startTls the raw socket still reports ciphertext here; a retired socket ignores everything. */
  #retired = false;
  #onHandshake: ((success: boolean, authorizationError: Error | null) => void) | undefined;
  /** On a retired socket while its successor's handshake runs: destroy() must reach the live one. */
  #destroySuccessor: ((error?: Error) => void) | undefined;

  readonly callbacks: BunSocketHandlers = {
    open: (socket) => {
      this.raw = socket;
    },
    data: (_socket, data) => this.#onData(data),
    drain: () => this.#onDrain(),
    error: (_socket, error) => this.#noteError(error),
    close: (_socket, error) => {
      if (error) this.#noteError(error);
      this.#onClose();
    },
    handshake: (_socket, success, authorizationError) => this.#onHandshake?.(success, authorizationError),
  };

  #noteError(error: Error) {
    this.#error ??= new ConnectionError(`socket error: ${error.message}`, true, { cause: error });
  }

  #onData(data: Uint8Array) {
    if (this.#retired || this.#closed) return;
    // A plain view, so the core never meets Buffer's different `slice` semantics.
    const chunk = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (this.#handlers && !this.#paused && this.#held.length === 0) this.#handlers.data(chunk);
    else this.#held.push(chunk);
  }

  #onClose() {
    if (this.#retired || this.#closed) return;
    this.#closed = true;
    this.#unsent.length = 0;
    const failure =
      this.#error ?? new ConnectionError('socket closed before its buffered writes drained', true);
    for (const waiter of this.#drainWaiters.splice(0)) waiter.reject(failure);
    for (const settle of this.#closeWaiters.splice(0)) settle();
    this.#onHandshake?.(false, this.#error ?? null);
    this.#flush();
  }

  /** Delivers held reads, then end() once closed, stopping if a handler pauses. */
  #flush() {
    const handlers = this.#handlers;
    if (!handlers || this.#retired) return;
    while (!this.#paused && this.#held.length > 0) handlers.data(this.#held.shift()!);
    if (this.#closed && this.#held.length === 0 && !this.#endDelivered) {
      this.#endDelivered = true;
      handlers.end(this.#error);
    }
  }

  #onDrain() {
    const raw = this.raw;
    if (!raw || this.#closed) return;
    while (this.#unsent.length > 0) {
      const head = this.#unsent[0]!;
      const taken = Math.max(raw.write(head), 0);
      if (taken < head.length) {
        this.#unsent[0] = head.subarray(taken);
        return;
      }
      this.#unsent.shift();
    }
    for (const waiter of this.#drainWaiters.splice(0)) waiter.resolve();
    if (this.#closing) raw.end();
  }

  start(handlers: SocketHandlers): void {
    this.#handlers = handlers;
    queueMicrotask(() => this.#flush());
  }

  write(chunk: Uint8Array): Promise<void> | undefined {
    // After close() the socket is ending; what would be written now could not be sent.
    if (this.#closed || this.#closing || this.#retired || !this.raw) return undefined;
    if (this.#unsent.length === 0) {
      const taken = Math.max(this.raw.write(chunk), 0);
      if (taken >= chunk.length) return undefined;
      this.#unsent.push(chunk.subarray(taken));
    } else {
      // Keep order: earlier bytes are still waiting for drain.
      this.#unsent.push(chunk);
    }
    return new Promise<void>((resolve, reject) => this.#drainWaiters.push({ resolve, reject }));
  }

  pause(): void {
    this.#paused = true;
    this.raw?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.raw?.resume();
    // Later, not now: the caller may not expect data() while still inside resume().
    queueMicrotask(() => this.#flush());
  }

  startTls(options: TlsOptions): Promise<ByteSocket> {
    const raw = this.raw;
    if (!raw || this.#closed)
      return Promise.reject(new ConnectionError('socket closed before TLS upgrade', true));
    this.#retired = true;
    this.#handlers = undefined;
    const next = new BunByteSocket();
    return new Promise<ByteSocket>((resolve, reject) => {
      this.#destroySuccessor = (error) => next.destroy(error);
      next.#onHandshake = (success, authorizationError) => {
        next.#onHandshake = undefined;
        this.#destroySuccessor = undefined;
        const failure = success
          ? options.rejectUnauthorized
            ? authorizationError
            : null
          : authorizationError;
        if (success && !failure) return resolve(next);
        next.destroy();
        const reason = failure?.message ?? 'connection closed';
        reject(
          new ConnectionError(
            `TLS handshake failed: ${reason}`,
            true,
            failure ? { cause: failure } : undefined,
          ),
        );
      };
      const tls = {
        serverName: options.servername,
        rejectUnauthorized: options.rejectUnauthorized,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      };
      [, next.raw] = raw.upgradeTLS({ tls, socket: next.callbacks });
    });
  }

  close(timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
    const raw = this.raw;
    if (this.#closed || !raw) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.destroy(), timeoutMs);
      this.#closeWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.#closing = true;
      // Unsent bytes go first; #onDrain ends the socket once they are out.
      if (this.#unsent.length === 0) raw.end();
      // The peer's close must be read to be seen.
      this.resume();
    });
  }

  destroy(error?: Error): void {
    if (this.#retired) {
      this.#destroySuccessor?.(error);
      return;
    }
    if (this.#closed) return;
    if (error) this.#error ??= error;
    this.raw?.terminate();
    // Bun's close callback may come later or not at all after terminate(); this socket is done now.
    this.#onClose();
  }
}

export const bunSocket: SocketFactory = async ({ host, port, signal }) => {
  const bun = (globalThis as unknown as { Bun: BunApi }).Bun;
  const socket = new BunByteSocket();
  const where = `${host}:${port}`;
  if (signal?.aborted) throw new AbortError(`connecting to ${where} was aborted`, { cause: signal.reason });
  const connecting = bun.connect({ hostname: host, port, socket: socket.callbacks });
  const raw = await connectAbortably(where, signal, connecting, (late) => late.terminate());
  socket.raw = raw;
  raw.setNoDelay(true);
  return socket;
};

/** Connects to PostgreSQL over Bun's TCP (and TLS) sockets. */
export function connect(config: string | ConnectOptions): Promise<Connection> {
  return connectWith(bunSocket, config);
}
