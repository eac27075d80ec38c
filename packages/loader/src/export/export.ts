/**
 * `exportRows`: a table or query out of PostgreSQL as one byte stream, read by several connections at
 * once, each copying one key range of the rows (see partitions.ts).
 *
 * - csv: the server's CSV, with one header line of ours in front (header: false to leave it out).
 * - ndjson: one JSON object per line, the server's row_to_json of each row.
 * - binary: one PGCOPY stream (header, every partition's tuples, trailer), readable by
 *   `COPY … FROM STDIN (FORMAT binary)` or BinaryCopyDecoder.
 *
 * Row order: ranges are copied in parallel and their rows interleaved, a run of whole rows at a time,
 * as each partition delivers; the order of rows across partitions (and, as with any SELECT without
 * ORDER BY, within one) is not preserved.
 *
 * With `consistent` (the default) every partition reads the planning connection's snapshot, so the
 * export is one point-in-time view even while others write.
 *
 * The stream pulls: a partition that gets ahead of the reader waits, and its COPY stops the server
 * through TCP. Cancelling the stream or aborting `signal` stops every COPY, rolls back and closes every
 * connection; a signal abort errors the stream with the signal's reason, a partition's failure with
 * that error. Either way, the error arrives once all connections are closed, and so does the end of a
 * successful export. Option mistakes throw LoadConfigError at once; a missing table or key column
 * errors the stream with one.
 */
import type { ExportOptions } from '../api.ts';
import { resolveExportOptions } from './export-options.ts';
import { ExportRun } from './export-run.ts';

export function exportRows(options: ExportOptions): ReadableStream<Uint8Array> {
  const run = new ExportRun(resolveExportOptions(options));
  return new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        const next = await run.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      cancel: (reason) => run.cancel(reason),
    },
    // Nothing is read ahead of the consumer: the partitions' own buffers are enough.
    { highWaterMark: 0 },
  );
}
