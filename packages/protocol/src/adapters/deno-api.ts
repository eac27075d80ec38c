/**
 * The part of the `Deno` global that adapters/deno.ts uses, declared here as a module (not a global)
 * so the workspace typechecks without Deno's types and no other file sees a `Deno` that isn't there.
 */
export interface DenoConn {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  close(): void;
}

export interface DenoTlsConn extends DenoConn {
  /** Runs the handshake; `startTls` resolves before it, so certificate errors only show here. */
  handshake(): Promise<unknown>;
}

export interface DenoTcpConn extends DenoConn {
  setNoDelay(noDelay?: boolean): void;
}

export interface DenoApi {
  connect(options: { hostname: string; port: number; transport?: 'tcp' }): Promise<DenoTcpConn>;
  /** Consumes `conn`: it must not be used after the call. */
  startTls(conn: DenoConn, options: { hostname: string; caCerts?: string[] }): Promise<DenoTlsConn>;
}
