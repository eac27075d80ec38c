/**
 * The Engine backed by a Haul worker: tables, load and export over its HTTP API, and the SQL console
 * over its WebSocket proxy with our protocol core running in the page (ws-sql.ts).
 */
import {
  type DatabaseInfo,
  type ExportQuery,
  type HealthResponse,
  loadQuery,
  type SqlRequestBody,
  type SqlResponse,
  type TablesResponse,
} from '@haul/worker/contract';
import {
  type Engine,
  EngineError,
  type ExportFormat,
  type LoadEvent,
  type LoadOutcome,
  type LoadRequest,
  type SqlStatement,
  type StatementResult,
  type SyncMode,
  type TableDetail,
  type TableSummary,
} from './contract.ts';
import { ndjsonLines } from './ndjson.ts';
import { unreachable, WorkerHttp } from './worker-http.ts';
import { WsSqlSession } from './ws-sql.ts';

const CONTENT_TYPES: Record<LoadRequest['format'], string> = {
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  ndjson: 'application/x-ndjson',
};

/**
 * Checks the worker step by step so a failure names the step: reachable (/healthz), the token
 * accepted (/v1/database), the database reachable (a query through /v1/sql).
 */
export async function connectWorkerEngine(
  workerUrl: string,
  token: string,
  signal?: AbortSignal,
): Promise<Engine> {
  const baseUrl = normalizeBaseUrl(workerUrl);
  if (token.trim() === '') {
    throw new EngineError('Enter the token: pnpm start prints it (HAUL_TOKEN).', 401, undefined);
  }
  const http = new WorkerHttp(baseUrl, token.trim());
  const runtime = await health(baseUrl, signal);
  const database = await http.json<DatabaseInfo>('/v1/database', signal ? { signal } : {});
  const version = await serverVersion(http, signal);
  const maxShards = database.maxShards;
  return new WorkerEngine(http, maxShards, `worker ${baseUrl} (${runtime}) · PostgreSQL ${version}`);
}

export function normalizeBaseUrl(value: string): string {
  const trimmed = value.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new EngineError(
      `"${trimmed}" is not a URL: enter the worker's address, e.g. http://127.0.0.1:8787`,
      undefined,
      undefined,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EngineError(
      `The worker URL must start with http:// or https:// (got ${url.protocol})`,
      undefined,
      undefined,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

async function health(baseUrl: string, signal?: AbortSignal): Promise<string> {
  let body: unknown;
  try {
    const response = await fetch(`${baseUrl}/healthz`, signal ? { signal } : {});
    body = await response.json();
  } catch (error) {
    if (error instanceof SyntaxError) body = undefined;
    else throw unreachable(baseUrl, error);
  }
  const runtime = (body as Partial<HealthResponse> | undefined)?.runtime;
  if (typeof runtime !== 'string') {
    throw new EngineError(
      `${baseUrl} answered, but it is not a Haul worker (no /healthz).`,
      undefined,
      undefined,
    );
  }
  return runtime;
}

async function serverVersion(http: WorkerHttp, signal?: AbortSignal): Promise<string> {
  const request: SqlRequestBody = {
    statements: [{ sql: "select current_setting('server_version') as version" }],
  };
  const body = await http.json<SqlResponse>('/v1/sql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
    ...(signal ? { signal } : {}),
  });
  const first = body.results[0];
  if (!first?.ok) {
    throw new EngineError(
      `The database answered with an error: ${first?.error.message ?? 'no result'}`,
      502,
      undefined,
    );
  }
  return String(first.rows[0]?.['version'] ?? '?');
}

class WorkerEngine implements Engine {
  readonly kind = 'worker' as const;
  readonly #sql: WsSqlSession;

  constructor(
    readonly http: WorkerHttp,
    /** The worker's HAUL_MAX_SHARDS, from /v1/database. */
    readonly maxShards: number,
    readonly label: string,
  ) {
    this.#sql = new WsSqlSession(http);
  }

  async tables(signal?: AbortSignal): Promise<TableSummary[]> {
    const body = await this.http.json<TablesResponse>('/v1/tables', signal ? { signal } : {});
    return body.tables;
  }

  async table(name: string, signal?: AbortSignal): Promise<TableDetail | null> {
    // A plain name is looked up in the list first: asking for a missing table is a 404, which the
    // browser reports in the console as a failed request, and a new table is the usual case here.
    if (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(name)) {
      const lower = name.toLowerCase();
      const tables = await this.tables(signal);
      if (!tables.some((t) => t.name === lower)) return null;
    }
    try {
      return await this.http.json<TableDetail>(
        `/v1/tables/${encodeURIComponent(name)}`,
        signal ? { signal } : {},
      );
    } catch (error) {
      if (error instanceof EngineError && error.status === 404) return null;
      throw error;
    }
  }

  async load(
    table: string,
    file: Blob,
    request: LoadRequest,
    onEvent: (event: LoadEvent) => void,
    signal: AbortSignal,
  ): Promise<LoadOutcome> {
    // The File itself as the body: Chromium streams a ReadableStream upload only over HTTP/2.
    const response = await this.http.request(`/v1/tables/${encodeURIComponent(table)}/load`, {
      method: 'POST',
      query: loadQuery(request),
      headers: { 'content-type': CONTENT_TYPES[request.format] },
      body: file,
      signal,
    });
    if (!response.body) throw new EngineError('The worker sent no load events.', response.status, undefined);
    let final: LoadOutcome | undefined;
    // Read to the end even after the final event (the worker closes right after it): cancelling a
    // response mid-body shows as a failed request in the browser.
    for await (const event of ndjsonLines(response.body)) {
      const typed = event as LoadEvent;
      if (typed.type === 'report' || typed.type === 'error') final = typed;
      else onEvent(typed);
    }
    if (final) return final;
    throw new EngineError(
      'The connection to the worker ended before the load finished; the worker rolls an unfinished load back.',
      undefined,
      undefined,
    );
  }

  sql(statements: SqlStatement[], sync: SyncMode, signal?: AbortSignal): Promise<StatementResult[]> {
    return this.#sql.run(statements, sync, signal);
  }

  async exportTable(
    table: string,
    format: ExportFormat,
    options: { partitions?: number; partitionOn?: string },
    signal?: AbortSignal,
  ): Promise<Blob> {
    const params: ExportQuery = { format };
    if (options.partitions !== undefined) params.partitions = options.partitions;
    if (options.partitionOn) params.partitionOn = options.partitionOn;
    const query = new URLSearchParams(
      Object.entries(params).map(([name, value]): [string, string] => [name, String(value)]),
    );
    const response = await this.http.request(`/v1/tables/${encodeURIComponent(table)}/export`, {
      query,
      ...(signal ? { signal } : {}),
    });
    return response.blob();
  }

  async close(): Promise<void> {
    await this.#sql.close();
  }
}
