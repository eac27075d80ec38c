/**
 * The Node entry: `pnpm start` (tsx apps/worker/src/entries/node.ts). Serves createApp with
 * @hono/node-server, the WebSocket proxy and the playground page (apps/playground/dist, built first
 * when missing or stale) on the same port. Without DATABASE_URL it starts an embedded PostgreSQL (so
 * a fresh machine with only Node works); without HAUL_TOKEN it makes one up. Prints the page's URL
 * with the token; stops cleanly on SIGINT/SIGTERM.
 */

import { existsSync } from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connect } from '@haul/protocol/node';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { startEmbeddedPostgres } from '../../../../tools/embedded-postgres.ts';
import { ensurePlaygroundBuilt, PLAYGROUND_DIST } from '../../../playground/scripts/ensure-built.ts';
import { createApp } from '../app.ts';
import type { WorkerConfig, WorkerRuntime } from '../app-contract.ts';
import { configFromEnv } from '../config.ts';
import { attachWsProxy } from './node-ws.ts';

export interface NodeServerOptions {
  /** TCP port; 0 picks a free one. Default: PORT from env, else 8787. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1 (HAUL_HOST to change). */
  hostname?: string;
  /** Environment to read the configuration from; default process.env. */
  env?: Record<string, string | undefined>;
  /**
   * Directory of the playground page to serve at / (no auth); false: none. Default: apps/playground/dist
   * when it has been built (startNodeServer never builds it; `pnpm start` does, see main()).
   */
  playground?: string | false;
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
  const runtime: WorkerRuntime = { name: 'node', connect };
  const playground =
    options.playground ?? (existsSync(join(PLAYGROUND_DIST, 'index.html')) ? PLAYGROUND_DIST : false);
  if (playground) runtime.staticAssets = playgroundAssets(playground);
  const app = createApp(config, runtime);
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

/**
 * The built page's files. index.html is revalidated on every load (it names the current build's
 * assets); the hashed files under assets/ never change, so browsers may keep them.
 */
function playgroundAssets(root: string): MiddlewareHandler {
  return serveStatic({
    root,
    onFound: (path, c) => {
      c.header(
        'Cache-Control',
        path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
}

async function main(): Promise<void> {
  const page = await ensurePlaygroundBuilt((line) => console.log(line));
  if (page.error) {
    console.error(`could not build the playground page: ${page.error}`);
    console.error(page.dist ? 'serving the previous build' : 'serving the API only');
  }
  const usingEmbedded = !process.env['DATABASE_URL'];
  if (usingEmbedded) console.log('DATABASE_URL is not set: starting an embedded PostgreSQL…');
  const server = await startNodeServer({ playground: page.dist ?? false });
  console.log(`haul worker listening on ${server.url} (runtime: node)`);
  console.log(
    `database: ${usingEmbedded ? `${server.databaseUrl} (embedded, deleted on exit)` : 'DATABASE_URL'}`,
  );
  console.log(`token:    ${server.token}`);
  console.log(`try:      curl -H 'Authorization: Bearer ${server.token}' ${server.url}/v1/tables`);
  if (page.dist) console.log(`open ${server.url}/#token=${encodeURIComponent(server.token)}`);
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
