/**
 * The Cloudflare adapter's own code (connect options, `opened`, abort, error mapping) through the
 * conformance suite, with `cloudflare:sockets` replaced by a Node stand-in of the same shape. workerd
 * itself is exercised by the worker app's tests.
 */
import net from 'node:net';
import { Duplex } from 'node:stream';
import { vi } from 'vitest';
import { cloudflareSocket } from '../../src/adapters/cloudflare.ts';
import { socketCases } from '../socket.case.ts';

const calls = vi.hoisted(() => [] as Array<{ secureTransport?: string; allowHalfOpen?: boolean }>);

vi.mock('cloudflare:sockets', () => ({
  connect(
    address: { hostname: string; port: number },
    options: { secureTransport?: string; allowHalfOpen?: boolean },
  ) {
    calls.push(options);
    const socket = net.connect({
      host: address.hostname,
      port: address.port,
      allowHalfOpen: options.allowHalfOpen,
    });
    const { readable, writable } = Duplex.toWeb(socket);
    return {
      readable,
      writable,
      // Like Workers: `opened` rejects if the connection fails.
      opened: new Promise((resolve, reject) => {
        socket.once('connect', () => resolve({}));
        socket.once('error', reject);
      }),
      closed: new Promise<void>((resolve) => socket.once('close', () => resolve())),
      close: async () => void socket.destroy(),
      startTls: () => {
        throw new Error('not simulated');
      },
    };
  },
}));

socketCases('cloudflare (cloudflare:sockets stood in by node:net)', {
  factory: () => async (options) => {
    const socket = await cloudflareSocket(options);
    const last = calls.at(-1);
    if (
      last?.allowHalfOpen !== false ||
      last.secureTransport !== (options.tlsUpgradable ? 'starttls' : 'off')
    ) {
      throw new Error(`unexpected connect options ${JSON.stringify(last)}`);
    }
    return socket;
  },
  skip: {
    tls: 'Workers verify against their own trust store; covered under workerd by the worker app',
    'tls unverified': 'Workers always verify certificates',
  },
});
