/**
 * CancelRequest: a fresh socket to the same server carrying the backend's process id and secret key.
 * The server closes it without answering; the cancelled query's own connection reports the outcome.
 */
import { cancelRequest } from '../messages/frontend.ts';
import type { SocketFactory } from '../socket.ts';
import { Writer } from '../wire/writer.ts';
import type { ResolvedConfig } from './config.ts';

/** Sends the request; settles within the connect timeout whatever the network does. */
export async function sendCancelRequest(
  factory: SocketFactory,
  config: ResolvedConfig,
  processId: number,
  secretKey: number,
): Promise<void> {
  const signal = AbortSignal.timeout(config.connectTimeout);
  const socket = await factory({ host: config.host, port: config.port, tlsUpgradable: false, signal });
  const w = new Writer(16);
  cancelRequest(w, processId, secretKey);
  socket.start({ data: () => {}, end: () => {} });
  await socket.write(w.take());
  await socket.close(config.closeTimeout);
}
