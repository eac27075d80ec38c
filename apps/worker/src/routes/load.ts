/**
 * POST /v1/tables/:table/load: the request body, streamed (never buffered), into the sharded loader;
 * the response streams NDJSON events: `progress` lines, `reject` lines (onError=reject), then one
 * `report` or `error` line. A client that disconnects, or the time limit, aborts the load, and an
 * aborted load rolls back.
 */
import { COMMIT_CHOICES, LoadConfigError, type LoadOptions, load, type RejectedRow } from '@haul/loader';
import type { Context, Hono } from 'hono';
import type { AppEnv, RouteDeps } from '../app-env.ts';
import type { ErrorBody, LoadEvent, LoadParam } from '../contract.ts';
import { errorBody, HttpError } from '../http/error-body.ts';
import { errorResponse, httpStatus } from '../http/errors.ts';
import { stringifyJson } from '../http/json.ts';
import {
  bool,
  connectionCount,
  nameList,
  oneOf,
  positiveInt,
  type Query,
  singleChar,
  wholeNumber,
} from '../http/query-params.ts';

const PROGRESS_INTERVAL_MS = 200;
/**
 * How long the response waits for the load to show it started before answering 200: a setup error
 * (no such table, unknown columns) found in that time becomes a plain 400 JSON response.
 */
const SETUP_WAIT_MS = 1000;
/** Events held for a client that reads slower than the load finds rejects. */
const MAX_QUEUED_EVENTS = 1000;
/** The loader's own 'auto' picks at most this many shards. */
const LOADER_AUTO_SHARDS = 4;

type LoadParams = Omit<LoadOptions, 'source' | 'table' | 'url' | 'connect' | 'connector'>;

export function loadRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  app.post('/v1/tables/:table/load', (c) => startLoad(c, deps));
}

/** Query parameters → loader options; shards first, so an over-cap request is refused before anything. */
export function parseLoadParams(query: Query<LoadParam>, maxShards: number): LoadParams {
  const shards = connectionCount(query, 'shards', maxShards);
  const params: LoadParams = {
    format: oneOf(query, 'format', ['csv', 'tsv', 'ndjson'] as const) ?? 'csv',
    shards: shards ?? (maxShards >= LOADER_AUTO_SHARDS ? 'auto' : maxShards),
  };
  const header = bool(query, 'header');
  if (header !== undefined) params.header = header;
  const delimiter = singleChar(query, 'delimiter');
  if (delimiter !== undefined) params.delimiter = delimiter;
  const nullText = query('null');
  if (nullText !== undefined) params.null = nullText;
  const columns = nameList(query, 'columns');
  if (columns !== undefined) params.columns = columns;
  const mode = oneOf(query, 'mode', ['atomic', 'batches'] as const);
  if (mode !== undefined) params.mode = mode;
  const commit = oneOf(query, 'commit', COMMIT_CHOICES);
  if (commit !== undefined) params.commit = commit;
  const conflict = oneOf(query, 'conflict', ['error', 'skip', 'update'] as const);
  if (conflict !== undefined) params.conflict = conflict;
  const key = nameList(query, 'key');
  if (key !== undefined) params.key = key;
  const replace = bool(query, 'replace');
  if (replace !== undefined) params.replace = replace;
  const onError = oneOf(query, 'onError', ['abort', 'reject'] as const);
  if (onError !== undefined) params.onError = onError;
  const loadId = query('loadId');
  if (loadId !== undefined && loadId !== '') params.loadId = loadId;
  const createTable = bool(query, 'createTable');
  if (createTable !== undefined) params.createTable = createTable;
  const batchRows = positiveInt(query, 'batchRows');
  if (batchRows !== undefined) params.batchRows = batchRows;
  const maxRejects = wholeNumber(query, 'maxRejects');
  if (maxRejects !== undefined) params.maxRejects = maxRejects;
  return params;
}

