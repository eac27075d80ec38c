/**
 * CancelRequest: a fresh socket to the same server carrying the backend's process id and secret key,
 * encrypted when the session is. The server closes it without answering; the cancelled query's own
 * connection reports the outcome.
 */
import { cancelRequest } from '../messages/frontend.ts';
import type { ByteSocket, SocketFactory } from '../socket.ts';
import { Writer } from '../wire/writer.ts';
import type { ResolvedConfig } from './config.ts';
import { negotiateTls, Relay } from './tls.ts';

/** Sends the request; settles within the connect timeout (plus close timeout) whatever the network does. */
export async function sendCancelRequest(
  factory: SocketFactory,
  config: ResolvedConfig,
  tls: boolean,
  processId: number,
  secretKey: number,
): Promise<void> {
  const signal = AbortSignal.timeout(config.connectTimeout);
  let socket: ByteSocket = await factory({
    host: config.host,
    port: config.port,
    tlsUpgradable: tls,
    signal,
  });
  const onTimeout = () => socket.destroy();
  signal.addEventListener('abort', onTimeout, { once: true });
  try {
    const relay = new Relay();
    socket.start(relay);
    if (tls) ({ socket } = await negotiateTls(socket, relay, config));
    const w = new Writer(16);
    cancelRequest(w, processId, secretKey);
    await socket.write(w.take());
    await socket.close(config.closeTimeout);
  } catch (error) {
    socket.destroy();
    throw error;
  } finally {
    signal.removeEventListener('abort', onTimeout);
  }
}
