/**
 * The WebSocket adapter: PostgreSQL protocol bytes carried in binary WebSocket messages through a
 * WebSocket→TCP proxy (Neon's wsproxy convention, `wss://proxy.example/v1?address=host:port`), for
 * browsers and any runtime with a standard `WebSocket`. Also the entry point `@haul/protocol/websocket`.
 *
 * There is no TLS upgrade here: a `wss://` proxy URL encrypts the hop to the proxy, and the proxy's
 * own hop to PostgreSQL is its business, so connect with sslmode=disable.
 */
import { type ConnectOptions, connectWith } from '../connection/connect.ts';
import type { Connection } from '../connection/connection.ts';
import { AbortError, ConnectionError } from '../errors.ts';
import type { ByteSocket, SocketFactory, SocketHandlers } from '../socket.ts';

/** The part of the standard WebSocket used here; the browser's and the `ws` package's both fit. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  /** `ws` only: stops reading from the TCP socket, giving real read backpressure on Node. */
  pause?(): void;
  resume?(): void;
  /** `ws` only: drops the connection without a closing handshake. */
  terminate?(): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WebSocketSocketOptions {
  /**
   * The proxy: a base URL to which `address=host:port` is appended, or a function building the
   * whole URL.
   */
  url: string | ((host: string, port: number) => string);
  /** Defaults to the global `WebSocket`; pass the `ws` package's on Node. */
  WebSocket?: WebSocketConstructor;
  protocols?: string | string[];
  /** Bytes buffered in the WebSocket beyond which `write` asks the caller to wait. */
  highWaterMark?: number;
}

const OPEN = 1;
/** 1000 is a normal close: the proxy saw the server end the TCP stream cleanly. */
const NORMAL_CLOSURE = 1000;
/** WebSocket has no drain event, so a full send buffer is polled; 5 ms keeps the wait short but cheap. */
const DRAIN_POLL_MS = 5;
/** 256 KiB: enough to keep a fast link busy between polls without holding much memory. */
const DEFAULT_HIGH_WATER_MARK = 256 * 1024;
const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

/** Builds `base?address=host:port` (IPv6 hosts bracketed), keeping the base URL's other parameters. */
export function proxyUrl(base: string, host: string, port: number): string {
  const url = new URL(base);
  url.searchParams.set('address', `${host.includes(':') ? `[${host}]` : host}:${port}`);
  return url.toString();
}

