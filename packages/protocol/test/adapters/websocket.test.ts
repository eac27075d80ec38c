import { afterAll, beforeAll } from 'vitest';
import { WebSocket } from 'ws';
import { webSocketSocket } from '../../src/adapters/websocket.ts';
import { socketCases } from '../socket.case.ts';
import { startWsProxy, type WsProxy } from '../support/ws-proxy.ts';

let proxy: WsProxy;
beforeAll(async () => {
  proxy = await startWsProxy();
});
afterAll(() => proxy.close());

socketCases('websocket via ws-proxy', {
  factory: () => webSocketSocket({ url: proxy.url, WebSocket }),
  allow: (host, port) => proxy.allow(host, port),
  skip: {
    tls: 'TLS is the wss:// URL’s job; the adapter has no startTls',
    'tls unverified': 'TLS is the wss:// URL’s job; the adapter has no startTls',
  },
});
