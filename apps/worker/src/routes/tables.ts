/**
 * GET /v1/tables (relations outside the system schemas, with the planner's row estimate) and
 * GET /v1/tables/:table (columns as the loader sees them), for the playground's pickers.
 */
// The loader's own reading of a target table, so the playground shows exactly the columns a load
// would map onto.
import { LoadConfigError, listTables, readTableDetail } from '@haul/loader';
import type { Hono } from 'hono';
import type { AppEnv, RouteDeps } from '../app-env.ts';
import type { TablesResponse } from '../contract.ts';
import { withConnection } from '../db/with-connection.ts';
import { jsonError } from '../http/errors.ts';

export function tableRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  app.get('/v1/tables', async (c) => {
    const tables = await withConnection(deps, (conn) => listTables(conn));
    return c.json({ tables } satisfies TablesResponse);
  });

  app.get('/v1/tables/:table', async (c) => {
    const name = c.req.param('table');
    try {
      return c.json(await withConnection(deps, (conn) => readTableDetail(conn, name)));
    } catch (error) {
      if (error instanceof LoadConfigError) return jsonError(c, 404, error.message);
      throw error;
    }
  });
}
