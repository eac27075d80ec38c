/**
 * Opening a connection: socket, optional TLS after SSLRequest, startup and authentication, all under
 * one connect timeout. Each runtime adapter binds this to its socket factory as `connect`.
 */
import { ConfigError, ConnectionError, HaulError, ProtocolError, TimeoutError } from '../errors.ts';
import { decodeBackend } from '../messages/backend.ts';
import { Framer } from '../messages/framer.ts';
import { sslRequest } from '../messages/frontend.ts';
import type { ByteSocket, SocketFactory, SocketHandlers } from '../socket.ts';
import { Writer } from '../wire/writer.ts';
import { type ConnectOptions, type ResolvedConfig, resolveConfig } from './config.ts';
import { Connection } from './connection.ts';
import { Startup, type StartupResult } from './startup.ts';

export type { ConnectOptions };

/** Forwards socket events to whoever currently owns them (TLS negotiation, startup, then the connection). */
class Relay implements SocketHandlers {
  target: SocketHandlers = { data: () => {}, end: () => {} };
  data(chunk: Uint8Array): void {
    this.target.data(chunk);
  }
  end(error?: Error): void {
    this.target.end(error);
  }
}

export async function connectWith(
  factory: SocketFactory,
  input: string | ConnectOptions,
): Promise<Connection> {
  const config = resolveConfig(input);
  const deadline = AbortSignal.timeout(config.connectTimeout);
  const where = `${config.host}:${config.port}`;
  let socket: ByteSocket | undefined;
  const onTimeout = () => socket?.destroy(new TimeoutError(`connecting to ${where} timed out`, 'connect'));
  deadline.addEventListener('abort', onTimeout, { once: true });
  try {
    const wantsTls = config.sslmode !== 'disable';
    socket = await factory({
      host: config.host,
      port: config.port,
      tlsUpgradable: wantsTls,
      signal: deadline,
    });
    let relay = new Relay();
    socket.start(relay);
    if (wantsTls) ({ socket, relay } = await negotiateTls(socket, relay, config));
    const framer = new Framer(config.maxMessageSize);
    const started = await runStartup(socket, relay, framer, config);
    const connection = new Connection(socket, config, factory, started, framer);
    relay.target = { data: (c) => connection.receive(c), end: (e) => connection.ended(e) };
    return connection;
  } catch (error) {
    socket?.destroy();
    if (deadline.aborted)
      throw new TimeoutError(`connecting to ${where} timed out after ${config.connectTimeout} ms`, 'connect');
    if (error instanceof HaulError) throw error;
    throw new ConnectionError(`could not connect to ${where}: ${(error as Error).message}`, false, {
      cause: error,
    });
  } finally {
    deadline.removeEventListener('abort', onTimeout);
  }
}

/** SSLRequest, then TLS if the server agrees; honours sslmode. */
async function negotiateTls(
  socket: ByteSocket,
  relay: Relay,
  config: ResolvedConfig,
): Promise<{ socket: ByteSocket; relay: Relay }> {
  if (!socket.startTls) {
    if (config.sslmode === 'prefer') return { socket, relay };
    throw new ConfigError(
      `sslmode=${config.sslmode} needs TLS, which this socket adapter cannot do (use sslmode=disable)`,
    );
  }
  const answer = await new Promise<number>((resolve, reject) => {
    relay.target = {
      // More than one byte here would be a man-in-the-middle injecting plaintext before TLS (CVE-2021-23222).
      data: (chunk) =>
        chunk.length === 1
          ? resolve(chunk[0]!)
          : reject(new ProtocolError('server sent unexpected data after SSLRequest')),
      end: (error) =>
        reject(new ConnectionError('connection closed during TLS negotiation', true, { cause: error })),
    };
    const w = new Writer(8);
    sslRequest(w);
    socket.write(w.take())?.catch(reject);
  });
  if (answer === 0x53 /* S */) {
    const tls = await socket.startTls({
      servername: config.host,
      rejectUnauthorized: config.sslmode === 'verify-full',
      ...(config.ca === undefined ? {} : { ca: config.ca }),
    });
    const next = new Relay();
    tls.start(next);
    return { socket: tls, relay: next };
  }
  if (answer === 0x4e /* N */) {
    if (config.sslmode === 'prefer') return { socket, relay };
    throw new ConnectionError(
      `server at ${config.host}:${config.port} does not accept TLS (sslmode=${config.sslmode})`,
      true,
    );
  }
  throw new ProtocolError(
    `unexpected answer 0x${answer.toString(16)} to SSLRequest: not a PostgreSQL server?`,
  );
}

function runStartup(
  socket: ByteSocket,
  relay: Relay,
  framer: Framer,
  config: ResolvedConfig,
): Promise<StartupResult> {
  return new Promise<StartupResult>((resolve, reject) => {
    const w = new Writer(256);
    const startup = new Startup(
      config,
      w,
      () => socket.write(w.take())?.catch(reject),
      (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)),
    );
    relay.target = {
      data: (chunk) => {
        try {
          framer.push(chunk);
          for (let type = framer.next(); type !== -1; type = framer.next()) {
            startup.handle(decodeBackend(type, framer.body));
          }
        } catch (error) {
          reject(error);
        }
      },
      end: (error) =>
        reject(
          new ConnectionError(
            `server closed the connection during startup`,
            true,
            error ? { cause: error } : undefined,
          ),
        ),
    };
    startup.begin();
  });
}