async function startLoad(c: Context<AppEnv>, deps: RouteDeps): Promise<Response> {
  const { config, runtime } = deps;
  const params = parseLoadParams((name) => c.req.query(name), config.maxShards);
  const body = c.req.raw.body;
  if (!body) throw new HttpError(400, 'the request body is empty; send the file as the body');
  // A Content-Encoding body may be decoded on the way in (its length then differs from the header's).
  const exact = c.req.header('content-encoding') ? undefined : declaredLength(c);
  const source = limitBody(body, declaredLength(c), config.maxBodyBytes, exact);
  const deadline = c.get('deadline');

  // Events wait here for the client to read them. Progress replaces the progress not yet read, and a
  // reject waits while the queue is full, which holds the load back: a slow reader costs no memory.
  const events: LoadEvent[] = [];
  let wake: (() => void) | undefined;
  let drained: (() => void) | undefined;
  const push = (event: LoadEvent) => {
    if (event.type === 'progress' && events.at(-1)?.type === 'progress') events[events.length - 1] = event;
    else events.push(event);
    wake?.();
  };
  // Nobody reads the events of an aborted request: a reject waiting for room must not wait forever.
  deadline.signal.addEventListener('abort', () => drained?.(), { once: true });
  const pushReject = async (row: RejectedRow) => {
    push({ type: 'reject', ...row });
    while (events.length >= MAX_QUEUED_EVENTS && !deadline.signal.aborted) {
      await new Promise<void>((resolve) => {
        drained = resolve;
      });
    }
  };
  let started!: () => void;
  const startedOnce = new Promise<void>((resolve) => {
    started = resolve;
  });

  const loading = load({
    ...params,
    url: config.databaseUrl,
    connect: runtime.connect,
    table: c.req.param('table') ?? '',
    source,
    maxInputBytes: config.maxInputBytes ?? config.maxBodyBytes,
    ...(config.maxRowBytes !== undefined ? { maxRowBytes: config.maxRowBytes } : {}),
    ...(config.stallTimeoutMs !== undefined ? { stallTimeout: config.stallTimeoutMs } : {}),
    signal: deadline.signal,
    progressInterval: PROGRESS_INTERVAL_MS,
    onProgress: (progress) => {
      started();
      push({ type: 'progress', ...progress });
    },
    onReject: pushReject,
  });
  const finished = loading.then(
    (report) => push({ type: 'report', ...report }),
    (error: unknown) =>
      push({
        type: 'error',
        status: httpStatus(deadline.signal.reason ?? error),
        error: errorBodyFor(error, deadline.signal),
      }),
  );
  deadline.holdUntil(finished);

  let timer: ReturnType<typeof setTimeout> | undefined;
  const early = await Promise.race([
    startedOnce.then(() => ({ failed: false as const })),
    loading.then(
      () => ({ failed: false as const }),
      (error: unknown) => ({ failed: true as const, error }),
    ),
    new Promise<{ failed: false }>((resolve) => {
      timer = setTimeout(() => resolve({ failed: false }), SETUP_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
  // A setup error (no such table, unknown columns, a bad option) before any progress gets a plain 400;
  // anything else, bad rows included, is reported in the stream like a later failure would be.
  if (early.failed && early.error instanceof LoadConfigError) return errorResponse(c, early.error);

  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (events.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      const batch = events.splice(0, events.length);
      drained?.();
      drained = undefined;
      controller.enqueue(encoder.encode(batch.map((e) => `${stringifyJson(e)}\n`).join('')));
      if (batch.some((e) => e.type === 'report' || e.type === 'error')) controller.close();
    },
    cancel() {
      // The client stopped reading the events: treat it like a disconnect.
      deadline.abort(new HttpError(400, 'the client stopped reading the response'));
    },
  });
  return new Response(stream, {
    status: 200,
    headers: {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-store',
      // A failed load stops reading the upload (on Node that drops the socket under the finished
      // response): the client must not reuse this connection. One handshake per load costs nothing.
      connection: 'close',
    },
  });
}

/** The load's error, unless the deadline (or a disconnect) caused it: then its reason says more. */
function errorBodyFor(error: unknown, signal: AbortSignal): ErrorBody {
  const body = errorBody(error);
  if (signal.aborted && signal.reason instanceof HttpError && !body.message.includes(signal.reason.message)) {
    return { ...body, message: `${signal.reason.message}; ${body.message}` };
  }
  return body;
}

function declaredLength(c: Context): number | undefined {
  const raw = c.req.header('content-length');
  if (raw === undefined || c.req.header('transfer-encoding')) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * hono/body-limit buffers a body without Content-Length to count it, which a multi-GB upload cannot
 * afford; this counts bytes as they pass instead, and fails the stream (so the load rolls back) once
 * the cap is crossed. The cap applies to the bytes as sent (gzip stays compressed here).
 *
 * `exactBytes` (the Content-Length) also fails a body that ends short: a proxy in front of the app may
 * turn a client's broken-off upload into a clean end of stream (wrangler dev does), and committing
 * the rows received so far would silently load a truncated file.
 */
export function limitBody(
  body: ReadableStream<Uint8Array>,
  declared: number | undefined,
  maxBytes: number,
  exactBytes?: number,
): ReadableStream<Uint8Array> {
  const tooLarge = () =>
    new HttpError(413, `the request body is larger than the ${maxBytes}-byte limit (HAUL_MAX_BODY_BYTES)`);
  if (declared !== undefined && declared > maxBytes) throw tooLarge();
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
      flush(controller) {
        if (exactBytes !== undefined && seen < exactBytes) {
          controller.error(
            new HttpError(
              400,
              `the request body ended after ${seen} of the ${exactBytes} bytes its Content-Length declared: ` +
                'the upload was cut off, so nothing is loaded',
            ),
          );
        }
      },
    }),
  );
}
