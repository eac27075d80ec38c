/**
 * An offline load is the loader's own `load()`: the file through its parsers and chunk encoder to its
 * coordinator, whose one shard is a protocol Connection onto PGlite (session.ts). The report, the
 * rejected rows and a bad row's error are the ones a load through the worker gives, mapped by the
 * worker's own error body.
 *
 * One session: shards must be 1, and the load holds PGlite until it ends. PGlite runs each COPY in one
 * call on the page's thread, so the page pauses while it runs; progress and a cancel are seen between
 * statements.
 */
import { LoadConfigError, type LoadOptions, load } from '@haul/loader';
import { errorBody, errorStatus } from '@haul/worker/contract';
import { EngineError, type LoadEvent, type LoadOutcome, type LoadRequest } from '../contract.ts';
import { abortError } from './errors.ts';
import type { PGliteSessions } from './session.ts';

/** As often as the worker streams progress. */
const PROGRESS_INTERVAL_MS = 200;

export async function runLoad(
  sessions: PGliteSessions,
  table: string,
  file: Blob,
  request: LoadRequest,
  onEvent: (event: LoadEvent) => void,
  signal: AbortSignal,
): Promise<LoadOutcome> {
  if (request.shards !== 1) {
    const message = `offline mode loads over its one PGlite session: shards must be 1, not ${request.shards}`;
    throw new EngineError(message, 400, { message });
  }
  if (signal.aborted) throw abortError(signal, 'the load');
  // The page's request is the worker's query, whose names are the loader's options.
  const params: Omit<LoadOptions, 'table' | 'source'> = request;
  return sessions.exclusive(async () => {
    try {
      const report = await load({
        ...params,
        table,
        source: file,
        connector: () => sessions.connect(),
        signal,
        // PGlite cannot stall the way a server across a network can; and a long COPY blocks the
        // thread the watch would run on, so it would only misread that pause.
        stallTimeout: 0,
        progressInterval: PROGRESS_INTERVAL_MS,
        onProgress: (progress) => onEvent({ type: 'progress', ...progress }),
        onReject: (row) => onEvent({ type: 'reject', ...row }),
      });
      return { type: 'report', ...report };
    } catch (error) {
      if (signal.aborted) throw abortError(signal, 'the load');
      // Refused before a row was sent (no such table, unknown columns): a setup error, as the
      // worker answers it (a plain 400 rather than an event).
      if (error instanceof LoadConfigError) throw new EngineError(error.message, 400, errorBody(error));
      return { type: 'error', status: errorStatus(error), error: errorBody(error) };
    }
  });
}
