/**
 * The Deno socket adapter: `Deno.connect()` streams through the shared WebStreamSocket, TLS via
 * `Deno.startTls`. Also the entry point `@haul/protocol/deno`.
 *
 * Deno always verifies certificates (only its `--unsafely-ignore-certificate-errors` flag turns that
 * off): `rejectUnauthorized: false` still verifies; `ca` is honoured.
 */
import { type ConnectOptions, connectWith } from '../connection/connect.ts';
import type { Connection } from '../connection/connection.ts';
import { AbortError } from '../errors.ts';
import type { SocketFactory } from '../socket.ts';
import { connectAbortably } from './abortable-connect.ts';
import type { DenoApi, DenoConn } from './deno-api.ts';
import { type StreamTransport, WebStreamSocket } from './web-streams.ts';

const deno = (globalThis as unknown as { Deno: DenoApi }).Deno;

function transport(conn: DenoConn): StreamTransport {
  return {
    readable: conn.readable,
    writable: conn.writable,
    close: () => conn.close(),
    async upgrade(options) {
      const caCerts = options.ca === undefined ? undefined : [options.ca].flat();
      const secure = await deno.startTls(conn, {
        hostname: options.servername,
        ...(caCerts ? { caCerts } : {}),
      });
      try {
        await secure.handshake();
      } catch (error) {
        secure.close();
        throw error;
      }
      return transport(secure);
    },
  };
}

export const denoSocket: SocketFactory = async ({ host, port, signal }) => {
  const where = `${host}:${port}`;
  if (signal?.aborted) throw new AbortError(`connecting to ${where} was aborted`, { cause: signal.reason });
  const conn = await connectAbortably(where, signal, deno.connect({ hostname: host, port }), (late) =>
    late.close(),
  );
  conn.setNoDelay(true);
  return new WebStreamSocket(transport(conn));
};

/** Connects to PostgreSQL over Deno's TCP (and TLS) connections. */
export function connect(config: string | ConnectOptions): Promise<Connection> {
  return connectWith(denoSocket, config);
}
