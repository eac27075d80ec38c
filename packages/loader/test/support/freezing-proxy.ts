/**
 * A TCP proxy in front of PostgreSQL that can freeze: from `freeze()` on, the connections open at that
 * moment stop carrying bytes either way (the peer is alive but silent, as behind a dead NAT or a hung
 * server), while new connections (a CancelRequest) still go through. Closing either side closes both.
 */
import net from 'node:net';

export interface FreezingProxy {
  /** `postgres://…` pointing at the proxy instead of the server. */
  url: string;
  freeze(): void;
  /** Connections through the proxy still open. */
  readonly open: number;
  close(): Promise<void>;
}

export async function freezingProxy(target: string): Promise<FreezingProxy> {
  const upstream = new URL(target);
  const pairs = new Set<{ client: net.Socket; server: net.Socket; frozen: boolean }>();
  const server = net.createServer((client) => {
    const pair = {
      client,
      server: net.connect(Number(upstream.port || 5432), upstream.hostname),
      frozen: false,
    };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      pair.server.destroy();
    };
    for (const socket of [client, pair.server]) {
      socket.on('error', end);
      socket.on('close', end);
    }
    client.on('data', (bytes) => {
      if (!pair.frozen) pair.server.write(bytes);
    });
    pair.server.on('data', (bytes) => {
      if (!pair.frozen) client.write(bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    freeze() {
      for (const pair of pairs) {
        pair.frozen = true;
        // Stop reading too, so the sender's writes back up as they would against a silent peer.
        pair.client.pause();
        pair.server.pause();
      }
    },
    get open() {
      return pairs.size;
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.server.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
