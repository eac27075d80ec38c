/** The Node adapter with taps on the bytes written and read, for tests that count what goes over the wire. */
import { nodeSocket } from '../../src/adapters/node.ts';
import type { ByteSocket, SocketFactory } from '../../src/socket.ts';

export interface SocketTaps {
  written?(chunk: Uint8Array): void;
  read?(chunk: Uint8Array): void;
}

export function observingSocket(taps: SocketTaps): SocketFactory {
  return async (options) => {
    const socket = await nodeSocket(options);
    const wrapped: ByteSocket = {
      start: (handlers) =>
        socket.start({
          data: (chunk) => {
            taps.read?.(chunk);
            handlers.data(chunk);
          },
          end: (e) => handlers.end(e),
        }),
      write: (chunk) => {
        taps.written?.(chunk);
        return socket.write(chunk);
      },
      pause: () => socket.pause(),
      resume: () => socket.resume(),
      close: (t) => socket.close(t),
      destroy: (e) => socket.destroy(e),
    };
    return wrapped;
  };
}
