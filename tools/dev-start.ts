/**
 * `pnpm start`: the product on one port, on a fresh machine with only Node. Composes what the worker's
 * Node entry does not do itself:
 *
 * 1. builds the playground page when it is missing or stale (apps/playground/scripts/ensure-built.ts);
 * 2. uses DATABASE_URL, or starts an embedded PostgreSQL 18 in a temp directory when it is unset;
 * 3. makes up a token when HAUL_TOKEN is unset;
 * 4. starts the worker's Node entry (startNodeServer) with that URL, token and page;
 * 5. on SIGINT/SIGTERM closes the server and stops the embedded database, deleting its directory
 *    (tools/embedded-postgres-exit.ts already stops it on the signal; a Ctrl+C in the terminal
 *    signals the postgres process too), then exits.
 *
 * Every other setting (PORT, HAUL_HOST, HAUL_MAX_SHARDS, …) goes to the entry through the environment.
 * `--api-only` skips the page: nothing is built and nothing is served at /.
 *
 *   pnpm start [--api-only]
 */
import { type EnsureResult, ensurePlaygroundBuilt } from '../apps/playground/scripts/ensure-built.ts';
import { type NodeServer, startNodeServer } from '../apps/worker/src/entries/node.ts';
import { resolveDatabaseUrl } from './embedded-postgres.ts';

/** 32 random bytes as hex: valid as a bearer token and unguessable. */
function makeToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');
}

async function main(): Promise<void> {
  const apiOnly = process.argv.includes('--api-only');
  const page: EnsureResult = apiOnly
    ? { dist: undefined, built: false }
    : await ensurePlaygroundBuilt((line) => console.log(line));
  if (page.error) {
    console.error(`could not build the playground page: ${page.error}`);
    console.error(page.dist ? 'serving the previous build' : 'serving the API only');
  }

  const embedded = !process.env['DATABASE_URL'];
  if (embedded) console.log('DATABASE_URL is not set: starting an embedded PostgreSQL…');
  const database = await resolveDatabaseUrl();
  let server: NodeServer;
  try {
    server = await startNodeServer({
      databaseUrl: database.url,
      env: { ...process.env, HAUL_TOKEN: process.env['HAUL_TOKEN'] || makeToken() },
      ...(page.dist ? { assetsDir: page.dist } : {}),
    });
  } catch (error) {
    await database.stop();
    throw error;
  }

  console.log(`haul worker listening on ${server.url} (runtime: node)`);
  console.log(`database: ${embedded ? `${database.url} (embedded, deleted on exit)` : 'DATABASE_URL'}`);
  console.log(`token:    ${server.token}`);
  console.log(`try:      curl -H 'Authorization: Bearer ${server.token}' ${server.url}/v1/tables`);
  if (page.dist) console.log(`open ${server.url}/#token=${encodeURIComponent(server.token)}`);

  let stopping = false;
  const stop = (signal: string) => {
    // A second Ctrl+C while stopping changes nothing: the database's exit hook is the backstop.
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    server
      .close()
      .finally(() => database.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
