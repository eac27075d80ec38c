/**
 * The Node.js socket adapter: `node:net` for TCP, `node:tls` for the upgrade after SSLRequest.
 * Also the entry point `@haul/protocol/node`, exporting a `connect` bound to it.
 */
import net from 'node:net';
import type tls from 'node:tls';
import { type ConnectOptions, connectWith } from '../connection/connect.ts';
import type { Connection } from '../connection/connection.ts';
import { AbortError, ConnectionError } from '../errors.ts';
import type { ByteSocket, SocketFactory, SocketHandlers, TlsOptions } from '../socket.ts';

/** How long `close()` waits for the peer when the caller gives no timeout. */
const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

class NodeByteSocket implements ByteSocket {
  #handlers: SocketHandlers | undefined;
  #error: Error | undefined;
  #closed = false;
  #endDelivered = false;
  #upgrading: tls.TLSSocket | undefined;
  // Settles pending drain waits when the socket closes, so a write promise can never hang.
  #onClosed = new Set<() => void>();

  constructor(readonly socket: net.Socket) {
    // Listeners go on at once, not in start(): an 'error' with no listener would crash the process.
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
  }

  #onError = (error: Error) => {
    this.#error ??= new ConnectionError(`socket error: ${error.message}`, true, { cause: error });
  };

  #onClose = () => {
    this.#closed = true;
    for (const settle of this.#onClosed) settle();
    this.#onClosed.clear();
    this.#deliverEnd();
  };

  #onData = (chunk: Buffer) => {
    // A plain view, so the core never meets Buffer's different `slice` semantics.
    this.#handlers?.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  };

  #deliverEnd() {
    if (!this.#closed || !this.#handlers || this.#endDelivered) return;
    this.#endDelivered = true;
    this.#handlers.end(this.#error);
  }

  start(handlers: SocketHandlers): void {
    this.#handlers = handlers;
    this.socket.on('data', this.#onData);
    // The socket may have closed before anyone listened (e.g. between connect and start).
    this.#deliverEnd();
  }

  write(chunk: Uint8Array): Promise<void> | undefined {
    // After close, end() has reported (or will report) the failure; dropping keeps writes side-effect free.
    if (this.#closed || this.socket.destroyed || this.socket.writableEnded) return undefined;
    if (this.socket.write(chunk)) return undefined;
    return new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        this.#onClosed.delete(onClosed);
        resolve();
      };
      const onClosed = () => {
        this.socket.off('drain', onDrain);
        reject(this.#error ?? new ConnectionError('socket closed before its buffered writes drained', true));
      };
      this.socket.once('drain', onDrain);
      this.#onClosed.add(onClosed);
    });
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  async startTls(options: TlsOptions): Promise<ByteSocket> {
    const raw = this.socket;
    // Detach first: after the upgrade the raw socket carries ciphertext, which must reach nobody.
    raw.off('data', this.#onData);
    raw.off('error', this.#onError);
    raw.off('close', this.#onClose);
    raw.pause();
    this.#handlers = undefined;
    // Loaded on first use: most connections (a local server, sslmode=disable, a refused SSLRequest)
    // never upgrade, and loading node:tls costs every process ~10 ms of start-up.
    const { connect: tlsConnect } = await import('node:tls');
    const secure = tlsConnect({
      socket: raw,
      // host drives certificate checks; SNI (servername) must not be an IP address (RFC 6066).
      host: options.servername,
      ...(net.isIP(options.servername) ? {} : { servername: options.servername }),
      rejectUnauthorized: options.rejectUnauthorized,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
    // destroy() on this (old) socket during the handshake must still reach the live one.
    this.#upgrading = secure;
    return new Promise<ByteSocket>((resolve, reject) => {
      const fail = (error?: Error) => {
        secure.off('secureConnect', onSecure);
        secure.destroy();
        const reason = error?.message ?? 'socket closed';
        reject(new ConnectionError(`TLS handshake failed: ${reason}`, true, { cause: error ?? this.#error }));
      };
      const onClose = () => fail();
      const onSecure = () => {
        secure.off('error', fail);
        secure.off('close', onClose);
        resolve(new NodeByteSocket(secure));
      };
      secure.once('error', fail);
      secure.once('close', onClose);
      secure.once('secureConnect', onSecure);
    });
  }

  close(timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.socket.destroy(), timeoutMs);
      this.#onClosed.add(() => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
      // 'close' waits for the peer's EOF too, which a paused socket would never read.
      this.socket.resume();
    });
  }

  destroy(error?: Error): void {
    if (error) this.#error ??= error;
    this.socket.destroy();
    this.#upgrading?.destroy();
  }
}

/** Opens a TCP connection with Nagle off (the driver batches writes itself). */
export const nodeSocket: SocketFactory = ({ host, port, signal }) =>
  new Promise<ByteSocket>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortError(`connecting to ${host}:${port} was aborted`, { cause: signal.reason }));
      return;
    }
    const socket = net.connect({ host, port });
    const settle = () => {
      socket.off('connect', onConnect);
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const onConnect = () => {
      settle();
      socket.setNoDelay(true);
      // A peer that vanishes without a FIN (power loss, NAT timeout) is noticed instead of waited on.
      socket.setKeepAlive(true, 60_000);
      resolve(new NodeByteSocket(socket));
    };
    const onError = (error: Error) => {
      settle();
      socket.destroy();
      reject(
        new ConnectionError(`could not connect to ${host}:${port}: ${error.message}`, false, {
          cause: error,
        }),
      );
    };
    const onAbort = () => {
      settle();
      socket.destroy();
      reject(new AbortError(`connecting to ${host}:${port} was aborted`, { cause: signal?.reason }));
    };
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Connects to PostgreSQL over Node's `net`/`tls`. */
export function connect(config: string | ConnectOptions): Promise<Connection> {
  return connectWith(nodeSocket, config);
}
