/**
 * The part of the `Bun` global that adapters/bun.ts uses, declared here as a module (not a global)
 * so the workspace typechecks without bun-types and no other file sees a `Bun` that isn't there.
 */

/** A TCP or TLS socket from `Bun.connect`. Chunks arrive as Buffers (a Uint8Array subclass). */
export interface BunSocket {
  /** Returns how many bytes the kernel (or TLS layer) took; the rest must be retried on `drain`. */
  write(data: Uint8Array): number;
  /** Flushes and half-closes. */
  end(): void;
  /** Closes at once, dropping unsent data. */
  terminate(): void;
  pause(): void;
  resume(): void;
  setNoDelay(noDelay?: boolean): boolean;
  /** Starts TLS on this connection; returns `[raw, tls]`, both driven by the handlers given here. */
  upgradeTLS(options: {
    tls: { serverName?: string; rejectUnauthorized?: boolean; ca?: string | string[] };
    socket: BunSocketHandlers;
  }): [BunSocket, BunSocket];
}

export interface BunSocketHandlers {
  open?(socket: BunSocket): void;
  data?(socket: BunSocket, data: Uint8Array): void;
  drain?(socket: BunSocket): void;
  close?(socket: BunSocket, error?: Error): void;
  error?(socket: BunSocket, error: Error): void;
  /** TLS only: the handshake finished; `authorizationError` is set when verification failed. */
  handshake?(socket: BunSocket, success: boolean, authorizationError: Error | null): void;
}

export interface BunApi {
  connect(options: { hostname: string; port: number; socket: BunSocketHandlers }): Promise<BunSocket>;
}
