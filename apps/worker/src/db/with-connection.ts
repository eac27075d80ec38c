/** A short query's connection: opened for the work, closed after it. */
import type { Connection, ConnectOptions } from '@haul/protocol';
import type { RouteDeps } from '../app-env.ts';

/**
 * Runs `work` (a short query) on a fresh connection, closing it afterwards; through Hyperdrive when the
 * deployment has it (`queryDatabaseUrl`). `options` add to the URL's settings (e.g. `types`).
 */
export async function withConnection<T>(
  deps: RouteDeps,
  work: (conn: Connection) => Promise<T>,
  options: Omit<ConnectOptions, 'url'> = {},
): Promise<T> {
  const url = deps.config.queryDatabaseUrl ?? deps.config.databaseUrl;
  const conn = await deps.runtime.connect({ ...options, url });
  try {
    return await work(conn);
  } finally {
    await conn.close().catch(() => {});
  }
}
