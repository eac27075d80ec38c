/**
 * Opening a connection: socket, optional TLS after SSLRequest, startup and authentication, all under
 * one connect timeout. Each runtime adapter binds this to its socket factory as `connect`.
 */
import { ConnectionError, HaulError, PostgresError, TimeoutError } from '../errors.ts';
import { decodeBackend } from '../messages/backend.ts';
import { Framer } from '../messages/framer.ts';
import type { ByteSocket, SocketFactory } from '../socket.ts';
import { SqlState } from '../sql-state.ts';
import { Writer } from '../wire/writer.ts';
import { type ConnectOptions, type ResolvedConfig, resolveConfig } from './config.ts';
import { Connection } from './connection.ts';
import { Startup, type StartupResult } from './startup.ts';
import { negotiateTls, Relay } from './tls.ts';

export type { ConnectOptions };

export async function connectWith(
  factory: SocketFactory,
  input: string | ConnectOptions,
): Promise<Connection> {
  const config = resolveConfig(input);
  const deadline = AbortSignal.timeout(config.connectTimeout);
  const where = `${config.host}:${config.port}`;
  try {
    try {
      return await attempt(factory, config, config.sslmode !== 'disable', deadline);
    } catch (error) {
      // Like libpq, `prefer` retries in plaintext when pg_hba refuses the encrypted session (hostnossl rules).
      if (!(error instanceof TlsSessionRefused)) throw error;
      return await attempt(factory, config, false, deadline);
    }
  } catch (error) {
    if (deadline.aborted) {
      throw new TimeoutError(`connecting to ${where} timed out after ${config.connectTimeout} ms`, 'connect');
    }
    const cause = error instanceof TlsSessionRefused ? error.cause : error;
    if (cause instanceof HaulError) throw cause;
    throw new ConnectionError(`could not connect to ${where}: ${(cause as Error).message}`, false, { cause });
  }
}

/** pg_hba refused a TLS session under sslmode=prefer: worth one plaintext try. */
class TlsSessionRefused extends Error {}

async function attempt(
  factory: SocketFactory,
  config: ResolvedConfig,
  wantsTls: boolean,
  deadline: AbortSignal,
): Promise<Connection> {
  let socket: ByteSocket | undefined;
  const onTimeout = () => socket?.destroy();
  deadline.addEventListener('abort', onTimeout, { once: true });
  try {
    socket = await factory({
      host: config.host,
      port: config.port,
      tlsUpgradable: wantsTls,
      signal: deadline,
    });
    let relay = new Relay();
    socket.start(relay);
    let tls = false;
    if (wantsTls) ({ socket, relay, tls } = await negotiateTls(socket, relay, config));
    const framer = new Framer(config.maxMessageSize);
    let started: StartupResult;
    try {
      started = await runStartup(socket, relay, framer, config);
    } catch (error) {
      if (
        tls &&
        config.sslmode === 'prefer' &&
        error instanceof PostgresError &&
        error.code === SqlState.InvalidAuthorizationSpecification
      ) {
        throw new TlsSessionRefused(error.message, { cause: error });
      }
      throw error;
    }
    const connection = new Connection(socket, config, factory, started, framer, tls);
    relay.target = { data: (c) => connection.receive(c), end: (e) => connection.ended(e) };
    return connection;
  } catch (error) {
    socket?.destroy();
    throw error;
  } finally {
    deadline.removeEventListener('abort', onTimeout);
  }
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
