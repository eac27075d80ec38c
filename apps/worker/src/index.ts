/**
 * @haul/worker — the Hono app as a library: `createApp(config, runtime)` to mount in a server or a
 * Worker of your own, `configFromEnv` for the environment variables the entries read. Each runtime's
 * ready-made entry is its own module: `@haul/worker/cloudflare` (a Workers default export),
 * `/node` (`startNodeServer`, `attachWsProxy`), `/deno` and `/bun` (`serve`). `/contract` is the HTTP
 * API as types, for clients.
 */
export { createApp } from './app.ts';
export type { WorkerConfig, WorkerRuntime } from './app-contract.ts';
export { configFromEnv } from './config.ts';
