/**
 * The Cloudflare Workers socket adapter: `connect()` from `cloudflare:sockets`, whose Web streams go
 * through the shared WebStreamSocket. Also the entry point `@haul/protocol/cloudflare`.
 *
 * Workers verify TLS certificates against the public trust store only: `rejectUnauthorized: false`
 * still verifies, and a private `ca` cannot be added.
 */
import { connect as openSocket, type Socket } from 'cloudflare:sockets';
import { type ConnectOptions, connectWith } from '../connection/connect.ts';
import type { Connection } from '../connection/connection.ts';
import { AbortError } from '../errors.ts';
import type { SocketFactory } from '../socket.ts';
import { connectAbortably } from './abortable-connect.ts';
import { type StreamTransport, WebStreamSocket } from './web-streams.ts';

function transport(socket: Socket): StreamTransport {
  return {
    readable: socket.readable,
    writable: socket.writable,
    close: () => socket.close(),
    async upgrade(options) {
      // The old socket is dead from here on; the new one owns the connection.
      const secure = socket.startTls({ expectedServerHostname: options.servername });
      await secure.opened;
      return transport(secure);
    },
  };
}

export const cloudflareSocket: SocketFactory = async ({ host, port, tlsUpgradable, signal }) => {
  const where = `${host}:${port}`;
  if (signal?.aborted) throw new AbortError(`connecting to ${where} was aborted`, { cause: signal.reason });
  // Whether startTls may be called must be known now: Workers fix the socket's TLS mode at connect.
  const socket = openSocket(
    { hostname: host, port },
    { secureTransport: tlsUpgradable ? 'starttls' : 'off', allowHalfOpen: false },
  );
  try {
    await connectAbortably(where, signal, socket.opened, () => {});
  } catch (error) {
    socket.close().catch(() => {});
    throw error;
  }
  return new WebStreamSocket(transport(socket));
};

/** Connects to PostgreSQL over a Workers TCP socket. */
export function connect(config: string | ConnectOptions): Promise<Connection> {
  return connectWith(cloudflareSocket, config);
}
