/**
 * SSLRequest and the TLS upgrade, per sslmode. Used for the session and for its CancelRequests, so a
 * cancel key never crosses the network in clear when the session itself is encrypted.
 */
import { ConfigError, ConnectionError, ProtocolError } from '../errors.ts';
import { sslRequest } from '../messages/frontend.ts';
import type { ByteSocket, SocketHandlers } from '../socket.ts';
import { Writer } from '../wire/writer.ts';
import type { ResolvedConfig } from './config.ts';

/** Forwards socket events to whoever currently owns them (TLS negotiation, startup, then the connection). */
export class Relay implements SocketHandlers {
  target: SocketHandlers = { data: () => {}, end: () => {} };
  data(chunk: Uint8Array): void {
    this.target.data(chunk);
  }
  end(error?: Error): void {
    this.target.end(error);
  }
}

export interface Negotiated {
  socket: ByteSocket;
  relay: Relay;
  /** Whether the socket is now encrypted. */
  tls: boolean;
}

/** Sends SSLRequest on a started socket and upgrades if the server agrees; honours sslmode. */
export async function negotiateTls(
  socket: ByteSocket,
  relay: Relay,
  config: ResolvedConfig,
): Promise<Negotiated> {
  const where = `${config.host}:${config.port}`;
  if (!socket.startTls) {
    if (config.sslmode === 'prefer') return { socket, relay, tls: false };
    throw new ConfigError(
      `sslmode=${config.sslmode} needs TLS, which this socket adapter cannot do (use sslmode=disable)`,
    );
  }
  const answer = await new Promise<number>((resolve, reject) => {
    relay.target = {
      // More than one byte here would be a man-in-the-middle injecting plaintext before TLS (CVE-2021-23222).
      data: (chunk) => {
        // Stop reading before the upgrade: Deno refuses to start TLS while a read is in flight.
        socket.pause();
        if (chunk.length === 1) resolve(chunk[0]!);
        else reject(new ProtocolError(`server at ${where} sent unexpected data after SSLRequest`));
      },
      end: (error) =>
        reject(
          new ConnectionError(`connection to ${where} closed during TLS negotiation`, false, {
            cause: error,
          }),
        ),
    };
    const w = new Writer(8);
    sslRequest(w);
    socket.write(w.take())?.catch(reject);
  });
  if (answer === 0x4e /* N */) {
    socket.resume();
    if (config.sslmode === 'prefer') return { socket, relay, tls: false };
    throw new ConnectionError(`server at ${where} does not accept TLS (sslmode=${config.sslmode})`, false);
  }
  if (answer !== 0x53 /* S */) {
    throw new ProtocolError(
      `unexpected answer 0x${answer.toString(16)} to SSLRequest from ${where}: not a PostgreSQL server?`,
    );
  }
  let upgraded: ByteSocket;
  try {
    upgraded = await socket.startTls({
      servername: config.host,
      rejectUnauthorized: config.sslmode === 'verify-full',
      ...(config.ca === undefined ? {} : { ca: config.ca }),
    });
  } catch (error) {
    // The adapter wraps the runtime's TLS error; keep that one (it has the code, e.g. ERR_TLS_CERT_ALTNAME_INVALID).
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    const hint =
      config.sslmode === 'verify-full'
        ? " (pass the server's CA certificate as `ca`, or use sslmode=require)"
        : '';
    throw new ConnectionError(
      `TLS handshake with ${where} failed (sslmode=${config.sslmode}): ${reason}${hint}`,
      false,
      {
        cause,
      },
    );
  }
  const next = new Relay();
  upgraded.start(next);
  return { socket: upgraded, relay: next, tls: true };
}