class WebSocketByteSocket implements ByteSocket {
  #handlers: SocketHandlers | undefined;
  #paused = false;
  #flushScheduled = false;
  /** Messages held while paused or before start(): a WebSocket cannot stop its peer from sending. */
  #queue: Uint8Array[] = [];
  /** Set when the WebSocket closed; delivered as end() once the queue is empty. */
  #ending: { error: Error | undefined } | undefined;
  #endDelivered = false;
  #closeWaiters: Array<() => void> = [];
  #drainWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  #drainTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly ws: WebSocketLike,
    readonly highWaterMark: number,
  ) {
    ws.addEventListener('message', (event) => this.#onMessage(event.data));
    ws.addEventListener('close', (event) => {
      const error =
        event.code === NORMAL_CLOSURE
          ? undefined
          : new ConnectionError(
              `WebSocket closed (code ${event.code}${event.reason ? `: ${event.reason}` : ''})`,
              true,
            );
      this.#onClosed(error);
    });
  }

  #onMessage(data: unknown) {
    if (this.#ending) return;
    if (!(data instanceof ArrayBuffer)) {
      // A text frame is not protocol bytes: whatever sent it is not a raw-bytes proxy.
      this.destroy(new ConnectionError('WebSocket proxy sent a non-binary message', true));
      return;
    }
    const chunk = new Uint8Array(data);
    if (this.#handlers && !this.#paused && this.#queue.length === 0) this.#handlers.data(chunk);
    else this.#queue.push(chunk);
  }

  #onClosed(error: Error | undefined) {
    if (this.#ending) return;
    this.#ending = { error };
    clearTimeout(this.#drainTimer);
    const failure = error ?? new ConnectionError('WebSocket closed before its buffered writes drained', true);
    for (const waiter of this.#drainWaiters.splice(0)) waiter.reject(failure);
    for (const settle of this.#closeWaiters.splice(0)) settle();
    this.#flush();
  }

  /** Delivers held messages, then end(), stopping if a handler pauses. */
  #flush() {
    const handlers = this.#handlers;
    if (!handlers) return;
    while (!this.#paused && this.#queue.length > 0) handlers.data(this.#queue.shift()!);
    if (this.#ending && this.#queue.length === 0 && !this.#endDelivered) {
      this.#endDelivered = true;
      handlers.end(this.#ending.error);
    }
  }

  #scheduleFlush() {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // Deliver later, not inside start()/resume(): the caller may not expect to be re-entered.
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  start(handlers: SocketHandlers): void {
    this.#handlers = handlers;
    this.#scheduleFlush();
  }

  write(chunk: Uint8Array): Promise<void> | undefined {
    if (this.#ending || this.ws.readyState !== OPEN) return undefined;
    this.ws.send(chunk);
    if (this.ws.bufferedAmount <= this.highWaterMark) return undefined;
    return new Promise<void>((resolve, reject) => {
      this.#drainWaiters.push({ resolve, reject });
      this.#pollDrain();
    });
  }

  #pollDrain() {
    if (this.#drainTimer !== undefined) return;
    this.#drainTimer = setTimeout(() => {
      this.#drainTimer = undefined;
      if (this.#ending) return;
      if (this.ws.bufferedAmount > this.highWaterMark) return this.#pollDrain();
      for (const waiter of this.#drainWaiters.splice(0)) waiter.resolve();
    }, DRAIN_POLL_MS);
  }

  pause(): void {
    this.#paused = true;
    this.ws.pause?.();
  }

  resume(): void {
    this.#paused = false;
    this.ws.resume?.();
    this.#scheduleFlush();
  }

  close(timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
    if (this.#ending) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.destroy(), timeoutMs);
      this.#closeWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      // The closing handshake goes out after the messages already queued, so this flushes first.
      this.ws.close(NORMAL_CLOSURE);
      this.resume();
    });
  }

  destroy(error?: Error): void {
    if (this.#ending) return;
    if (this.ws.terminate) this.ws.terminate();
    else this.ws.close(NORMAL_CLOSURE);
    // A browser's close event can take as long as the closing handshake; this socket is done now.
    this.#queue.length = 0;
    this.#onClosed(error);
  }
}

/** A socket factory that reaches `host:port` through a WebSocket proxy. */
export function webSocketSocket(options: WebSocketSocketOptions): SocketFactory {
  const { url, protocols, highWaterMark = DEFAULT_HIGH_WATER_MARK } = options;
  return ({ host, port, signal }) =>
    new Promise<ByteSocket>((resolve, reject) => {
      const where = `${host}:${port}`;
      if (signal?.aborted) {
        reject(new AbortError(`connecting to ${where} was aborted`, { cause: signal.reason }));
        return;
      }
      const Constructor = options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
      if (!Constructor) {
        reject(new ConnectionError('no WebSocket implementation: pass one as the WebSocket option', false));
        return;
      }
      let ws: WebSocketLike;
      try {
        ws = new Constructor(
          typeof url === 'string' ? proxyUrl(url, host, port) : url(host, port),
          protocols,
        );
      } catch (error) {
        reject(
          new ConnectionError(`could not open a WebSocket for ${where}: ${(error as Error).message}`, false, {
            cause: error,
          }),
        );
        return;
      }
      ws.binaryType = 'arraybuffer';
      // Built now so no message can arrive before its listener exists.
      const socket = new WebSocketByteSocket(ws, highWaterMark);
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        socket.destroy();
        reject(new AbortError(`connecting to ${where} was aborted`, { cause: signal?.reason }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      ws.addEventListener('open', () => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve(socket);
      });
      ws.addEventListener('close', (event) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        // Browsers hide why a WebSocket failed (1006, no reason); say what we know.
        const reason = event.reason ? `: ${event.reason}` : '';
        reject(
          new ConnectionError(`WebSocket proxy for ${where} failed (code ${event.code}${reason})`, false),
        );
      });
      // An 'error' event is always followed by 'close', which rejects; listening keeps `ws` from throwing.
      ws.addEventListener('error', () => {});
    });
}

/** Connects to PostgreSQL through the WebSocket proxy named in `proxy`. */
export function connect(config: string | ConnectOptions, proxy: WebSocketSocketOptions): Promise<Connection> {
  return connectWith(webSocketSocket(proxy), config);
}
