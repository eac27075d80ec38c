/**
 * The Node entry: `pnpm start` (tsx apps/worker/src/entries/node.ts). Serves createApp with
 * @hono/node-server and the WebSocket proxy on the same port. Without DATABASE_URL it starts an
 * embedded PostgreSQL (so a fresh machine with only Node works); without HAUL_TOKEN it makes one up.
 * Prints the URL and token; stops cleanly on SIGINT/SIGTERM.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { connect } from '@haul/protocol/node';
import { serve } from '@hono/node-server';
import { startEmbeddedPostgres } from '../../../../tools/embedded-postgres.ts';
import { createApp } from '../app.ts';
import type { WorkerConfig } from '../app-contract.ts';
import { configFromEnv } from '../config.ts';
import { attachWsProxy } from './node-ws.ts';

export interface NodeServerOptions {
  /** TCP port; 0 picks a free one. Default: PORT from env, else 8787. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1 (HAUL_HOST to change). */
  hostname?: string;
  /** Environment to read the configuration from; default process.env. */
  env?: Record<string, string | undefined>;
}

export interface NodeServer {
  /** `http://host:port`, the base URL of the API. */
  url: string;
  token: string;
  databaseUrl: string;
  config: WorkerConfig;
  /** Stops the server (dropping open connections) and the embedded database, if one was started. */
  close(): Promise<void>;
}

const DEFAULT_PORT = 8787;

export async function startNodeServer(options: NodeServerOptions = {}): Promise<NodeServer> {
  const env = { ...(options.env ?? process.env) };
  let stopDatabase = async () => {};
  if (!env['DATABASE_URL']) {
    const embedded = await startEmbeddedPostgres();
    env['DATABASE_URL'] = embedded.url;
    stopDatabase = embedded.stop;
  }
  // 32 random bytes as hex: valid as a bearer token and unguessable.
  env['HAUL_TOKEN'] ||= Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');

  let config: WorkerConfig;
  try {
    config = configFromEnv(env);
  } catch (error) {
    await stopDatabase();
    throw error;
  }
  const app = createApp(config, { name: 'node', connect });
  const port = options.port ?? (env['PORT'] ? Number(env['PORT']) : DEFAULT_PORT);
  const hostname = options.hostname ?? env['HAUL_HOST'] ?? '127.0.0.1';

  const { server, address } = await new Promise<{ server: http.Server; address: AddressInfo }>(
    (resolve, reject) => {
      // Plain HTTP/1.1 (no http2 options given), so this is an http.Server.
      const server = serve({ fetch: app.fetch, port, hostname }, (info) =>
        resolve({ server, address: info }),
      ) as http.Server;
      server.once('error', reject);
    },
  );
  const proxy = attachWsProxy(server, config);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      proxy.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await stopDatabase();
    })();
    return closing;
  };
  return {
    url: `http://${host}:${address.port}`,
    token: config.token,
    databaseUrl: config.databaseUrl,
    config,
    close,
  };
}

async function main(): Promise<void> {
  const usingEmbedded = !process.env['DATABASE_URL'];
  if (usingEmbedded) console.log('DATABASE_URL is not set: starting an embedded PostgreSQL…');
  const server = await startNodeServer();
  console.log(`haul worker listening on ${server.url} (runtime: node)`);
  console.log(
    `database: ${usingEmbedded ? `${server.databaseUrl} (embedded, deleted on exit)` : 'DATABASE_URL'}`,
  );
  console.log(`token:    ${server.token}`);
  console.log(`try:      curl -H 'Authorization: Bearer ${server.token}' ${server.url}/v1/tables`);
  const stop = (signal: string) => {
    console.log(`\n${signal}: stopping…`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
