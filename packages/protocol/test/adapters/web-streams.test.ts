/**
 * The shared Web-streams socket (under Cloudflare and Deno) run through the conformance suite on
 * Node, whose `Duplex.toWeb` gives the same `{ readable, writable }` shape.
 */
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { type StreamTransport, WebStreamSocket } from '../../src/adapters/web-streams.ts';
import { AbortError, ConnectionError } from '../../src/errors.ts';
import type { SocketFactory } from '../../src/socket.ts';
import { socketCases } from '../socket.case.ts';

function transport(socket: net.Socket): StreamTransport {
  const { readable, writable } = Duplex.toWeb(socket);
  return {
    readable: readable as ReadableStream<Uint8Array>,
    writable: writable as WritableStream<Uint8Array>,
    close: () => void socket.destroy(),
    upgrade: (options) =>
      new Promise((resolve, reject) => {
        const secure = tls.connect({
          socket,
          host: options.servername,
          rejectUnauthorized: options.rejectUnauthorized,
          ca: options.ca,
        });
        secure.once('secureConnect', () => resolve(transport(secure)));
        secure.once('error', reject);
      }),
  };
}

const nodeWebStreams: SocketFactory = ({ host, port, signal }) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError('aborted', { cause: signal.reason }));
    const socket = net.connect({ host, port });
    signal?.addEventListener('abort', () => {
      socket.destroy();
      reject(new AbortError('aborted', { cause: signal.reason }));
    });
    socket.once('error', (error) => reject(new ConnectionError(error.message, false, { cause: error })));
    socket.once('connect', () => resolve(new WebStreamSocket(transport(socket))));
  });

socketCases('web streams (Node Duplex.toWeb)', { factory: () => nodeWebStreams });
