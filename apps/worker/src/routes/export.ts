/**
 * GET /v1/tables/:table/export?format=csv|ndjson|binary&partitions=N&partitionOn=col&header=:
 * `exportRows` streamed as the response body. The first chunk is read before answering, so a
 * missing table or bad column is a 4xx JSON error rather than a 200 that breaks off.
 */
import { type ExportOptions, exportRows } from '@haul/loader';
import type { Hono } from 'hono';
import type { AppEnv, RouteDeps } from '../app-env.ts';
import type { ExportQuery } from '../contract.ts';
import { bool, connectionCount, oneOf, type Query } from '../http/query-params.ts';

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  binary: 'application/octet-stream',
} as const;

export function exportRoutes(app: Hono<AppEnv>, { config, runtime }: RouteDeps): void {
  app.get('/v1/tables/:table/export', async (c) => {
    const query: Query<keyof ExportQuery> = (name) => c.req.query(name);
    const partitions = connectionCount(query, 'partitions', config.maxShards);
    const format = oneOf(query, 'format', ['csv', 'ndjson', 'binary'] as const) ?? 'csv';
    const table = c.req.param('table');
    const options: ExportOptions = {
      url: config.databaseUrl,
      connect: runtime.connect,
      table,
      format,
      signal: c.get('deadline').signal,
    };
    const partitionOn = query('partitionOn');
    if (partitionOn) {
      options.partitionOn = partitionOn;
      // The loader's default with partitionOn is 4; keep within this deployment's cap.
      options.partitions = partitions ?? Math.min(4, config.maxShards);
    } else if (partitions !== undefined) {
      options.partitions = partitions;
    }
    const header = bool(query, 'header');
    if (header !== undefined) options.header = header;

    const reader = exportRows(options).getReader();
    const first = await reader.read(); // throws setup errors here, before the status is sent
    let release!: () => void;
    c.get('deadline').holdUntil(
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        if (first.done) {
          controller.close();
          release();
        } else {
          controller.enqueue(first.value);
        }
      },
      async pull(controller) {
        try {
          const next = await reader.read();
          if (next.done) {
            controller.close();
            release();
          } else {
            controller.enqueue(next.value);
          }
        } catch (error) {
          controller.error(error);
          release();
        }
      },
      async cancel(reason) {
        release();
        await reader.cancel(reason);
      },
    });
    const extension = format === 'binary' ? 'pgcopy' : format;
    return c.body(body, 200, {
      'content-type': CONTENT_TYPES[format],
      'content-disposition': `attachment; filename="${table.replace(/[^\w.-]/g, '_')}.${extension}"`,
      'cache-control': 'no-store',
    });
  });
}
