/**
 * The one contract between the protocol core and a runtime's byte stream. Adapters in `adapters/`
 * fill it in; nothing else in the core touches a runtime.
 */

/**
 * Receives what the socket reads. Chunks are plain Uint8Array (never a Node Buffer) and are handed
 * over: the receiver may keep them and write into them (COPY TO packs a read's rows in place), so an
 * adapter never delivers a buffer it reads into again. After a local close/destroy, `end` is still
 * called once.
 */
export interface SocketHandlers {
  data(chunk: Uint8Array): void;
  /** The stream ended (error undefined: clean EOF). Called at most once, after which no `data` comes. */
  end(error?: Error): void;
}

export interface TlsOptions {
  /** Server name for SNI and certificate checking. */
  servername: string;
  /** false for sslmode=require (encrypt, don't verify); true for verify-full. */
  rejectUnauthorized: boolean;
  /** Extra trusted CA certificates in PEM (adapters that support it). */
  ca?: string | string[];
}

export interface ByteSocket {
  /**
   * Starts delivering reads to `handlers`. Called once per socket (again on the socket `startTls`
   * returns).
   */
  start(handlers: SocketHandlers): void;
  /**
   * Queues bytes for sending; ownership of `chunk` passes to the socket. Returns a promise only when
   * the transport's buffer is full: the caller must wait for it before writing more (backpressure).
   * A socket holds at most about its high-water mark of written, unsent bytes (256 KiB for the
   * adapters here); one that keeps more (a whole COPY, say) copies what it keeps. Writers rely on it:
   * the loader reuses a chunk's buffer once 2 MiB written after it have been accepted (chunk.ts).
   * That promise rejects with ConnectionError if the socket closes meanwhile, so it never hangs. A write
   * after close/destroy is dropped (returns undefined); `end()` reports the failure.
   */
  write(chunk: Uint8Array): Promise<void> | undefined;
  /** Stops/restarts delivering reads (read backpressure); bytes wait in the kernel meanwhile. */
  pause(): void;
  resume(): void;
  /**
   * Upgrades to TLS after the server accepted SSLRequest. The caller pauses this socket inside the
   * `data()` call that delivered the server's 'S' (Deno refuses to upgrade with a read in flight). The
   * returned socket replaces this one, which must not be used again.
   */
  startTls?(options: TlsOptions): Promise<ByteSocket>;
  /** Flushes what was written, then closes. Settles within `timeoutMs` by destroying if needed. */
  close(timeoutMs?: number): Promise<void>;
  /** Closes at once, dropping unsent bytes. Idempotent. */
  destroy(error?: Error): void;
}

export interface SocketConnectOptions {
  host: string;
  port: number;
  /** The caller may call `startTls` later (Cloudflare needs to know at connect time). */
  tlsUpgradable: boolean;
  signal?: AbortSignal;
}

/** Opens a byte stream to `host:port`; an adapter's one entry point. */
export type SocketFactory = (options: SocketConnectOptions) => Promise<ByteSocket>;
