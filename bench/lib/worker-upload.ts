/**
 * One load through the worker: the CSV file streamed from disk as the body of
 * `POST /v1/tables/:table/load` (64 KiB reads piped into the request with backpressure, as
 * `curl --data-binary @file` would send it, Content-Length included), the NDJSON answer read to its
 * last line. The benchmark process never holds more than a few chunks of the file.
 */
import { createReadStream } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';

export interface UploadRequest {
  /** The worker's base URL, `http://127.0.0.1:PORT`. */
  baseUrl: string;
  token: string;
  table: string;
  path: string;
  bytes: number;
  shards: number;
}

export interface UploadOutcome {
  ms: number;
  /** The `report` event's row count; the load committed. */
  rows: number;
  /** Progress events seen: more than zero shows the answer really streamed. */
  progressEvents: number;
}

interface LoadEvent {
  type: string;
  rows?: number;
  committed?: boolean;
  error?: { message?: string };
}

/** POSTs the file; resolves when the last event arrived, rejects on any failure or a missing report. */
export async function uploadFile(request: UploadRequest): Promise<UploadOutcome> {
  const query = new URLSearchParams({ format: 'csv', header: 'true', shards: String(request.shards) });
  // As the CLI's shardArgs: several shards on the bench's server (no prepared transactions) only
  // through the barrier, asked for; auto would load with one.
  if (request.shards > 1) query.set('commit', 'barrier');
  const url = new URL(`/v1/tables/${request.table}/load?${query}`, request.baseUrl);
  const started = performance.now();
  const req = http.request(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${request.token}`,
      'content-type': 'text/csv',
      'content-length': String(request.bytes),
    },
  });
  const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  // The server may answer (400, 401) before the body is sent; the answer then says why.
  const sent = pipeline(createReadStream(request.path, { highWaterMark: 64 * 1024 }), req).catch(
    (error: unknown) => error,
  );
  const response = await answered;
  response.setEncoding('utf8');
  let text = '';
  for await (const chunk of response) text += chunk as string;
  const ms = performance.now() - started;
  const sendError = await sent;

  if (response.statusCode !== 200)
    throw new Error(`load answered ${response.statusCode}: ${text.slice(0, 300)}`);
  const events = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LoadEvent);
  const last = events.at(-1);
  if (last?.type === 'error') throw new Error(`load failed: ${last.error?.message ?? text.slice(-300)}`);
  if (last?.type !== 'report' || last.committed !== true)
    throw new Error(`no committed report at the end of the answer: ${text.slice(-300)}`);
  if (sendError instanceof Error) throw new Error(`sending the body failed: ${sendError.message}`);
  return {
    ms,
    rows: Number(last.rows),
    progressEvents: events.filter((event) => event.type === 'progress').length,
  };
}
