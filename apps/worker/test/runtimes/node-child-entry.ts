/**
 * The Node worker as its own process for tests that measure it (peak RSS from /proc): startNodeServer
 * on PORT with the environment's DATABASE_URL and HAUL_TOKEN, without the playground page (main() in
 * entries/node.ts would build it first). Prints the same listening line as the other entries.
 */
import { startNodeServer } from '../../src/entries/node.ts';

const server = await startNodeServer({ port: Number(process.env['PORT'] ?? 0), playground: false });
console.log(`haul worker listening on ${server.url} (runtime: node)`);
