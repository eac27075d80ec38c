/**
 * The Hono app every entry serves: `createApp(config, runtime).fetch`. Runtime-agnostic (Web APIs
 * only): what differs between Node and workerd comes in through `runtime`.
 *
 * Order matters: the deadline first (it captures the client's abort signal before anything replaces
 * the request), then CORS (preflights carry no token), then the WebSocket route (authenticated by its
 * own handler: browsers cannot set headers on a WebSocket), then the playground's static files (public,
 * outside /v1 and /healthz), then bearer auth and body limits.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { WorkerConfig, WorkerRuntime } from './app-contract.ts';
import type { AppEnv, RouteDeps } from './app-env.ts';
import { bearerAuth } from './http/bearer-auth.ts';
import { deadline } from './http/deadline.ts';
import { errorResponse, jsonError } from './http/errors.ts';
import { databaseRoutes } from './routes/database.ts';
import { exportRoutes } from './routes/export.ts';
import { healthRoutes } from './routes/health.ts';
import { loadRoutes } from './routes/load.ts';
import { sqlRoutes } from './routes/sql.ts';
import { tableRoutes } from './routes/tables.ts';

const LOAD_PATH = /^\/v1\/tables\/[^/]+\/load$/;

function isApiPath(path: string): boolean {
  return path === '/v1' || path.startsWith('/v1/') || path === '/healthz';
}

export function createApp(config: WorkerConfig, runtime: WorkerRuntime): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const deps: RouteDeps = { config, runtime };

  app.onError((error, c) => errorResponse(c, error));
  app.notFound((c) => jsonError(c, 404, `no route for ${c.req.method} ${c.req.path}`));

  app.use('*', deadline(config.requestTimeoutMs));
  if (config.corsOrigin) {
    app.use(
      '*',
      cors({
        origin: config.corsOrigin,
        allowHeaders: ['Authorization', 'Content-Type', 'Content-Encoding'],
        allowMethods: ['GET', 'POST', 'OPTIONS'],
        maxAge: 600,
      }),
    );
  }

  // An error answered before the request body was read (413, a refused load) leaves the client's
  // upload unread on the connection; telling it to close stops the client from reusing the socket
  // and having its next request fail when the server drops it.
  app.use('*', async (c, next) => {
    await next();
    if (c.res.status >= 400 && c.req.raw.body && !c.req.raw.bodyUsed) {
      try {
        c.res.headers.set('connection', 'close');
      } catch {
        // Immutable headers (a passed-through Response): nothing to add.
      }
    }
  });

  healthRoutes(app, deps);
  if (runtime.webSocketProxy) app.get('/v1/ws', runtime.webSocketProxy);
  // The playground page: public files, mounted before auth but never over the API's paths.
  const assets = runtime.staticAssets;
  if (assets) app.on(['GET', 'HEAD'], '*', (c, next) => (isApiPath(c.req.path) ? next() : assets(c, next)));

  app.use('/v1/*', bearerAuth(config.token));
  // hono/body-limit buffers bodies sent without Content-Length to count them, fine for JSON but not
  // for uploads: loads get their own streaming limit (routes/load.ts). A JSON body is read whole, so
  // it has its own, smaller cap too; the message names whichever binds.
  const jsonCap =
    config.sqlMaxBodyBytes < config.maxBodyBytes
      ? { bytes: config.sqlMaxBodyBytes, setting: 'HAUL_SQL_MAX_BODY_BYTES' }
      : { bytes: config.maxBodyBytes, setting: 'HAUL_MAX_BODY_BYTES' };
  const limit = bodyLimit({
    maxSize: jsonCap.bytes,
    onError: (c) =>
      jsonError(
        c,
        413,
        `the request body is larger than the ${jsonCap.bytes}-byte limit (${jsonCap.setting})`,
      ),
  });
  app.use('/v1/*', async (c, next) => (LOAD_PATH.test(c.req.path) ? next() : limit(c, next)));

  databaseRoutes(app, deps);
  tableRoutes(app, deps);
  sqlRoutes(app, deps);
  loadRoutes(app, deps);
  exportRoutes(app, deps);
  return app;
}
