/**
 * The part of the Workers runtime module `cloudflare:sockets` that adapters/cloudflare.ts uses, so the
 * workspace typechecks without @cloudflare/workers-types. Shapes follow the Workers TCP sockets docs;
 * a project that installs workers-types gets the full declaration instead (this file is not referenced).
 */
declare module 'cloudflare:sockets' {
  export interface SocketAddress {
    hostname: string;
    port: number;
  }

  export interface SocketOptions {
    /** 'starttls' keeps the socket plain but allows `startTls()` later. */
    secureTransport?: 'off' | 'on' | 'starttls';
    /** false: the writable side closes when the readable side ends. */
    allowHalfOpen?: boolean;
  }

  export interface SocketInfo {
    remoteAddress?: string;
    localAddress?: string;
  }

  export interface TlsOptions {
    expectedServerHostname?: string;
  }

  export interface Socket {
    readonly readable: ReadableStream<Uint8Array>;
    readonly writable: WritableStream<Uint8Array>;
    /** Resolves once connected; rejects if the connection fails. */
    readonly opened: Promise<SocketInfo>;
    readonly closed: Promise<void>;
    close(): Promise<void>;
    /** Returns a new, TLS-wrapped socket; this one must not be used afterwards. */
    startTls(options?: TlsOptions): Socket;
  }

  export function connect(address: SocketAddress | string, options?: SocketOptions): Socket;
}
